//! Bulk decisions over encoded columns: the records of one non-child type, each given only by
//! the fields its decision and the words of its refusal read (the compact encoding of
//! [`crate::tenant::record::code`]), decided through the question's plan, each distinct
//! refusal worded once with marks where each record's own values go ([`Refusals`]). This is
//! how the JavaScript binding sends 10,000 records across in one call.
//!
//! When the answer depends on one field (an owner, a team), each distinct value is decided
//! once: 10,000 leads of 1,000 owners cost 1,000 decisions. The memo lives for one call.

use super::explain::Refusals;
use crate::engine::{ActionKind, NONE32};
use crate::error::Error;
use crate::tenant::record::{code, decode};
use crate::tenant::value::{Resource, Val};
use crate::tenant::Tenant;

impl Tenant {
    /// The fields (a bit set over the engine's field slots) a caller encodes for
    /// [`bulk_columns`](Tenant::bulk_columns) of (`user`, `action`, records of type `ty`):
    /// those the decision and the words of a refusal read. `None` when such records must
    /// take the exact path: an unknown user, type or action, a child type, or a policy that
    /// reads organisations (their lists are not field values).
    pub fn bulk_fields(&self, user: u32, action: u32, ty: u32) -> Option<u64> {
        let e = &self.engine;
        let info = e.types.get(ty as usize)?;
        let a = u16::try_from(action).ok()?;
        let declared = info
            .kind
            .get(a as usize)
            .is_some_and(|&k| k != ActionKind::Undeclared);
        if e.reads_orgs || info.is_child() || !declared || user as usize >= self.users.len() {
            return None;
        }
        if e.has_deny {
            // Deny rules may read anything.
            return Some(e.all_slots() & !self.unread_fields());
        }
        let ty = ty as u16;
        let state = e.state_reads(ty, a);
        let mut fields = 0;
        let mut reads = |g: &crate::engine::Grant| {
            if let Some(rule) = e.rules.get(g.rule as usize) {
                fields |= state | e.rule_reads(rule);
            }
        };
        self.lists(user, ty, a, |grants| {
            grants.iter().for_each(&mut reads);
            false
        });
        // What an upgrade would bring words a refusal too.
        self.off_plan_defaults(self.plan, user, ty, a, |g, _, _| reads(g));
        Some(fields & !self.unread_fields())
    }

    /// The fields [`bulk_columns`](Tenant::bulk_columns) also encodes when reassigning records
    /// of type `ty` to user `to`: those their `view` question reads (see
    /// `Tenant::receiving`). `None` when records of the type may go to anyone.
    pub fn receive_fields(&self, to: u32, ty: u32) -> Option<u64> {
        let view = *self.engine.action_ix.get("view")?;
        self.bulk_fields(to, view as u32, ty)
    }

    /// Fills `s` as a record of type `ty` whose fields in `mask` have the given values (in
    /// slot order, compact encoding) and whose other fields are absent.
    pub fn fill_masked(&self, s: &mut Resource, ty: u16, mask: u64, tags: &[u8], vals: &[f64]) {
        s.child = None;
        s.facts.ty = ty;
        s.facts.type_level = false;
        let n_syms = self.users.len() + self.sym_list.len();
        let mut k = 0;
        let used = self.engine.fields.len();
        for (slot, f) in s.facts.fields.iter_mut().enumerate().take(used) {
            *f = if slot < 64 && mask & (1u64 << slot) != 0 {
                k += 1;
                decode(
                    tags.get(k - 1).copied().unwrap_or(code::ABSENT),
                    vals.get(k - 1).copied().unwrap_or(0.0),
                    n_syms,
                )
            } else {
                Val::Absent
            };
        }
    }

    /// Per-record decisions of `user_id`'s bulk `action` (reassigning to `to`, which must be a
    /// user of the account, when given) on `out.len()` records of type `ty`,
    /// given by the values of their [`bulk_fields`](Tenant::bulk_fields) (`tags`/`vals`, one
    /// row per record): `out[i]` is 0 when record `i` may go ahead, else 1 + the index of its
    /// refusal among the returned `(code, sentence)` pairs (sentences with marks, see
    /// [`Refusals`]).
    #[allow(clippy::too_many_arguments)]
    pub fn bulk_columns(
        &self,
        user_id: &str,
        action: u32,
        to: Option<&str>,
        ty: u32,
        tags: &[u8],
        vals: &[f64],
        out: &mut [u32],
    ) -> Result<Vec<(&'static str, String)>, Error> {
        self.new_owner(to)?;
        let internal = || Error::new("internal", "records of this type take the exact path", "");
        let user = self.user_index(user_id).ok_or_else(internal)?;
        let to = to.and_then(|t| self.user_index(t));
        let mask = self.bulk_fields(user, action, ty).ok_or_else(internal)?
            | to.and_then(|to| self.receive_fields(to, ty)).unwrap_or(0);
        let a = action as u16;
        let plan = self.plan_for(Some(user), a, ty as u16).ok();
        let mut batch = Columns::new(self, ty as u16, mask, out.len());
        let mut words = Refusals::new(self, user_id);
        for (i, o) in out.iter_mut().enumerate() {
            *o = batch.outcome(tags, vals, i, |s| {
                let allowed = match &plan {
                    Some(p) => p.allows(self, s),
                    None => self.allows(Some(user), a, s),
                };
                if !allowed {
                    return words.refusal(Some(user), a, s);
                }
                match to.and_then(|to| self.receiving(to, s).map(|r| (to, r))) {
                    Some((to, (v, view, theirs))) => words.receive_refusal(to, v, view, &theirs),
                    None => 0,
                }
            });
        }
        Ok(words.into_sentences())
    }
}

/// Rows of encoded records of one type, decided one by one, memoised by value when one field
/// decides.
struct Columns {
    slots: Vec<usize>,
    resource: Resource,
    n_syms: usize,
    /// Per value of the one field (absent, null, unknown string, then each symbol): 0 when not
    /// yet decided, else the outcome + 1. Empty when not memoising.
    memo: Vec<u32>,
}

impl Columns {
    fn new(t: &Tenant, ty: u16, mask: u64, records: usize) -> Self {
        let slots: Vec<usize> = (0..64).filter(|i| mask & (1u64 << i) != 0).collect();
        let n_syms = t.users.len() + t.sym_list.len();
        let keys = n_syms.saturating_add(3);
        // A memo as large as the tenant pays off only for batches not much smaller than it.
        let memo =
            if slots.len() == 1 && records >= 16 && keys <= records.saturating_mul(16).max(4096) {
                vec![0; keys]
            } else {
                Vec::new()
            };
        let mut resource = Resource::empty();
        resource.facts.ty = ty;
        resource.facts.type_level = false;
        Columns {
            slots,
            resource,
            n_syms,
            memo,
        }
    }

    /// Record `i`'s outcome as `decide` computes it from the filled resource.
    #[inline(always)] // the per-record hot path (see Cargo.toml, profile.wasm)
    fn outcome(
        &mut self,
        tags: &[u8],
        vals: &[f64],
        i: usize,
        decide: impl FnOnce(&Resource) -> u32,
    ) -> u32 {
        let at = i.saturating_mul(self.slots.len());
        let mut key = None;
        for (k, &slot) in self.slots.iter().enumerate() {
            let v = decode(
                tags.get(at + k).copied().unwrap_or(code::ABSENT),
                vals.get(at + k).copied().unwrap_or(0.0),
                self.n_syms,
            );
            key = match v {
                Val::Absent => Some(0),
                Val::Null => Some(1),
                Val::Str(NONE32) => Some(2),
                Val::Str(s) => Some(s as usize + 3),
                Val::Bool(_) | Val::Num(_) => None,
            };
            if let Some(f) = self.resource.facts.fields.get_mut(slot) {
                *f = v;
            }
        }
        if let Some(known) = key
            .and_then(|k| self.memo.get(k).copied())
            .filter(|&c| c != 0)
        {
            return known - 1;
        }
        let out = decide(&self.resource);
        if let Some(c) = key.and_then(|k| self.memo.get_mut(k)) {
            *c = out.saturating_add(1);
        }
        out
    }
}
