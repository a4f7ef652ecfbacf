//! The shared corpus (`tests/corpus/*.json`, format in `tests/corpus/README.md`) run against
//! the native API: every case once, with its outcome and the sides (allowed, denied) it proves.

use accord::{Engine, Json, Tenant};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// One case of the corpus, after it ran.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub file: String,
    pub name: String,
    pub seeds: Vec<String>,
    /// The case expects an allowed answer (README: "allowed-side").
    pub allowed_side: bool,
    /// The case expects a denial (README: "denied-side").
    pub denied_side: bool,
    /// Why the case failed, if it did.
    pub failure: Option<String>,
    /// What the call returned (or the error it gave), as text: the transcript.
    pub answer: String,
}

/// What the runner does to each tenant before asking it: nothing, or a round trip through a
/// snapshot.
pub type Via = fn(Tenant) -> Tenant;

/// Every case of every corpus file, run once per test binary.
pub fn outcomes() -> &'static [Outcome] {
    static ALL: OnceLock<Vec<Outcome>> = OnceLock::new();
    ALL.get_or_init(|| run_all(|t| t))
}

/// Every case asked of `Tenant::load(tenant.save())` instead of the compiled tenant.
pub fn outcomes_through_snapshots() -> &'static [Outcome] {
    static ALL: OnceLock<Vec<Outcome>> = OnceLock::new();
    ALL.get_or_init(|| {
        run_all(|t| {
            Tenant::load(&t.save()).unwrap_or_else(|e| panic!("a saved tenant does not load: {e}"))
        })
    })
}

/// The corpus directory.
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("corpus")
}

fn run_all(via: Via) -> Vec<Outcome> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/corpus is readable")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().map(|x| x == "json").unwrap_or(false))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus files in {}", dir().display());
    let mut out = Vec::new();
    for path in files {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path).expect("a readable corpus file");
        let doc = Json::parse(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        run_file(&file, &doc, via, &mut out);
    }
    out
}

/// Field `key` of an object, or a panic naming where.
pub fn field<'a>(v: &'a Json, key: &str, at: &str) -> &'a Json {
    v.get(key)
        .unwrap_or_else(|| panic!("{at}: the field `{key}` is missing"))
}

fn text<'a>(v: &'a Json, key: &str, at: &str) -> &'a str {
    field(v, key, at)
        .as_str()
        .unwrap_or_else(|| panic!("{at}: `{key}` must be a string"))
}

fn list<'a>(v: &'a Json, at: &str) -> &'a [Json] {
    match v {
        Json::Arr(items) => items,
        _ => panic!("{at}: expected a list"),
    }
}

/// A file's policy: a preset by name, or inline.
fn engine_of(file: &str, doc: &Json) -> Result<Arc<Engine>, String> {
    let engine = match (doc.get("preset"), doc.get("policy")) {
        (Some(Json::Str(name)), None) => {
            let text = accord::presets::json(name).ok_or(format!("unknown preset `{name}`"))?;
            Engine::from_json(text)
        }
        (None, Some(policy)) => Engine::new(policy),
        _ => return Err(format!("{file}: give exactly one of `preset` and `policy`")),
    };
    engine
        .map(Arc::new)
        .map_err(|e| format!("the policy does not compile: {e}"))
}

fn run_file(file: &str, doc: &Json, via: Via, out: &mut Vec<Outcome>) {
    let engine = engine_of(file, doc);
    let base = match (&engine, doc.get("directory")) {
        (Ok(e), Some(d)) => Some(
            Tenant::new(Arc::clone(e), d)
                .map(via)
                .map_err(|e| e.to_string()),
        ),
        _ => None,
    };
    let no_records = Json::Obj(Vec::new());
    let sets = doc.get("records").unwrap_or(&no_records);
    for case in list(field(doc, "cases", file), file) {
        let name = text(case, "name", file).to_owned();
        let at = format!("{file}: {name}");
        let seeds = list(field(case, "seeds", &at), &at)
            .iter()
            .map(|s| s.as_str().expect("seed IDs are strings").to_owned())
            .collect();
        let records = case.get("records").map(|r| records_of(r, sets, &at));
        let (allowed_side, denied_side) = sides(case, records.as_deref());
        let mut answer = String::new();
        let failure = match &engine {
            Err(e) => Some(e.clone()),
            Ok(engine) => run_case(
                engine,
                base.as_ref(),
                case,
                records.as_deref(),
                &at,
                via,
                &mut answer,
            )
            .err(),
        };
        out.push(Outcome {
            file: file.to_owned(),
            name,
            seeds,
            allowed_side,
            denied_side,
            failure,
            answer,
        });
    }
}

/// A case's `records`: inline, or the name of a set of the file.
fn records_of(v: &Json, sets: &Json, at: &str) -> Vec<Json> {
    match v {
        Json::Str(name) => list(
            sets.get(name)
                .unwrap_or_else(|| panic!("{at}: no record set `{name}`")),
            at,
        )
        .to_vec(),
        other => list(other, at).to_vec(),
    }
}

fn id_of(rec: &Json) -> Json {
    rec.get("id").cloned().unwrap_or(Json::Null)
}

/// The sides a case proves, by the README's definition.
fn sides(case: &Json, records: Option<&[Json]>) -> (bool, bool) {
    let Some(expect) = case.get("expect") else {
        return (false, false);
    };
    let call = case.get("call").and_then(Json::as_str).unwrap_or("");
    let non_empty = |v: Option<&Json>| matches!(v, Some(Json::Arr(items)) if !items.is_empty());
    match call {
        "can" => (expect == &Json::Bool(true), expect == &Json::Bool(false)),
        "check" => match expect.get("allowed") {
            Some(Json::Bool(b)) => (*b, !*b),
            _ => match expect.get("code").and_then(Json::as_str) {
                Some("allowed") => (true, false),
                Some(_) => (false, true),
                None => (false, false),
            },
        },
        "permitted" => (non_empty(Some(expect)), false),
        "filter" => {
            let kept: &[Json] = match expect {
                Json::Arr(items) => items,
                _ => &[],
            };
            let left_out = records
                .unwrap_or(&[])
                .iter()
                .any(|r| !kept.contains(&id_of(r)));
            (!kept.is_empty(), left_out)
        }
        "bulk" => (
            non_empty(expect.get("allowed")),
            non_empty(expect.get("denied")),
        ),
        _ => (false, false),
    }
}

fn run_case(
    engine: &Arc<Engine>,
    base: Option<&Result<Tenant, String>>,
    case: &Json,
    records: Option<&[Json]>,
    at: &str,
    via: Via,
    answer: &mut String,
) -> Result<(), String> {
    let call = text(case, "call", at);
    if call == "describe" {
        let got = Json::parse(&accord::json::write::to_string(&engine.describe()))
            .map_err(|e| e.to_string())?;
        return compare(call, field(case, "expect", at), &got);
    }
    let own;
    let tenant = match (call, case.get("directory")) {
        ("tenant", Some(d)) => {
            return expect_error(Tenant::new(Arc::clone(engine), d).map(|_| ()), case);
        }
        ("tenant", None) => return Err("a `tenant` case needs a `directory`".into()),
        (_, Some(d)) => {
            own = Tenant::new(Arc::clone(engine), d)
                .map(via)
                .map_err(|e| format!("the case's directory does not compile: {e}"))?;
            &own
        }
        (_, None) => match base {
            Some(Ok(t)) => t,
            Some(Err(e)) => return Err(format!("the file's directory does not compile: {e}")),
            None => return Err("no directory".into()),
        },
    };
    let user = || text(case, "user", at);
    let action = || text(case, "action", at);
    let resource = || field(case, "resource", at);
    let recs = || records.unwrap_or(&[]);
    let plan = case.get("plan").and_then(Json::as_str);
    let got: Result<Json, accord::Error> = match call {
        "can" => tenant.can(user(), action(), resource()).map(Json::Bool),
        "check" => tenant
            .check_on(user(), action(), resource(), plan)
            .map(|d| {
                let mut pairs = vec![
                    ("allowed".to_owned(), Json::Bool(d.allowed)),
                    ("code".to_owned(), Json::Str(d.code.to_owned())),
                    ("message".to_owned(), Json::Str(d.message)),
                    (
                        "rule".to_owned(),
                        d.rule.map(Json::Str).unwrap_or(Json::Null),
                    ),
                ];
                if let Some(up) = d.upgrade_to {
                    pairs.push(("upgradeTo".to_owned(), Json::Str(up)));
                }
                let reasons = d
                    .reasons
                    .into_iter()
                    .map(|r| {
                        Json::Obj(vec![
                            ("code".to_owned(), Json::Str(r.code.to_owned())),
                            ("message".to_owned(), Json::Str(r.message)),
                        ])
                    })
                    .collect();
                pairs.push(("reasons".to_owned(), Json::Arr(reasons)));
                Json::Obj(pairs)
            }),
        "who" => tenant
            .who(action(), resource())
            .map(|list| Json::Arr(list.into_iter().map(Json::Str).collect())),
        "permitted" => tenant
            .permitted_on(user(), resource(), plan)
            .map(|list| Json::Arr(list.into_iter().map(Json::Str).collect())),
        "filter" => tenant.filter(user(), action(), recs()).map(|ix| {
            Json::Arr(
                ix.into_iter()
                    .map(|i| recs().get(i).map(id_of).unwrap_or(Json::Null))
                    .collect(),
            )
        }),
        "total" => {
            let field = text(case, "field", at);
            let group_by = case.get("groupBy").and_then(Json::as_str);
            tenant.total(user(), recs(), field, group_by).map(|t| {
                let mut pairs = vec![
                    ("total".to_owned(), Json::Num(t.total)),
                    ("count".to_owned(), Json::Num(t.count as f64)),
                ];
                if let Some(groups) = t.groups {
                    let g = groups
                        .into_iter()
                        .map(|(k, g)| {
                            let v = Json::Obj(vec![
                                ("total".to_owned(), Json::Num(g.total)),
                                ("count".to_owned(), Json::Num(g.count as f64)),
                            ]);
                            (k, v)
                        })
                        .collect();
                    pairs.push(("groups".to_owned(), Json::Obj(g)));
                }
                Json::Obj(pairs)
            })
        }
        "bulk" => {
            let to = case.get("to").and_then(Json::as_str);
            tenant.bulk(user(), action(), recs(), to).map(|b| {
                let denied = b
                    .denied
                    .into_iter()
                    .map(|r| {
                        Json::Obj(vec![
                            ("id".to_owned(), Json::Str(r.id)),
                            ("code".to_owned(), Json::Str(r.code.to_owned())),
                            ("message".to_owned(), Json::Str(r.message)),
                        ])
                    })
                    .collect();
                Json::Obj(vec![
                    (
                        "allowed".to_owned(),
                        Json::Arr(b.allowed.into_iter().map(Json::Str).collect()),
                    ),
                    ("denied".to_owned(), Json::Arr(denied)),
                ])
            })
        }
        other => return Err(format!("unknown call `{other}`")),
    };
    *answer = match &got {
        Ok(v) => show(v),
        Err(e) => e.to_string(),
    };
    if case.get("expectError").is_some() {
        return expect_error(got.map(|_| ()).map_err(accord::Errors::from), case);
    }
    let got = got.map_err(|e| format!("unexpected error: {e}"))?;
    let expect = field(case, "expect", at);
    compare(call, expect, &got)
}

fn expect_error(got: Result<(), accord::Errors>, case: &Json) -> Result<(), String> {
    let want = case
        .get("expectError")
        .ok_or("this call needs `expectError`")?;
    let errors = match got {
        Ok(()) => return Err("expected an error, the call succeeded".into()),
        Err(e) => e,
    };
    let first = errors.first();
    let code = want.get("code").and_then(Json::as_str);
    let path = want.get("path").and_then(Json::as_str);
    if code != Some(first.code()) || path.map(|p| p != first.path()).unwrap_or(false) {
        return Err(format!(
            "expected error {} at {}, got {}",
            code.unwrap_or("?"),
            path.unwrap_or("(any path)"),
            errors
        ));
    }
    Ok(())
}

fn show(v: &Json) -> String {
    match v {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Num(n) => n.to_string(),
        Json::Str(s) => format!("{s:?}"),
        Json::Arr(items) => format!(
            "[{}]",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        Json::Obj(pairs) => format!(
            "{{{}}}",
            pairs
                .iter()
                .map(|(k, v)| format!("{k}: {}", show(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Deep equality where object key order does not matter.
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Obj(x), Json::Obj(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.iter().any(|(k2, v2)| k == k2 && same(v, v2)))
        }
        (Json::Arr(x), Json::Arr(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        _ => a == b,
    }
}

fn compare(call: &str, expect: &Json, got: &Json) -> Result<(), String> {
    let ok = match call {
        "check" => match expect {
            Json::Obj(pairs) => pairs.iter().all(|(k, v)| match (v, got.get(k)) {
                (Json::Null, None | Some(Json::Null)) => true,
                (v, Some(g)) => same(v, g),
                (_, None) => false,
            }),
            _ => false,
        },
        "bulk" => {
            let allowed = same(
                expect.get("allowed").unwrap_or(&Json::Arr(Vec::new())),
                got.get("allowed").unwrap_or(&Json::Null),
            );
            let empty = Vec::new();
            let want: &[Json] = match expect.get("denied") {
                Some(Json::Arr(items)) => items,
                _ => &empty,
            };
            let have: &[Json] = match got.get("denied") {
                Some(Json::Arr(items)) => items,
                _ => &empty,
            };
            allowed
                && want.len() == have.len()
                && want.iter().zip(have).all(|(w, h)| {
                    ["id", "code", "message"]
                        .iter()
                        .all(|k| w.get(k).map(|v| Some(v) == h.get(k)).unwrap_or(true))
                })
        }
        _ => same(expect, got),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("expected {}, got {}", show(expect), show(got)))
    }
}

/// The corpus as a whole: every case passes. Failing cases are all named at once.
#[test]
fn corpus_every_case_passes_natively() {
    let all = outcomes();
    let failures: Vec<String> = all
        .iter()
        .filter_map(|o| {
            o.failure
                .as_ref()
                .map(|f| format!("  {} :: {}\n      {f}", o.file, o.name))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases fail:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

/// Case names are unique, snake_case, and start with the (first) seed ID they list.
#[test]
fn corpus_case_names_follow_the_convention() {
    let mut seen = std::collections::HashSet::new();
    let mut bad = Vec::new();
    for o in outcomes() {
        if !seen.insert(o.name.clone()) {
            bad.push(format!("{}: `{}` is used twice", o.file, o.name));
        }
        let prefix_ok = o.seeds.iter().any(|s| {
            let p = s.to_lowercase().replace('-', "");
            o.name.starts_with(&format!("{p}_"))
        });
        let snake = o
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !prefix_ok || !snake {
            bad.push(format!(
                "{}: `{}` must be snake_case and start with one of its seed IDs {:?}",
                o.file, o.name, o.seeds
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Inline policies of the corpus are as clean as the presets: no warnings.
#[test]
fn corpus_inline_policies_have_no_warnings() {
    for entry in std::fs::read_dir(dir()).expect("tests/corpus is readable") {
        let path = entry.expect("a directory entry").path();
        if path.extension().map(|x| x != "json").unwrap_or(true) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a readable corpus file");
        let doc = Json::parse(&text).expect("corpus JSON");
        if let Some(policy) = doc.get("policy") {
            let engine = Engine::new(policy).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(engine.warnings(), &[], "{}", path.display());
        }
    }
}
