//! Which record fields a rule reads, as bit sets over the compiled field slots (bit i = slot
//! i of [`Engine::encoded_fields`]).
//!
//! A prepared question ([`crate::eval::prepared`]) knows from these which fields can change its
//! answer; callers that encode records themselves (the JavaScript binding) then encode only
//! those, and a batch whose answers depend on one field is decided once per distinct value.
//! Over-approximating is always safe (a caller encodes a field it did not need); leaving a
//! field out would change answers, so every reader of [`crate::tenant::value::Facts::fields`] in
//! `eval/mod.rs` has its counterpart here.

use crate::engine::{CNode, Engine, Fixed, Opd, Rule};
use crate::limits::MAX_CONDITION_DEPTH;
use crate::policy::Scope;

impl Engine {
    /// Every slot of the policy's fields.
    pub(crate) fn all_slots(&self) -> u64 {
        match self.fields.len() {
            n if n >= 64 => u64::MAX,
            n => (1u64 << n) - 1,
        }
    }

    /// The slot of a fixed field ([`Fixed`]), as a bit set (empty when no rule reads it).
    fn fixed_bit(&self, which: Fixed) -> u64 {
        match self.fixed.get(which.index()).copied() {
            Some(slot) if (slot as u32) < 64 && slot != crate::engine::NONE8 => 1u64 << slot,
            _ => 0,
        }
    }

    /// The workflow-state field, when `action` on type `ty` may start only from some states.
    pub(crate) fn state_reads(&self, ty: u16, action: u16) -> u64 {
        let restricted = self
            .types
            .get(ty as usize)
            .and_then(|t| t.from.get(action as usize))
            .map(|&from| from != u64::MAX)
            .unwrap_or(false);
        if restricted {
            self.fixed_bit(Fixed::State)
        } else {
            0
        }
    }

    /// The fields a scope reads. `manager` applies the manager's rules, which may read any.
    pub(crate) fn scope_reads(&self, scope: Scope) -> u64 {
        match scope {
            Scope::All | Scope::Org => 0,
            Scope::Own | Scope::Subordinates => self.fixed_bit(Fixed::Owner),
            Scope::Created => self.fixed_bit(Fixed::Creator),
            Scope::Assignee => self.fixed_bit(Fixed::Assignee),
            Scope::Team => self.fixed_bit(Fixed::Team),
            Scope::Granted => self.fixed_bit(Fixed::Id),
            Scope::Manager => self.all_slots(),
        }
    }

    /// The fields a condition reads.
    pub(crate) fn cond_reads(&self, node: u32) -> u64 {
        self.cond_reads_at(node, 0)
    }

    fn cond_reads_at(&self, node: u32, depth: usize) -> u64 {
        if depth > MAX_CONDITION_DEPTH {
            // Evaluation stops here too (it answers false without reading further).
            return 0;
        }
        let opd = |o: &Opd| match *o {
            Opd::Field(i) | Opd::UserOf { field: i, .. } if i < 64 => 1u64 << i,
            _ => 0,
        };
        match self.conds.get(node as usize) {
            Some(CNode::Eq(a, b)) => opd(a) | opd(b),
            Some(CNode::In(a, _)) => opd(a),
            Some(CNode::Not(inner)) => self.cond_reads_at(*inner, depth + 1),
            Some(CNode::And(items) | CNode::Or(items)) => items
                .iter()
                .fold(0, |acc, &i| acc | self.cond_reads_at(i, depth + 1)),
            Some(CNode::Const(_)) | None => 0,
        }
    }

    /// The fields a rule reads: its scope and its condition.
    pub(crate) fn rule_reads(&self, rule: &Rule) -> u64 {
        self.scope_reads(rule.scope) | rule.cond.map(|c| self.cond_reads(c)).unwrap_or(0)
    }
}
