//! Preset validation: each preset compiles with zero errors and zero warnings, and a copy of
//! each with thirteen kinds of mistakes injected at once reports every one of them, in one
//! pass, with its code and JSON path (issue 3's bar).

use accord::{Engine, Json};

/// The value at a JSON pointer (keys and indices only; the tests' own paths need no escaping).
fn at<'a>(doc: &'a mut Json, path: &str) -> &'a mut Json {
    let mut cur = doc;
    for seg in path.split('/').skip(1) {
        cur = match cur {
            Json::Obj(pairs) => {
                &mut pairs
                    .iter_mut()
                    .find(|(k, _)| k == seg)
                    .unwrap_or_else(|| panic!("no key `{seg}` in {path}"))
                    .1
            }
            Json::Arr(items) => {
                let i: usize = seg.parse().expect("an index");
                items.get_mut(i).expect("an item")
            }
            _ => panic!("{path} goes through a scalar"),
        };
    }
    cur
}

/// Sets `key` of the object at `path` (replacing or adding it).
fn set(doc: &mut Json, path: &str, key: &str, value: Json) {
    match at(doc, path) {
        Json::Obj(pairs) => match pairs.iter_mut().find(|(k, _)| k == key) {
            Some(pair) => pair.1 = value,
            None => pairs.push((key.to_owned(), value)),
        },
        _ => panic!("{path} is not an object"),
    }
}

/// Appends to the list at `path`; returns the new item's index.
fn push(doc: &mut Json, path: &str, value: Json) -> usize {
    match at(doc, path) {
        Json::Arr(items) => {
            items.push(value);
            items.len() - 1
        }
        _ => panic!("{path} is not a list"),
    }
}

fn s(text: &str) -> Json {
    Json::Str(text.to_owned())
}

fn strs(list: &[&str]) -> Json {
    Json::Arr(list.iter().map(|t| s(t)).collect())
}

fn keys(v: &Json) -> Vec<String> {
    match v {
        Json::Obj(pairs) => pairs.iter().map(|(k, _)| k.clone()).collect(),
        _ => Vec::new(),
    }
}

fn len(v: Option<&Json>) -> usize {
    match v {
        Some(Json::Arr(items)) => items.len(),
        _ => 0,
    }
}

fn preset(name: &str) -> Json {
    Json::parse(accord::presets::json(name).expect("a preset")).expect("preset JSON")
}

/// Injects thirteen kinds of mistakes into a copy of a preset; returns the broken document and
/// the (code, path) each mistake must be reported with.
fn break_preset(name: &str) -> (Json, Vec<(&'static str, String)>) {
    let mut doc = preset(name);
    let mut want = Vec::new();
    let roles = keys(doc.get("roles").expect("roles"));
    // The role with the most rules takes the rule mistakes.
    let busiest = roles
        .iter()
        .max_by_key(|r| {
            let n = len(doc
                .get("roles")
                .and_then(|x| x.get(r))
                .and_then(|x| x.get("rules")));
            // On a tie, the first declared wins.
            (n, std::cmp::Reverse(roles.iter().position(|x| x == *r)))
        })
        .expect("a role")
        .clone();
    let rules = format!("/roles/{busiest}/rules");
    assert!(len(Some(at(&mut doc, &rules))) >= 3, "{name}: {rules}");
    let first_id = at(&mut doc, &format!("{rules}/0/id")).clone();

    // 1. An unknown role in `inherits` (the last role of the ladder).
    let last = roles.last().expect("a role").clone();
    set(
        &mut doc,
        &format!("/roles/{last}"),
        "inherits",
        strs(&["ghost_role"]),
    );
    want.push(("unknown_role", format!("/roles/{last}/inherits/0")));
    // 2. An inheritance cycle.
    let roles_obj = at(&mut doc, "/roles");
    if let Json::Obj(pairs) = roles_obj {
        for (me, other) in [("cycle_a", "cycle_b"), ("cycle_b", "cycle_a")] {
            pairs.push((
                me.to_owned(),
                Json::Obj(vec![("inherits".to_owned(), strs(&[other]))]),
            ));
        }
    }
    want.push(("inheritance_cycle", "/roles/cycle_b/inherits/0".to_owned()));
    // 3. An unknown action in a rule.
    let i = push(&mut doc, &format!("{rules}/0/actions"), s("teleport"));
    want.push(("unknown_action", format!("{rules}/0/actions/{i}")));
    // 4. An unknown type in a rule.
    let i = push(&mut doc, &format!("{rules}/1/types"), s("spaceship"));
    want.push(("unknown_type", format!("{rules}/1/types/{i}")));
    // 5. An unknown plan.
    set(&mut doc, &format!("{rules}/2"), "plan", s("platinum"));
    want.push(("unknown_plan", format!("{rules}/2/plan")));
    // 6. An unknown setting.
    set(&mut doc, &format!("{rules}/0"), "setting", s("dark_mode"));
    want.push(("unknown_setting", format!("{rules}/0/setting")));
    // 7. A duplicate rule id.
    set(&mut doc, &format!("{rules}/1"), "id", first_id);
    want.push(("duplicate_rule_id", format!("{rules}/1/id")));
    // 8. An unknown scope.
    set(&mut doc, &format!("{rules}/2"), "scope", s("galaxy"));
    want.push(("unknown_scope", format!("{rules}/2/scope")));
    // 9. An unknown field.
    set(&mut doc, &format!("{rules}/1"), "colour", s("red"));
    want.push(("unknown_field", format!("{rules}/1/colour")));
    // 10. A value of the wrong JSON type.
    set(&mut doc, &format!("{rules}/2"), "external", s("yes"));
    want.push(("invalid_type", format!("{rules}/2/external")));
    // 11. An unknown state in a transition (a new workflow where the preset has none).
    let types = keys(doc.get("types").expect("types"));
    let with_flow = types.iter().find(|t| {
        doc.get("types")
            .and_then(|x| x.get(t))
            .and_then(|x| x.get("transitions"))
            .is_some()
    });
    match with_flow {
        Some(t) => {
            let tr = keys(at(&mut doc, &format!("/types/{t}/transitions")))
                .first()
                .expect("a transition")
                .clone();
            let from = format!("/types/{t}/transitions/{tr}/from");
            let i = push(&mut doc, &from, s("paused"));
            want.push(("unknown_state", format!("{from}/{i}")));
        }
        None => {
            let t = types
                .iter()
                .find(|t| {
                    len(doc
                        .get("types")
                        .and_then(|x| x.get(t))
                        .and_then(|x| x.get("actions")))
                        > 0
                })
                .expect("a type with record actions")
                .clone();
            let action = at(&mut doc, &format!("/types/{t}/actions/0")).clone();
            let action = action.as_str().expect("an action").to_owned();
            set(
                &mut doc,
                &format!("/types/{t}"),
                "states",
                strs(&["open", "closed"]),
            );
            let flow = Json::Obj(vec![(
                action.clone(),
                Json::Obj(vec![
                    ("from".to_owned(), strs(&["archived"])),
                    ("to".to_owned(), s("closed")),
                ]),
            )]);
            set(&mut doc, &format!("/types/{t}"), "transitions", flow);
            want.push((
                "unknown_state",
                format!("/types/{t}/transitions/{action}/from/0"),
            ));
        }
    }
    // 12. An unknown plan for custom roles.
    set(&mut doc, "", "customRolePlan", s("diamond"));
    want.push(("unknown_plan", "/customRolePlan".to_owned()));
    // 13. A condition with an unknown operator.
    let cond = Json::Obj(vec![(
        "xor".to_owned(),
        Json::Arr(vec![Json::Bool(true), Json::Bool(false)]),
    )]);
    set(&mut doc, &format!("{rules}/0"), "when", cond);
    want.push(("invalid_condition", format!("{rules}/0/when/xor")));
    // 14. A label for a plan the policy does not declare.
    set(&mut doc, "/planLabels", "platinum", s("Platinum"));
    want.push(("unknown_plan", "/planLabels/platinum".to_owned()));
    (doc, want)
}

#[test]
fn presets_validate_with_no_error_and_no_warning() {
    for name in accord::presets::NAMES {
        let engine = Engine::from_json(accord::presets::json(name).expect("a preset"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(engine.warnings(), &[], "{name} has warnings");
        assert_eq!(engine.name(), Some(name));
    }
}

#[test]
fn presets_broken_copies_report_every_mistake_in_one_pass() {
    for name in accord::presets::NAMES {
        let (doc, want) = break_preset(name);
        let errors = match Engine::new(&doc) {
            Ok(_) => panic!("{name}: the broken copy compiled"),
            Err(e) => e,
        };
        let got: Vec<(&str, String)> = errors
            .iter()
            .map(|e| (e.code(), e.path().to_owned()))
            .collect();
        let mut missing: Vec<String> = want
            .iter()
            .filter(|w| !got.contains(w))
            .map(|(c, p)| format!("missing {c} at {p}"))
            .collect();
        missing.extend(
            got.iter()
                .filter(|g| !want.contains(g))
                .map(|(c, p)| format!("unexpected {c} at {p}")),
        );
        assert!(
            missing.is_empty(),
            "{name}:\n{}\nall errors: {got:#?}",
            missing.join("\n")
        );
        let kinds: std::collections::BTreeSet<&str> = want.iter().map(|(c, _)| *c).collect();
        assert!(kinds.len() >= 10, "{name}: only {} kinds", kinds.len());
        for e in errors.iter() {
            assert!(!e.message().is_empty(), "{name}: {e} has no message");
            assert!(
                e.message().contains('`'),
                "{name}: `{}` should quote the offending input",
                e.message()
            );
        }
    }
}

/// A broken preset's messages name what is wrong, in words a policy author can act on.
#[test]
fn presets_broken_copy_messages() {
    let (doc, _) = break_preset("zendesk-sell");
    let errors = Engine::new(&doc).expect_err("errors");
    let message = |code: &str| {
        errors
            .iter()
            .find(|e| e.code() == code)
            .map(|e| e.message().to_owned())
            .unwrap_or_default()
    };
    assert_eq!(
        message("unknown_role"),
        "the role `ghost_role` is not declared"
    );
    assert_eq!(
        message("inheritance_cycle"),
        "role `cycle_b` inherits `cycle_a`, which leads back to `cycle_b`"
    );
    assert_eq!(
        message("unknown_scope"),
        "unknown scope `galaxy`; expected one of `all`, `own`, `created`, `subordinates`, `team`, `manager`, `assignee`, `org`, `granted`"
    );
    assert_eq!(
        message("duplicate_rule_id"),
        "the rule id `ZS-3.limited.own` is already used by the rule at `/roles/limited/rules/0`"
    );
}
