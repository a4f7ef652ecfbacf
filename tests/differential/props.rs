//! The property: for random policies, directories and records, the compiled engine and the
//! reference evaluator give the same answer (decision, code, rule, upgrade plan, or the same
//! error code and path) to `can`, `check`, `permitted`, `filter`, `total` and `bulk`.

use crate::gen::{self, Src};
use crate::reference::{self, Failure};
use accord::{Engine, Json, Tenant};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Counts of what the run compared, printed at the end.
#[derive(Default, Debug)]
pub struct Stats {
    pub cases: usize,
    pub questions: usize,
    pub allowed: usize,
    pub tenant_errors: BTreeMap<String, usize>,
    pub codes: BTreeMap<String, usize>,
    /// Deepest reporting line seen in a valid directory (edges from a root).
    pub max_depth: usize,
}

fn err(e: &accord::Error) -> Failure {
    (e.code().to_owned(), e.path().to_owned())
}

fn parse(v: &serde_json::Value) -> Json {
    Json::parse(&v.to_string()).expect("generated JSON parses")
}

/// The three choice streams of one case: policy, directory, questions.
pub type Case = (Vec<u32>, Vec<u32>, Vec<u32>);

pub fn strategy() -> impl Strategy<Value = Case> {
    (
        vec(any::<u32>(), 0..400),
        vec(any::<u32>(), 0..600),
        vec(any::<u32>(), 0..1500),
    )
}

macro_rules! same {
    ($what:expr, $a:expr, $b:expr, $ctx:expr) => {
        if $a != $b {
            return Err(format!(
                "{}: engine {:?} != reference {:?}\n{}",
                $what, $a, $b, $ctx
            ));
        }
    };
}

/// Runs one case; `Err` describes the first disagreement.
pub fn run_case(case: &Case, stats: &mut Stats) -> Result<(), String> {
    let (pc, dc, qc) = case;
    let mut psrc = Src::new(pc);
    // Now and then a preset instead of a random policy.
    let doc = if psrc.chance(8) {
        let name = *psrc.pick(&accord::presets::NAMES);
        Json::parse(accord::presets::json(name).unwrap()).unwrap()
    } else {
        parse(&gen::policy(&mut psrc))
    };
    let engine = match Engine::new(&doc) {
        Ok(e) => Arc::new(e),
        Err(e) => return Err(format!("generated policy refused: {e}\n{doc:?}")),
    };
    let rp = reference::Policy::read(&doc);
    let mut dsrc = Src::new(dc);
    let dir = parse(&gen::directory(&mut dsrc, &rp));
    let ctx = || {
        format!(
            "policy: {}\ndirectory: {}",
            json_text(&doc),
            json_text(&dir)
        )
    };
    let t = Tenant::new(Arc::clone(&engine), &dir).map_err(|e| err(e.first()));
    let rt = reference::Tenant::new(&rp, &dir);
    stats.cases += 1;
    let (t, rt) = match (t, rt) {
        (Ok(t), Ok(rt)) => (t, rt),
        (Err(a), Err(b)) => {
            same!("tenant error", a, b, ctx());
            *stats.tenant_errors.entry(a.0).or_default() += 1;
            return Ok(());
        }
        (a, b) => {
            return Err(format!(
                "tenant: engine {:?} != reference {:?}\n{}",
                a.map(|_| ()),
                b.map(|_| ()),
                ctx()
            ))
        }
    };
    let n_users = rt.users.len();
    let reads_orgs = rp
        .roles
        .iter()
        .flat_map(|r| &r.rules)
        .chain(&rp.rules)
        .any(|r| r.scope == "org");
    stats.max_depth = stats.max_depth.max(rt.depth());
    let mut q = Src::new(qc);
    let user = |q: &mut Src<'_>| -> String {
        if q.chance(5) {
            "nobody".into()
        } else {
            format!("u{}", q.below(n_users.max(1)))
        }
    };
    // What-if plans: the same tenant asked as if on another plan answers as that plan's
    // tenant does (decision, words, reasons), without being rebuilt.
    let what_if = rp.plans.get(q_pick(qc, rp.plans.len())).cloned();
    let on_plan = what_if.as_ref().and_then(|p| {
        let mut d = dir.clone();
        if let Json::Obj(pairs) = &mut d {
            pairs.retain(|(k, _)| k != "plan");
            pairs.push(("plan".to_owned(), Json::Str(p.clone())));
        }
        Tenant::new(Arc::clone(&engine), &d).ok()
    });
    // Single questions.
    for _ in 0..6 {
        let rec_v = gen::record(&mut q, &rp, n_users, None);
        let action = gen::action(&mut q, &rp, &rec_v);
        let rec = parse(&rec_v);
        let u = user(&mut q);
        let ctx = || {
            format!(
                "{}\nuser {u} action {action} record {}",
                ctx(),
                json_text(&rec)
            )
        };
        let a = t.check(&u, &action, &rec).map_err(|e| err(&e));
        let b = rt.check(&u, &action, &rec);
        let a = a.map(|d| {
            let reasons: Vec<String> = d.reasons.iter().map(|r| r.code.to_owned()).collect();
            (d.allowed, d.code.to_owned(), d.rule, d.upgrade_to, reasons)
        });
        let b = b.map(|v| (v.allowed, v.code, v.rule, v.upgrade_to, v.reasons));
        same!("check", a, b, ctx());
        let can = t.can(&u, &action, &rec).map_err(|e| err(&e));
        if let (Ok(yes), false) = (&can, reads_orgs) {
            let coded = via_codes(&t, &rp, &u, &action, &rec);
            same!(
                "can through the columnar encoding",
                coded,
                Some(*yes),
                ctx()
            );
            stats.questions += 1;
            if let Some((allowed, words)) = crate::fuzz_checks::via_uniform(&t, &u, &action, &rec) {
                same!("can through the uniform path", allowed, *yes, ctx());
                if let Ok(d) = &a {
                    let whole = (
                        d.1.clone(),
                        t.check(&u, &action, &rec).map(|d| d.message).ok(),
                    );
                    same!("refusal through the uniform path", &words, &whole, ctx());
                }
                stats.questions += 1;
            }
        }
        same!("can", can, rt.can(&u, &action, &rec), ctx());
        stats.questions += 2;
        if q.chance(40) {
            // who: exactly the users for whom the reference's `can` is true.
            let a = t.who(&action, &rec).map_err(|e| err(&e));
            let mut b: Result<Vec<String>, Failure> = Ok(Vec::new());
            for user in &rt.users {
                match (rt.can(&user.id, &action, &rec), b.as_mut()) {
                    (Ok(true), Ok(list)) => list.push(user.id.clone()),
                    (Err(e), Ok(_)) => b = Err(e),
                    _ => {}
                }
            }
            if let Ok(list) = b.as_mut() {
                list.sort_by(|x, y| x.encode_utf16().cmp(y.encode_utf16()));
            }
            same!("who", a, b, ctx());
            stats.questions += 1;
        }
        if let (Ok(yes), Some((rust, json))) = (&can, crate::plans::via_plan(&t, &u, &action, &rec))
        {
            same!("can through the plan", rust, *yes, ctx());
            same!("can through the plan's JSON", json, *yes, ctx());
            stats.questions += 2;
        }
        if let Ok(d) = &a {
            stats.allowed += d.0 as usize;
            *stats.codes.entry(d.1.clone()).or_default() += 1;
        }
        if let (Some(p), Some(tp)) = (&what_if, &on_plan) {
            let a = t.check_on(&u, &action, &rec, Some(p)).map_err(|e| err(&e));
            let b = tp.check(&u, &action, &rec).map_err(|e| err(&e));
            same!("check as if on another plan", a, b, ctx());
            let a = t.permitted_on(&u, &rec, Some(p)).map_err(|e| err(&e));
            let b = tp.permitted(&u, &rec).map_err(|e| err(&e));
            same!("permitted as if on another plan", a, b, ctx());
            stats.questions += 2;
        }
        if q.chance(30) {
            let a = t.permitted(&u, &rec).map_err(|e| err(&e));
            same!("permitted", a, rt.permitted(&u, &rec), ctx());
            stats.questions += 1;
        }
    }
    // Shapes questions, over records mostly of one type.
    for _ in 0..2 {
        let like_v = gen::record(&mut q, &rp, n_users, None);
        let like = if q.chance(70) {
            like_v
                .get("type")
                .and_then(|t| t.as_str())
                .filter(|t| rp.ty(t).is_some())
                .map(str::to_owned)
        } else {
            None
        };
        let n = q.below(12);
        let recs_v: Vec<serde_json::Value> = (0..n)
            .map(|_| gen::record(&mut q, &rp, n_users, like.as_deref()))
            .collect();
        let recs: Vec<Json> = recs_v.iter().map(parse).collect();
        let action = gen::action(&mut q, &rp, recs_v.first().unwrap_or(&like_v));
        let u = user(&mut q);
        let list = serde_json::Value::Array(recs_v.clone());
        let ctx = || format!("{}\nuser {u} action {action} records {list}", ctx());
        let a = t.filter(&u, &action, &recs).map_err(|e| err(&e));
        same!("filter", a, rt.filter(&u, &action, &recs), ctx());
        let group = if q.chance(50) { Some("region") } else { None };
        let a = t
            .total(&u, &recs, "amount", group)
            .map(|x| {
                let groups = x
                    .groups
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, g)| (k, g.total, g.count))
                    .collect::<Vec<_>>();
                (x.total, x.count, groups)
            })
            .map_err(|e| err(&e));
        same!("total", a, rt.total(&u, &recs, "amount", group), ctx());
        let to = match q.below(3) {
            0 => None,
            1 => Some(user(&mut q)),
            _ => Some("u0".to_owned()),
        };
        let a = t
            .bulk(&u, &action, &recs, to.as_deref())
            .map(|b| {
                (
                    b.allowed,
                    b.denied
                        .into_iter()
                        .map(|r| (r.id, r.code.to_owned()))
                        .collect::<Vec<_>>(),
                )
            })
            .map_err(|e| err(&e));
        same!("bulk", a, rt.bulk(&u, &action, &recs, to.as_deref()), ctx());
        stats.questions += 3;
    }
    Ok(())
}

/// A plan index drawn from the question stream's length (any plan, deterministically).
fn q_pick(qc: &[u32], n: usize) -> usize {
    qc.first().map(|&x| x as usize % n.max(1)).unwrap_or(0)
}

/// `can` through the columnar encoding the JavaScript side uses for batches
/// (`Tenant::resource_from_codes`): each field the policy reads as a tag and a number, strings
/// as tenant symbols (-1 when unknown).
fn via_codes(
    t: &Tenant,
    p: &reference::Policy,
    user: &str,
    action: &str,
    rec: &Json,
) -> Option<bool> {
    let name = rec.get("type")?.as_str()?;
    let ty = t.type_index(name, "").ok()?;
    let child = p.ty(name)?.is_child();
    let (facts, parent_ty) = if child {
        let p = rec.get("parent")?;
        (p, t.type_index(p.get("type")?.as_str()?, "").ok()? as i32)
    } else {
        (rec, -1)
    };
    // A question about the type as a whole: no id on the record, nor on a child's parent.
    let no_id = |r: &Json| matches!(r.get("id"), None | Some(Json::Null));
    let type_level = no_id(rec) && no_id(facts);
    let mut tags = Vec::new();
    let mut vals = Vec::new();
    for (_, name) in t.engine().encoded_fields() {
        let (tag, val) = crate::fuzz_checks::encoded(t, facts.get(name));
        tags.push(tag);
        vals.push(val);
    }
    let s = t
        .resource_from_codes(ty as u32, parent_ty, type_level, &tags, &vals, "")
        .ok()?;
    let a = t.action_index(action, &s).ok()?;
    Some(t.allows(t.user_index(user), a, &s))
}

fn json_text(j: &Json) -> String {
    fn go(j: &Json, out: &mut String) {
        match j {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(&b.to_string()),
            Json::Num(n) => out.push_str(&accord::json::text::number_key(*n)),
            Json::Str(s) => out.push_str(&serde_json::Value::String(s.clone()).to_string()),
            Json::Arr(items) => {
                out.push('[');
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    go(x, out);
                }
                out.push(']');
            }
            Json::Obj(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::Value::String(k.clone()).to_string());
                    out.push(':');
                    go(v, out);
                }
                out.push('}');
            }
        }
    }
    let mut s = String::new();
    go(j, &mut s);
    s
}

pub fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000)
}

#[test]
fn engine_agrees_with_reference() {
    let cases = cases();
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 4096,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let stats = Mutex::new(Stats::default());
    let runs = AtomicUsize::new(0);
    let result = runner.run(&strategy(), |case| {
        runs.fetch_add(1, Ordering::Relaxed);
        let mut s = stats.lock().unwrap_or_else(|e| e.into_inner());
        run_case(&case, &mut s).map_err(|e| TestCaseError::fail(format!("{e}\ncase: {case:?}")))
    });
    let s = stats.lock().unwrap_or_else(|e| e.into_inner());
    println!(
        "reference vs engine: {} property cases ({} runs with shrinking), {} questions compared, {} allowed, deepest hierarchy {}; tenant errors {:?}; codes {:?}",
        s.cases,
        runs.load(Ordering::Relaxed),
        s.questions,
        s.allowed,
        s.max_depth,
        s.tenant_errors,
        s.codes
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(
        cases < 10_000 || s.cases >= 10_000,
        "fewer cases than asked: {}",
        s.cases
    );
}

/// Writes generated policies as fuzz seeds: `cargo test --release --test differential --
/// --ignored write_policy_seeds` (the committed `fuzz/corpus/policy` came from here and the
/// presets).
#[test]
#[ignore]
fn write_policy_seeds() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/policy");
    let mut runner = TestRunner::deterministic();
    for i in 0..18 {
        let case = strategy().new_tree(&mut runner).unwrap().current();
        let doc = gen::policy(&mut Src::new(&case.0));
        std::fs::write(dir.join(format!("generated-{i:02}.json")), doc.to_string()).unwrap();
    }
}
