//! Tenant snapshots: a loaded tenant answers every corpus question as the compiled one did,
//! and bytes that are not a whole, consistent snapshot (truncated, bit-flipped, foreign,
//! oversized, crafted with a valid checksum) are refused with an error, never a panic.

use super::corpus::{outcomes, outcomes_through_snapshots};
use accord::snapshot::{reseal, sections_at, FORMAT};
use accord::{Engine, Json, Tenant};
use std::sync::Arc;

fn tenant(preset: &str, directory: &str) -> Tenant {
    let engine =
        Engine::from_json(accord::presets::json(preset).expect("a preset")).expect("compiles");
    Tenant::from_json(Arc::new(engine), directory).expect("a directory")
}

/// A small tenant with managers, teams, grants, an external user and system roles.
fn zendesk() -> Tenant {
    tenant(
        "zendesk-sell",
        r#"{"plan":"professional","org":"acme","settings":{"export_for_all":true},"users":[
            {"id":"u0","role":"admin"},
            {"id":"u1","role":"limited","managerId":"u0","teams":["east"],"grants":{"lead":["L1"]}},
            {"id":"u2","role":"rep","managerId":"u1","teams":["east","west"]},
            {"id":"u3","role":"full","org":"other"}]}"#,
    )
}

fn slack() -> Tenant {
    tenant(
        "slack",
        r#"{"plan":"business_plus","org":"acme","users":[{"id":"u0","role":"primary_owner"},
            {"id":"u1","role":"admin","systemRoles":["sales_admin"]},
            {"id":"u2","role":"member","org":"partner"},{"id":"u3","role":"guest"}]}"#,
    )
}

fn crm() -> Tenant {
    tenant(
        "crm",
        r#"{"plan":"standard","users":[{"id":"u0","role":"owner"},{"id":"u1","role":"member"}]}"#,
    )
}

fn code(r: Result<Tenant, accord::Error>) -> String {
    match r {
        Ok(_) => "loaded".into(),
        Err(e) => e.code().to_owned(),
    }
}

/// Every answer a tenant gives to a fixed set of questions, as text.
fn answers(t: &Tenant) -> String {
    let e = t.engine();
    let mut out = String::new();
    let owners = ["u0", "u1", "u2", "u3", "nobody"];
    for ty in e.type_names().collect::<Vec<_>>() {
        let recs: Vec<Json> = owners
            .iter()
            .enumerate()
            .map(|(i, o)| {
                Json::parse(&format!(
                    r#"{{"type":"{ty}","id":"R{i}","ownerId":"{o}","creatorId":"{o}","teamId":"east","orgs":["acme","partner"],"parent":{{"type":"lead","id":"L1","ownerId":"{o}"}}}}"#
                ))
                .expect("a record")
            })
            .collect();
        for user in owners {
            for action in e.actions_of(ty) {
                for r in &recs {
                    out += &format!(
                        "{:?}\n",
                        t.check(user, action, r).map(|d| (d.code, d.message))
                    );
                }
                out += &format!("{:?}\n", t.filter(user, action, &recs));
                out += &format!(
                    "{:?}\n",
                    t.bulk(user, action, &recs, Some("u1")).map(|b| b.allowed)
                );
            }
            out += &format!("{:?}\n", t.permitted(user, &recs[0]));
        }
    }
    out
}

#[test]
fn snapshot_corpus_answers_are_identical_after_a_round_trip() {
    let compiled = outcomes();
    let loaded = outcomes_through_snapshots();
    assert_eq!(compiled.len(), loaded.len());
    for (c, l) in compiled.iter().zip(loaded) {
        assert_eq!(
            (&c.answer, &c.failure),
            (&l.answer, &l.failure),
            "{} :: {}",
            c.file,
            c.name
        );
    }
    assert!(loaded.iter().all(|o| o.failure.is_none()));
}

#[test]
fn snapshot_every_preset_answers_identically_after_a_round_trip() {
    for t in [zendesk(), slack(), crm()] {
        let loaded = Tenant::load(&t.save()).expect("loads");
        assert_eq!(answers(&t), answers(&loaded));
        assert_eq!(loaded.user_count(), t.user_count());
        assert_eq!(loaded.org(), t.org());
        assert_eq!(loaded.plan(), t.plan());
    }
}

/// A directory read as text grows its id table as users come (no count to size it by): the
/// grown table loads as it is, and finds every user.
#[test]
fn snapshot_of_a_grown_id_table_loads_and_finds_every_user() {
    let mut dir = String::from(r#"{"plan":"standard","users":[{"id":"u0","role":"owner"}"#);
    for i in 1..1000 {
        dir += &format!(r#",{{"id":"u{i}","role":"member"}}"#);
    }
    dir += "]}";
    let t = tenant("crm", &dir);
    let loaded = Tenant::load(&t.save()).expect("loads");
    for i in 0..1000u32 {
        assert_eq!(loaded.user_index(&format!("u{i}")), Some(i));
    }
    assert_eq!(loaded.user_index("u1000"), None);
}

#[test]
fn snapshot_saving_a_loaded_tenant_gives_the_same_bytes() {
    let bytes = zendesk().save();
    let loaded = Tenant::load(&bytes).expect("loads");
    assert_eq!(loaded.save(), bytes);
    // Its tables written out again, not the bytes it keeps: the reader and the writer mirror
    // each other field for field.
    assert_eq!(loaded.write(), bytes);
    let crm = crm().save();
    assert_eq!(Tenant::load(&crm).expect("loads").write(), crm);
}

#[test]
fn snapshot_truncated_at_any_offset_is_invalid() {
    let bytes = crm().save();
    for n in 0..bytes.len() {
        assert_eq!(
            code(Tenant::load(&bytes[..n])),
            "invalid_snapshot",
            "cut at {n}"
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(code(Tenant::load(&longer)), "invalid_snapshot");
}

#[test]
fn snapshot_any_flipped_bit_is_caught() {
    let bytes = crm().save();
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut b = bytes.clone();
            b[i] ^= 1 << bit;
            let got = code(Tenant::load(&b));
            // A flip in the format version is a foreign version; anywhere else, invalid.
            assert!(
                got == "invalid_snapshot" || (got == "snapshot_version" && (8..12).contains(&i)),
                "byte {i} bit {bit}: {got}"
            );
        }
    }
}

/// With the checksum recomputed, only the loader's own checks stand between altered bytes
/// and the engine: whatever they let through must answer without panicking.
#[test]
fn snapshot_altered_bytes_with_a_valid_checksum_never_panic() {
    for t in [zendesk(), slack()] {
        let bytes = t.save();
        let mut loaded = 0;
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 1 << (i % 8);
            reseal(&mut b);
            if let Ok(t) = Tenant::load(&b) {
                loaded += 1;
                if i % 16 == 0 {
                    answers(&t);
                }
            }
        }
        // Names, labels and messages can change a bit and stay a snapshot: some load.
        assert!(loaded > 0);
    }
}

/// Offset of the users' records in the tenant section: plan, settings, org, then the id
/// text, ends and slots (each length-prefixed) and the 16-byte key.
fn users_at(bytes: &[u8]) -> usize {
    let (_, tenant) = sections_at(bytes).expect("sections");
    let mut at = tenant + 1 + 8 + 4;
    let len = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    at += 4 + len(at); // id text
    at += 4 + 4 * len(at); // ends
    at += 4 + 4 * len(at); // slots
    at + 16 + 4 // key, user count
}

fn crafted(edit: impl Fn(&mut Vec<u8>)) -> Result<Tenant, accord::Error> {
    let mut b = zendesk().save();
    edit(&mut b);
    reseal(&mut b);
    Tenant::load(&b)
}

fn assert_refused(r: Result<Tenant, accord::Error>, why: &str) {
    match r {
        Ok(_) => panic!("a crafted snapshot loaded; expected: {why}"),
        Err(e) => {
            assert_eq!(e.code(), "invalid_snapshot");
            assert!(e.message().contains(why), "{}", e.message());
        }
    }
}

#[test]
fn snapshot_crafted_with_a_valid_checksum_but_a_bad_index_is_invalid() {
    // A user's manager: itself (a cycle), and past the last user.
    const USER: usize = 27;
    let manager = |u: usize, m: u32| {
        move |b: &mut Vec<u8>| {
            let at = users_at(b) + u * USER + 8;
            b[at..at + 4].copy_from_slice(&m.to_le_bytes());
        }
    };
    assert_refused(crafted(manager(1, 1)), "inside its manager's");
    assert_refused(crafted(manager(1, 40)), "manager is not a user");
    // A user's role past the policy's roles.
    assert_refused(
        crafted(|b| {
            let at = users_at(b) + 2 * USER + 24;
            b[at..at + 2].copy_from_slice(&999u16.to_le_bytes());
        }),
        "role",
    );
    // A pre-order range past the users.
    assert_refused(
        crafted(|b| {
            let at = users_at(b) + 16;
            b[at..at + 4].copy_from_slice(&7u32.to_le_bytes());
        }),
        "range",
    );
    // The plan index past the policy's plans.
    assert_refused(
        crafted(|b| {
            let (_, t) = sections_at(b).unwrap();
            b[t] = 200;
        }),
        "plan",
    );
    // A count larger than the bytes left (no allocation of it is attempted).
    assert_refused(
        crafted(|b| {
            let (e, _) = sections_at(b).unwrap();
            // The engine's name: an Option tag then, if present, a length.
            let at = e + 1;
            b[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        }),
        "",
    );
}

#[test]
fn snapshot_of_a_foreign_format_names_the_versions() {
    let mut b = crm().save();
    b[8..12].copy_from_slice(&(FORMAT + 1).to_le_bytes());
    let e = Tenant::load(&b).expect_err("refused");
    assert_eq!(e.code(), "snapshot_version");
    assert!(
        e.message().contains(env!("CARGO_PKG_VERSION")),
        "{}",
        e.message()
    );
}

#[test]
fn snapshot_that_is_not_one_is_invalid() {
    for bytes in [&b""[..], b"\0asm\x01\0\0\0", b"{\"plan\":\"standard\"}"] {
        assert_eq!(code(Tenant::load(bytes)), "invalid_snapshot");
    }
    let oversized = vec![0u8; accord::limits::MAX_SNAPSHOT_BYTES + 1];
    let e = Tenant::load(&oversized).expect_err("refused");
    assert_eq!(e.code(), "invalid_snapshot");
    assert!(e.message().contains("limit"), "{}", e.message());
}
