//! The policy compiler: a validated policy becomes the dense form of an [`Engine`]: names
//! interned, conditions flattened, grants indexed by (principal, type, action), and action
//! implication expanded.

use super::{
    ActionKind, CNode, Engine, Fixed, Grant, Lit, Opd, RoleInfo, Rule, SettingInfo, TypeInfo,
    NONE16, NONE8,
};
use crate::error::Error;
use crate::hasher::{map_with_capacity, Map};
use crate::limits;
use crate::policy::validate::{self, follow_action, Names};
use crate::policy::{Cond, Effect, Literal, Operand, PlanReq, Policy, RoleDef, RuleDef, Scope};

/// Indices of `names` in alphabetical order (insertion sort: at most a few hundred names,
/// sorted once per policy, without another sort instantiation in the wasm module).
fn alphabetical(names: &[String]) -> Vec<u16> {
    let mut order: Vec<u16> = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let at = order
            .iter()
            .position(|&j| {
                names
                    .get(j as usize)
                    .map(|n| n.as_str() > name.as_str())
                    .unwrap_or(false)
            })
            .unwrap_or(order.len());
        order.insert(at, i as u16);
    }
    order
}

/// The grant index: every grant, then each slot's (start, length) among them.
type Index = (Vec<Grant>, Vec<(u32, u32)>);

/// A visitor of (principal, rule, the rule's cells, the rule's plan window for the principal).
type Visit<'a> = dyn FnMut(usize, u32, &[(u16, u16)], (u8, u8)) + 'a;

/// The error for a policy whose compiled form would be too large.
fn too_large(what: &str, n: usize, limit: usize) -> Error {
    Error::new(
        "policy_too_large",
        format!("the policy expands to {n} {what}, over the limit of {limit}"),
        "",
    )
}

/// Builds the dense form from a validated policy.
pub(super) struct PolicyCompiler<'p> {
    p: &'p Policy,
    names: Names,
    literals: Vec<String>,
    lit_ix: Map<String, u32>,
    fields: Vec<String>,
    user_attrs: Vec<String>,
    conds: Vec<CNode>,
    cond_read: u64,
}

impl<'p> PolicyCompiler<'p> {
    pub(super) fn new(p: &'p Policy, names: Names) -> Self {
        PolicyCompiler {
            p,
            names,
            literals: Vec::new(),
            lit_ix: map_with_capacity(32),
            fields: Vec::new(),
            user_attrs: Vec::new(),
            conds: Vec::new(),
            cond_read: 0,
        }
    }

    fn literal(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.lit_ix.get(s) {
            return i;
        }
        let i = self.literals.len() as u32;
        self.literals.push(s.to_owned());
        self.lit_ix.insert(s.to_owned(), i);
        i
    }

    fn plan_window(&self, req: Option<&PlanReq>) -> (u8, u8) {
        let top = self.p.plans.len().saturating_sub(1) as u8;
        let Some(req) = req else { return (0, top) };
        let lo = req
            .min
            .as_ref()
            .and_then(|n| self.names.plan(&n.name))
            .unwrap_or(0);
        let hi = req
            .max
            .as_ref()
            .and_then(|n| self.names.plan(&n.name))
            .unwrap_or(top);
        (lo, hi)
    }

    fn role_window(&self, r: &RoleDef) -> (u8, u8) {
        let (mut lo, hi) = self.plan_window(r.plan.as_ref());
        if r.custom {
            if let Some(p) = self
                .p
                .custom_role_plan
                .as_ref()
                .and_then(|n| self.names.plan(&n.name))
            {
                lo = lo.max(p);
            }
        }
        (lo, hi)
    }

    pub(super) fn build(mut self, warnings: Vec<Error>) -> Result<Engine, Error> {
        let types = self.types();
        let roles = self.roles();
        let settings = self.settings();
        let (rules, rule_windows) = self.rules(&settings);
        let (grants, slots) = self.index(&types, &rule_windows)?;
        let default_sys = self.default_sys(&roles);
        // Condition fields already have slots (conditions were compiled with the rules); the
        // fixed fields the scopes and workflow states read get theirs now.
        let mut reads_orgs = false;
        for r in &rules {
            let f = match r.scope {
                Scope::Own | Scope::Subordinates => Fixed::Owner,
                Scope::Created => Fixed::Creator,
                Scope::Assignee => Fixed::Assignee,
                Scope::Team => Fixed::Team,
                Scope::Granted => Fixed::Id,
                Scope::Org => {
                    reads_orgs = true;
                    continue;
                }
                Scope::All | Scope::Manager => continue,
            };
            self.field(f.name());
        }
        if types.iter().any(|t| !t.states.is_empty()) {
            self.field(Fixed::State.name());
        }
        let mut fixed = [NONE8; Fixed::ALL.len()];
        for (slot, which) in fixed.iter_mut().zip(Fixed::ALL) {
            if let Some(at) = self.fields.iter().position(|f| f == which.name()) {
                *slot = at as u8;
            }
        }
        let sys_principal = roles
            .iter()
            .enumerate()
            .filter(|(_, r)| r.system)
            .map(|(i, _)| i as u16)
            .collect();
        let has_deny = rules.iter().any(|r| r.effect == Effect::Deny);
        Ok(Engine {
            sys_principal,
            has_deny,
            name: self.p.name.clone(),
            plans: self.p.plans.iter().map(|n| n.name.clone()).collect(),
            plan_labels: self
                .p
                .plans
                .iter()
                .map(|n| {
                    self.p
                        .plan_labels
                        .iter()
                        .find(|(p, _)| p.name == n.name)
                        .map(|(_, l)| l.clone())
                })
                .collect(),
            settings,
            phrases: self
                .names
                .action_list
                .iter()
                .map(|a| {
                    self.p
                        .phrases
                        .iter()
                        .find(|(n, _)| &n.name == a)
                        .map(|(_, p)| p.clone())
                })
                .collect(),
            alpha: alphabetical(&self.names.action_list),
            actions: self.names.action_list.clone(),
            action_ix: std::mem::take(&mut self.names.actions),
            types,
            type_ix: std::mem::take(&mut self.names.types),
            roles,
            role_ix: std::mem::take(&mut self.names.roles),
            rules,
            grants,
            slots,
            conds: self.conds,
            literals: self.literals,
            fields: self.fields,
            fixed,
            cond_read: self.cond_read,
            reads_orgs,
            user_attrs: self.user_attrs,
            default_sys,
            warnings,
        })
    }

    fn settings(&self) -> Vec<SettingInfo> {
        self.p
            .settings
            .iter()
            .map(|s| SettingInfo {
                name: s.name.name.clone(),
                label: s.label.clone(),
                default: s.default,
                plan: self.plan_window(s.plan.as_ref()),
            })
            .collect()
    }

    fn action(&self, name: &str) -> u16 {
        self.names.actions.get(name).copied().unwrap_or(NONE16)
    }

    fn types(&mut self) -> Vec<TypeInfo> {
        let n_actions = self.names.action_list.len();
        let mut out = Vec::with_capacity(self.p.types.len());
        for t in &self.p.types {
            let mut kind = vec![ActionKind::Undeclared; n_actions];
            let mut follow = vec![NONE16; n_actions];
            for (list, k) in [
                (&t.actions, ActionKind::Record),
                (&t.type_actions, ActionKind::TypeLevel),
            ] {
                for a in list {
                    let ix = self.action(&a.name) as usize;
                    if let Some(slot) = kind.get_mut(ix) {
                        *slot = k;
                    }
                    if let Some(slot) = follow.get_mut(ix) {
                        *slot = self.action(follow_action(t, &a.name));
                    }
                }
            }
            let states: Vec<String> = t.states.iter().map(|s| s.name.clone()).collect();
            let state_lit = states.iter().map(|s| self.literal(s)).collect();
            let mut from = vec![u64::MAX; n_actions];
            let mut to = vec![None; n_actions];
            for tr in &t.transitions {
                let ix = self.action(&tr.action.name) as usize;
                let bits = tr
                    .from
                    .iter()
                    .filter_map(|s| states.iter().position(|x| *x == s.name))
                    .fold(0u64, |acc, i| acc | (1u64 << (i & 63)));
                if let Some(slot) = from.get_mut(ix) {
                    *slot = if tr.from.is_empty() { u64::MAX } else { bits };
                }
                if let Some(slot) = to.get_mut(ix) {
                    *slot = tr
                        .to
                        .as_ref()
                        .and_then(|s| states.iter().position(|x| *x == s.name))
                        .map(|i| i as u8);
                }
            }
            let parents = t
                .parents
                .iter()
                .filter_map(|p| self.names.types.get(&p.name).copied())
                .collect();
            out.push(TypeInfo {
                name: t.name.name.clone(),
                label: t
                    .label
                    .clone()
                    .unwrap_or_else(|| t.name.name.replace('_', " ")),
                kind,
                parents,
                follow,
                states,
                state_lit,
                from,
                to,
            });
        }
        out
    }

    fn roles(&self) -> Vec<RoleInfo> {
        let mut sys_bit = 0u8;
        self.p
            .roles
            .iter()
            .map(|r| {
                let bit = sys_bit;
                if r.system {
                    sys_bit = sys_bit.saturating_add(1);
                }
                RoleInfo {
                    name: r.name.name.clone(),
                    label: r.label.clone(),
                    system: r.system,
                    sys_bit: bit,
                    plan: self.role_window(r),
                }
            })
            .collect()
    }

    fn default_sys(&self, roles: &[RoleInfo]) -> Vec<u64> {
        let mut out = vec![0u64; roles.len()];
        for (r, info) in self.p.roles.iter().zip(roles) {
            if !info.system {
                continue;
            }
            for holder in &r.default_for {
                if let Some(slot) = self
                    .names
                    .roles
                    .get(&holder.name)
                    .and_then(|&i| out.get_mut(i as usize))
                {
                    *slot |= 1u64 << (info.sys_bit & 63);
                }
            }
        }
        out
    }

    /// Compiles every rule (roles' rules, then everyone rules), with each rule's own plan window.
    fn rules(&mut self, settings: &[SettingInfo]) -> (Vec<Rule>, Vec<(u8, u8)>) {
        let p = self.p;
        let mut rules = Vec::new();
        let mut windows = Vec::new();
        for rule in validate::all_rules(p) {
            let setting = rule
                .setting
                .as_ref()
                .and_then(|s| self.names.settings.get(&s.name).copied());
            let (mut lo, mut hi) = self.plan_window(rule.plan.as_ref());
            if let Some(s) = setting.and_then(|s| settings.get(s as usize)) {
                lo = lo.max(s.plan.0);
                hi = hi.min(s.plan.1);
            }
            let cond = rule.when.as_ref().map(|c| self.cond(c));
            rules.push(Rule {
                id: rule.id.clone(),
                seed: rule.seed.clone(),
                effect: rule.effect,
                scope: rule.scope,
                setting,
                external: rule.external,
                cond,
                explain: rule.explain.clone(),
            });
            windows.push((lo, hi));
        }
        (rules, windows)
    }

    fn cond(&mut self, c: &Cond) -> u32 {
        let node = match c {
            Cond::Const(b) => CNode::Const(*b),
            Cond::Eq(a, b) => CNode::Eq(self.operand(a), self.operand(b)),
            Cond::In(a, list) => {
                let lits = list.iter().map(|l| self.lit(l)).collect();
                CNode::In(self.operand(a), lits)
            }
            Cond::Not(inner) => CNode::Not(self.cond(inner)),
            Cond::And(items) => CNode::And(items.iter().map(|i| self.cond(i)).collect()),
            Cond::Or(items) => CNode::Or(items.iter().map(|i| self.cond(i)).collect()),
        };
        self.conds.push(node);
        (self.conds.len() - 1) as u32
    }

    fn lit(&mut self, l: &Literal) -> Lit {
        match l {
            Literal::Null => Lit::Null,
            Literal::Bool(b) => Lit::Bool(*b),
            Literal::Num(n) => Lit::Num(*n),
            Literal::Str(s) => Lit::Str(self.literal(s)),
        }
    }

    fn field(&mut self, name: &str) -> u8 {
        let at = self
            .fields
            .iter()
            .position(|f| f == name)
            .unwrap_or_else(|| {
                self.fields.push(name.to_owned());
                self.fields.len() - 1
            });
        at.min(u8::MAX as usize) as u8
    }

    fn attr(&mut self, name: &str) -> u8 {
        let at = self
            .user_attrs
            .iter()
            .position(|f| f == name)
            .unwrap_or_else(|| {
                self.user_attrs.push(name.to_owned());
                self.user_attrs.len() - 1
            });
        at.min(u8::MAX as usize) as u8
    }

    fn operand(&mut self, o: &Operand) -> Opd {
        match o {
            Operand::Lit(l) => Opd::Lit(self.lit(l)),
            Operand::Record(f) => {
                let slot = self.field(f);
                self.cond_read |= 1u64 << (slot & 63);
                Opd::Field(slot)
            }
            Operand::User(a) => Opd::UserAttr(self.attr(a)),
            Operand::UserOf { attr, field } => {
                let slot = self.field(field);
                self.cond_read |= 1u64 << (slot & 63);
                Opd::UserOf {
                    field: slot,
                    attr: self.attr(attr),
                }
            }
        }
    }

    /// Builds the grant index: for each principal, its own rules then its ancestors', each
    /// expanded over types, actions and implied actions, with the principal's plan window.
    /// The size of the expansion is checked before anything is built: a small policy (many
    /// roles inheriting wildcard rules) could otherwise ask for an index of billions of entries.
    fn index(&self, types: &[TypeInfo], windows: &[(u8, u8)]) -> Result<Index, Error> {
        let n_types = types.len();
        let n_actions = self.names.action_list.len();
        let n_principals = self.p.roles.len() + 1;
        let n_slots = n_principals
            .saturating_mul(n_types)
            .saturating_mul(n_actions);
        if n_slots > limits::MAX_SLOTS {
            return Err(too_large(
                "roles × types × actions",
                n_slots,
                limits::MAX_SLOTS,
            ));
        }
        let cells = self.cells(types)?;
        let role_rules = self.rule_offsets();
        let sources: Vec<Vec<usize>> = (0..n_principals)
            .map(|p| {
                if p < self.p.roles.len() {
                    self.ancestors(p)
                } else {
                    vec![p]
                }
            })
            .collect();
        // Every (principal, rule) pair with its cells, in index order: a closure, not a list.
        let each = |f: &mut Visit<'_>| {
            for (principal, srcs) in sources.iter().enumerate() {
                let holder = self
                    .p
                    .roles
                    .get(principal)
                    .map(|r| self.role_window(r))
                    .unwrap_or((0, u8::MAX));
                for &source in srcs {
                    let from = self
                        .p
                        .roles
                        .get(source)
                        .map(|r| self.role_window(r))
                        .unwrap_or((0, u8::MAX));
                    let Some(&(start, defs)) = role_rules.get(source) else {
                        continue;
                    };
                    for rule in start..start + defs.len() {
                        let (lo, hi) = windows.get(rule).copied().unwrap_or((0, u8::MAX));
                        let window = (lo.max(holder.0).max(from.0), hi.min(holder.1).min(from.1));
                        f(
                            principal,
                            rule as u32,
                            cells.get(rule).map(Vec::as_slice).unwrap_or(&[]),
                            window,
                        );
                    }
                }
            }
        };
        let mut total = 0usize;
        each(&mut |_, _, c, _| total = total.saturating_add(c.len()));
        if total > limits::MAX_GRANTS {
            return Err(too_large(
                "grants (rules expanded over types, actions and inheritance)",
                total,
                limits::MAX_GRANTS,
            ));
        }
        // Two passes, no list per slot: count, then fill in the same order.
        let slot_of = |principal: usize, (ti, ai): (u16, u16)| {
            (principal * n_types + ti as usize) * n_actions + ai as usize
        };
        let mut counts = vec![0u32; n_slots];
        each(&mut |principal, _, c, _| {
            for &cell in c {
                if let Some(n) = counts.get_mut(slot_of(principal, cell)) {
                    *n += 1;
                }
            }
        });
        let mut slots = Vec::with_capacity(n_slots);
        let mut acc = 0u32;
        for &n in &counts {
            slots.push((acc, n));
            acc += n;
        }
        let mut next: Vec<u32> = slots.iter().map(|&(start, _)| start).collect();
        let mut grants = vec![
            Grant {
                rule: 0,
                lo: 0,
                hi: 0
            };
            total
        ];
        each(&mut |principal, rule, c, (lo, hi)| {
            for &cell in c {
                if let Some(at) = next.get_mut(slot_of(principal, cell)) {
                    if let Some(g) = grants.get_mut(*at as usize) {
                        *g = Grant { rule, lo, hi };
                    }
                    *at += 1;
                }
            }
        });
        Ok((grants, slots))
    }

    /// For each rule (in [`validate::all_rules`] order), the distinct (type, action) cells it
    /// grants: listed actions declared on each listed type, plus (allow rules) what they imply.
    fn cells(&self, types: &[TypeInfo]) -> Result<Vec<Vec<(u16, u16)>>, Error> {
        let n_actions = self.names.action_list.len();
        let implied = self.implication_closure();
        let mut stamp = vec![usize::MAX; types.len() * n_actions];
        let mut out = Vec::new();
        let mut total = 0usize;
        for (ri, def) in validate::all_rules(self.p).enumerate() {
            let tys: Vec<usize> = match &def.types {
                None => (0..types.len()).collect(),
                Some(l) => l
                    .iter()
                    .filter_map(|n| self.names.types.get(&n.name).map(|&i| i as usize))
                    .collect(),
            };
            let acts: Vec<usize> = match &def.actions {
                None => (0..n_actions).collect(),
                Some(l) => l
                    .iter()
                    .filter_map(|n| self.names.actions.get(&n.name).map(|&i| i as usize))
                    .collect(),
            };
            let mut list = Vec::new();
            for &ti in &tys {
                let Some(t) = types.get(ti) else { continue };
                let declared = |a: usize| {
                    t.kind.get(a).copied().unwrap_or(ActionKind::Undeclared)
                        != ActionKind::Undeclared
                };
                for &ai in acts.iter().filter(|&&a| declared(a)) {
                    let extra = if def.effect == Effect::Allow {
                        implied.get(ai).map(Vec::as_slice).unwrap_or(&[])
                    } else {
                        &[]
                    };
                    for a in
                        std::iter::once(ai).chain(extra.iter().copied().filter(|&b| declared(b)))
                    {
                        if let Some(s) = stamp.get_mut(ti * n_actions + a) {
                            if *s != ri {
                                *s = ri;
                                list.push((ti as u16, a as u16));
                            }
                        }
                    }
                }
            }
            total = total.saturating_add(list.len());
            if total > limits::MAX_GRANTS {
                return Err(too_large(
                    "grants (rules expanded over types and actions)",
                    total,
                    limits::MAX_GRANTS,
                ));
            }
            out.push(list);
        }
        Ok(out)
    }

    /// For each role (then "everyone"), the index of its first rule and its rule list.
    fn rule_offsets(&self) -> Vec<(usize, &'p [RuleDef])> {
        let p: &'p Policy = self.p;
        let mut out = Vec::with_capacity(p.roles.len() + 1);
        let mut start = 0;
        for r in &p.roles {
            out.push((start, r.rules.as_slice()));
            start += r.rules.len();
        }
        out.push((start, p.rules.as_slice()));
        out
    }

    /// A role and every role it inherits, nearest first, each once.
    fn ancestors(&self, role: usize) -> Vec<usize> {
        let mut out = vec![role];
        let mut i = 0;
        while let Some(&r) = out.get(i) {
            if let Some(def) = self.p.roles.get(r) {
                for parent in &def.inherits {
                    if let Some(&pi) = self.names.roles.get(&parent.name) {
                        if !out.contains(&(pi as usize)) {
                            out.push(pi as usize);
                        }
                    }
                }
            }
            i += 1;
        }
        out
    }

    /// For each action index, every action it implies (transitively), itself excluded.
    fn implication_closure(&self) -> Vec<Vec<usize>> {
        let n = self.names.action_list.len();
        let mut direct = vec![Vec::new(); n];
        for (a, list) in &self.p.implies {
            let ai = self.action(&a.name) as usize;
            for b in list {
                let bi = self.action(&b.name) as usize;
                if let Some(d) = direct.get_mut(ai) {
                    if bi < n {
                        d.push(bi);
                    }
                }
            }
        }
        (0..n)
            .map(|start| {
                let mut seen = vec![start];
                let mut i = 0;
                while let Some(&x) = seen.get(i) {
                    for &y in direct.get(x).into_iter().flatten() {
                        if !seen.contains(&y) {
                            seen.push(y);
                        }
                    }
                    i += 1;
                }
                seen.remove(0);
                seen
            })
            .collect()
    }
}
