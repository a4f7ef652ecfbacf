use accord::{Engine, Json, Tenant};
use std::sync::Arc;
#[test]
fn presets_validate() {
    for name in accord::presets::NAMES {
        let e = Engine::from_json(accord::presets::json(name).unwrap());
        match e {
            Ok(e) => assert!(e.warnings().is_empty(), "{name}: {:?}", e.warnings()),
            Err(errs) => panic!("{name}: {:?}", errs.iter().collect::<Vec<_>>()),
        }
    }
}
#[test]
fn doc_example() {
    let engine =
        Arc::new(Engine::from_json(accord::presets::json("zendesk-sell").unwrap()).unwrap());
    let acme = Tenant::from_json(engine, r#"{"plan":"professional","users":[{"id":"boss","role":"limited"},{"id":"rep","role":"limited","managerId":"boss"},{"id":"other","role":"limited"}]}"#).unwrap();
    let lead = Json::parse(r#"{"type":"lead","id":"L7","ownerId":"rep"}"#).unwrap();
    assert!(acme.can("boss", "update", &lead).unwrap());
    let no = acme.check("other", "update", &lead).unwrap();
    println!("{no:?}");
    assert_eq!(no.code, "out_of_scope");
}
