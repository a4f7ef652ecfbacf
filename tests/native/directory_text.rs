//! The directory read from JSON text user by user (`Tenant::from_json`, what `engine.tenant`
//! runs) answers exactly as the same text parsed into a tree and compiled (`Tenant::new`): the
//! same tenant, or the same errors with the same messages and paths. Both read with the crate's
//! one JSON parser; `jsonparse.rs` holds that parser to serde_json.

use accord::{Engine, Errors, Json, Tenant};
use std::sync::Arc;

const PRESETS: [&str; 4] = ["zendesk-sell", "crm", "slack", "sales-ops"];

/// Directories that reach every branch of the reader: escapes in ids and keys, nested values
/// the compiler keeps (grants, teams, custom attributes) or skips, repeated keys, users that
/// are not objects, a `users` that is not an array.
const DIRECTORIES: [&str; 8] = [
    r#"{"plan":"professional","org":"acme","settings":{"export_for_all":true},"users":[{"id":"u0","role":"admin"},{"id":"u\u00e91","role":"limited","managerId":"u0","grants":{"lead":["L1"]},"teams":["east"]},{"id":"u2","role":"rep","managerId":"u\u00e91","extra":{"deep":[1,[2,{"x":null}]]}},{"id":"u3","role":"full","org":"other"}]}"#,
    r#"{"plan":"standard","users":[{"id":"u0","role":"owner"},{"id":"u1","role":"member"},{"\u0069d":"u2","role":"member"},{"id":"u3","role":"member","id":"u4"}]}"#,
    r#"{"plan":"business_plus","org":"acme","users":[{"id":"u0","role":"primary_owner"},{"id":"u1","role":"admin","systemRoles":["sales_admin"],"crmAdmin":true},{"id":"u2","role":"member","org":"partner"},{"id":"u3","role":"guest"}]}"#,
    r#"{"plan":"standard","users":[{"id":"u0","role":"sales_ops"},{"id":"u1","role":"sales_ops","outOfOffice":true},{"id":"u2","role":"member"},{"id":"u3","role":"sales_ops"}]}"#,
    r#"{"plan":"standard","users":[1,"u1",null,[{"id":"u2"}],{"id":"u3","role":"member"}]}"#,
    r#"{"plan":"standard","users":{"id":"u0"},"users":[{"id":"u1","role":"member"}]}"#,
    r#"[{"plan":"standard"}]"#,
    " {\n  \"plan\" : \"team\" ,\n  \"users\" : [ { \"id\" : \"a\\\"b\" , \"role\" : \"admin\" } ] ,\n  \"note\" : [ ]\n} ",
];

fn engine(name: &str) -> Arc<Engine> {
    Arc::new(Engine::from_json(accord::presets::json(name).expect("a preset")).expect("compiles"))
}

/// What a reader made of a directory, in a form two readers can be compared on.
fn outcome(result: Result<Tenant, Errors>) -> String {
    match result {
        Ok(t) => {
            let ids: Vec<&str> = (0..t.user_count() as u32)
                .filter_map(|i| t.user_id(i))
                .collect();
            format!("tenant plan={} org={:?} users={ids:?}", t.plan(), t.org())
        }
        Err(errors) => format!("{:?}", errors.iter().collect::<Vec<_>>()),
    }
}

fn tree(engine: &Arc<Engine>, text: &str) -> Result<Tenant, Errors> {
    let doc = Json::parse(text)?;
    Tenant::new(Arc::clone(engine), &doc)
}

fn same(engine: &Arc<Engine>, text: &str) {
    let streamed = outcome(Tenant::from_json(Arc::clone(engine), text));
    let parsed = outcome(tree(engine, text));
    assert_eq!(streamed, parsed, "directory {text:?}");
}

/// A small deterministic generator: the mutations are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
}

#[test]
fn directory_text_reads_as_its_tree_every_preset() {
    for name in PRESETS {
        let e = engine(name);
        for d in DIRECTORIES {
            same(&e, d);
        }
    }
}

#[test]
fn directory_text_reads_as_its_tree_every_prefix() {
    let e = engine("zendesk-sell");
    for d in DIRECTORIES {
        for end in (0..=d.len()).filter(|&i| d.is_char_boundary(i)) {
            same(&e, &d[..end]);
        }
    }
}

#[test]
fn directory_text_reads_as_its_tree_mutated() {
    const BYTES: &[u8] = b"{}[]:,\"\\ 0-1.enultf\n";
    let mut rng = Lcg(7);
    for name in PRESETS {
        let e = engine(name);
        for d in DIRECTORIES {
            for _ in 0..300 {
                let mut bytes = d.as_bytes().to_vec();
                for _ in 0..1 + rng.next(3) {
                    let at = rng.next(bytes.len());
                    let b = BYTES[rng.next(BYTES.len())];
                    match rng.next(3) {
                        0 => bytes[at] = b,
                        1 => bytes.insert(at, b),
                        _ => {
                            bytes.remove(at);
                        }
                    }
                }
                if let Ok(text) = String::from_utf8(bytes) {
                    same(&e, &text);
                }
            }
        }
    }
}

#[test]
fn directory_text_reads_as_its_tree_deeply_nested() {
    let e = engine("crm");
    for depth in [60usize, 63, 64, 65, 126, 127, 128, 129] {
        let nested = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        same(
            &e,
            &format!(r#"{{"plan":"standard","x":{nested},"users":[]}}"#),
        );
        same(
            &e,
            &format!(
                r#"{{"plan":"standard","users":[{{"id":"u0","role":"owner","x":{nested}}}]}}"#
            ),
        );
        same(
            &e,
            &format!(
                r#"{{"plan":"standard","users":[{{"id":"u0","role":"owner","teams":{nested}}}]}}"#
            ),
        );
    }
}
