//! Plans against the evaluator: for a question with a known user, the plan (run in Rust, and
//! its JSON run by the small evaluator below, as a JavaScript host or a test would) gives
//! `can`'s answer on every record with an id.

use accord::{Json, Tenant};

/// `can` through the plan of (user, action, the record's type): the Rust plan's answer and
/// the JSON plan's answer; `None` when the question is an error or the record has no id.
pub fn via_plan(t: &Tenant, user: &str, action: &str, rec: &Json) -> Option<(bool, bool)> {
    let s = t.resolve(rec, "").ok()?;
    let a = t.action_index(action, &s).ok()?;
    let own = s.child.unwrap_or(s.facts.ty);
    let plan = t.plan_for(t.user_index(user), a, own).ok()?;
    let in_rust = plan.allows(t, &s);
    let target = if s.child.is_some() {
        rec.get("parent")?
    } else {
        rec
    };
    if matches!(target.get("id"), None | Some(Json::Null)) {
        return None;
    }
    let json = plan.to_json(t);
    Some((in_rust, run_json(&json, rec)))
}

/// Runs a plan's JSON on a record's JSON (see `docs/plans.md`).
pub fn run_json(plan: &Json, rec: &Json) -> bool {
    match plan.get("kind").and_then(Json::as_str) {
        Some("always") => true,
        Some("where") => {
            let sets: Vec<Vec<&str>> = match plan.get("sets") {
                Some(Json::Arr(items)) => items
                    .iter()
                    .map(|s| match s {
                        Json::Arr(v) => v.iter().filter_map(Json::as_str).collect(),
                        _ => Vec::new(),
                    })
                    .collect(),
                _ => Vec::new(),
            };
            plan.get("where").is_some_and(|p| holds(p, rec, &sets))
        }
        _ => false,
    }
}

/// A record field as a plan reads it: `parent.x` from the parent; anything but a string,
/// number or boolean reads as null.
fn field<'a>(rec: &'a Json, name: &str) -> Option<&'a Json> {
    let v = match name.strip_prefix("parent.") {
        Some(rest) => rec.get("parent")?.get(rest)?,
        None => rec.get(name)?,
    };
    match v {
        Json::Str(_) | Json::Num(_) | Json::Bool(_) => Some(v),
        _ => None,
    }
}

fn set_of<'a>(sets: &'a [Vec<&'a str>], at: Option<&Json>) -> &'a [&'a str] {
    match at {
        Some(Json::Num(n)) => sets.get(*n as usize).map(Vec::as_slice).unwrap_or(&[]),
        _ => &[],
    }
}

fn holds(p: &Json, rec: &Json, sets: &[Vec<&str>]) -> bool {
    let Json::Obj(pairs) = p else {
        return matches!(p, Json::Bool(true));
    };
    let Some((op, arg)) = pairs.first() else {
        return false;
    };
    let args = |i: usize| match arg {
        Json::Arr(items) => items.get(i),
        _ => None,
    };
    let name = |i: usize| args(i).and_then(Json::as_str).unwrap_or("");
    match op.as_str() {
        "eq" => match (field(rec, name(0)), args(1)) {
            (Some(Json::Str(a)), Some(Json::Str(b))) => a == b,
            (Some(Json::Num(a)), Some(Json::Num(b))) => a == b,
            (Some(Json::Bool(a)), Some(Json::Bool(b))) => a == b,
            _ => false,
        },
        "null" => field(rec, arg.as_str().unwrap_or("")).is_none(),
        "in" => match field(rec, name(0)) {
            Some(Json::Str(v)) => set_of(sets, args(1)).contains(&v.as_str()),
            _ => false,
        },
        "overlaps" => {
            let list = match name(0).strip_prefix("parent.") {
                Some(rest) => rec.get("parent").and_then(|p| p.get(rest)),
                None => rec.get(name(0)),
            };
            let set = set_of(sets, args(1));
            match list {
                Some(Json::Arr(items)) => items
                    .iter()
                    .filter_map(Json::as_str)
                    .any(|s| set.contains(&s)),
                _ => false,
            }
        }
        "not" => !holds(arg, rec, sets),
        "and" => match arg {
            Json::Arr(items) => items.iter().all(|i| holds(i, rec, sets)),
            _ => false,
        },
        "or" => match arg {
            Json::Arr(items) => items.iter().any(|i| holds(i, rec, sets)),
            _ => false,
        },
        _ => false,
    }
}

/// Writes random cases for the JavaScript handle's property test (`tests/js/handle-cases.mjs`):
/// one JSON line per case with the policy, the directory and questions with the engine's
/// answers (`can`, and `check`'s code and message). Run by `.ci/test hardening`:
/// `ACCORD_HANDLE_CASES=path cargo test --test differential -- --ignored write_handle_cases`.
#[test]
#[ignore]
fn write_handle_cases() {
    use crate::gen::{self, Src};
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;
    use std::io::Write;
    use std::sync::Arc;
    let path =
        std::env::var("ACCORD_HANDLE_CASES").unwrap_or_else(|_| "target/handle-cases.jsonl".into());
    let cases: usize = std::env::var("ACCORD_HANDLE_CASE_COUNT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("cases file"));
    let mut runner = TestRunner::deterministic();
    let mut written = 0;
    let mut questions = 0;
    while written < cases {
        let (pc, dc, qc) = crate::props::strategy()
            .new_tree(&mut runner)
            .expect("case")
            .current();
        let mut psrc = Src::new(&pc);
        let policy = if psrc.chance(8) {
            let name = *psrc.pick(&accord::presets::NAMES);
            serde_json::from_str(accord::presets::json(name).expect("preset")).expect("preset JSON")
        } else {
            gen::policy(&mut psrc)
        };
        let Ok(engine) = accord::Engine::from_json(&policy.to_string()) else {
            continue;
        };
        let rp = crate::reference::Policy::read(&Json::parse(&policy.to_string()).expect("json"));
        let directory = gen::directory(&mut Src::new(&dc), &rp);
        let Ok(t) = Tenant::from_json(Arc::new(engine), &directory.to_string()) else {
            continue;
        };
        let n_users = t.user_count();
        let mut q = Src::new(&qc);
        let mut asked = Vec::new();
        for _ in 0..8 {
            let rec = gen::record(&mut q, &rp, n_users, None);
            let action = gen::action(&mut q, &rp, &rec);
            let user = if q.chance(5) {
                "nobody".to_owned()
            } else {
                format!("u{}", q.below(n_users.max(1)))
            };
            let Ok(json) = Json::parse(&rec.to_string()) else {
                continue;
            };
            let answer = match (t.can(&user, &action, &json), t.check(&user, &action, &json)) {
                (Ok(can), Ok(d)) => {
                    serde_json::json!({ "can": can, "code": d.code, "message": d.message })
                }
                (Err(e), _) | (_, Err(e)) => {
                    serde_json::json!({ "error": e.code(), "path": e.path() })
                }
            };
            // The same record as an element of `filter`'s list: a record, with an id or not.
            let listed = match t.can_record(&user, &action, &json) {
                Ok(can) => serde_json::json!({ "can": can }),
                Err(e) => serde_json::json!({ "error": e.code(), "path": e.path() }),
            };
            asked.push(serde_json::json!({ "user": user, "action": action, "record": rec, "answer": answer, "listed": listed }));
        }
        questions += asked.len();
        let line =
            serde_json::json!({ "policy": policy, "directory": directory, "questions": asked });
        writeln!(out, "{line}").expect("write");
        written += 1;
    }
    println!("handle cases: {written} cases, {questions} questions written to {path}");
}
