//! Inputs that once exposed a disagreement or a crash, re-run on every test run.

use crate::props::{run_case, Stats};

/// Runs one stored property case.
fn replay(case: (&[u32], &[u32], &[u32])) {
    let case = (case.0.to_vec(), case.1.to_vec(), case.2.to_vec());
    if let Err(e) = run_case(&case, &mut Stats::default()) {
        panic!("{e}");
    }
}

#[test]
fn empty_case() {
    replay((&[], &[], &[]));
}

/// Two record fields holding the same string the account does not know.
#[test]
fn eq_between_record_fields() {
    use accord::{Engine, Json, Tenant};
    use std::sync::Arc;
    let policy = r#"{"plans": ["p"], "types": {"t": {"actions": ["view"]}},
        "roles": {"r": {"rules": [{"actions": ["view"], "types": ["t"], "effect": "deny",
            "when": {"eq": [{"record": "a"}, {"record": "b"}]}},
            {"actions": ["view"], "types": ["t"]}]}}}"#;
    // The engine reduces strings the account does not know to one "unknown" symbol (so does
    // the JavaScript columnar path), which equals nothing: such a deny rule never fired on
    // equal unknown strings. The policy is now refused instead.
    let e = Engine::from_json(policy).expect_err("eq between two record fields is refused");
    assert_eq!(e.first().code(), "invalid_condition");
    assert_eq!(e.first().path(), "/roles/r/rules/0/when");
    // Comparing a record field with a literal or a user attribute still works.
    let ok = policy.replace(r#"{"record": "b"}"#, r#""zz""#);
    let t = Tenant::from_json(
        Arc::new(Engine::from_json(&ok).unwrap()),
        r#"{"plan": "p", "users": [{"id": "u", "role": "r"}]}"#,
    )
    .unwrap();
    let rec = Json::parse(r#"{"type": "t", "id": "1", "a": "zz"}"#).unwrap();
    assert!(!t.can("u", "view", &rec).unwrap());
}
