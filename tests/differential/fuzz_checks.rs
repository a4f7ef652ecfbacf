//! What each fuzz target checks, shared by the libFuzzer targets (`fuzz/fuzz_targets/*.rs`
//! include this file) and by the test that replays the committed corpus and every crash
//! found (`regressions.rs`). Each check takes arbitrary bytes and must return without
//! panicking, looping or allocating without bound; where the engine answers, the answers
//! must agree with each other:
//! - `can` is `check(...).allowed` (or both fail with the same code);
//! - `filter` keeps exactly the records `can` allows, in order;
//! - `bulk` splits the records into allowed and denied, each exactly once, in order;
//! - `total` counts exactly the records `filter(view)` keeps;
//! - `permitted` is sorted, and lists only actions `can` allows;
//! - the uniform path (a prepared question fed only the fields it says it reads, as the
//!   JavaScript side sends them) gives `can`'s answer, and `check`'s code and message once the
//!   marks of its worded refusal are filled in; questions of one class (`Prepared::class`,
//!   which callers use to share kept answers across actions) answer every record alike.

#![allow(dead_code)]

use accord::{Engine, Json, Tenant};
use std::sync::{Arc, OnceLock};

const PRESETS: [&str; 4] = ["zendesk-sell", "crm", "slack", "sales-ops"];

/// Same answer from `can` and `check`, and a consistent `permitted`.
fn one(t: &Tenant, user: &str, action: &str, rec: &Json) {
    let a = t.can(user, action, rec);
    let b = t.check(user, action, rec);
    match (&a, &b) {
        (Ok(x), Ok(d)) => assert_eq!(*x, d.allowed, "can vs check for {user} {action}"),
        (Err(x), Err(y)) => assert_eq!(x.code(), y.code()),
        _ => panic!("can {a:?} vs check {b:?}"),
    }
    if let (Ok(x), Ok(d)) = (&a, &b) {
        if let Some((allowed, words)) = via_uniform(t, user, action, rec) {
            assert_eq!(allowed, *x, "uniform path vs can for {user} {action}");
            let whole = (d.code.to_owned(), Some(d.message.clone()));
            assert_eq!(words, whole, "uniform refusal vs check for {user} {action}");
        }
    }
    if let Ok(list) = t.permitted(user, rec) {
        assert!(
            list.windows(2).all(|w| w[0] < w[1]),
            "permitted is sorted: {list:?}"
        );
        for act in &list {
            assert_eq!(
                t.can(user, act, rec).ok(),
                Some(true),
                "permitted {act} but can is not true"
            );
        }
    }
}

/// One field value in the compact encoding the JavaScript side sends (strings as tenant
/// symbols, -1 when unknown).
pub fn encoded(t: &Tenant, v: Option<&Json>) -> (u8, f64) {
    use accord::tenant::record::code;
    match v {
        None => (code::ABSENT, 0.0),
        Some(Json::Null) => (code::NULL, 0.0),
        Some(Json::Bool(b)) => (code::BOOL, *b as u8 as f64),
        Some(Json::Num(n)) => (code::NUM, *n),
        Some(Json::Str(s)) => {
            let sym = t.sym(s);
            (code::STR, if sym == u32::MAX { -1.0 } else { sym as f64 })
        }
        Some(_) => (code::ABSENT, 0.0),
    }
}

/// One record the way the JavaScript side sends a bulk batch of one non-child type: only the
/// fields its decision and refusal read (`Tenant::bulk_fields`), every other field absent,
/// decided through `Tenant::bulk_columns`. Returns the answer, and the code and message of the
/// refusal worded with marks, the marks then replaced by the record's values.
pub fn via_uniform(
    t: &Tenant,
    user: &str,
    action: &str,
    rec: &Json,
) -> Option<(bool, (String, Option<String>))> {
    let name = rec.get("type")?.as_str()?;
    let ty = t.type_index(name, "").ok()? as u32;
    if matches!(rec.get("id"), None | Some(Json::Null)) {
        return None;
    }
    let u = t.user_index(user)?;
    let fields = t.engine().encoded_fields();
    let s0 = t.resource_from_codes(ty, -1, false, &[], &[], "").ok()?;
    let act = t.action_index(action, &s0).ok()?;
    let mask = t.bulk_fields(u, u32::from(act), ty)?;
    let mut tags = Vec::new();
    let mut vals = Vec::new();
    for (slot, name) in &fields {
        if mask & (1u64 << slot) != 0 {
            let (tag, val) = encoded(t, rec.get(name));
            tags.push(tag);
            vals.push(val);
        }
    }
    let mut out = [0u32];
    let sentences = t
        .bulk_columns(user, u32::from(act), None, ty, &tags, &vals, &mut out)
        .ok()?;
    let allowed = out[0] == 0;
    let refusal = out[0]
        .checked_sub(1)
        .and_then(|k| sentences.get(k as usize));
    let (code, marked) = match refusal {
        Some((code, sentence)) => (code.to_string(), sentence.clone()),
        None if allowed => {
            // An allowed record has no refusal: word the verdict as the check would.
            let mut s = s0.clone();
            t.fill_masked(&mut s, ty as u16, mask, &tags, &vals);
            let v = t.verdict(Some(u), act, &s);
            let ids = accord::answer::explain::Ids {
                user,
                record: Some("\u{FDD0}"),
                parent: Some("\u{FDD1}"),
                field_marks: true,
            };
            let d = t.decision(v, act, &s, ids);
            (d.code.to_owned(), d.message)
        }
        None => return None,
    };
    let mut message = String::new();
    for c in marked.chars() {
        match c as u32 {
            0xFDD0 => message.push_str(&accord::json::text::id_text(rec)?),
            m @ 0xFDD2..=0xFDE1 => {
                let (_, name) = fields.iter().find(|(slot, _)| *slot as u32 == m - 0xFDD2)?;
                // As JavaScript fills the mark: a user's display name, else the text.
                let text = rec.get(name)?.as_str()?;
                let named = t.user_index(text).and_then(|u| t.name_of(u));
                message.push_str(named.unwrap_or(text));
            }
            _ => message.push(c),
        }
    }
    Some((allowed, (code, Some(message))))
}

/// Batch calls agree with per-record questions, each element a record (`can_record`: with or
/// without an id), and `can` asks the same question of a record that has an id.
fn batch(t: &Tenant, user: &str, action: &str, recs: &[Json]) {
    let singles: Vec<Result<bool, &'static str>> = recs
        .iter()
        .map(|r| t.can_record(user, action, r).map_err(|e| e.code()))
        .collect();
    for (r, single) in recs.iter().zip(&singles) {
        if !matches!(r.get("id"), None | Some(Json::Null)) {
            let asked = t.can(user, action, r).map_err(|e| e.code());
            assert_eq!(&asked, single, "can vs can_record on a record with an id");
        }
    }
    match t.filter(user, action, recs) {
        Ok(kept) => {
            let expect: Vec<usize> = singles
                .iter()
                .enumerate()
                .filter(|(_, s)| **s == Ok(true))
                .map(|(i, _)| i)
                .collect();
            assert_eq!(kept, expect, "filter vs can");
        }
        // No record: only an action the policy does not declare is an error.
        Err(e) => assert!(
            singles.iter().any(|s| *s == Err(e.code()))
                || (recs.is_empty() && t.declared_action(action).is_err()),
            "filter failed with {} but no record does alone",
            e.code()
        ),
    }
    if let Ok(b) = t.bulk(user, action, recs, None) {
        let mut all: Vec<usize> = b.allowed_index.clone();
        all.extend(b.denied.iter().map(|d| d.index));
        all.sort_unstable();
        assert_eq!(
            all,
            (0..recs.len()).collect::<Vec<_>>(),
            "bulk covers each record once"
        );
        assert_eq!(b.allowed.len(), b.allowed_index.len());
        for &i in &b.allowed_index {
            assert_eq!(singles[i], Ok(true), "bulk allowed record {i}");
        }
        for d in &b.denied {
            assert_eq!(
                singles[d.index],
                Ok(false),
                "bulk denied record {}",
                d.index
            );
        }
    }
    if let (Ok(tot), Ok(kept)) = (
        t.total(user, recs, "amount", Some("region")),
        t.filter(user, "view", recs),
    ) {
        assert_eq!(
            tot.count as usize,
            kept.len(),
            "total counts the viewable records"
        );
        assert!(tot.total.is_finite());
    }
}

/// The preset engines, compiled once.
fn engine(name: &str) -> Arc<Engine> {
    static E: OnceLock<Vec<Arc<Engine>>> = OnceLock::new();
    let all = E.get_or_init(|| {
        PRESETS
            .iter()
            .map(|p| Arc::new(Engine::from_json(accord::presets::json(p).unwrap()).unwrap()))
            .collect()
    });
    let i = PRESETS.iter().position(|p| *p == name).unwrap_or(0);
    Arc::clone(&all[i])
}

/// Policy parsing and validation on arbitrary input; a policy that compiles is then asked
/// about every (role, type, action) on a small directory.
pub fn policy(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = Json::parse(text) else { return };
    let Ok(e) = Engine::new(&doc) else { return };
    let plans: Vec<String> = e.plans().to_vec();
    let roles: Vec<String> = e.role_names().map(str::to_owned).collect();
    let types: Vec<String> = e.type_names().map(str::to_owned).collect();
    let e = Arc::new(e);
    for plan in plans.iter().take(4) {
        // One user per role (system roles are refused as main roles: that is an error too).
        let users: Vec<String> = roles
            .iter()
            .take(6)
            .enumerate()
            .map(|(i, r)| {
                let manager = if i > 0 { r#","managerId":"u0""# } else { "" };
                format!(
                    r#"{{"id":"u{i}","role":{},"org":"o{}","teams":["t"],"x":1{manager}}}"#,
                    Json::Str(r.clone()).to_text(),
                    i % 2
                )
            })
            .collect();
        let dir = format!(
            r#"{{"plan":{},"org":"o0","users":[{}]}}"#,
            Json::Str(plan.clone()).to_text(),
            users.join(",")
        );
        let Ok(t) = Tenant::from_json(Arc::clone(&e), &dir) else {
            continue;
        };
        for ty in types.iter().take(8) {
            let tyj = Json::Str(ty.clone()).to_text();
            let recs: Vec<Json> = [
                format!(r#"{{"type":{tyj}}}"#),
                format!(r#"{{"type":{tyj},"id":"R1","ownerId":"u1","creatorId":"u0","assigneeId":"u1","teamId":"t","orgs":["o1"],"state":"s","amount":2}}"#),
            ]
            .iter()
            .filter_map(|s| Json::parse(s).ok())
            .collect();
            for action in e.actions_of(ty).into_iter().take(8) {
                for u in 0..users.len().min(6) {
                    for r in &recs {
                        one(&t, &format!("u{u}"), action, r);
                    }
                }
            }
        }
    }
}

/// Directory compilation on arbitrary input (the first byte picks the preset); a directory
/// that compiles is then asked a few questions about each of its first users.
pub fn directory(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = PRESETS[pick as usize % PRESETS.len()];
    let Ok(t) = Tenant::from_json(engine(name), text) else {
        return;
    };
    let e = t.engine();
    let types: Vec<String> = e.type_names().map(str::to_owned).collect();
    // A few questions per input (the directory is what is being fuzzed): 3 types x 4 owners x
    // 3 users x 3 actions.
    let ids: Vec<String> = (0..t.user_count().min(4) as u32)
        .filter_map(|i| t.user_id(i).map(str::to_owned))
        .collect();
    for ty in types.iter().take(3) {
        let tyj = Json::Str(ty.clone()).to_text();
        for owner in &ids {
            let rec = format!(
                r#"{{"type":{tyj},"id":"R1","ownerId":{},"assigneeId":{}}}"#,
                Json::Str(owner.clone()).to_text(),
                Json::Str(owner.clone()).to_text()
            );
            let Ok(rec) = Json::parse(&rec) else { continue };
            for user in ids.iter().take(3) {
                for action in e.actions_of(ty).into_iter().take(3) {
                    one(&t, user, action, &rec);
                }
            }
        }
    }
}

/// A tenant per preset, built once.
fn tenants() -> &'static Vec<Tenant> {
    static T: OnceLock<Vec<Tenant>> = OnceLock::new();
    T.get_or_init(|| {
        let dirs = [
            r#"{"plan":"professional","org":"acme","settings":{"export_for_all":true},"users":[{"id":"u0","role":"admin"},{"id":"u1","role":"limited","managerId":"u0","grants":{"lead":["L1"]}},{"id":"u2","role":"rep","managerId":"u1"},{"id":"u3","role":"full","org":"other"}]}"#,
            r#"{"plan":"standard","users":[{"id":"u0","role":"owner"},{"id":"u1","role":"member"},{"id":"u2","role":"member"},{"id":"u3","role":"member"}]}"#,
            r#"{"plan":"business_plus","org":"acme","users":[{"id":"u0","role":"primary_owner"},{"id":"u1","role":"admin","systemRoles":["sales_admin"],"crmAdmin":true},{"id":"u2","role":"member","org":"partner"},{"id":"u3","role":"guest"}]}"#,
            r#"{"plan":"standard","users":[{"id":"u0","role":"sales_ops"},{"id":"u1","role":"sales_ops","outOfOffice":true},{"id":"u2","role":"member"},{"id":"u3","role":"sales_ops"}]}"#,
        ];
        PRESETS
            .iter()
            .zip(dirs)
            .map(|(p, d)| Tenant::from_json(engine(p), d).unwrap())
            .collect()
    })
}

/// Evaluation on arbitrary records: byte 0 picks the preset, byte 1 the user, byte 2 the
/// action; the rest is a record (one question) or a list of records (one question each, and
/// the batch calls).
pub fn eval(data: &[u8]) {
    let [pick, u, a, rest @ ..] = data else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let Ok(doc) = Json::parse(text) else { return };
    let t = &tenants()[*pick as usize % PRESETS.len()];
    let user = match *u as usize % 6 {
        4 => "nobody".to_owned(),
        5 => String::new(),
        i => format!("u{i}"),
    };
    let e = t.engine();
    let mut actions: Vec<String> = e
        .type_names()
        .flat_map(|ty| e.actions_of(ty))
        .map(str::to_owned)
        .collect();
    actions.sort();
    actions.dedup();
    actions.push("bogus".to_owned());
    let action = &actions[*a as usize % actions.len()];
    match &doc {
        Json::Arr(recs) => {
            for r in recs.iter().take(64) {
                one(t, &user, action, r);
            }
            batch(t, &user, action, recs);
        }
        rec => one(t, &user, action, rec),
    }
}

/// Snapshot loading on hostile bytes. Byte 0 picks how: even, the rest is loaded as it is
/// (the checksum turns almost all of it away); odd, the rest patches a valid snapshot of one
/// preset's tenant (pairs of (offset, xor) bytes, offsets scaled over the snapshot) and the
/// checksum is recomputed, so only the loader's own checks stand between the bytes and the
/// engine. Whatever loads must answer (every check of `eval` holds) without panicking, and
/// save back to the bytes it came from.
pub fn load(data: &[u8]) {
    let [how, rest @ ..] = data else { return };
    let bytes = if how % 2 == 0 {
        rest.to_vec()
    } else {
        let [pick, edits @ ..] = rest else { return };
        let mut b = tenants()[*pick as usize % PRESETS.len()].save();
        let len = b.len();
        for e in edits.chunks_exact(3) {
            let at = (usize::from(e[0]) << 8 | usize::from(e[1])) * len / 65536;
            b[at] ^= e[2];
        }
        accord::snapshot::reseal(&mut b);
        b
    };
    let Ok(t) = Tenant::load(&bytes) else { return };
    // Saved again, the same sections (the header names this build's version, not the writer's).
    let again = t.save();
    let body = |b: &[u8]| accord::snapshot::sections_at(b).map(|(e, _)| b[e..].to_vec());
    assert_eq!(
        body(&again),
        body(&bytes),
        "a loaded snapshot saves to other bytes"
    );
    let e = t.engine();
    let users: Vec<String> = (0..t.user_count().min(3) as u32)
        .filter_map(|i| t.user_id(i).map(str::to_owned))
        .collect();
    for ty in e.type_names().take(3).collect::<Vec<_>>() {
        let recs: Vec<Json> = users
            .iter()
            .map(|u| {
                Json::parse(&format!(
                    r#"{{"type":{ty:?},"id":"R","ownerId":{u:?},"creatorId":{u:?},"teamId":"east","parent":{{"type":"lead","id":"L1","ownerId":{u:?}}}}}"#
                ))
                .unwrap_or(Json::Null)
            })
            .collect();
        for action in e.actions_of(ty).into_iter().take(3) {
            for u in &users {
                for r in &recs {
                    one(&t, u, action, r);
                }
                batch(&t, u, action, &recs);
            }
        }
    }
}

trait ToText {
    fn to_text(&self) -> String;
}

impl ToText for Json {
    /// JSON text of a string value (enough for the strings put into generated documents).
    fn to_text(&self) -> String {
        match self {
            Json::Str(s) => {
                let mut out = String::from("\"");
                for c in s.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                        c => out.push(c),
                    }
                }
                out.push('"');
                out
            }
            _ => "null".to_owned(),
        }
    }
}
