//! Writing a snapshot: every value little-endian, lengths as `u32`, arrays of numbers as one
//! run of bytes. Each compiled type writes its fields in order with [`Put`], one line per
//! field, mirrored line for line by `read.rs` (adding a field is one line in each).

use crate::engine::{
    ActionKind, CNode, Engine, Grant, Lit, Opd, RoleInfo, Rule, SettingInfo, TypeInfo,
};
use crate::policy::{Effect, Scope};
use crate::tenant::users::Users;
use crate::tenant::value::Val;
use crate::tenant::words::Words;
use crate::tenant::Tenant;

/// The bytes being written.
#[derive(Default)]
pub(super) struct Writer {
    pub(super) out: Vec<u8>,
}

impl Writer {
    pub(super) fn put<T: Put + ?Sized>(&mut self, v: &T) {
        v.put(self);
    }

    fn bytes(&mut self, b: &[u8]) {
        self.out.extend_from_slice(b);
    }

    /// A length or index: every count in a snapshot is a `u32` (bounded far lower by limits).
    fn len(&mut self, n: usize) {
        self.bytes(&(n as u32).to_le_bytes());
    }
}

/// A value a snapshot holds.
pub(super) trait Put {
    fn put(&self, w: &mut Writer);

    /// A run of values; numbers override this to write theirs in one go.
    fn put_all(items: &[Self], w: &mut Writer)
    where
        Self: Sized,
    {
        for i in items {
            i.put(w);
        }
    }
}

macro_rules! number {
    ($($t:ty),*) => {$(
        impl Put for $t {
            fn put(&self, w: &mut Writer) {
                w.bytes(&self.to_le_bytes());
            }
            fn put_all(items: &[Self], w: &mut Writer) {
                w.out.reserve(items.len() * std::mem::size_of::<$t>());
                for i in items {
                    w.bytes(&i.to_le_bytes());
                }
            }
        }
    )*};
}
number!(u8, u16, u32, u64, f64);

impl Put for bool {
    fn put(&self, w: &mut Writer) {
        w.put(&u8::from(*self));
    }
}

impl Put for str {
    fn put(&self, w: &mut Writer) {
        w.len(self.len());
        w.bytes(self.as_bytes());
    }
}

impl Put for String {
    fn put(&self, w: &mut Writer) {
        w.put(self.as_str());
    }
}

impl<T: Put> Put for Option<T> {
    fn put(&self, w: &mut Writer) {
        match self {
            None => w.put(&0u8),
            Some(v) => {
                w.put(&1u8);
                w.put(v);
            }
        }
    }
}

impl<T: Put> Put for [T] {
    fn put(&self, w: &mut Writer) {
        w.len(self.len());
        T::put_all(self, w);
    }
}

impl<T: Put> Put for Vec<T> {
    fn put(&self, w: &mut Writer) {
        w.put(self.as_slice());
    }
}

impl<A: Put, B: Put> Put for (A, B) {
    fn put(&self, w: &mut Writer) {
        w.put(&self.0);
        w.put(&self.1);
    }
}

impl<const N: usize> Put for [u8; N] {
    fn put(&self, w: &mut Writer) {
        w.bytes(self);
    }
}

impl Put for Engine {
    fn put(&self, w: &mut Writer) {
        w.put(&self.name);
        w.put(&self.plans);
        w.put(&self.plan_labels);
        w.put(&self.settings);
        w.put(&self.actions);
        w.put(&self.alpha);
        w.put(&self.phrases);
        w.put(&self.types);
        w.put(&self.roles);
        w.put(&self.rules);
        w.put(&self.grants);
        w.put(&self.slots);
        w.put(&self.conds);
        w.put(&self.literals);
        w.put(&self.fields);
        w.put(&self.fixed);
        w.put(&self.cond_read);
        w.put(&self.reads_orgs);
        w.put(&self.user_attrs);
        w.put(&self.default_sys);
        w.put(&self.sys_principal);
        w.put(&self.has_deny);
    }
}

impl Put for SettingInfo {
    fn put(&self, w: &mut Writer) {
        w.put(&self.name);
        w.put(&self.label);
        w.put(&self.default);
        w.put(&self.plan);
    }
}

impl Put for TypeInfo {
    fn put(&self, w: &mut Writer) {
        w.put(&self.name);
        w.put(&self.label);
        w.put(&self.kind);
        w.put(&self.parents);
        w.put(&self.follow);
        w.put(&self.states);
        w.put(&self.state_lit);
        w.put(&self.from);
        w.put(&self.to);
    }
}

impl Put for ActionKind {
    fn put(&self, w: &mut Writer) {
        w.put(&(*self as u8));
    }
}

impl Put for RoleInfo {
    fn put(&self, w: &mut Writer) {
        w.put(&self.name);
        w.put(&self.label);
        w.put(&self.system);
        w.put(&self.sys_bit);
        w.put(&self.plan);
    }
}

impl Put for Rule {
    fn put(&self, w: &mut Writer) {
        w.put(&self.id);
        w.put(&self.seed);
        w.put(&self.effect);
        w.put(&self.scope);
        w.put(&self.setting);
        w.put(&self.external);
        w.put(&self.cond);
        w.put(&self.explain);
    }
}

impl Put for Effect {
    fn put(&self, w: &mut Writer) {
        w.put(&(*self == Effect::Deny));
    }
}

impl Put for Scope {
    fn put(&self, w: &mut Writer) {
        let at = Scope::ALL.iter().position(|(s, _)| s == self).unwrap_or(0);
        w.put(&(at as u8));
    }
}

impl Put for Grant {
    fn put(&self, w: &mut Writer) {
        w.put(&self.rule);
        w.put(&self.lo);
        w.put(&self.hi);
    }
}

impl Put for CNode {
    fn put(&self, w: &mut Writer) {
        match self {
            CNode::Const(b) => {
                w.put(&0u8);
                w.put(b);
            }
            CNode::Eq(a, b) => {
                w.put(&1u8);
                w.put(a);
                w.put(b);
            }
            CNode::In(a, list) => {
                w.put(&2u8);
                w.put(a);
                w.put(list);
            }
            CNode::Not(i) => {
                w.put(&3u8);
                w.put(i);
            }
            CNode::And(items) => {
                w.put(&4u8);
                w.put(items);
            }
            CNode::Or(items) => {
                w.put(&5u8);
                w.put(items);
            }
        }
    }
}

impl Put for Opd {
    fn put(&self, w: &mut Writer) {
        match self {
            Opd::Lit(l) => {
                w.put(&0u8);
                w.put(l);
            }
            Opd::Field(f) => {
                w.put(&1u8);
                w.put(f);
            }
            Opd::UserAttr(a) => {
                w.put(&2u8);
                w.put(a);
            }
            Opd::UserOf { field, attr } => {
                w.put(&3u8);
                w.put(field);
                w.put(attr);
            }
        }
    }
}

impl Put for Lit {
    fn put(&self, w: &mut Writer) {
        match self {
            Lit::Null => w.put(&0u8),
            Lit::Bool(b) => {
                w.put(&1u8);
                w.put(b);
            }
            Lit::Num(n) => {
                w.put(&2u8);
                w.put(n);
            }
            Lit::Str(s) => {
                w.put(&3u8);
                w.put(s);
            }
        }
    }
}

impl Put for Val {
    fn put(&self, w: &mut Writer) {
        match self {
            Val::Absent => w.put(&0u8),
            Val::Null => w.put(&1u8),
            Val::Bool(b) => {
                w.put(&2u8);
                w.put(b);
            }
            Val::Num(n) => {
                w.put(&3u8);
                w.put(n);
            }
            Val::Str(s) => {
                w.put(&4u8);
                w.put(s);
            }
        }
    }
}

/// Words as they are kept: little-endian, behind their count.
impl Put for Words {
    fn put(&self, w: &mut Writer) {
        w.len(self.len());
        w.out.reserve(self.len() * 4);
        for word in self.iter() {
            w.bytes(&word.to_le_bytes());
        }
    }
}

/// The users as they are kept: their stored bytes, behind their count.
impl Put for Users {
    fn put(&self, w: &mut Writer) {
        w.len(self.len());
        w.bytes(self.stored());
    }
}

impl Put for Tenant {
    fn put(&self, w: &mut Writer) {
        let (ids, ends, slots, key) = self.ids.parts();
        w.put(&self.plan);
        w.put(&self.settings);
        w.put(&self.org);
        w.put(ids);
        w.put(ends);
        w.put(slots);
        w.put(&key[0]);
        w.put(&key[1]);
        w.put(&self.users);
        w.put(&self.sym_list);
        w.put(&self.lit_map);
        w.put(&self.team_ends);
        w.put(&self.team_syms);
        // The grant set in a fixed order, so one tenant always saves to the same bytes.
        let mut grants: Vec<(u32, u16, u32)> = self.grants.iter().copied().collect();
        grants.sort_unstable();
        w.put(&(grants.len() as u32));
        for (user, ty, sym) in grants {
            w.put(&user);
            w.put(&ty);
            w.put(&sym);
        }
        w.put(&self.attrs);
        w.put(&self.name_text);
        w.put(&self.name_ends);
    }
}
