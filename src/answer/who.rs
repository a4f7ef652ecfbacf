//! Who may: [`Tenant::who`] lists the users who may do an action on a record (an assignee
//! picker, the admins who may approve an invite), without asking every user.
//!
//! Each allow rule that covers the question is inverted into the users it can reach: its
//! holders (a main role's users, a system role's, everyone's), narrowed by its scope on this
//! record: `own`, `created` and `assignee` reach the one user the field names, `subordinates`
//! the owner and the owner's managers up the forest, `team` the members of the record's team,
//! `org` the users of the record's organisations, `granted` those it was shared with, `all`
//! every holder, and `manager` the direct reports of the users whose own rules allow it. Each
//! candidate is then asked through the evaluator (deny rules, conditions, settings, plans), so
//! the answer is exactly "every user for whom `can` is true": a property test holds it to that.

use crate::engine::{Fixed, NONE16, NONE32};
use crate::error::Error;
use crate::json::Json;
use crate::policy::{Effect, Scope};
use crate::tenant::value::Resource;
use crate::tenant::Tenant;

/// The users a question may reach, as a bit per user.
struct Reach {
    bits: Vec<u64>,
}

impl Reach {
    fn new(n: usize) -> Self {
        Reach {
            bits: vec![0; n.div_ceil(64)],
        }
    }

    fn add(&mut self, u: u32) {
        if let Some(w) = self.bits.get_mut((u / 64) as usize) {
            *w |= 1u64 << (u % 64);
        }
    }

    fn has(&self, u: u32) -> bool {
        self.bits
            .get((u / 64) as usize)
            .is_some_and(|w| w & (1u64 << (u % 64)) != 0)
    }

    fn each(&self) -> impl Iterator<Item = u32> + '_ {
        self.bits.iter().enumerate().flat_map(|(i, &w)| {
            (0..64u32)
                .filter(move |b| w & (1u64 << b) != 0)
                .map(move |b| i as u32 * 64 + b)
        })
    }
}

impl Tenant {
    /// The ids of the users who may do `action` on `rec`, sorted as JavaScript sorts strings
    /// (by UTF-16 code units).
    pub fn who(&self, action: &str, rec: &Json) -> Result<Vec<String>, Error> {
        let mut ids = self.who_unsorted(action, rec)?;
        ids.sort_unstable_by(|x, y| x.encode_utf16().cmp(y.encode_utf16()));
        Ok(ids.into_iter().map(str::to_owned).collect())
    }

    /// [`who`](Tenant::who) in directory order: the binding lets JavaScript sort (its own
    /// order, and no sorting code in the wasm module).
    #[doc(hidden)]
    pub fn who_unsorted(&self, action: &str, rec: &Json) -> Result<Vec<&str>, Error> {
        let resource = self.resolve(rec, "")?;
        let a = self.action_index(action, &resource)?;
        Ok(self
            .who_resolved(a, &resource)
            .into_iter()
            .filter_map(|u| self.user_id(u))
            .collect())
    }

    /// The indices of the users who may do action `a` on a resolved resource, in index order.
    #[doc(hidden)]
    pub fn who_resolved(&self, a: u16, resource: &Resource) -> Vec<u32> {
        let (ty, action) = self.target(resource, a);
        let n = self.users.len();
        let mut reach = Reach::new(n);
        if action != NONE16 {
            self.reach_of_rules(ty, action, resource, false, &mut reach);
        }
        reach
            .each()
            .filter(|&u| self.allows(Some(u), a, resource))
            .collect()
    }

    /// Adds the users each allow rule on (type, action) may reach. `delegated` leaves out
    /// `manager` rules (a manager's own rules do not chain, as in the evaluator).
    fn reach_of_rules(
        &self,
        ty: u16,
        action: u16,
        resource: &Resource,
        delegated: bool,
        reach: &mut Reach,
    ) {
        let e = &self.engine;
        let f = &resource.facts;
        let everyone = e.principal_everyone();
        for p in 0..=everyone {
            let grants = e.slot(p, ty, action);
            let mut scopes: Vec<Scope> = grants
                .iter()
                .filter_map(|g| e.rules.get(g.rule as usize))
                .filter(|r| r.effect == Effect::Allow)
                .map(|r| r.scope)
                .collect();
            if scopes.is_empty() {
                continue;
            }
            if f.type_level || scopes.contains(&Scope::All) {
                // Scopes are not checked on a type-level question: every holder may.
                scopes = vec![Scope::All];
            }
            scopes.dedup();
            let holds = |u: u32| self.holds(u, p, everyone);
            for scope in scopes {
                match scope {
                    Scope::All => self.scan(reach, holds),
                    Scope::Own | Scope::Created | Scope::Assignee => {
                        let field = match scope {
                            Scope::Own => Fixed::Owner,
                            Scope::Created => Fixed::Creator,
                            _ => Fixed::Assignee,
                        };
                        if let Some(u) = self.user_in(resource, field) {
                            reach.add(u);
                        }
                    }
                    Scope::Subordinates => {
                        // The owner and every manager above them.
                        let mut at = self.user_in(resource, Fixed::Owner);
                        let mut steps = 0;
                        while let Some(u) = at.filter(|_| steps <= self.users.len()) {
                            reach.add(u);
                            at = self.users.get(u as usize).map(|r| r.manager);
                            at = at.filter(|&m| m != NONE32);
                            steps += 1;
                        }
                    }
                    Scope::Team => {
                        if let Some(team) = self.fixed(f, Fixed::Team).sym() {
                            self.scan(reach, |u| self.teams_of(u).contains(&team));
                        }
                    }
                    Scope::Org => self.scan(reach, |u| {
                        self.users
                            .get(u as usize)
                            .is_some_and(|r| r.org != NONE32 && f.orgs.contains(&r.org))
                    }),
                    Scope::Granted => {
                        if let Some(id) = self.fixed(f, Fixed::Id).sym() {
                            for &(u, t, g) in &self.grants {
                                if t == ty && g == id {
                                    reach.add(u);
                                }
                            }
                        }
                    }
                    Scope::Manager if !delegated => {
                        // The direct reports of the users whose own rules allow it.
                        let mut bosses = Reach::new(self.users.len());
                        self.reach_of_rules(ty, action, resource, true, &mut bosses);
                        let allowed: Vec<u32> = bosses
                            .each()
                            .filter(|&m| self.allows_as(self.plan, m, ty, action, f, true))
                            .collect();
                        if !allowed.is_empty() {
                            let mut ok = Reach::new(self.users.len());
                            for m in allowed {
                                ok.add(m);
                            }
                            self.scan(reach, |u| {
                                self.users
                                    .get(u as usize)
                                    .is_some_and(|r| r.manager != NONE32 && ok.has(r.manager))
                            });
                        }
                    }
                    Scope::Manager => {}
                }
            }
        }
    }

    /// Adds every user for whom `keep` holds.
    fn scan(&self, reach: &mut Reach, keep: impl Fn(u32) -> bool) {
        for u in 0..self.users.len() as u32 {
            if keep(u) {
                reach.add(u);
            }
        }
    }

    /// True when user `u` holds principal `p` (a main role, a system role, or everyone).
    fn holds(&self, u: u32, p: usize, everyone: usize) -> bool {
        if p == everyone {
            return true;
        }
        let Some(r) = self.users.get(u as usize) else {
            return false;
        };
        match self.engine.roles.get(p) {
            Some(role) if role.system => {
                self.sys_at(self.plan, u) & (1u64 << (role.sys_bit & 63)) != 0
            }
            Some(_) => r.role as usize == p,
            None => false,
        }
    }

    /// The user a fixed field of the record names, if it is one of this account.
    fn user_in(&self, resource: &Resource, field: Fixed) -> Option<u32> {
        self.fixed(&resource.facts, field)
            .sym()
            .filter(|&s| (s as usize) < self.users.len())
    }
}
