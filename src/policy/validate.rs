//! Policy validation: every name resolved, every reference checked, all errors at once.
//!
//! Runs after [`crate::policy::parse::parse`] and before [`crate::engine`]. Errors make the
//! policy unusable (unknown or duplicate names, inheritance cycles, references to undeclared
//! plans, types, actions, settings or states); warnings flag rules that can never apply.

use crate::error::Sink;
use crate::hasher::{map_with_capacity, Map};
use crate::limits;
use crate::policy::{Cond, Named, Operand, PlanReq, Policy, RoleDef, RuleDef, Scope, TypeDef};

/// Every name of a policy, interned to its index in declaration order.
#[derive(Debug, Default)]
pub struct Names {
    pub plans: Map<String, u8>,
    pub settings: Map<String, u8>,
    pub types: Map<String, u16>,
    pub actions: Map<String, u16>,
    /// Action names in interning order.
    pub action_list: Vec<String>,
    pub roles: Map<String, u16>,
}

impl Names {
    fn new() -> Self {
        Names {
            plans: map_with_capacity(8),
            settings: map_with_capacity(8),
            types: map_with_capacity(16),
            actions: map_with_capacity(32),
            action_list: Vec::new(),
            roles: map_with_capacity(16),
        }
    }

    fn intern_action(&mut self, name: &str) -> u16 {
        if let Some(&ix) = self.actions.get(name) {
            return ix;
        }
        let ix = self.action_list.len() as u16;
        self.actions.insert(name.to_owned(), ix);
        self.action_list.push(name.to_owned());
        ix
    }

    /// The plan rank of `name`, if declared.
    pub fn plan(&self, name: &str) -> Option<u8> {
        self.plans.get(name).copied()
    }
}

/// Checks a parsed policy. Returns the interned names; errors and warnings go to `sink`.
pub fn validate(p: &Policy, sink: &mut Sink) -> Names {
    let mut names = Names::new();
    declare(&p.plans, &mut names.plans, "plan", sink);
    let settings: Vec<Named> = p.settings.iter().map(|s| s.name.clone()).collect();
    declare(&settings, &mut names.settings, "setting", sink);
    let types: Vec<Named> = p.types.iter().map(|t| t.name.clone()).collect();
    declare(&types, &mut names.types, "type", sink);
    let roles: Vec<Named> = p.roles.iter().map(|r| r.name.clone()).collect();
    declare(&roles, &mut names.roles, "role", sink);
    for t in &p.types {
        check_type_actions(t, &mut names, sink);
    }
    if names.action_list.len() > limits::MAX_ACTIONS {
        sink.errors.push(limits::exceeded(
            "too_many_actions",
            "the number of actions",
            limits::MAX_ACTIONS,
            "/types",
        ));
    }
    if let Some(plan) = &p.custom_role_plan {
        known(&names.plans, plan, "unknown_plan", "plan", sink);
    }
    for s in &p.settings {
        check_plan_req(s.plan.as_ref(), &names, sink);
    }
    check_implies(p, &names, sink);
    for (a, _) in &p.phrases {
        known(&names.actions, a, "unknown_action", "action", sink);
    }
    for (plan, _) in &p.plan_labels {
        known(&names.plans, plan, "unknown_plan", "plan", sink);
    }
    for t in &p.types {
        check_type(t, p, &names, sink);
    }
    for r in &p.roles {
        check_role(r, p, &names, sink);
    }
    check_cycles(p, &names, sink);
    let n_rules = all_rules(p).count();
    if n_rules > limits::MAX_RULES {
        sink.errors.push(limits::exceeded(
            "too_many_rules",
            "the number of rules",
            limits::MAX_RULES,
            "",
        ));
    }
    let mut seen = map_with_capacity::<String, String>(64);
    let mut fields = map_with_capacity::<String, ()>(8);
    for rule in all_rules(p) {
        check_rule(rule, p, &names, sink);
        if rule.when.as_ref().is_some_and(compares_record_fields) {
            sink.err(
                "invalid_condition",
                "`eq` cannot compare two record fields: strings the account does not know are not kept, so equal ones would compare unequal; compare a record field with a literal or a user attribute",
                rule.when_path.clone(),
            );
        }
        if let Some(first) = seen.get(&rule.id) {
            sink.err(
                "duplicate_rule_id",
                format!(
                    "the rule id `{}` is already used by the rule at `{first}`",
                    rule.id
                ),
                format!("{}/id", rule.path),
            );
        } else {
            seen.insert(rule.id.clone(), rule.path.clone());
        }
        for field in rule
            .when
            .iter()
            .flat_map(|c| c.operands())
            .filter_map(field_of)
        {
            fields.insert(field.to_owned(), ());
        }
    }
    if fields.len() > limits::MAX_FIELDS {
        sink.errors.push(limits::exceeded(
            "too_many_fields",
            "the number of fields read by conditions",
            limits::MAX_FIELDS,
            "/roles",
        ));
    }
    names
}

/// True when an `eq` somewhere in `c` has a record field on both sides.
fn compares_record_fields(c: &Cond) -> bool {
    let mut stack = vec![c];
    while let Some(c) = stack.pop() {
        match c {
            Cond::Eq(Operand::Record(_), Operand::Record(_)) => return true,
            Cond::Not(inner) => stack.push(inner),
            Cond::And(items) | Cond::Or(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    false
}

fn field_of(op: &Operand) -> Option<&str> {
    match op {
        Operand::Record(f) => Some(f),
        Operand::UserOf { field, .. } => Some(field),
        _ => None,
    }
}

/// Every rule of the policy: each role's, then the everyone rules.
pub fn all_rules(p: &Policy) -> impl Iterator<Item = &RuleDef> {
    p.roles
        .iter()
        .flat_map(|r| r.rules.iter())
        .chain(p.rules.iter())
}

fn declare<T: TryFrom<usize>>(
    list: &[Named],
    into: &mut Map<String, T>,
    what: &str,
    sink: &mut Sink,
) {
    for (i, n) in list.iter().enumerate() {
        if into.contains_key(&n.name) {
            sink.err(
                "duplicate_name",
                format!("the {what} `{}` is declared more than once", n.name),
                n.path.clone(),
            );
        } else if let Ok(ix) = T::try_from(i) {
            into.insert(n.name.clone(), ix);
        }
    }
}

fn known<T>(
    map: &Map<String, T>,
    n: &Named,
    code: &'static str,
    what: &str,
    sink: &mut Sink,
) -> bool {
    if map.contains_key(&n.name) {
        return true;
    }
    sink.err(
        code,
        format!("the {what} `{}` is not declared", n.name),
        n.path.clone(),
    );
    false
}

fn check_type_actions(t: &TypeDef, names: &mut Names, sink: &mut Sink) {
    let mut seen: Vec<&str> = Vec::new();
    for a in t.actions.iter().chain(t.type_actions.iter()) {
        if seen.contains(&a.name.as_str()) {
            sink.err(
                "duplicate_name",
                format!(
                    "the action `{}` is declared more than once on type `{}`",
                    a.name, t.name.name
                ),
                a.path.clone(),
            );
        }
        seen.push(&a.name);
        names.intern_action(&a.name);
    }
}

fn check_plan_req(req: Option<&PlanReq>, names: &Names, sink: &mut Sink) {
    let Some(req) = req else { return };
    for n in req.min.iter().chain(req.max.iter()) {
        known(&names.plans, n, "unknown_plan", "plan", sink);
    }
}

fn check_implies(p: &Policy, names: &Names, sink: &mut Sink) {
    for (a, list) in &p.implies {
        known(&names.actions, a, "unknown_action", "action", sink);
        for b in list {
            known(&names.actions, b, "unknown_action", "action", sink);
        }
    }
}

/// The declared actions of a type (record and type-level).
pub fn type_has_action(t: &TypeDef, action: &str) -> bool {
    t.actions
        .iter()
        .chain(t.type_actions.iter())
        .any(|a| a.name == action)
}

fn find_type<'a>(p: &'a Policy, name: &str) -> Option<&'a TypeDef> {
    p.types.iter().find(|t| t.name.name == name)
}

fn check_type(t: &TypeDef, p: &Policy, names: &Names, sink: &mut Sink) {
    let mut states: Vec<&str> = Vec::new();
    for s in &t.states {
        if states.contains(&s.name.as_str()) {
            sink.err(
                "duplicate_name",
                format!("the state `{}` is declared more than once", s.name),
                s.path.clone(),
            );
        }
        states.push(&s.name);
    }
    if states.len() > 64 {
        sink.errors.push(limits::exceeded(
            "too_many_states",
            "the number of states",
            64,
            t.name.path.clone(),
        ));
    }
    for tr in &t.transitions {
        if !type_has_action(t, &tr.action.name) {
            sink.err(
                "unknown_action",
                format!(
                    "the action `{}` is not declared on type `{}`",
                    tr.action.name, t.name.name
                ),
                tr.action.path.clone(),
            );
        }
        for s in tr.from.iter().chain(tr.to.iter()) {
            if !states.contains(&s.name.as_str()) {
                sink.err(
                    "unknown_state",
                    format!(
                        "the state `{}` is not declared on type `{}`",
                        s.name, t.name.name
                    ),
                    s.path.clone(),
                );
            }
        }
    }
    check_parents(t, p, names, sink);
}

fn check_parents(t: &TypeDef, p: &Policy, names: &Names, sink: &mut Sink) {
    if t.parents.is_empty() {
        if let Some((child, _)) = t.follows.first() {
            sink.err(
                "missing_parent",
                format!(
                    "type `{}` maps actions with `follows` but names no `parents`",
                    t.name.name
                ),
                child.path.clone(),
            );
        }
        return;
    }
    for parent in &t.parents {
        if !known(&names.types, parent, "unknown_type", "type", sink) {
            continue;
        }
        let Some(pt) = find_type(p, &parent.name) else {
            continue;
        };
        if !pt.parents.is_empty() {
            sink.err("invalid_parent", format!("type `{}` follows `{}`, which itself follows another type; only one level is allowed", t.name.name, parent.name), parent.path.clone());
            continue;
        }
        for a in t.actions.iter().chain(t.type_actions.iter()) {
            let mapped = follow_action(t, &a.name);
            if !type_has_action(pt, mapped) {
                sink.err(
                    "unknown_action",
                    format!(
                        "`{}` on `{}` follows `{mapped}` on `{}`, which that type does not declare",
                        a.name, t.name.name, parent.name
                    ),
                    a.path.clone(),
                );
            }
        }
    }
    for (child, _) in &t.follows {
        if !type_has_action(t, &child.name) {
            sink.err(
                "unknown_action",
                format!(
                    "the action `{}` is not declared on type `{}`",
                    child.name, t.name.name
                ),
                child.path.clone(),
            );
        }
    }
}

/// The parent action a child type's action needs (same name unless `follows` maps it).
pub fn follow_action<'a>(t: &'a TypeDef, action: &'a str) -> &'a str {
    t.follows
        .iter()
        .find(|(c, _)| c.name == action)
        .map(|(_, p)| p.name.as_str())
        .unwrap_or(action)
}

fn check_role(r: &RoleDef, p: &Policy, names: &Names, sink: &mut Sink) {
    check_plan_req(r.plan.as_ref(), names, sink);
    for parent in &r.inherits {
        if !known(&names.roles, parent, "unknown_role", "role", sink) {
            continue;
        }
        if p.roles
            .iter()
            .any(|x| x.name.name == parent.name && x.system)
        {
            sink.err(
                "invalid_inherits",
                format!(
                    "role `{}` inherits the system role `{}`; system roles are held, not inherited",
                    r.name.name, parent.name
                ),
                parent.path.clone(),
            );
        }
    }
    for holder in &r.default_for {
        if known(&names.roles, holder, "unknown_role", "role", sink)
            && p.roles
                .iter()
                .any(|x| x.name.name == holder.name && x.system)
        {
            sink.err(
                "invalid_default",
                format!(
                    "`defaultFor` names the system role `{}`; name main roles",
                    holder.name
                ),
                holder.path.clone(),
            );
        }
    }
    if r.custom && p.custom_role_plan.is_none() {
        sink.warn(
            "custom_role_ungated",
            format!(
                "role `{}` is custom but the policy sets no `customRolePlan`",
                r.name.name
            ),
            r.name.path.clone(),
        );
    }
}

fn check_cycles(p: &Policy, names: &Names, sink: &mut Sink) {
    // Colour each role: 0 unvisited, 1 on the current path, 2 done. Iterative DFS.
    let n = p.roles.len();
    let mut colour = vec![0u8; n];
    let parents: Vec<Vec<usize>> = p
        .roles
        .iter()
        .map(|r| {
            r.inherits
                .iter()
                .filter_map(|x| names.roles.get(&x.name).map(|&i| i as usize))
                .collect()
        })
        .collect();
    for start in 0..n {
        if colour.get(start) != Some(&0) {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        while let Some(&(node, next)) = stack.last() {
            if next == 0 {
                if let Some(c) = colour.get_mut(node) {
                    *c = 1;
                }
            }
            let edge = parents.get(node).and_then(|ps| ps.get(next)).copied();
            match edge {
                Some(parent) => {
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                    match colour.get(parent) {
                        Some(0) => stack.push((parent, 0)),
                        Some(1) => report_cycle(p, node, next, sink),
                        _ => {}
                    }
                }
                None => {
                    if let Some(c) = colour.get_mut(node) {
                        *c = 2;
                    }
                    stack.pop();
                }
            }
        }
    }
}

fn report_cycle(p: &Policy, node: usize, edge: usize, sink: &mut Sink) {
    if let Some(role) = p.roles.get(node) {
        if let Some(parent) = role.inherits.get(edge) {
            sink.err(
                "inheritance_cycle",
                format!(
                    "role `{}` inherits `{}`, which leads back to `{}`",
                    role.name.name, parent.name, role.name.name
                ),
                parent.path.clone(),
            );
        }
    }
}

fn check_rule(rule: &RuleDef, p: &Policy, names: &Names, sink: &mut Sink) {
    check_plan_req(rule.plan.as_ref(), names, sink);
    if let Some(s) = &rule.setting {
        known(&names.settings, s, "unknown_setting", "setting", sink);
    }
    let types: Vec<&TypeDef> = match &rule.types {
        None => p.types.iter().collect(),
        Some(list) => list
            .iter()
            .filter(|t| known(&names.types, t, "unknown_type", "type", sink))
            .filter_map(|t| find_type(p, &t.name))
            .collect(),
    };
    if let Some(actions) = &rule.actions {
        for a in actions {
            if !types.is_empty() && !types.iter().any(|t| type_has_action(t, &a.name)) {
                let on: Vec<&str> = types.iter().map(|t| t.name.name.as_str()).collect();
                sink.err(
                    "unknown_action",
                    format!(
                        "the action `{}` is not declared on `{}`",
                        a.name,
                        on.join("`, `")
                    ),
                    a.path.clone(),
                );
            }
        }
    }
    dead_rule_warnings(rule, &types, names, sink);
}

fn dead_rule_warnings(rule: &RuleDef, types: &[&TypeDef], names: &Names, sink: &mut Sink) {
    if !types.is_empty() && types.iter().all(|t| !t.parents.is_empty()) {
        sink.warn(
            "dead_rule",
            format!(
                "rule `{}` names only child types, which follow their parent; it never applies",
                rule.id
            ),
            rule.path.clone(),
        );
    }
    if let Some(req) = &rule.plan {
        let lo = req.min.as_ref().and_then(|n| names.plan(&n.name));
        let hi = req.max.as_ref().and_then(|n| names.plan(&n.name));
        if let (Some(lo), Some(hi)) = (lo, hi) {
            if lo > hi {
                sink.warn(
                    "dead_rule",
                    format!("rule `{}` requires a plan window that is empty", rule.id),
                    format!("{}/plan", rule.path),
                );
            }
        }
    }
    if rule.when == Some(Cond::Const(false)) {
        sink.warn(
            "dead_rule",
            format!(
                "rule `{}` has the condition `false`; it never applies",
                rule.id
            ),
            rule.when_path.clone(),
        );
    }
    if rule.scope == Scope::Manager && rule.effect == crate::policy::Effect::Deny {
        sink.err(
            "invalid_scope",
            "scope `manager` delegates to the manager's allow rules and cannot be used to deny",
            rule.scope_path.clone(),
        );
    }
}
