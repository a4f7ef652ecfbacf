//! The values a question reads, resolved against one tenant: a [`Val`] per field or user
//! attribute, the [`Facts`] of one record, and the [`Resource`] a question is about. Records
//! are resolved into these once ([`record`](super::record)); evaluation only reads them.

use crate::engine::{FIELD_SLOTS, NONE32};

/// A value read from a record or a user, resolved against one tenant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    /// The field is not there.
    Absent,
    Null,
    Bool(bool),
    Num(f64),
    /// A tenant symbol; `NONE32` for a string the tenant does not know.
    Str(u32),
}

impl Val {
    /// Equality as conditions see it: absent equals null; unknown strings equal nothing.
    pub fn same(self, other: Val) -> bool {
        match (self, other) {
            (Val::Absent | Val::Null, Val::Absent | Val::Null) => true,
            (Val::Bool(a), Val::Bool(b)) => a == b,
            (Val::Num(a), Val::Num(b)) => a == b,
            (Val::Str(a), Val::Str(b)) => a == b && a != NONE32,
            _ => false,
        }
    }

    /// The symbol, if this is a known string.
    pub fn sym(self) -> Option<u32> {
        match self {
            Val::Str(s) if s != NONE32 => Some(s),
            _ => None,
        }
    }
}

/// A record resolved against a tenant: its type and the fields the policy reads.
#[derive(Debug, Clone)]
pub struct Facts {
    pub ty: u16,
    /// A question about the type as a whole (no `id`): scopes and record fields are not known.
    pub type_level: bool,
    pub fields: [Val; FIELD_SLOTS],
    pub orgs: Vec<u32>,
}

impl Resource {
    /// A resource to fill in place (see [`Tenant::fill_from_codes`](super::Tenant::fill_from_codes)).
    pub fn empty() -> Self {
        Resource {
            child: None,
            facts: Facts::type_level(0),
        }
    }
}

impl Facts {
    /// Facts for a type-level question.
    pub fn type_level(ty: u16) -> Self {
        Facts {
            ty,
            type_level: true,
            fields: [Val::Absent; FIELD_SLOTS],
            orgs: Vec::new(),
        }
    }

    /// The value of field `i`.
    pub fn field(&self, i: usize) -> Val {
        self.fields.get(i).copied().unwrap_or(Val::Absent)
    }
}

/// What a question is about: a record, or a child record through its parent (ZS-6).
#[derive(Debug, Clone)]
pub struct Resource {
    /// The child's type, when the question is about a child record.
    pub child: Option<u16>,
    /// The record the rules are evaluated on (the parent, for a child).
    pub facts: Facts,
}
