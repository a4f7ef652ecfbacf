//! Evaluation: one question (user, action, resolved record) → a [`Verdict`].
//!
//! Each candidate rule is checked in a fixed order of stages: workflow state, condition,
//! scope, organisation, setting, plan. The boolean path ([`Tenant::allows`]) stops at the
//! first rule that passes; the explaining path ([`Tenant::verdict`]) runs every check of
//! every rule and keeps the nearest miss, so `can` and `check` can never disagree. Deny rules,
//! if any, win over allow rules.
//!
//! A miss is explained by its most fundamental failed check ([`Stage`] order: what the person
//! cannot change inside the account first, the plan last), and the nearest miss is the rule
//! whose most fundamental failure is the mildest (docs/policy.md, "Nearest miss").

mod reads;

use crate::engine::{CNode, Engine, Fixed, Grant, Lit, Opd, Rule, NONE16, NONE32, NONE8};
use crate::policy::{Effect, Scope};
use crate::tenant::value::{Facts, Resource, Val};
use crate::tenant::Tenant;

/// The checks a rule may fail, most fundamental first: the organisation (the person cannot
/// change it inside the account), then what an admin can change (the record's scope, its
/// workflow state, the rule's condition, a setting), then the plan (an upgrade). A rule's
/// miss is named by its first failed check in this order; a later one is a nearer miss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    External = 0,
    Scope = 1,
    State = 2,
    Condition = 3,
    Setting = 4,
    Plan = 5,
}

impl Stage {
    /// Every stage, most fundamental first.
    pub const ALL: [Stage; 6] = [
        Stage::External,
        Stage::Scope,
        Stage::State,
        Stage::Condition,
        Stage::Setting,
        Stage::Plan,
    ];

    /// How near a miss whose most fundamental failure is this stage comes to passing, for
    /// choosing between rules that fail as many checks: a rule closed to other organisations
    /// is the farthest; then a workflow state, a condition, a record out of scope (the rule
    /// applies to the user, only not to this record), and a setting an admin can switch on,
    /// the nearest.
    pub const fn nearness(self) -> u8 {
        match self {
            Stage::External => 0,
            Stage::State => 1,
            Stage::Condition => 2,
            Stage::Scope => 3,
            Stage::Setting => 4,
            Stage::Plan => 5,
        }
    }

    /// This stage's bit in a [`Fails`] set.
    pub const fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// The set of checks one rule fails, as bits ([`Stage::bit`]).
pub type Fails = u8;

/// The most fundamental stage of a non-empty set of failed checks.
pub fn first_stage(fails: Fails) -> Option<Stage> {
    Stage::ALL.into_iter().find(|s| fails & s.bit() != 0)
}

/// The outcome of one question, before it is put into words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed {
        rule: u32,
    },
    UnknownUser,
    NoPermission,
    /// No rule of the user's grants the action, the user is of another organisation, and no
    /// rule of the policy opens the action to other organisations: no role would help.
    ClosedToOrg,
    Forbidden {
        rule: u32,
    },
    PlanRequired {
        rule: u32,
        upgrade_to: u8,
    },
    /// The nearest rule failed: `stage` is its most fundamental failed check, `fails` every
    /// check it failed, and `lo` the lowest plan of its window when the plan is below it
    /// (`NONE8` otherwise: no upgrade helps), for the plan's own words.
    Missed {
        rule: u32,
        stage: Stage,
        fails: Fails,
        lo: u8,
    },
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
        each: impl FnMut(&[Grant]) -> bool,
    ) -> bool {
        self.lists_at(self.plan, user, ty, action, each)
    }

    /// The system roles `user` holds on plan `at`: those named, and those their main role
    /// brings by default where the main role exists (SE-6).
    pub(crate) fn sys_at(&self, at: u8, user: u32) -> u64 {
        let Some(u) = self.users.get(user as usize) else {
            return 0;
        };
        match self.role_defaults(u.role) {
            Some(((lo, hi), d)) if lo <= at && at <= hi => u.sys | d,
            _ => u.sys,
        }
    }

    /// The plans on which main role `role` exists, and the system roles it brings by default
    /// there (`defaultFor`, SE-6).
    fn role_defaults(&self, role: u16) -> Option<((u8, u8), u64)> {
        let e = &self.engine;
        let window = e.roles.get(role as usize)?.plan;
        Some((
            window,
            e.default_sys.get(role as usize).copied().unwrap_or(0),
        ))
    }

    /// Hands `each` the grants of each system role in `sys` (a bit set) on (type, action),
    /// until it returns true.
    #[inline]
    fn sys_slots(
        &self,
        mut sys: u64,
        ty: u16,
        action: u16,
        mut each: impl FnMut(&[Grant]) -> bool,
    ) -> bool {
        let e: &Engine = &self.engine;
        while sys != 0 {
            let bit = sys.trailing_zeros();
            sys &= sys - 1;
            if let Some(&p) = e.sys_principal.get(bit as usize) {
                if each(e.slot(p as usize, ty, action)) {
                    return true;
                }
            }
        }
        false
    }

    /// [`lists`](Tenant::lists) as if the account were on plan `at`.
    pub(crate) fn lists_at(
        &self,
        at: u8,
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
        if self.sys_slots(self.sys_at(at, user), ty, action, &mut each) {
            return true;
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
        self.allows_at(self.plan, user, action, resource)
    }

    /// [`allows`](Tenant::allows) as if the account were on plan `at` (a what-if plan).
    #[doc(hidden)]
    pub fn allows_at(&self, at: u8, user: Option<u32>, action: u16, resource: &Resource) -> bool {
        let Some(user) = user else { return false };
        let (ty, action) = self.target(resource, action);
        self.allows_as(at, user, ty, action, &resource.facts, false)
    }

    pub(crate) fn allows_as(
        &self,
        at: u8,
        user: u32,
        ty: u16,
        action: u16,
        f: &Facts,
        delegated: bool,
    ) -> bool {
        if self.engine.has_deny && self.denied_by(at, user, ty, action, f, delegated).is_some() {
            return false;
        }
        self.lists_at(at, user, ty, action, |grants| {
            grants.iter().any(|g| {
                self.rule(g)
                    .map(|r| r.effect == Effect::Allow)
                    .unwrap_or(false)
                    && self.outcome(at, user, g, ty, action, f, delegated).is_ok()
            })
        })
    }

    fn denied_by(
        &self,
        at: u8,
        user: u32,
        ty: u16,
        action: u16,
        f: &Facts,
        delegated: bool,
    ) -> Option<u32> {
        let mut hit = None;
        self.lists_at(at, user, ty, action, |grants| {
            for g in grants {
                if self
                    .rule(g)
                    .map(|r| r.effect == Effect::Deny)
                    .unwrap_or(false)
                    && self.deny_covers(user, g, f)
                    && self.outcome(at, user, g, ty, action, f, delegated).is_ok()
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
        self.verdict_at(self.plan, user, action, resource)
    }

    /// [`verdict`](Tenant::verdict) as if the account were on plan `at` (a what-if plan).
    #[doc(hidden)]
    pub fn verdict_at(
        &self,
        at: u8,
        user: Option<u32>,
        action: u16,
        resource: &Resource,
    ) -> Verdict {
        let Some(user) = user else {
            return Verdict::UnknownUser;
        };
        let (ty, action) = self.target(resource, action);
        let f = &resource.facts;
        if let Some(rule) = self.denied_by(at, user, ty, action, f, false) {
            return Verdict::Forbidden { rule };
        }
        // The nearest miss so far, by (open to the user's organisation, fewer failed checks,
        // how near its most fundamental failure comes, the reach of its scope), then the
        // failures and lowest plan of that rule.
        type Near = (bool, std::cmp::Reverse<u32>, u8, u8);
        let mut best: Option<(Near, u32, Fails, u8)> = None;
        let mut upgrade: Option<(u8, u32)> = None;
        let mut allowed = None;
        self.lists_at(at, user, ty, action, |grants| {
            for g in grants.iter().filter(|g| {
                self.rule(g)
                    .map(|r| r.effect == Effect::Allow)
                    .unwrap_or(false)
            }) {
                let fails = self.fails(at, user, g, ty, action, f);
                let Some(stage) = first_stage(fails) else {
                    allowed = Some(g.rule);
                    return true;
                };
                if self.not_theirs(g, fails, ty, action) {
                    continue;
                }
                if stage == Stage::Plan {
                    // Upgrading alone would allow it, when the plan is below the window.
                    if at < g.lo && g.lo <= g.hi && upgrade.map(|(lo, _)| g.lo < lo).unwrap_or(true)
                    {
                        upgrade = Some((g.lo, g.rule));
                    }
                    continue;
                }
                let reach = if stage == Stage::Scope {
                    self.reach(g.rule)
                } else {
                    0
                };
                let near: Near = (
                    fails & Stage::External.bit() == 0,
                    std::cmp::Reverse(fails.count_ones()),
                    stage.nearness(),
                    reach,
                );
                // Ties go to the first candidate.
                if best.map(|(b, ..)| near > b).unwrap_or(true) {
                    // The plan to name when the plan is among the failures: only one below.
                    let lo = if at < g.lo && g.lo <= g.hi {
                        g.lo
                    } else {
                        NONE8
                    };
                    best = Some((near, g.rule, fails, lo));
                }
            }
            false
        });
        if allowed.is_none() {
            // The lower plan; on a tie, the rule of the user's own grants.
            upgrade = upgrade
                .into_iter()
                .chain(self.default_upgrade(at, user, ty, action, f))
                .min_by_key(|&(lo, _)| lo);
        }
        match (allowed, upgrade, best) {
            (Some(rule), _, _) => Verdict::Allowed { rule },
            (None, Some((upgrade_to, rule)), _) => Verdict::PlanRequired { rule, upgrade_to },
            (None, None, Some((_, rule, fails, lo))) => Verdict::Missed {
                rule,
                stage: first_stage(fails).unwrap_or(Stage::Scope),
                fails,
                lo,
            },
            (None, None, None) if self.external(user) && !self.open_to_orgs(ty, action) => {
                Verdict::ClosedToOrg
            }
            (None, None, None) => Verdict::NoPermission,
        }
    }

    /// A policy-wide rule whose only failure is a condition on the user alone (no record field)
    /// is no more the user's than a role they do not hold (CS-4: "the person who subscribed"):
    /// no candidate for the nearest miss, so such a refusal reads `no_permission`, no rule
    /// granting the action to this user.
    fn not_theirs(&self, g: &Grant, fails: Fails, ty: u16, action: u16) -> bool {
        let e: &Engine = &self.engine;
        fails == Stage::Condition.bit()
            && self
                .rule(g)
                .and_then(|r| r.cond)
                .is_some_and(|c| e.cond_reads(c) == 0)
            && e.slot(e.principal_everyone(), ty, action)
                .iter()
                .any(|x| x.rule == g.rule)
    }

    /// The grants of the system roles the user's main role holds by default (`defaultFor`),
    /// each with the plan window where both apply, when that main role is not on plan `at`:
    /// no candidates there, yet what an upgrade would bring.
    pub(crate) fn off_plan_defaults(
        &self,
        at: u8,
        user: u32,
        ty: u16,
        action: u16,
        mut each: impl FnMut(&Grant, u8, u8),
    ) {
        let Some(u) = self.users.get(user as usize) else {
            return;
        };
        let Some(((role_lo, role_hi), defaults)) = self.role_defaults(u.role) else {
            return;
        };
        if role_lo <= at && at <= role_hi {
            return;
        }
        self.sys_slots(defaults & !u.sys, ty, action, |grants| {
            for g in grants {
                each(g, g.lo.max(role_lo), g.hi.min(role_hi));
            }
            false
        });
    }

    /// The lowest plan, and its rule, on which a default system role of the user's main role
    /// would allow the question when that role is not on plan `at` (SE-6: the org primary
    /// owner's Sales tab below Enterprise Grid is an upgrade, not a refusal).
    fn default_upgrade(
        &self,
        at: u8,
        user: u32,
        ty: u16,
        action: u16,
        f: &Facts,
    ) -> Option<(u8, u32)> {
        let mut best: Option<(u8, u32)> = None;
        self.off_plan_defaults(at, user, ty, action, |g, lo, hi| {
            let allows = self.rule(g).is_some_and(|r| r.effect == Effect::Allow);
            if allows
                && at < lo
                && lo <= hi
                && best.is_none_or(|(b, _)| lo < b)
                && self.fails(at, user, g, ty, action, f) & !Stage::Plan.bit() == 0
            {
                best = Some((lo, g.rule));
            }
        });
        best
    }

    fn external(&self, user: u32) -> bool {
        self.users
            .get(user as usize)
            .map(|u| u.external)
            .unwrap_or(false)
    }

    /// True when some allow rule of the policy, held by any role or by everyone, opens
    /// (type, action) to users of other organisations.
    fn open_to_orgs(&self, ty: u16, action: u16) -> bool {
        let e = &self.engine;
        (0..=e.roles.len()).any(|p| {
            e.slot(p, ty, action).iter().any(|g| {
                self.rule(g)
                    .is_some_and(|r| r.effect == Effect::Allow && r.external)
            })
        })
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

    /// Every check one allow rule fails for one question (the explaining path: all of them,
    /// so the most fundamental can be named, not only the first met).
    fn fails(&self, at: u8, user: u32, g: &Grant, ty: u16, action: u16, f: &Facts) -> Fails {
        let Some(rule) = self.rule(g) else {
            return Stage::Scope.bit();
        };
        let mut out = 0;
        if !f.type_level && !self.state_ok(ty, action, f) {
            out |= Stage::State.bit();
        }
        if let Some(c) = rule.cond {
            if self.cond(c, user, f, 0) == Some(false) {
                out |= Stage::Condition.bit();
            }
        }
        if !f.type_level && !self.scope_ok(at, rule.scope, user, ty, action, f, false) {
            out |= Stage::Scope.bit();
        }
        if self.external(user) && !rule.external {
            out |= Stage::External.bit();
        }
        if rule.setting.is_some_and(|s| !self.setting_on(s)) {
            out |= Stage::Setting.bit();
        }
        if at < g.lo || at > g.hi {
            out |= Stage::Plan.bit();
        }
        out
    }

    /// Checks one rule for one question, stage by stage; `Err` names the first stage that fails.
    #[expect(
        clippy::too_many_arguments,
        reason = "one question's parts, passed as they are on the hot path rather than bundled per call"
    )]
    fn outcome(
        &self,
        at: u8,
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
        if !f.type_level && !self.scope_ok(at, rule.scope, user, ty, action, f, delegated) {
            return Err(Stage::Scope);
        }
        self.static_stage(at, user, g)
    }

    /// The stages that do not depend on the record: organisation, setting, plan.
    pub(crate) fn static_stage(&self, at: u8, user: u32, g: &Grant) -> Result<(), Stage> {
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
        if at < g.lo || at > g.hi {
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

    #[expect(
        clippy::too_many_arguments,
        reason = "one question's parts, passed as they are on the hot path rather than bundled per call"
    )]
    pub(crate) fn scope_ok(
        &self,
        at: u8,
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
                let org = self.org_of(user);
                org != NONE32 && f.orgs.contains(&org)
            }
            Scope::Granted => match self.fixed(f, Fixed::Id).sym() {
                Some(id) => self.grants.contains(&(user, ty, id)),
                None => false,
            },
            Scope::Manager => {
                // One level only: the manager's own rules, without their `manager` rules.
                let manager = self.manager_of(user);
                !delegated && manager != NONE32 && self.allows_as(at, manager, ty, action, f, true)
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
            CNode::And(items) => self.junction(items, false, user, f, depth),
            CNode::Or(items) => self.junction(items, true, user, f, depth),
        }
    }

    /// `and` (false decides) or `or` (true decides) of three-valued items: open when no item
    /// decides and some item is open.
    fn junction(
        &self,
        items: &[u32],
        decisive: bool,
        user: u32,
        f: &Facts,
        depth: usize,
    ) -> Option<bool> {
        let mut open = false;
        for &i in items {
            match self.cond(i, user, f, depth + 1) {
                Some(b) if b == decisive => return Some(decisive),
                None => open = true,
                Some(_) => {}
            }
        }
        if open {
            None
        } else {
            Some(!decisive)
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
