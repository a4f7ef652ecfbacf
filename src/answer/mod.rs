//! The questions a tenant answers about one record: [`can`](Tenant::can),
//! [`check`](Tenant::check) and [`permitted`](Tenant::permitted).
//!
//! [`explain`] puts a verdict into words (a [`Decision`]); [`batch`] asks one question of many
//! records at once; [`who`] lists the users who may. `check` and `permitted` also answer as if
//! the account were on another plan (`check_on`, `permitted_on`: upgrade previews).

pub mod batch;
pub mod columns;
pub mod explain;
mod plan_json;
pub mod who;

use crate::answer::explain::{Decision, Ids};
use crate::engine::ActionKind;
use crate::error::Error;
use crate::json::text::id_text;
use crate::json::Json;
use crate::tenant::value::Resource;
use crate::tenant::Tenant;

impl Tenant {
    /// Resolves the user, the record and the action of a question.
    #[doc(hidden)]
    pub fn question(
        &self,
        user: &str,
        action: &str,
        rec: &Json,
    ) -> Result<(Option<u32>, u16, Resource), Error> {
        self.asked(user, action, self.resolve(rec, "")?)
    }

    /// The user and the action of a question about a resolved resource.
    fn asked(
        &self,
        user: &str,
        action: &str,
        resource: Resource,
    ) -> Result<(Option<u32>, u16, Resource), Error> {
        let action = self.action_index(action, &resource)?;
        Ok((self.user_index(user), action, resource))
    }

    /// May `user` do `action` on `rec`? The hot path: no explanation is built.
    pub fn can(&self, user: &str, action: &str, rec: &Json) -> Result<bool, Error> {
        let (u, a, s) = self.question(user, action, rec)?;
        Ok(self.allows(u, a, &s))
    }

    /// [`can`](Tenant::can) on an element of a list (`filter`, `total`): a record, with or
    /// without an `id`, never a question about its type as a whole.
    pub fn can_record(&self, user: &str, action: &str, rec: &Json) -> Result<bool, Error> {
        let (u, a, s) = self.asked(user, action, self.resolve_record(rec, "")?)?;
        Ok(self.allows(u, a, &s))
    }

    /// The decision with its reason, rule and upgrade hint.
    pub fn check(&self, user: &str, action: &str, rec: &Json) -> Result<Decision, Error> {
        self.check_on(user, action, rec, None)
    }

    /// The plan index a what-if question names (`None`: the account's own plan); an unknown
    /// plan is `unknown_plan` at `/plan`.
    fn what_if(&self, plan: Option<&str>) -> Result<u8, Error> {
        match plan {
            None => Ok(self.plan),
            Some(name) => self.engine.plan_index(name).ok_or_else(|| {
                Error::new(
                    "unknown_plan",
                    format!("the plan `{name}` is not one of the policy's plans"),
                    "/plan",
                )
            }),
        }
    }

    /// [`check`](Tenant::check) as if the account were on `plan` (an upgrade preview): the
    /// directory is not copied, only the plan the stages compare with changes.
    pub fn check_on(
        &self,
        user: &str,
        action: &str,
        rec: &Json,
        plan: Option<&str>,
    ) -> Result<Decision, Error> {
        let at = self.what_if(plan)?;
        let (u, a, s) = self.question(user, action, rec)?;
        let record = id_text(rec);
        let parent = rec.get("parent").and_then(id_text);
        let ids = Ids {
            user,
            record: record.as_deref(),
            parent: parent.as_deref(),
            field_marks: false,
        };
        Ok(self.decision(self.verdict_at(at, u, a, &s), a, &s, ids))
    }

    /// The actions `user` may do on `rec`, sorted: record actions for a record, every action
    /// (type-level ones exactly, record ones on "some record") for a type-level `{type}`.
    pub fn permitted(&self, user: &str, rec: &Json) -> Result<Vec<String>, Error> {
        self.permitted_on(user, rec, None)
    }

    /// [`permitted`](Tenant::permitted) as if the account were on `plan`: what an upgrade
    /// would add for this user.
    pub fn permitted_on(
        &self,
        user: &str,
        rec: &Json,
        plan: Option<&str>,
    ) -> Result<Vec<String>, Error> {
        let at = self.what_if(plan)?;
        let resource = self.resolve(rec, "")?;
        Ok(self.permitted_at(at, self.user_index(user), &resource))
    }

    /// [`permitted`](Tenant::permitted) on a resolved resource.
    #[doc(hidden)]
    pub fn permitted_resolved(&self, user: Option<u32>, resource: &Resource) -> Vec<String> {
        self.permitted_at(self.plan, user, resource)
    }

    fn permitted_at(&self, at: u8, user: Option<u32>, resource: &Resource) -> Vec<String> {
        let e = &self.engine;
        let ty = resource.child.unwrap_or(resource.facts.ty);
        let Some(t) = e.types.get(ty as usize) else {
            return Vec::new();
        };
        let record_level = !resource.facts.type_level;
        // Walk the actions in alphabetical order: the list comes out sorted.
        e.alpha
            .iter()
            .filter(|&&a| match t.kind.get(a as usize) {
                Some(ActionKind::Record) => true,
                Some(ActionKind::TypeLevel) => !record_level,
                _ => false,
            })
            .filter(|&&a| self.allows_at(at, user, a, resource))
            .filter_map(|&a| e.actions.get(a as usize).cloned())
            .collect()
    }
}
