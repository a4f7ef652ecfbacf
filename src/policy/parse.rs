//! JSON → [`Policy`]: structure only. Every problem is collected with its JSON pointer; names
//! are checked against each other later, by [`crate::policy::validate`].

use super::{
    Cond, Effect, Literal, Named, Operand, PlanReq, Policy, RoleDef, RuleDef, Scope, SettingDef,
    Transition, TypeDef,
};
use crate::error::{join, Sink};
use crate::json::{array, object, string, Fields, Json};
use crate::limits;

const POLICY_KEYS: &[&str] = &[
    "name",
    "description",
    "plans",
    "customRolePlan",
    "settings",
    "implies",
    "phrases",
    "planLabels",
    "types",
    "roles",
    "systemRoles",
    "rules",
];
const SETTING_KEYS: &[&str] = &["default", "plan", "label", "seed"];
const TYPE_KEYS: &[&str] = &[
    "label",
    "actions",
    "typeActions",
    "parents",
    "follows",
    "states",
    "transitions",
    "seed",
];
const TRANSITION_KEYS: &[&str] = &["from", "to", "seed"];
const ROLE_KEYS: &[&str] = &["label", "inherits", "plan", "custom", "rules", "seed"];
const SYSTEM_ROLE_KEYS: &[&str] = &["label", "plan", "defaultFor", "rules", "seed"];
const RULE_KEYS: &[&str] = &[
    "id", "seed", "effect", "actions", "types", "scope", "plan", "setting", "external", "when",
    "explain", "note",
];
const PLAN_KEYS: &[&str] = &["min", "max"];

/// Parses a policy document. Returns the policy and every structural problem found.
pub fn parse(doc: &Json, sink: &mut Sink) -> Policy {
    let mut policy = Policy::default();
    let Some(top) = Fields::open(doc, "", POLICY_KEYS, sink) else {
        return policy;
    };
    policy.name = top.opt_str("name", sink).map(str::to_owned);
    policy.plans = declared_list(&top, "plans", sink);
    if policy.plans.is_empty() && top.get("plans").is_none() {
        sink.err(
            "missing_field",
            "the field `plans` is required: list the plans from lowest to highest",
            "/plans",
        );
    }
    policy.custom_role_plan = top.opt_str("customRolePlan", sink).map(|s| Named {
        name: s.to_owned(),
        path: "/customRolePlan".into(),
    });
    if let Some((v, at)) = top.get("settings") {
        policy.settings = entries(v, &at, sink)
            .into_iter()
            .filter_map(|(name, v)| setting(name, v, sink))
            .collect();
    }
    if let Some((v, at)) = top.get("implies") {
        policy.implies = entries(v, &at, sink)
            .into_iter()
            .map(|(name, v)| {
                let list = crate::json::str_list(v, &name.path, sink)
                    .into_iter()
                    .map(named)
                    .collect();
                (name, list)
            })
            .collect();
    }
    if let Some((v, at)) = top.get("phrases") {
        policy.phrases = entries(v, &at, sink)
            .into_iter()
            .filter_map(|(name, v)| {
                string(v, &name.path, sink).map(|p| (name.clone(), p.to_owned()))
            })
            .collect();
    }
    if let Some((v, at)) = top.get("planLabels") {
        policy.plan_labels = entries(v, &at, sink)
            .into_iter()
            .filter_map(|(name, v)| {
                string(v, &name.path, sink).map(|p| (name.clone(), p.to_owned()))
            })
            .collect();
    }
    match top.get("types") {
        Some((v, at)) => {
            policy.types = entries(v, &at, sink)
                .into_iter()
                .filter_map(|(n, v)| type_def(n, v, sink))
                .collect()
        }
        None => sink.err("missing_field", "the field `types` is required", "/types"),
    }
    if let Some((v, at)) = top.get("roles") {
        policy.roles = entries(v, &at, sink)
            .into_iter()
            .filter_map(|(n, v)| role(n, v, false, sink))
            .collect();
    }
    if let Some((v, at)) = top.get("systemRoles") {
        policy.roles.extend(
            entries(v, &at, sink)
                .into_iter()
                .filter_map(|(n, v)| role(n, v, true, sink)),
        );
    }
    if let Some((v, at)) = top.get("rules") {
        policy.rules = rules(v, &at, sink);
    }
    limits_of(&policy, sink);
    policy
}

fn limits_of(p: &Policy, sink: &mut Sink) {
    let checks = [
        (
            p.plans.len(),
            limits::MAX_PLANS,
            "too_many_plans",
            "the number of plans",
            "/plans",
        ),
        (
            p.roles.len(),
            limits::MAX_ROLES,
            "too_many_roles",
            "the number of roles",
            "/roles",
        ),
        (
            p.roles.iter().filter(|r| r.system).count(),
            limits::MAX_SYSTEM_ROLES,
            "too_many_roles",
            "the number of system roles",
            "/systemRoles",
        ),
        (
            p.types.len(),
            limits::MAX_TYPES,
            "too_many_types",
            "the number of types",
            "/types",
        ),
        (
            p.settings.len(),
            limits::MAX_SETTINGS,
            "too_many_settings",
            "the number of settings",
            "/settings",
        ),
    ];
    for (len, limit, code, what, path) in checks {
        if let Err(e) = limits::check(len, limit, code, what, path) {
            sink.errors.push(e);
        }
    }
}

fn named((name, path): (&str, String)) -> Named {
    Named {
        name: name.to_owned(),
        path,
    }
}

fn named_list(fields: &Fields<'_>, key: &str, sink: &mut Sink) -> Vec<Named> {
    fields.str_list(key, sink).into_iter().map(named).collect()
}

/// A list that declares names (plans, actions, states): each must be a name, as a role's or a
/// type's key must (an empty one is `invalid_name`, and is dropped).
fn declared_list(fields: &Fields<'_>, key: &str, sink: &mut Sink) -> Vec<Named> {
    let mut out = named_list(fields, key, sink);
    out.retain(|n| {
        if n.name.is_empty() {
            sink.err("invalid_name", "a name must not be empty", n.path.clone());
        }
        !n.name.is_empty()
    });
    out
}

/// The entries of an object whose keys are names (roles, types, settings), with their paths.
fn entries<'a>(value: &'a Json, path: &str, sink: &mut Sink) -> Vec<(Named, &'a Json)> {
    object(value, path, sink)
        .iter()
        .filter_map(|(k, v)| {
            let at = join(path, k);
            if k.is_empty() || k.len() > limits::MAX_STRING_BYTES {
                sink.err(
                    "invalid_name",
                    "a name must be between 1 and 1024 bytes long",
                    at,
                );
                return None;
            }
            Some((
                Named {
                    name: k.clone(),
                    path: at,
                },
                v,
            ))
        })
        .collect()
}

fn plan_req(fields: &Fields<'_>, sink: &mut Sink) -> Option<PlanReq> {
    let (value, at) = fields.get("plan")?;
    match value {
        Json::Null => None,
        Json::Str(s) => Some(PlanReq {
            min: Some(Named {
                name: s.clone(),
                path: at,
            }),
            max: None,
        }),
        _ => {
            let f = Fields::open(value, &at, PLAN_KEYS, sink)?;
            let min = f.opt_str("min", sink).map(|s| Named {
                name: s.to_owned(),
                path: join(&at, "min"),
            });
            let max = f.opt_str("max", sink).map(|s| Named {
                name: s.to_owned(),
                path: join(&at, "max"),
            });
            Some(PlanReq { min, max })
        }
    }
}

fn setting(name: Named, value: &Json, sink: &mut Sink) -> Option<SettingDef> {
    let f = Fields::open(value, &name.path, SETTING_KEYS, sink)?;
    let default = f.opt_bool("default", sink).unwrap_or(false);
    let plan = plan_req(&f, sink);
    let label = f.opt_str("label", sink).map(str::to_owned);
    Some(SettingDef {
        name,
        default,
        plan,
        label,
    })
}

fn type_def(name: Named, value: &Json, sink: &mut Sink) -> Option<TypeDef> {
    let f = Fields::open(value, &name.path, TYPE_KEYS, sink)?;
    let follows = match f.get("follows") {
        Some((v, at)) => entries(v, &at, sink)
            .into_iter()
            .filter_map(|(child, v)| {
                string(v, &child.path, sink).map(|p| {
                    (
                        child.clone(),
                        Named {
                            name: p.to_owned(),
                            path: child.path.clone(),
                        },
                    )
                })
            })
            .collect(),
        None => Vec::new(),
    };
    let transitions = match f.get("transitions") {
        Some((v, at)) => entries(v, &at, sink)
            .into_iter()
            .filter_map(|(a, v)| transition(a, v, sink))
            .collect(),
        None => Vec::new(),
    };
    Some(TypeDef {
        label: f.opt_str("label", sink).map(str::to_owned),
        actions: declared_list(&f, "actions", sink),
        type_actions: declared_list(&f, "typeActions", sink),
        parents: named_list(&f, "parents", sink),
        states: declared_list(&f, "states", sink),
        follows,
        transitions,
        name,
    })
}

fn transition(action: Named, value: &Json, sink: &mut Sink) -> Option<Transition> {
    let f = Fields::open(value, &action.path, TRANSITION_KEYS, sink)?;
    let from = named_list(&f, "from", sink);
    let to = f.opt_str("to", sink).map(|s| Named {
        name: s.to_owned(),
        path: join(&action.path, "to"),
    });
    Some(Transition { action, from, to })
}

fn role(name: Named, value: &Json, system: bool, sink: &mut Sink) -> Option<RoleDef> {
    let keys = if system { SYSTEM_ROLE_KEYS } else { ROLE_KEYS };
    let f = Fields::open(value, &name.path, keys, sink)?;
    let rules = match f.get("rules") {
        Some((v, at)) => rules(v, &at, sink),
        None => Vec::new(),
    };
    Some(RoleDef {
        system,
        custom: f.opt_bool("custom", sink).unwrap_or(false),
        inherits: named_list(&f, "inherits", sink),
        plan: plan_req(&f, sink),
        default_for: named_list(&f, "defaultFor", sink),
        label: f.opt_str("label", sink).map(str::to_owned),
        rules,
        name,
    })
}

fn rules(value: &Json, path: &str, sink: &mut Sink) -> Vec<RuleDef> {
    array(value, path, sink)
        .iter()
        .enumerate()
        .filter_map(|(i, v)| rule(v, &format!("{path}/{i}"), sink))
        .collect()
}

fn wildcard_or_list(f: &Fields<'_>, key: &str, sink: &mut Sink) -> Option<Vec<Named>> {
    match f.get(key) {
        Some((Json::Str(s), _)) if s == "*" => None,
        None => None,
        Some(_) => Some(named_list(f, key, sink)),
    }
}

fn rule(value: &Json, path: &str, sink: &mut Sink) -> Option<RuleDef> {
    let f = Fields::open(value, path, RULE_KEYS, sink)?;
    let effect = match f.opt_str("effect", sink) {
        None | Some("allow") => Effect::Allow,
        Some("deny") => Effect::Deny,
        Some(other) => {
            sink.err(
                "invalid_effect",
                format!("unknown effect `{other}`; expected `allow` or `deny`"),
                join(path, "effect"),
            );
            Effect::Allow
        }
    };
    let scope_path = join(path, "scope");
    let scope = match f.opt_str("scope", sink) {
        None => Scope::All,
        Some(s) => Scope::from_name(s).unwrap_or_else(|| {
            let names: Vec<&str> = Scope::ALL.iter().map(|(_, n)| *n).collect();
            sink.err(
                "unknown_scope",
                format!(
                    "unknown scope `{s}`; expected one of `{}`",
                    names.join("`, `")
                ),
                scope_path.clone(),
            );
            Scope::All
        }),
    };
    if f.get("actions").is_none() {
        sink.err(
            "missing_field",
            "the field `actions` is required (use \"*\" for every action)",
            join(path, "actions"),
        );
    }
    let when_path = join(path, "when");
    let when = f.get("when").and_then(|(v, at)| cond(v, &at, 0, sink));
    Some(RuleDef {
        id: f
            .opt_str("id", sink)
            .map(str::to_owned)
            .unwrap_or_else(|| path.to_owned()),
        path: path.to_owned(),
        seed: f.opt_str("seed", sink).map(str::to_owned),
        effect,
        actions: wildcard_or_list(&f, "actions", sink),
        types: wildcard_or_list(&f, "types", sink),
        scope,
        scope_path,
        plan: plan_req(&f, sink),
        setting: f.opt_str("setting", sink).map(|s| Named {
            name: s.to_owned(),
            path: join(path, "setting"),
        }),
        external: f.opt_bool("external", sink).unwrap_or(false),
        when,
        when_path,
        explain: f.opt_str("explain", sink).map(str::to_owned),
    })
}

const COND_KEYS: &[&str] = &["eq", "in", "not", "and", "or"];

/// Parses a condition; depth is bounded by [`limits::MAX_CONDITION_DEPTH`].
pub fn cond(value: &Json, path: &str, depth: usize, sink: &mut Sink) -> Option<Cond> {
    if depth > limits::MAX_CONDITION_DEPTH {
        sink.errors.push(limits::exceeded(
            "condition_too_deep",
            "the condition depth",
            limits::MAX_CONDITION_DEPTH,
            path,
        ));
        return None;
    }
    let pairs = match value {
        Json::Bool(b) => return Some(Cond::Const(*b)),
        Json::Obj(pairs) if pairs.len() == 1 => pairs,
        _ => {
            sink.err(
                "invalid_condition",
                "a condition is an object with exactly one of `eq`, `in`, `not`, `and`, `or`",
                path,
            );
            return None;
        }
    };
    let (op, arg) = pairs.first().map(|(k, v)| (k.as_str(), v))?;
    let at = join(path, op);
    match op {
        "eq" => match array(arg, &at, sink) {
            [a, b] => Some(Cond::Eq(
                operand(a, &format!("{at}/0"), sink)?,
                operand(b, &format!("{at}/1"), sink)?,
            )),
            _ => {
                sink.err("invalid_condition", "`eq` takes a list of two operands", at);
                None
            }
        },
        "in" => match array(arg, &at, sink) {
            [a, Json::Arr(list)] => {
                let lhs = operand(a, &format!("{at}/0"), sink)?;
                let lits = list
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| literal(v, &format!("{at}/1/{i}"), sink))
                    .collect();
                Some(Cond::In(lhs, lits))
            }
            _ => {
                sink.err(
                    "invalid_condition",
                    "`in` takes an operand and a list of literals",
                    at,
                );
                None
            }
        },
        "not" => Some(Cond::Not(Box::new(cond(arg, &at, depth + 1, sink)?))),
        "and" | "or" => {
            let items: Vec<Cond> = array(arg, &at, sink)
                .iter()
                .enumerate()
                .filter_map(|(i, v)| cond(v, &format!("{at}/{i}"), depth + 1, sink))
                .collect();
            Some(if op == "and" {
                Cond::And(items)
            } else {
                Cond::Or(items)
            })
        }
        other => {
            sink.err(
                "invalid_condition",
                format!(
                    "unknown operator `{other}`; expected one of `{}`",
                    COND_KEYS.join("`, `")
                ),
                at,
            );
            None
        }
    }
}

fn literal(value: &Json, path: &str, sink: &mut Sink) -> Option<Literal> {
    match value {
        Json::Null => Some(Literal::Null),
        Json::Bool(b) => Some(Literal::Bool(*b)),
        Json::Num(n) => Some(Literal::Num(*n)),
        Json::Str(_) => string(value, path, sink).map(|s| Literal::Str(s.to_owned())),
        other => {
            sink.err(
                "invalid_condition",
                format!(
                    "expected a literal (string, number, boolean or null), found {}",
                    other.kind()
                ),
                path,
            );
            None
        }
    }
}

const OPERAND_KEYS: &[&str] = &["record", "user", "of"];

fn operand(value: &Json, path: &str, sink: &mut Sink) -> Option<Operand> {
    if !matches!(value, Json::Obj(_)) {
        return literal(value, path, sink).map(Operand::Lit);
    }
    let f = Fields::open(value, path, OPERAND_KEYS, sink)?;
    match (
        f.opt_str("record", sink),
        f.opt_str("user", sink),
        f.opt_str("of", sink),
    ) {
        (Some(field), None, None) => Some(Operand::Record(field.to_owned())),
        (None, Some(attr), None) => Some(Operand::User(attr.to_owned())),
        (None, Some(attr), Some(field)) => Some(Operand::UserOf {
            attr: attr.to_owned(),
            field: field.to_owned(),
        }),
        _ => {
            sink.err("invalid_condition", "an operand is a literal, {\"record\": field}, {\"user\": attr} or {\"user\": attr, \"of\": field}", path);
            None
        }
    }
}
