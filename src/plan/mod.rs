//! Plans: what remains of a question once the user is known.
//!
//! [`Tenant::plan_for`] evaluates everything about (user, action, type) that does not depend on
//! the record (role and inheritance, system roles, plan windows, settings, the user's
//! organisation, conditions on the user) and returns the residual as data: [`Kind::Always`],
//! [`Kind::Never`] (with the verdict no record can change) or [`Kind::Where`], a predicate
//! over record fields with every scope resolved to constants (`own` becomes `ownerId = me`,
//! `subordinates` `ownerId ∈` my reporting line, `manager` my manager's own residual, ...).
//! Deny rules become `and not (...)`. A plan judges records that have an id; a record without
//! one asks about its type as a whole and is answered by [`Tenant::allows`].
//!
//! Plans are the one compiled form of a question: JavaScript runs them on the hot path
//! (`js/`), `sql/` turns them into SQL, and [`Plan::allows`] runs them here, where the
//! property tests hold all three to the evaluator's answer. Sets (a reporting line, a user's
//! teams) are kept once per plan and referred to by index, never copied per rule.

mod build;
mod cache;

pub use cache::Plans;

use crate::eval::Verdict;
use crate::tenant::value::{Resource, Val};
use crate::tenant::Tenant;

/// Most predicate nodes one plan may hold: a policy whose conditions compare a record field
/// with a user attribute of many distinct values expands into one branch per value.
pub const MAX_PLAN_NODES: usize = 100_000;
/// Most distinct values of a user attribute that a condition comparing it with a record field
/// may expand into.
pub const MAX_ATTR_VALUES: usize = 256;

/// A set of strings a predicate tests membership in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Set {
    /// The ids of a user and of everyone below them in the manager forest (ZS-9).
    Line(u32),
    /// Tenant symbols (user ids, teams, organisations, record ids, literals), sorted.
    Syms(Vec<u32>),
}

/// A predicate over one record's fields (field slots as in [`crate::Engine::encoded_fields`]).
/// Values compare as conditions compare: strict types, absent equal to null.
#[derive(Debug, Clone, PartialEq)]
pub enum Pred {
    Const(bool),
    /// The field equals a boolean, a number or a string the tenant knows.
    Eq(u8, Val),
    /// The field is absent or null (or holds no plain value: an object, an array).
    Missing(u8),
    /// The field is a string in `sets[i]`.
    In(u8, u32),
    /// The record's `orgs` list holds a string of `sets[i]`.
    Orgs(u32),
    /// A child record's parent is of this type (ZS-6).
    Parent(u16),
    Not(Box<Pred>),
    And(Vec<Pred>),
    Or(Vec<Pred>),
}

/// What remains of a question once the user is known.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Every record is allowed; `rule` allows them all.
    Always { rule: u32 },
    /// No record is allowed, for a reason no record can change.
    Never(Verdict),
    /// The records for which the predicate holds.
    Where(Pred),
}

/// Whom a plan is for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Asker {
    /// A user of the account, by index.
    User(u32),
    /// An id that names no user: the plan's JSON repeats it, and its refusal names it (empty
    /// when the plan was asked for by index).
    Unknown(Box<str>),
}

impl Asker {
    /// The user's index, if the account has the user.
    pub(crate) fn index(&self) -> Option<u32> {
        match self {
            Asker::User(u) => Some(*u),
            Asker::Unknown(_) => None,
        }
    }
}

/// A compiled question: (user, action, type) with its residual.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub(crate) user: Asker,
    /// The type asked about (a child type for notes, call logs, ...).
    pub(crate) ty: u16,
    /// The action as asked, on `ty`.
    pub(crate) action: u16,
    pub(crate) kind: Kind,
    pub(crate) sets: Vec<Set>,
}

impl Plan {
    /// The residual.
    pub fn kind(&self) -> &Kind {
        &self.kind
    }

    /// The sets the predicate refers to, by index.
    pub fn sets(&self) -> &[Set] {
        &self.sets
    }

    /// True when the plan holds for `subject` (a record of the plan's type): the same answer
    /// as [`Tenant::allows`]. A record without an id asks about the type as a whole and is
    /// answered by the evaluator.
    pub fn allows(&self, t: &Tenant, resource: &Resource) -> bool {
        let own_type = resource.child.unwrap_or(resource.facts.ty);
        if resource.facts.type_level || own_type != self.ty {
            return t.allows(self.user.index(), self.action, resource);
        }
        match &self.kind {
            Kind::Always { .. } => true,
            Kind::Never(_) => false,
            Kind::Where(p) => self.holds(t, p, resource),
        }
    }

    fn holds(&self, t: &Tenant, p: &Pred, s: &Resource) -> bool {
        let f = &s.facts;
        match p {
            Pred::Const(b) => *b,
            Pred::Eq(slot, v) => f.field(*slot as usize).same(*v),
            Pred::Missing(slot) => matches!(f.field(*slot as usize), Val::Absent | Val::Null),
            Pred::In(slot, set) => match f.field(*slot as usize).sym() {
                Some(sym) => self.contains(t, *set, sym),
                None => false,
            },
            Pred::Orgs(set) => f.orgs.iter().any(|&o| self.contains(t, *set, o)),
            Pred::Parent(ty) => s.child.is_some() && f.ty == *ty,
            Pred::Not(inner) => !self.holds(t, inner, s),
            Pred::And(items) => items.iter().all(|i| self.holds(t, i, s)),
            Pred::Or(items) => items.iter().any(|i| self.holds(t, i, s)),
        }
    }

    fn contains(&self, t: &Tenant, set: u32, sym: u32) -> bool {
        match self.sets.get(set as usize) {
            Some(Set::Line(boss)) => t.in_line(*boss, sym),
            Some(Set::Syms(list)) => list.binary_search(&sym).is_ok(),
            None => false,
        }
    }
}
