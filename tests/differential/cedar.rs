//! Cedar as an outside oracle: the zendesk-sell preset's rules written by hand as Cedar
//! policies over Cedar entities, and random (directory, user, action, record) questions asked
//! of both. Every answer must match (allow/deny).
//!
//! The translation, rule by rule (the accord rule id is in each policy's `@id`):
//! - Users are `User` entities with `role` (a string) and, when they have one, `org`; their
//!   entity parent is their manager, so `X in principal` is "X is the principal or reports to
//!   them" — the `subordinates` scope (ZS-9), whatever the depth.
//! - Role inheritance (admin ⊃ full ⊃ limited) is spelled out as sets of role names.
//! - Action implication (`update` ⇒ `view`, `communicate`; `reassign` ⇒ `view`, `convert`;
//!   `delete`, `convert` ⇒ `view`) is Cedar's action hierarchy: `view in update` and so on.
//! - Child records (notes, call logs, ...: ZS-6) are `Child` entities whose `parent` attribute
//!   is their lead, contact or deal; their actions `child_view` (in `view`) and `child_add`,
//!   `child_update`, `child_delete` (in `update`) are decided on the parent: each record
//!   policy is written twice, on `resource` and on `resource.parent`.
//! - The plan (as a rank), the home organisation and the `export_for_all` setting (ZS-5) are
//!   in the request context; custom roles (`rep`) need professional or above (ZS-1, ZS-4).
//! - The custom role `rep`'s "manager's view" (ZS-9) is the manager's own view rules, written
//!   out: Cedar cannot ask "may the manager view it?" from inside a policy.
//! - Type-level questions ("Add lead", "Export", admin areas) are `Type` entities. Cedar has
//!   no "some record" questions, so only type-level actions are asked on types (see
//!   `docs/security.md`, "Differences from Cedar").

use accord::{Engine, Json, Tenant};
use cedar_policy::{Authorizer, Context, Decision, Entities, EntityUid, PolicySet, Request};
use serde_json::{json, Value};
use std::str::FromStr;
use std::sync::Arc;

/// A small deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const PLANS: [&str; 4] = ["team", "growth", "professional", "enterprise"];
const RECORD_TYPES: [&str; 3] = ["lead", "contact", "deal"];
const CHILD_TYPES: [&str; 6] = [
    "note",
    "document",
    "task",
    "appointment",
    "call_log",
    "visit_summary",
];
const ADMIN_ACTIONS: [&str; 10] = [
    "manage_users",
    "manage_account",
    "manage_subscription",
    "manage_custom_fields",
    "manage_goals",
    "manage_automation",
    "manage_integrations",
    "manage_voice",
    "manage_client_space",
    "manage_lead_capture_form",
];

fn record_actions(ty: &str) -> &'static [&'static str] {
    match ty {
        "lead" => &[
            "view",
            "update",
            "reassign",
            "delete",
            "convert",
            "communicate",
        ],
        "contact" => &["view", "update", "reassign", "delete", "communicate"],
        _ => &["view", "update", "reassign", "delete"],
    }
}

fn type_actions(ty: &str) -> &'static [&'static str] {
    match ty {
        "lead" => &["add", "import", "export"],
        "contact" | "deal" => &["add", "export"],
        _ => &ADMIN_ACTIONS,
    }
}

/// The Cedar type of an accord record type.
fn cedar_type(ty: &str) -> &'static str {
    match ty {
        "lead" => "Lead",
        "contact" => "Contact",
        "deal" => "Deal",
        _ => "Child",
    }
}

/// A record policy condition, written once with `$R` for the record whose fields decide, and
/// expanded for a record (`resource`) and for a child record (`resource.parent`, ZS-6).
fn on_records(types: &[&str], body: &str) -> String {
    let is = |r: &str| {
        types
            .iter()
            .map(|t| format!("{r} is {}", cedar_type(t)))
            .collect::<Vec<_>>()
            .join(" || ")
    };
    format!(
        "((resource is Child && ({}) && {}) || (({}) && {}))",
        is("resource.parent"),
        body.replace("$R", "resource.parent"),
        is("resource"),
        body.replace("$R", "resource")
    )
}

/// The user is of the home organisation (no rule of the preset is open to other ones).
fn internal(who: &str) -> String {
    format!("!(context has home && {who} has org && {who}.org != context.home)")
}

fn own(who: &str) -> String {
    format!("($R has owner && $R.owner == {who})")
}

fn sub(who: &str) -> String {
    format!("($R has owner && $R.owner in {who})")
}

const PROFESSIONAL: &str = "context.plan >= 2";

/// The zendesk-sell preset as Cedar policies.
pub fn policies() -> String {
    let full = r#"["admin", "full"].contains(principal.role)"#;
    let limited = r#"["admin", "full", "limited"].contains(principal.role)"#;
    let rep = r#"principal.role == "rep""#;
    let me = internal("principal");
    let lcd = ["lead", "contact", "deal"];
    let five = r#"[Action::"view", Action::"update", Action::"reassign", Action::"delete", Action::"convert"]"#;
    let admin_actions = ADMIN_ACTIONS
        .iter()
        .map(|a| format!("Action::\"{a}\""))
        .collect::<Vec<_>>()
        .join(", ");
    // The manager's own rules that let them view a lead (rep's "manager's view", ZS-9): as
    // admin or full (all), as limited (own, subordinates on professional+, granted), as rep
    // (own, subordinates); not their own "manager's view" (one level only).
    let m = "principal.manager";
    let manager_views = format!(
        r#"principal has manager && {mi} && (
            ["admin", "full"].contains({m}.role)
            || (["admin", "full", "limited"].contains({m}.role) && ({mown} || {msub} || {m}.grants.contains($R)))
            || ({m}.role == "rep" && ({mown} || {msub})))"#,
        mi = internal(m),
        mown = own(m),
        msub = sub(m),
    );
    let rules: Vec<(&str, String)> = vec![
        // admin
        ("ZS-5.admin.account", format!(
            "permit(principal, action in [{admin_actions}], resource == Type::\"account\") when {{ principal.role == \"admin\" && {me} }};"
        )),
        ("ZS-5.admin.export", format!(
            "permit(principal, action == Action::\"export\", resource) when {{ resource in [Type::\"lead\", Type::\"contact\", Type::\"deal\"] && principal.role == \"admin\" && {me} }};"
        )),
        // full (and admin): every record
        ("ZS-3.full.all", format!(
            "permit(principal, action in {five}, resource) when {{ {full} && {me} && {} }};",
            on_records(&lcd, "true")
        )),
        // limited (and full, admin)
        ("ZS-3.limited.own", format!(
            "permit(principal, action in {five}, resource) when {{ {limited} && {me} && {} }};",
            on_records(&lcd, &own("principal"))
        )),
        ("ZS-9.limited.subordinates", format!(
            "permit(principal, action in {five}, resource) when {{ {limited} && {me} && {PROFESSIONAL} && {} }};",
            on_records(&lcd, &sub("principal"))
        )),
        ("ZS-3.limited.granted", format!(
            "permit(principal, action in [Action::\"view\", Action::\"update\"], resource) when {{ {limited} && {me} && {} }};",
            on_records(&["lead", "contact"], "principal.grants.contains($R)")
        )),
        ("ZS-7.limited.add", format!(
            "permit(principal, action in [Action::\"add\", Action::\"import\"], resource) when {{ resource in [Type::\"lead\", Type::\"contact\", Type::\"deal\"] && {limited} && {me} }};"
        )),
        // rep: a custom role, professional and above
        ("ZS-9.rep.view", format!(
            "permit(principal, action in Action::\"view\", resource) when {{ {rep} && {me} && {PROFESSIONAL} && {} }};",
            on_records(&["lead"], &manager_views)
        )),
        ("ZS-9.rep.own", format!(
            "permit(principal, action in [Action::\"view\", Action::\"update\", Action::\"reassign\"], resource) when {{ {rep} && {me} && {PROFESSIONAL} && {} }};",
            on_records(&["lead"], &own("principal"))
        )),
        ("ZS-9.rep.subordinates", format!(
            "permit(principal, action in [Action::\"view\", Action::\"update\", Action::\"reassign\"], resource) when {{ {rep} && {me} && {PROFESSIONAL} && {} }};",
            on_records(&["lead"], &sub("principal"))
        )),
        // everyone
        ("ZS-10.communicate.own", format!(
            "permit(principal, action == Action::\"communicate\", resource) when {{ principal has role && {me} && {} }};",
            on_records(&["lead", "contact"], &own("principal"))
        )),
        ("ZS-10.communicate.subordinates", format!(
            "permit(principal, action == Action::\"communicate\", resource) when {{ principal has role && {me} && {PROFESSIONAL} && {} }};",
            on_records(&["lead", "contact"], &sub("principal"))
        )),
        ("ZS-5.export_for_all", format!(
            "permit(principal, action == Action::\"export\", resource) when {{ resource in [Type::\"lead\", Type::\"contact\", Type::\"deal\"] && principal has role && {me} && context.export_for_all }};"
        )),
    ];
    rules
        .into_iter()
        .map(|(id, text)| format!("@id(\"{id}\")\n{text}\n"))
        .collect()
}

fn uid(ty: &str, id: &str) -> Value {
    json!({ "type": ty, "id": id })
}

fn entity_ref(ty: &str, id: &str) -> Value {
    json!({ "__entity": uid(ty, id) })
}

/// Action entities: implication as the action hierarchy.
fn actions() -> Vec<Value> {
    let parents: &[(&str, &[&str])] = &[
        ("view", &["update", "reassign", "delete", "convert"]),
        ("communicate", &["update"]),
        ("convert", &["reassign"]),
        ("child_view", &["view"]),
        ("child_add", &["update"]),
        ("child_update", &["update"]),
        ("child_delete", &["update"]),
    ];
    let all = [
        "view",
        "update",
        "reassign",
        "delete",
        "convert",
        "communicate",
        "add",
        "import",
        "export",
        "child_view",
        "child_add",
        "child_update",
        "child_delete",
    ];
    all.iter()
        .copied()
        .chain(ADMIN_ACTIONS)
        .map(|a| {
            let ps: Vec<Value> = parents
                .iter()
                .find(|(x, _)| *x == a)
                .map(|(_, ps)| ps.iter().map(|p| uid("Action", p)).collect())
                .unwrap_or_default();
            json!({ "uid": uid("Action", a), "attrs": {}, "parents": ps })
        })
        .collect()
}

/// One random account: the accord directory and the Cedar entities and context.
pub struct Account {
    pub directory: Value,
    pub users: Vec<String>,
    pub entities: Entities,
    pub context: Value,
}

pub fn account(rng: &mut Rng) -> Account {
    let plan = rng.below(4);
    let home = if rng.chance(70) { Some("acme") } else { None };
    let export_for_all = rng.chance(40);
    let chain = rng.chance(25);
    let n = if chain {
        13 + rng.below(5)
    } else {
        1 + rng.below(16)
    };
    let mut users_json = Vec::new();
    let mut entities = actions();
    let ids: Vec<String> = (0..n).map(|i| format!("u{i}")).collect();
    for i in 0..n {
        let manager = if i == 0 {
            None
        } else if chain && i <= 12 {
            Some(i - 1)
        } else if rng.chance(65) {
            Some(rng.below(i))
        } else {
            None
        };
        let role = *rng.pick(&["admin", "full", "limited", "limited", "rep", "rep", "rep"]);
        let org = if rng.chance(12) {
            Some(*rng.pick(&["acme", "partner", "other"]))
        } else {
            None
        };
        let grants: Vec<(&str, String)> = if rng.chance(30) {
            (0..1 + rng.below(3))
                .map(|_| {
                    (
                        *rng.pick(&["lead", "contact", "deal"]),
                        format!("R{}", rng.below(8)),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut u = json!({ "id": ids[i], "role": role });
        let mut attrs = json!({ "role": role });
        let mut parents = Vec::new();
        if let Some(m) = manager {
            u["managerId"] = json!(ids[m]);
            attrs["manager"] = entity_ref("User", &ids[m]);
            parents.push(uid("User", &ids[m]));
        }
        if let Some(o) = org {
            u["org"] = json!(o);
            attrs["org"] = json!(o);
        }
        if !grants.is_empty() {
            let mut g = serde_json::Map::new();
            for (t, id) in &grants {
                g.entry(t.to_string())
                    .or_insert_with(|| json!([]))
                    .as_array_mut()
                    .unwrap()
                    .push(json!(id));
            }
            u["grants"] = Value::Object(g);
        }
        attrs["grants"] = Value::Array(
            grants
                .iter()
                .map(|(t, id)| entity_ref(cedar_type(t), id))
                .collect(),
        );
        users_json.push(u);
        entities.push(json!({ "uid": uid("User", &ids[i]), "attrs": attrs, "parents": parents }));
    }
    // Shuffle the directory so managers may come after the people they manage.
    for i in (1..users_json.len()).rev() {
        let j = rng.below(i + 1);
        users_json.swap(i, j);
    }
    let mut directory = json!({
        "plan": PLANS[plan],
        "settings": { "export_for_all": export_for_all },
        "users": users_json,
    });
    let mut context = json!({ "plan": plan, "export_for_all": export_for_all });
    if let Some(h) = home {
        directory["org"] = json!(h);
        context["home"] = json!(h);
    }
    let entities = Entities::from_json_value(Value::Array(entities), None).expect("cedar entities");
    Account {
        directory,
        users: ids,
        entities,
        context,
    }
}

/// One question: the accord (action, record) and the Cedar (action, resource, extra entities).
pub struct Question {
    pub action: String,
    pub record: Value,
    pub cedar_action: String,
    pub resource: (String, String),
    pub extra: Vec<Value>,
}

fn record_fields(rng: &mut Rng, ty: &str, id: &str, users: &[String]) -> (Value, Value) {
    let mut rec = json!({ "type": ty, "id": id });
    let mut attrs = json!({});
    match rng.below(10) {
        0 => {}
        1 => rec["ownerId"] = json!("ghost"),
        2 => rec["ownerId"] = Value::Null,
        _ => {
            let o = rng.pick(users).clone();
            rec["ownerId"] = json!(o);
        }
    }
    if let Some(Value::String(o)) = rec.get("ownerId") {
        attrs["owner"] = entity_ref("User", o);
    }
    (
        rec,
        json!({ "uid": uid(cedar_type(ty), id), "attrs": attrs, "parents": [] }),
    )
}

pub fn question(rng: &mut Rng, users: &[String]) -> Question {
    let id = format!("R{}", rng.below(8));
    match rng.below(100) {
        0..=64 => {
            let ty = *rng.pick(&RECORD_TYPES);
            let action = *rng.pick(record_actions(ty));
            let (record, ent) = record_fields(rng, ty, &id, users);
            Question {
                action: action.into(),
                record,
                cedar_action: action.into(),
                resource: (cedar_type(ty).into(), id),
                extra: vec![ent],
            }
        }
        65..=84 => {
            let child = *rng.pick(&CHILD_TYPES);
            let pty = *rng.pick(&RECORD_TYPES);
            let action = *rng.pick(&["view", "add", "update", "delete"]);
            let (parent, pent) = record_fields(rng, pty, &id, users);
            let cid = format!("N{}", rng.below(4));
            Question {
                action: action.into(),
                record: json!({ "type": child, "id": cid, "parent": parent }),
                cedar_action: format!("child_{action}"),
                resource: ("Child".into(), cid.clone()),
                extra: vec![
                    pent,
                    json!({ "uid": uid("Child", &cid), "attrs": { "parent": entity_ref(cedar_type(pty), &id) }, "parents": [] }),
                ],
            }
        }
        _ => {
            let ty = *rng.pick(&["lead", "contact", "deal", "account", "account"]);
            let action = *rng.pick(type_actions(ty));
            Question {
                action: action.into(),
                record: json!({ "type": ty }),
                cedar_action: action.into(),
                resource: ("Type".into(), ty.into()),
                extra: vec![json!({ "uid": uid("Type", ty), "attrs": {}, "parents": [] })],
            }
        }
    }
}

pub fn questions() -> usize {
    std::env::var("CEDAR_QUESTIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000)
}

fn euid(ty: &str, id: &str) -> EntityUid {
    EntityUid::from_str(&format!("{ty}::{}", Value::String(id.to_owned()))).expect("uid")
}

/// Asks `total` random questions of both; returns (questions, allowed, disagreements).
pub fn compare(seed: u64, total: usize) -> (usize, usize, Vec<String>) {
    let engine =
        Arc::new(Engine::from_json(accord::presets::json("zendesk-sell").unwrap()).unwrap());
    let policies = PolicySet::from_str(&policies()).expect("cedar policies parse");
    let authorizer = Authorizer::new();
    let mut rng = Rng::new(seed);
    let (mut asked, mut allowed, mut diffs) = (0, 0, Vec::new());
    while asked < total {
        let acct = account(&mut rng);
        let dir = Json::parse(&acct.directory.to_string()).unwrap();
        let tenant = Tenant::new(Arc::clone(&engine), &dir).expect("valid directory");
        let context = Context::from_json_value(acct.context.clone(), None).expect("context");
        for _ in 0..50 {
            let q = question(&mut rng, &acct.users);
            let user = if rng.chance(3) {
                "nobody".to_owned()
            } else {
                rng.pick(&acct.users).clone()
            };
            let rec = Json::parse(&q.record.to_string()).unwrap();
            let a = tenant
                .can(&user, &q.action, &rec)
                .expect("a valid question");
            let entities = acct
                .entities
                .clone()
                .add_entities_from_json_value(Value::Array(q.extra.clone()), None)
                .expect("cedar entities");
            let request = Request::new(
                euid("User", &user),
                euid("Action", &q.cedar_action),
                euid(&q.resource.0, &q.resource.1),
                context.clone(),
                None,
            )
            .expect("cedar request");
            let response = authorizer.is_authorized(&request, &policies, &entities);
            let b = response.decision() == Decision::Allow;
            if response.diagnostics().errors().next().is_some() && b {
                diffs.push(format!(
                    "cedar error on an allowed answer: {:?}",
                    response.diagnostics()
                ));
            }
            asked += 1;
            allowed += a as usize;
            if a != b && diffs.len() < 10 {
                let why = tenant.check(&user, &q.action, &rec).unwrap();
                let cedar_why: Vec<String> = response
                    .diagnostics()
                    .reason()
                    .map(|p| p.to_string())
                    .collect();
                diffs.push(format!(
                    "accord {a} ({} {:?}) vs cedar {b} ({cedar_why:?}): user {user} action {} record {}\ndirectory {}",
                    why.code, why.rule, q.action, q.record, acct.directory
                ));
            }
        }
    }
    (asked, allowed, diffs)
}

#[test]
fn zendesk_sell_agrees_with_cedar() {
    let total = questions();
    let seed = std::env::var("CEDAR_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x0005_eed7);
    let (asked, allowed, diffs) = compare(seed, total);
    println!("cedar vs accord (zendesk-sell): {asked} questions compared, {allowed} allowed, {} disagreements", diffs.len());
    assert!(diffs.is_empty(), "disagreements:\n{}", diffs.join("\n\n"));
    assert!(asked >= total);
}

/// The documented differences of semantics (`docs/security.md`, "Differences from Cedar"),
/// each shown on both engines.
mod differences {
    use super::*;

    fn zs() -> Arc<Engine> {
        Arc::new(Engine::from_json(accord::presets::json("zendesk-sell").unwrap()).unwrap())
    }

    fn cedar_allows(
        policies: &str,
        entities: Value,
        p: (&str, &str),
        a: &str,
        r: (&str, &str),
        ctx: Value,
    ) -> bool {
        let ps = PolicySet::from_str(policies).unwrap();
        let es = Entities::from_json_value(entities, None).unwrap();
        let req = Request::new(
            euid(p.0, p.1),
            euid("Action", a),
            euid(r.0, r.1),
            Context::from_json_value(ctx, None).unwrap(),
            None,
        )
        .unwrap();
        Authorizer::new().is_authorized(&req, &ps, &es).decision() == Decision::Allow
    }

    fn user_entity(id: &str, role: &str, manager: Option<&str>) -> Value {
        let mut attrs = json!({ "role": role, "grants": [] });
        let mut parents = vec![];
        if let Some(m) = manager {
            attrs["manager"] = entity_ref("User", m);
            parents.push(uid("User", m));
        }
        json!({ "uid": uid("User", id), "attrs": attrs, "parents": parents })
    }

    fn lead_entity(id: &str, owner: &str) -> Value {
        json!({ "uid": uid("Lead", id), "attrs": { "owner": entity_ref("User", owner) }, "parents": [] })
    }

    const PRO: &str = r#"{"plan": 2, "export_for_all": false}"#;

    /// A manager cycle: not a difference. accord refuses the directory (`manager_cycle`, at
    /// the cycle's first member) and Cedar refuses the entity store (its transitive closure
    /// finds the cycle).
    #[test]
    fn manager_cycle_refused_by_both() {
        let dir = r#"{"plan": "professional", "users": [
            {"id": "a", "role": "limited", "managerId": "b"},
            {"id": "b", "role": "limited", "managerId": "a"}]}"#;
        let e = Tenant::from_json(zs(), dir).unwrap_err();
        assert_eq!(
            (e.first().code(), e.first().path()),
            ("manager_cycle", "/users/0/managerId")
        );
        let mut ents = actions();
        ents.extend([
            user_entity("a", "limited", Some("b")),
            user_entity("b", "limited", Some("a")),
        ]);
        let err = Entities::from_json_value(Value::Array(ents), None).unwrap_err();
        assert!(format!("{err:?}").contains("HasCycle"), "{err:?}");
    }

    /// A manager who is not in the directory: accord refuses it; Cedar accepts a parent that
    /// is not in the entity store.
    #[test]
    fn dangling_manager() {
        let dir = r#"{"plan": "professional", "users": [{"id": "a", "role": "limited", "managerId": "ghost"}]}"#;
        let e = Tenant::from_json(zs(), dir).unwrap_err();
        assert_eq!(
            (e.first().code(), e.first().path()),
            ("unknown_manager", "/users/0/managerId")
        );
        let mut ents = actions();
        ents.extend([
            user_entity("a", "limited", Some("ghost")),
            lead_entity("L1", "a"),
        ]);
        let ctx: Value = serde_json::from_str(PRO).unwrap();
        assert!(cedar_allows(
            &policies(),
            Value::Array(ents),
            ("User", "a"),
            "view",
            ("Lead", "L1"),
            ctx
        ));
    }

    /// An action or type the policy does not declare: accord raises `unknown_action` /
    /// `unknown_type` (a programming error); Cedar, without a schema, answers deny.
    #[test]
    fn unknown_action_and_type() {
        let t = Tenant::from_json(
            zs(),
            r#"{"plan": "team", "users": [{"id": "a", "role": "admin"}]}"#,
        )
        .unwrap();
        let lead = Json::parse(r#"{"type": "lead", "id": "L1", "ownerId": "a"}"#).unwrap();
        assert_eq!(
            t.can("a", "frobnicate", &lead).unwrap_err().code(),
            "unknown_action"
        );
        let odd = Json::parse(r#"{"type": "invoice", "id": "I1"}"#).unwrap();
        assert_eq!(t.can("a", "view", &odd).unwrap_err().code(), "unknown_type");
        let mut ents = actions();
        ents.extend([user_entity("a", "admin", None), lead_entity("L1", "a")]);
        let ctx: Value = serde_json::from_str(r#"{"plan": 0, "export_for_all": false}"#).unwrap();
        assert!(!cedar_allows(
            &policies(),
            Value::Array(ents.clone()),
            ("User", "a"),
            "frobnicate",
            ("Lead", "L1"),
            ctx.clone()
        ));
        assert!(!cedar_allows(
            &policies(),
            Value::Array(ents),
            ("User", "a"),
            "view",
            ("Invoice", "I1"),
            ctx
        ));
    }

    /// A question about a type as a whole (`{type: "lead"}`, no id) asks about *some* record:
    /// accord allows a limited user to `view` leads (they may view their own). Cedar has no
    /// such question: a request names one resource. The differential test asks Cedar only
    /// type-level actions (add, import, export, admin areas) on types.
    #[test]
    fn type_level_record_actions() {
        let t = Tenant::from_json(
            zs(),
            r#"{"plan": "team", "users": [{"id": "a", "role": "limited"}]}"#,
        )
        .unwrap();
        assert!(t
            .can("a", "view", &Json::parse(r#"{"type": "lead"}"#).unwrap())
            .unwrap());
        let mut ents = actions();
        ents.extend([
            user_entity("a", "limited", None),
            json!({ "uid": uid("Type", "lead"), "attrs": {}, "parents": [] }),
        ]);
        let ctx: Value = serde_json::from_str(r#"{"plan": 0, "export_for_all": false}"#).unwrap();
        assert!(!cedar_allows(
            &policies(),
            Value::Array(ents),
            ("User", "a"),
            "view",
            ("Type", "lead"),
            ctx
        ));
    }

    /// A condition that reads a missing field: Cedar's evaluation errors and the policy is
    /// skipped, so a `forbid` that errors does not deny. accord's conditions are total (a
    /// missing field reads as null), so a deny rule is never skipped.
    #[test]
    fn missing_attribute_in_a_deny() {
        let cedar = r#"permit(principal, action, resource);
            forbid(principal, action, resource) when { resource.locked == true || resource.locked == null };"#;
        let cedar = cedar.replace(" || resource.locked == null", "");
        let ents = json!([{ "uid": uid("Lead", "L1"), "attrs": {}, "parents": [] }]);
        // No `locked` attribute: the forbid errors and is skipped: allowed.
        assert!(cedar_allows(
            &cedar,
            ents,
            ("User", "a"),
            "view",
            ("Lead", "L1"),
            json!({})
        ));
        let policy = r#"{"plans": ["p"], "types": {"lead": {"actions": ["view"]}},
            "roles": {"r": {"rules": [{"actions": ["view"], "types": ["lead"]},
                {"effect": "deny", "actions": ["view"], "types": ["lead"], "when": {"not": {"eq": [{"record": "locked"}, false]}}}]}}}"#;
        let t = Tenant::from_json(
            Arc::new(Engine::from_json(policy).unwrap()),
            r#"{"plan": "p", "users": [{"id": "a", "role": "r"}]}"#,
        )
        .unwrap();
        // No `locked` field: "not locked == false" holds: denied.
        let d = t
            .check(
                "a",
                "view",
                &Json::parse(r#"{"type": "lead", "id": "L1"}"#).unwrap(),
            )
            .unwrap();
        assert_eq!((d.allowed, d.code), (false, "forbidden"));
    }
}
