//! The plans of one batch call: one per (action, type) asked, built as records of new types
//! arrive, so a batch of 100,000 records of one type compiles its question once.

use super::Plan;
use crate::tenant::value::Resource;
use crate::tenant::Tenant;

/// The plans of one call by one user.
#[derive(Debug)]
pub struct Plans {
    user: Option<u32>,
    /// (action as asked, the record's own type, its plan; `None` when it has none, e.g. over
    /// the size bound: those records take the evaluator).
    plans: Vec<(u16, u16, Option<Plan>)>,
}

impl Plans {
    /// Most (action, type) plans kept per call; records of further types take the evaluator.
    const MAX: usize = 16;

    /// The plans of a call by `user`.
    pub fn new(user: Option<u32>) -> Self {
        Plans {
            user,
            plans: Vec::new(),
        }
    }

    /// The user the call asks for.
    pub fn user(&self) -> Option<u32> {
        self.user
    }

    /// May the user do `action` on `resource`? The same answer as [`Tenant::allows`].
    pub fn allows(&mut self, t: &Tenant, action: u16, resource: &Resource) -> bool {
        let own = resource.child.unwrap_or(resource.facts.ty);
        if resource.facts.type_level {
            return t.allows(self.user, action, resource);
        }
        let found = self
            .plans
            .iter()
            .position(|(a, ty, _)| *a == action && *ty == own);
        let at = match found {
            Some(i) => Some(i),
            None if self.plans.len() < Self::MAX => {
                let plan = t.plan_for(self.user, action, own).ok();
                self.plans.push((action, own, plan));
                Some(self.plans.len() - 1)
            }
            None => None,
        };
        match at
            .and_then(|i| self.plans.get(i))
            .and_then(|(_, _, p)| p.as_ref())
        {
            Some(p) => p.allows(t, resource),
            None => t.allows(self.user, action, resource),
        }
    }
}
