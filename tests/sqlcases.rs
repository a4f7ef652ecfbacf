//! Writes the cases of the SQL differential (issue 13): random policies, directories and
//! records from the differential generators (`differential/gen.rs`), with hostile strings
//! swapped in, each world's questions with their SQL in both dialects and the engine's own
//! answers (`filter()`, checked against per-record `can()`, and `total()`).
//! `tests/sql/run.mjs` loads the records into PostgreSQL, SQLite and D1, runs the SQL and
//! compares. The engine is native Rust here, the same code the wasm package runs; run.mjs
//! also asks the package for a sample of the SQL and checks it is the same text.
//!
//! `SQL_CASES=path SQL_WORLDS=n SQL_SEED=s cargo test --test sqlcases -- --ignored --nocapture`
//! (what `tests/sql/run.sh` does). Records must fit the tables: a column holds one JSON type,
//! so in each world every field gets one type (mostly the commonest one among its values, now
//! and then another) and values of other types are dropped from the records (the semantics
//! tests in `tests/sql/semantics.mjs` cover mixed types on their own).

// Native only: it writes files and reads the clock (wasm-pack builds every test target).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code)]
#[path = "differential/gen.rs"]
mod gen;
#[allow(dead_code)]
#[path = "differential/reference.rs"]
mod reference;

use accord::sql::{ColType, Column, Dialect, Options};
use accord::{Engine, Json, Tenant};
use gen::Src;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::sync::Arc;

/// The record fields the generators write (besides `type`, `orgs`, `amount`), and their
/// column base names.
const FIELDS: [(&str, &str); 9] = [
    ("id", "id"),
    ("ownerId", "owner_id"),
    ("creatorId", "creator_id"),
    ("assigneeId", "assignee_id"),
    ("teamId", "team_id"),
    ("state", "state"),
    ("region", "region"),
    ("level", "level"),
    ("flag", "flag"),
];

/// Hostile stand-ins for the generators' strings: `LIKE` wildcards, quotes, backslashes,
/// case and accent variants (NFC and NFD of one letter), emoji, names special to JavaScript
/// objects. Pairs that only a sloppy comparison would confuse are both present.
const HOSTILE: [(&str, &str); 17] = [
    ("u1", "u_1"),
    ("u2", "u%2"),
    ("u3", "O'Brien \"3\""),
    ("u4", "\u{fc}4"),
    ("u5", "u\u{308}4"),
    ("u6", "Ab"),
    ("u7", "aB"),
    ("u8", "\u{1f600}8"),
    ("u9", "__proto__"),
    ("u10", "back\\slash"),
    ("u11", "a b"),
    ("u12", "\u{65e5}\u{672c}"),
    ("east", "East_%"),
    ("west", "east_%"),
    ("north", "n\u{f6}rth"),
    ("eu", "EU"),
    ("us", "\u{f9}s"),
];

/// Near misses put into records now and then: each equals a hostile string under `LIKE`,
/// case folding or Unicode normalisation, never exactly.
const DECOYS: [&str; 10] = [
    "uX1",
    "U_1",
    "u%2 and more",
    "o'brien \"3\"",
    "u\u{308}4 ",
    "AB",
    "ab",
    "EAST_%",
    "eastX%",
    "__PROTO__",
];

/// Group names for `total`'s `groupBy` (a `stage` on every record).
const STAGES: [&str; 10] = [
    "__proto__",
    "constructor",
    "toString",
    "",
    "null",
    "\u{e9}",
    "e\u{301}",
    "Stage",
    "stage",
    "100%_done",
];

/// A small deterministic generator of choice streams.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u32 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 32) as u32
    }

    fn stream(&mut self, n: usize) -> Vec<u32> {
        (0..n).map(|_| self.next()).collect()
    }
}

/// `v` with every string value (not key) in `HOSTILE` replaced.
fn hostile(v: &Value) -> Value {
    match v {
        Value::String(s) => match HOSTILE.iter().find(|(from, _)| from == s) {
            Some((_, to)) => json!(to),
            None => v.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(hostile).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), hostile(v))).collect()),
        _ => v.clone(),
    }
}

fn parse(v: &Value) -> Json {
    Json::parse(&v.to_string()).expect("generated JSON parses")
}

fn kind(v: &Value) -> Option<ColType> {
    match v {
        Value::String(_) => Some(ColType::Text),
        Value::Number(_) => Some(ColType::Number),
        Value::Bool(_) => Some(ColType::Boolean),
        _ => None,
    }
}

fn suffix(t: ColType) -> &'static str {
    match t {
        ColType::Text => "t",
        ColType::Number => "n",
        ColType::Boolean => "b",
        ColType::List => "l",
    }
}

fn type_name(t: ColType) -> &'static str {
    match t {
        ColType::Text => "text",
        ColType::Number => "number",
        ColType::Boolean => "boolean",
        ColType::List => "list",
    }
}

/// The fields a record's rules read: its own, or its parent's for a child record.
fn target(rec: &Map<String, Value>) -> &Map<String, Value> {
    match rec.get("parent") {
        Some(Value::Object(p)) => p,
        _ => rec,
    }
}

fn target_mut(rec: &mut Map<String, Value>) -> &mut Map<String, Value> {
    if matches!(rec.get("parent"), Some(Value::Object(_))) {
        match rec.get_mut("parent") {
            Some(Value::Object(p)) => p,
            _ => unreachable!(),
        }
    } else {
        rec
    }
}

struct World {
    line: Value,
    questions: usize,
    totals: usize,
}

/// One world: `None` when the generators made a policy or directory the engine refuses.
fn world(n: usize, rng: &mut Rng) -> Option<World> {
    let pc = rng.stream(400);
    let dc = rng.stream(600);
    let qc = rng.stream(4000);
    let mut psrc = Src::new(&pc);
    let policy = hostile(&gen::policy(&mut psrc));
    let doc = parse(&policy);
    let engine = Arc::new(Engine::new(&doc).ok()?);
    let rp = reference::Policy::read(&doc);
    let mut dsrc = Src::new(&dc);
    let directory = hostile(&gen::directory(&mut dsrc, &rp));
    let t = Tenant::new(Arc::clone(&engine), &parse(&directory)).ok()?;
    let users: Vec<String> = directory["users"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(|u| u["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut q = Src::new(&qc);

    // Records: the generators', hostile, with decoys and a stage; then one type per column.
    let mut recs: Vec<Map<String, Value>> = Vec::new();
    for _ in 0..40 {
        let v = hostile(&gen::record(&mut q, &rp, users.len(), None));
        let Value::Object(mut r) = v else { continue };
        let tgt = target_mut(&mut r);
        for f in ["id", "ownerId", "creatorId", "assigneeId", "teamId"] {
            if tgt.contains_key(f) && q.chance(10) {
                tgt.insert(f.into(), json!(q.pick(&DECOYS)));
            }
        }
        // `total` refuses amounts that are not numbers: a database column holds numbers.
        if !matches!(
            r.get("amount"),
            None | Some(Value::Null) | Some(Value::Number(_))
        ) {
            r.remove("amount");
        }
        r.insert("stage".into(), json!(q.pick(&STAGES)));
        recs.push(r);
    }
    let mut types: Vec<(&str, ColType)> = Vec::new();
    for (f, _) in FIELDS {
        let mut counts = [0usize; 3];
        for r in &recs {
            match target(r).get(f).and_then(kind) {
                Some(ColType::Text) => counts[0] += 1,
                Some(ColType::Number) => counts[1] += 1,
                Some(ColType::Boolean) => counts[2] += 1,
                _ => {}
            }
        }
        let all = [ColType::Text, ColType::Number, ColType::Boolean];
        let mut ty = all[(0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0)];
        if q.chance(10) {
            ty = *q.pick(&all);
        }
        types.push((f, ty));
    }
    let mut rows = Vec::new();
    let mut kept: Vec<(usize, Map<String, Value>)> = Vec::new();
    for (i, mut r) in recs.into_iter().enumerate() {
        let tgt = target_mut(&mut r);
        let mut ok = true;
        for &(f, ty) in &types {
            match tgt.get(f) {
                None | Some(Value::Null) => {}
                Some(Value::String(s)) if s.len() > 1024 => ok = false,
                Some(v) if kind(v) == Some(ty) => {}
                Some(_) if f == "id" => ok = false,
                Some(_) => {
                    tgt.remove(f);
                }
            }
        }
        if !matches!(tgt.get("orgs"), None | Some(Value::Array(_))) {
            tgt.remove("orgs");
        }
        // A row is a record with an id (without one, a record asks about its type).
        if !ok || matches!(tgt.get("id"), None | Some(Value::Null)) {
            continue;
        }
        let rec = parse(&Value::Object(r.clone()));
        if t.resolve(&rec, "").is_err() {
            continue;
        }
        let mut row = Map::new();
        row.insert("rid".into(), json!(i));
        row.insert("type".into(), r["type"].clone());
        row.insert(
            "amount".into(),
            r.get("amount").cloned().unwrap_or(Value::Null),
        );
        row.insert("stage".into(), r["stage"].clone());
        let child = matches!(r.get("parent"), Some(Value::Object(_)));
        let prefix = if child { "p_" } else { "" };
        if child {
            row.insert("p_type".into(), target(&r)["type"].clone());
        }
        let tgt = target(&r);
        for (&(f, ty), (_, col)) in types.iter().zip(FIELDS.iter()) {
            if let Some(v) = tgt.get(f).filter(|v| !v.is_null()) {
                row.insert(format!("{prefix}{col}_{}", suffix(ty)), v.clone());
            }
        }
        if let Some(Value::Array(orgs)) = tgt.get("orgs") {
            let strings: Vec<&Value> = orgs.iter().filter(|o| o.is_string()).collect();
            row.insert(format!("{prefix}orgs"), json!(strings));
        }
        rows.push(Value::Object(row));
        kept.push((i, r));
    }

    // The column mapping of this world, for both dialects.
    let mut columns = Vec::new();
    for (&(f, ty), (_, col)) in types.iter().zip(FIELDS.iter()) {
        let c = format!("{col}_{}", suffix(ty));
        columns.push((f.to_owned(), Column { sql: c.clone(), ty }));
        columns.push((
            format!("parent.{f}"),
            Column {
                sql: format!("p_{c}"),
                ty,
            },
        ));
    }
    for (f, c) in [("orgs", "orgs"), ("parent.orgs", "p_orgs")] {
        columns.push((
            f.into(),
            Column {
                sql: c.into(),
                ty: ColType::List,
            },
        ));
    }
    columns.push((
        "parent.type".into(),
        Column {
            sql: "p_type".into(),
            ty: ColType::Text,
        },
    ));
    let pg = Options {
        dialect: Dialect::Postgres,
        param_offset: 2,
        columns: columns.clone(),
    };
    let lite = Options {
        dialect: Dialect::Sqlite,
        param_offset: 0,
        columns,
    };
    let columns_json: Map<String, Value> = pg
        .columns
        .iter()
        .map(|(f, c)| (f.clone(), json!({ "sql": c.sql, "type": type_name(c.ty) })))
        .collect();

    // Every (user, action, type) question, plus an unknown user.
    let mut asked = Vec::new();
    let mut totals = 0;
    let mut who: Vec<String> = users.clone();
    who.push("nobody".into());
    for ty in engine.type_names().map(str::to_owned).collect::<Vec<_>>() {
        let of_type: Vec<&(usize, Map<String, Value>)> = kept
            .iter()
            .filter(|(_, r)| r["type"] == json!(ty))
            .collect();
        let records: Vec<Json> = of_type
            .iter()
            .map(|(_, r)| parse(&Value::Object(r.clone())))
            .collect();
        for action in engine.actions_of(&ty) {
            for u in &who {
                let Ok(sql_pg) = t.sql(u, action, &ty, &pg) else {
                    continue;
                };
                let sql_lite = t.sql(u, action, &ty, &lite).expect("both dialects");
                let allowed = t.filter(u, action, &records).expect("filter");
                for (k, rec) in records.iter().enumerate() {
                    let yes = t.can(u, action, rec).expect("can");
                    assert_eq!(
                        yes,
                        allowed.contains(&k),
                        "filter and can disagree: {u} {action} {rec:?}"
                    );
                }
                let ids: Vec<usize> = allowed.iter().map(|&k| of_type[k].0).collect();
                let plan = t.plan_named(u, action, &ty).expect("plan").to_json(&t);
                let mut question = json!({
                    "user": u, "action": action, "type": ty,
                    "pg": serde_json::from_str::<Value>(&accord::json::write::to_string(&sql_pg)).unwrap(),
                    "sqlite": serde_json::from_str::<Value>(&accord::json::write::to_string(&sql_lite)).unwrap(),
                    "ids": ids,
                    "plan": serde_json::from_str::<Value>(&accord::json::write::to_string(&plan)).unwrap(),
                });
                if action == "view" {
                    if let Ok(tot) = t.total(u, &records, "amount", Some("stage")) {
                        let groups: Vec<Value> = tot
                            .groups
                            .unwrap_or_default()
                            .into_iter()
                            .map(|(k, g)| json!([k, g.total, g.count]))
                            .collect();
                        question["total"] =
                            json!({ "total": tot.total, "count": tot.count, "groups": groups });
                        totals += 1;
                    }
                }
                asked.push(question);
            }
        }
    }
    let questions = asked.len();
    let line = json!({
        "world": n, "policy": policy, "directory": directory, "columns": columns_json,
        "records": kept.iter().map(|(i, r)| json!([i, r])).collect::<Vec<_>>(),
        "rows": rows, "questions": asked,
    });
    Some(World {
        line,
        questions,
        totals,
    })
}

#[test]
#[ignore = "writes the SQL differential's cases; run by tests/sql/run.sh"]
fn write_sql_cases() {
    let out = std::env::var("SQL_CASES").unwrap_or_else(|_| "target/sql/cases.jsonl".into());
    let worlds: usize = std::env::var("SQL_WORLDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    let seed: u64 = std::env::var("SQL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(1)
        });
    let mut rng = Rng(seed);
    if let Some(dir) = std::path::Path::new(&out).parent() {
        std::fs::create_dir_all(dir).expect("output directory");
    }
    let mut file = std::io::BufWriter::new(std::fs::File::create(&out).expect("output file"));
    let (mut made, mut refused, mut questions, mut totals) = (0, 0, 0, 0);
    let mut n = 0;
    while made < worlds {
        n += 1;
        match world(n, &mut rng) {
            Some(w) => {
                made += 1;
                questions += w.questions;
                totals += w.totals;
                writeln!(file, "{}", w.line).expect("write");
            }
            None => refused += 1,
        }
    }
    file.flush().expect("flush");
    println!(
        "sqlcases: seed {seed}: {made} worlds ({refused} refused directories skipped), {questions} questions ({totals} with totals) -> {out}"
    );
}
