//! Evaluation: one question (user, action, resolved record) → a [`Verdict`].
//!
//! Each candidate rule is checked in a fixed order of stages, and the first stage that fails
//! is remembered: workflow state, condition, scope, organisation, setting, plan. The boolean
//! path ([`Tenant::allows`]) stops at the first rule that passes; the explaining path
//! ([`Tenant::verdict`]) runs the same checks and keeps the nearest miss, so `can` and `check`
//! can never disagree. Deny rules, if any, win over allow rules.

mod reads;

use crate::engine::{CNode, Engine, Fixed, Grant, Lit, Opd, Rule, NONE16, NONE32};
use crate::policy::{Effect, Scope};
use crate::tenant::value::{Facts, Resource, Val};
use crate::tenant::Tenant;

/// The stages a rule is checked in; a later stage is a nearer miss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    State = 1,
    Condition = 2,
    Scope = 3,
    External = 4,
    Setting = 5,
    Plan = 6,
}

/// The outcome of one question, before it is put into words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed { rule: u32 },
    UnknownUser,
    NoPermission,
    Forbidden { rule: u32 },
    PlanRequired { rule: u32, upgrade_to: u8 },
    Missed { rule: u32, stage: Stage },
}

impl Verdict {
    /// True when the question is allowed.
    pub fn allowed(self) -> bool {
        matches!(self, Verdict::Allowed { .. })
    }
}

impl Tenant {
    /// The candidate rule lists for a user on (type, action): main role, system roles, everyone.
    pub(crate) fn lists(
        &self,
        user: u32,
        ty: u16,
        action: u16,
        mut each: impl FnMut(&[Grant]) -> bool,
    ) -> bool {
        let e: &Engine = &self.engine;
        let Some(u) = self.users.get(user as usize) else {
            return false;
        };
        if u.role != NONE16 && each(e.slot(u.role as usize, ty, action)) {
            return true;
        }
        let mut sys = u.sys;
        while sys != 0 {
            let bit = sys.trailing_zeros() as u8;
            sys &= sys - 1;
            if let Some(&p) = e.sys_principal.get(bit as usize) {
                if each(e.slot(p as usize, ty, action)) {
                    return true;
                }
            }
        }
        each(e.slot(e.principal_everyone(), ty, action))
    }

    /// Maps a resource's action to the (type, action) its rules are looked up under.
    pub(crate) fn target(&self, resource: &Resource, action: u16) -> (u16, u16) {
        match resource
            .child
            .and_then(|c| self.engine.types.get(c as usize))
        {
            Some(child) => (
                resource.facts.ty,
                child.follow.get(action as usize).copied().unwrap_or(NONE16),
            ),
            None => (resource.facts.ty, action),
        }
    }

    /// The boolean answer: the hot path.
    #[doc(hidden)]
    pub fn allows(&self, user: Option<u32>, action: u16, resource: &Resource) -> bool {
        let Some(user) = user else { return false };
        let (ty, action) = self.target(resource, action);
        self.allows_as(user, ty, action, &resource.facts, false)
    }

    fn allows_as(&self, user: u32, ty: u16, action: u16, f: &Facts, delegated: bool) -> bool {
        if self.engine.has_deny && self.denied_by(user, ty, action, f, delegated).is_some() {
            return false;
        }
        self.lists(user, ty, action, |grants| {
            grants.iter().any(|g| {
                self.rule(g)
                    .map(|r| r.effect == Effect::Allow)
                    .unwrap_or(false)
                    && self.outcome(user, g, ty, action, f, delegated).is_ok()
            })
        })
    }

    fn denied_by(
        &self,
        user: u32,
        ty: u16,
        action: u16,
        f: &Facts,
        delegated: bool,
    ) -> Option<u32> {
        let mut hit = None;
        self.lists(user, ty, action, |grants| {
            for g in grants {
                if self
                    .rule(g)
                    .map(|r| r.effect == Effect::Deny)
                    .unwrap_or(false)
                    && self.deny_covers(user, g, f)
                    && self.outcome(user, g, ty, action, f, delegated).is_ok()
                {
                    hit = Some(g.rule);
                    return true;
                }
            }
            false
        });
        hit
    }

    /// A type-level question asks about *some* record, so a deny rule decides it only when it
    /// covers every record: scope `all` and a condition that holds without reading the record.
    fn deny_covers(&self, user: u32, g: &Grant, f: &Facts) -> bool {
        if !f.type_level {
            return true;
        }
        match self.rule(g) {
            Some(r) => {
                r.scope == Scope::All
                    && r.cond
                        .map(|c| self.cond(c, user, f, 0) == Some(true))
                        .unwrap_or(true)
            }
            None => false,
        }
    }

    fn rule(&self, g: &Grant) -> Option<&Rule> {
        self.engine.rules.get(g.rule as usize)
    }

    /// The full answer, with the deciding rule or the nearest miss.
    #[doc(hidden)]
    pub fn verdict(&self, user: Option<u32>, action: u16, resource: &Resource) -> Verdict {
        let Some(user) = user else {
            return Verdict::UnknownUser;
        };
        let (ty, action) = self.target(resource, action);
        let f = &resource.facts;
        if let Some(rule) = self.denied_by(user, ty, action, f, false) {
            return Verdict::Forbidden { rule };
        }
        let mut best: Option<(Stage, u32)> = None;
        let mut upgrade: Option<(u8, u32)> = None;
        let mut allowed = None;
        self.lists(user, ty, action, |grants| {
            for g in grants.iter().filter(|g| {
                self.rule(g)
                    .map(|r| r.effect == Effect::Allow)
                    .unwrap_or(false)
            }) {
                match self.outcome(user, g, ty, action, f, false) {
                    Ok(()) => {
                        allowed = Some(g.rule);
                        return true;
                    }
                    Err(Stage::Plan) if self.plan < g.lo && g.lo <= g.hi => {
                        if upgrade.map(|(lo, _)| g.lo < lo).unwrap_or(true) {
                            upgrade = Some((g.lo, g.rule));
                        }
                    }
                    Err(Stage::Plan) => {}
                    Err(stage) => {
                        let nearer = match best {
                            None => true,
                            Some((s, _)) if stage != s => stage > s,
                            Some((_, r)) => {
                                stage == Stage::Scope && self.reach(g.rule) > self.reach(r)
                            }
                        };
                        if nearer {
                            best = Some((stage, g.rule));
                        }
                    }
                }
            }
            false
        });
        match (allowed, upgrade, best) {
            (Some(rule), _, _) => Verdict::Allowed { rule },
            (None, Some((upgrade_to, rule)), _) => Verdict::PlanRequired { rule, upgrade_to },
            (None, None, Some((stage, rule))) => Verdict::Missed { rule, stage },
            (None, None, None) => Verdict::NoPermission,
        }
    }

    /// How many records a rule's scope can reach, for choosing which of two scope misses to
    /// explain: "not in your reporting line" says more than "not yours".
    fn reach(&self, rule: u32) -> u8 {
        match self.engine.rules.get(rule as usize).map(|r| r.scope) {
            Some(Scope::All) => 5,
            Some(Scope::Team | Scope::Org | Scope::Manager) => 4,
            Some(Scope::Subordinates) => 3,
            Some(Scope::Granted) => 2,
            _ => 1,
        }
    }

    /// Checks one rule for one question, stage by stage; `Err` names the first stage that fails.
    fn outcome(
        &self,
        user: u32,
        g: &Grant,
        ty: u16,
        action: u16,
        f: &Facts,
        delegated: bool,
    ) -> Result<(), Stage> {
        let rule = self.rule(g).ok_or(Stage::Scope)?;
        if !f.type_level && !self.state_ok(ty, action, f) {
            return Err(Stage::State);
        }
        if let Some(c) = rule.cond {
            if self.cond(c, user, f, 0) == Some(false) {
                return Err(Stage::Condition);
            }
        }
        if !f.type_level && !self.scope_ok(rule.scope, user, ty, action, f, delegated) {
            return Err(Stage::Scope);
        }
        self.static_stage(user, g)
    }

    /// The stages that do not depend on the record: organisation, setting, plan.
    pub(crate) fn static_stage(&self, user: u32, g: &Grant) -> Result<(), Stage> {
        let rule = self.engine.rules.get(g.rule as usize).ok_or(Stage::Scope)?;
        let external = self
            .users
            .get(user as usize)
            .map(|u| u.external)
            .unwrap_or(false);
        if external && !rule.external {
            return Err(Stage::External);
        }
        if let Some(s) = rule.setting {
            if !self.setting_on(s) {
                return Err(Stage::Setting);
            }
        }
        if self.plan < g.lo || self.plan > g.hi {
            return Err(Stage::Plan);
        }
        Ok(())
    }

    /// The value of a fixed field ([`Fixed`]) of a resolved record.
    pub(crate) fn fixed(&self, f: &Facts, which: Fixed) -> Val {
        match self.engine.fixed.get(which.index()) {
            Some(&slot) => f.field(slot as usize),
            None => Val::Absent,
        }
    }

    /// The index of the record's workflow state among its type's states.
    pub(crate) fn state_index(&self, ty: u16, f: &Facts) -> Option<usize> {
        let t = self.engine.types.get(ty as usize)?;
        let sym = self.fixed(f, Fixed::State).sym()?;
        t.state_lit
            .iter()
            .position(|&l| self.lit_map.get(l as usize) == Some(&sym))
    }

    pub(crate) fn state_ok(&self, ty: u16, action: u16, f: &Facts) -> bool {
        let Some(t) = self.engine.types.get(ty as usize) else {
            return false;
        };
        let from = t.from.get(action as usize).copied().unwrap_or(u64::MAX);
        if from == u64::MAX {
            return true;
        }
        match self.state_index(ty, f) {
            Some(i) => from & (1u64 << (i & 63)) != 0,
            None => false,
        }
    }

    pub(crate) fn scope_ok(
        &self,
        scope: Scope,
        user: u32,
        ty: u16,
        action: u16,
        f: &Facts,
        delegated: bool,
    ) -> bool {
        let is_user = |i: Fixed| self.fixed(f, i) == Val::Str(user);
        match scope {
            Scope::All => true,
            Scope::Own => is_user(Fixed::Owner),
            Scope::Created => is_user(Fixed::Creator),
            Scope::Assignee => is_user(Fixed::Assignee),
            Scope::Subordinates => match self.fixed(f, Fixed::Owner).sym() {
                Some(owner) => self.in_line(user, owner),
                None => false,
            },
            Scope::Team => match self.fixed(f, Fixed::Team).sym() {
                Some(team) => self.teams_of(user).contains(&team),
                None => false,
            },
            Scope::Org => {
                let org = self
                    .users
                    .get(user as usize)
                    .map(|u| u.org)
                    .unwrap_or(NONE32);
                org != NONE32 && f.orgs.contains(&org)
            }
            Scope::Granted => match self.fixed(f, Fixed::Id).sym() {
                Some(id) => self.grants.contains(&(user, ty, id)),
                None => false,
            },
            Scope::Manager => {
                // One level only: the manager's own rules, without their `manager` rules.
                let manager = self
                    .users
                    .get(user as usize)
                    .map(|u| u.manager)
                    .unwrap_or(NONE32);
                !delegated && manager != NONE32 && self.allows_as(manager, ty, action, f, true)
            }
        }
    }

    /// A condition, three-valued: `None` when a type-level question leaves it open.
    fn cond(&self, node: u32, user: u32, f: &Facts, depth: usize) -> Option<bool> {
        if depth > crate::limits::MAX_CONDITION_DEPTH {
            return Some(false);
        }
        match self.engine.conds.get(node as usize)? {
            CNode::Const(b) => Some(*b),
            CNode::Eq(a, b) => Some(self.operand(*a, user, f)?.same(self.operand(*b, user, f)?)),
            CNode::In(a, list) => {
                let v = self.operand(*a, user, f)?;
                Some(list.iter().any(|l| v.same(self.lit(*l))))
            }
            CNode::Not(inner) => self.cond(*inner, user, f, depth + 1).map(|b| !b),
            CNode::And(items) => {
                let mut open = false;
                for &i in items {
                    match self.cond(i, user, f, depth + 1) {
                        Some(false) => return Some(false),
                        None => open = true,
                        Some(true) => {}
                    }
                }
                if open {
                    None
                } else {
                    Some(true)
                }
            }
            CNode::Or(items) => {
                let mut open = false;
                for &i in items {
                    match self.cond(i, user, f, depth + 1) {
                        Some(true) => return Some(true),
                        None => open = true,
                        Some(false) => {}
                    }
                }
                if open {
                    None
                } else {
                    Some(false)
                }
            }
        }
    }

    fn lit(&self, l: Lit) -> Val {
        match l {
            Lit::Null => Val::Null,
            Lit::Bool(b) => Val::Bool(b),
            Lit::Num(n) => Val::Num(n),
            Lit::Str(i) => Val::Str(self.lit_map.get(i as usize).copied().unwrap_or(NONE32)),
        }
    }

    fn operand(&self, o: Opd, user: u32, f: &Facts) -> Option<Val> {
        match o {
            Opd::Lit(l) => Some(self.lit(l)),
            Opd::UserAttr(a) => Some(self.attr(user, a)),
            Opd::Field(_) | Opd::UserOf { .. } if f.type_level => None,
            Opd::Field(i) => Some(f.field(i as usize)),
            Opd::UserOf { field, attr } => Some(match f.field(field as usize).sym() {
                Some(u) if (u as usize) < self.users.len() => self.attr(u, attr),
                _ => Val::Absent,
            }),
        }
    }
}
