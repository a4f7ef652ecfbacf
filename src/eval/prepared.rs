//! Prepared questions: one (user, type, action) checked once against everything that does not
//! depend on the record (plan windows, settings, the user's organisation, conditions that read
//! no record field), leaving per record only the checks that do. A batch of 100,000 records
//! then costs a few array reads per record instead of a full evaluation.
//!
//! A prepared question gives exactly the answer of [`Tenant::allows`]: it drops only rules that
//! could pass for no record, and partially evaluates conditions with the same three-valued
//! logic type-level questions use. Policies with deny rules are not prepared (they take the
//! general path), nor are type-level records or child records of another shape.

use crate::engine::{ActionKind, NONE32};
use crate::policy::{Effect, Scope};
use crate::tenant::record::decode;
use crate::tenant::value::{Facts, Resource, Val};
use crate::tenant::Tenant;

/// A record-dependent check left over from preparation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Check {
    scope: Scope,
    /// The condition, when it reads the record.
    cond: Option<u32>,
}

/// One question, prepared for many records of one type.
#[derive(Debug, Clone)]
pub struct Prepared {
    user: Option<u32>,
    /// The action as asked, on the resource's own type.
    source: u16,
    /// The type and action the rules are looked up under (the parent's, for a child type).
    ty: u16,
    action: u16,
    child: Option<u16>,
    /// True when the general path must be used (deny rules).
    general: bool,
    /// True when some rule passes for every record (after the workflow-state check).
    always: bool,
    checks: Vec<Check>,
    /// The field slots the answer reads (bit i = slot i): a caller need encode no others.
    reads: u64,
    /// The field slots the full verdict reads (every candidate rule, and the words of a
    /// refusal): what a caller must encode to have refusals explained.
    explains: u64,
}

impl Tenant {
    /// Prepares `action` by `user` on records shaped like `resource` (its type and child type).
    #[doc(hidden)]
    pub fn prepare(&self, user: Option<u32>, action: u16, resource: &Resource) -> Prepared {
        let (ty, mapped) = self.target(resource, action);
        let mut p = Prepared {
            user,
            source: action,
            ty,
            action: mapped,
            child: resource.child,
            general: self.engine.has_deny,
            always: false,
            checks: Vec::new(),
            reads: 0,
            explains: 0,
        };
        let Some(u) = user else { return p };
        if p.general {
            // Deny rules and delegation read anything: every field.
            p.reads = self.engine.all_slots();
            p.explains = p.reads;
            return p;
        }
        let state = self.engine.state_reads(ty, mapped);
        let mut explains = 0;
        self.lists(u, ty, mapped, |grants| {
            for g in grants {
                if let Some(rule) = self.engine.rules.get(g.rule as usize) {
                    explains |= state | self.engine.rule_reads(rule);
                }
            }
            false
        });
        p.explains = explains;
        let blank = Facts::type_level(ty);
        let mut checks = Vec::new();
        let mut always = false;
        self.lists(u, ty, mapped, |grants| {
            for g in grants {
                let Some(rule) = self.engine.rules.get(g.rule as usize) else {
                    continue;
                };
                if rule.effect != Effect::Allow || self.static_stage(u, g).is_err() {
                    continue;
                }
                // Partial evaluation: `Some(false)` can pass for no record, `Some(true)` for any.
                let cond = match rule.cond.map(|c| (c, self.cond_of(c, u, &blank))) {
                    Some((_, Some(false))) => continue,
                    Some((c, None)) => Some(c),
                    _ => None,
                };
                if rule.scope == Scope::All && cond.is_none() {
                    always = true;
                }
                checks.push(Check {
                    scope: rule.scope,
                    cond,
                });
            }
            false
        });
        p.reads = state;
        if !always {
            for c in &checks {
                p.reads |= self.engine.scope_reads(c.scope)
                    | c.cond.map(|n| self.engine.cond_reads(n)).unwrap_or(0);
            }
        }
        // Fields no answer of this tenant depends on (a record's `id` without grants).
        let unread = self.unread_fields();
        p.reads &= !unread;
        p.explains &= !unread;
        p.always = always;
        p.checks = checks;
        p
    }

    /// `action` by `user` prepared for records of the non-child type `ty`, given as the indices
    /// a caller encodes; `None` when such records must take the general path: an unknown
    /// user, type or action, a child type, or a policy that reads organisations (their lists
    /// are not field values).
    #[doc(hidden)]
    pub fn prepare_uniform(&self, user: u32, action: u32, ty: u32) -> Option<Prepared> {
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
        let mut s = Resource::empty();
        s.facts.ty = ty as u16;
        s.facts.type_level = false;
        Some(self.prepare(Some(user), a, &s))
    }

    /// Fills `s` as a record of `p`'s shape whose fields in `mask` have the given values (in
    /// slot order, compact encoding) and whose other fields are absent.
    #[doc(hidden)]
    pub fn fill_masked(
        &self,
        s: &mut Resource,
        p: &Prepared,
        mask: u64,
        tags: &[u8],
        vals: &[f64],
    ) {
        s.child = None;
        s.facts.ty = p.ty;
        s.facts.type_level = false;
        let n_syms = self.users.len() + self.sym_list.len();
        let mut k = 0;
        let used = self.engine.fields.len();
        for (slot, f) in s.facts.fields.iter_mut().enumerate().take(used) {
            *f = if slot < 64 && mask & (1u64 << slot) != 0 {
                k += 1;
                decode(
                    tags.get(k - 1)
                        .copied()
                        .unwrap_or(crate::tenant::record::code::ABSENT),
                    vals.get(k - 1).copied().unwrap_or(0.0),
                    n_syms,
                )
            } else {
                Val::Absent
            };
        }
    }

    /// True when `resource` has the shape `p` was prepared for.
    #[doc(hidden)]
    pub fn fits(&self, p: &Prepared, resource: &Resource) -> bool {
        resource.child == p.child && resource.facts.ty == p.ty && !resource.facts.type_level
    }

    /// The answer for one record: the same as [`Tenant::allows`].
    #[doc(hidden)]
    pub fn allows_prepared(&self, p: &Prepared, resource: &Resource) -> bool {
        let Some(user) = p.user else { return false };
        if p.general || !self.fits(p, resource) {
            return self.allows(p.user, p.source, resource);
        }
        let f = &resource.facts;
        if !self.state_ok(p.ty, p.action, f) {
            return false;
        }
        if p.always {
            return true;
        }
        p.checks.iter().any(|c| {
            c.cond
                .map(|n| self.cond_of(n, user, f) != Some(false))
                .unwrap_or(true)
                && self.scope_ok(c.scope, user, p.ty, p.action, f, false)
        })
    }

    /// The answer for one record of a batch call, preparing each (action, shape) once.
    #[doc(hidden)]
    pub fn allows_in_shapes(&self, shapes: &mut Shapes, action: u16, resource: &Resource) -> bool {
        let ix = self.shape_index(shapes, action, resource);
        self.allows_at_shape(shapes, ix, action, resource)
    }

    /// The answer through the prepared question at `ix` when there is one, else the general
    /// path: the one place that chooses between them.
    #[doc(hidden)]
    pub fn allows_at_shape(
        &self,
        shapes: &Shapes,
        ix: Option<usize>,
        action: u16,
        resource: &Resource,
    ) -> bool {
        match ix.and_then(|i| shapes.get(i)) {
            Some(p) => self.allows_prepared(p, resource),
            None => self.allows(shapes.user, action, resource),
        }
    }

    /// The index in `shapes` of the question prepared for (action, shape of `resource`),
    /// preparing it if new; `None` for a type-level record or when `shapes` is full.
    #[doc(hidden)]
    pub fn shape_index(
        &self,
        shapes: &mut Shapes,
        action: u16,
        resource: &Resource,
    ) -> Option<usize> {
        if resource.facts.type_level {
            return None;
        }
        if let Some(i) = shapes
            .prepared
            .iter()
            .position(|p| p.source == action && self.fits(p, resource))
        {
            return Some(i);
        }
        if shapes.prepared.len() >= Shapes::MAX {
            return None;
        }
        shapes
            .prepared
            .push(self.prepare(shapes.user, action, resource));
        Some(shapes.prepared.len() - 1)
    }
}

impl Prepared {
    /// The field slots [`Tenant::allows_prepared`] reads (bit i = slot i): the other fields of
    /// a record cannot change its answer.
    pub fn reads(&self) -> u64 {
        self.reads
    }

    /// The field slots [`Tenant::verdict`] and the words of a refusal read for this question.
    pub fn explains(&self) -> u64 {
        self.explains
    }

    /// The question it answers: (user, action as asked, type), for records of a non-child type.
    pub fn asked(&self) -> Option<(u32, u16, u16)> {
        match (self.user, self.child) {
            (Some(u), None) => Some((u, self.source, self.ty)),
            _ => None,
        }
    }

    /// True when it answers (user, action, records of type `ty`), as a caller names them: what
    /// a caller holding an index to a kept question checks before using it.
    pub fn holds(&self, user: u32, action: u32, ty: u32) -> bool {
        let asked = u16::try_from(action)
            .ok()
            .zip(u16::try_from(ty).ok())
            .map(|(a, ty)| (user, a, ty));
        asked.is_some() && self.asked() == asked
    }
}

/// What a prepared question's answer for a record depends on besides the record: equal
/// classes give equal answers for every record, whatever action they were asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Class {
    user: u32,
    ty: u16,
    /// The workflow states the action may start from (all ones when unrestricted).
    from: u64,
    always: bool,
    checks: Vec<Check>,
}

impl Prepared {
    /// The question's class, when its answer does not depend on the action beyond what the
    /// class holds: not for deny rules (the general path) or a `manager` scope (which asks the
    /// manager's rules for this very action).
    pub fn class(&self, t: &Tenant) -> Option<Class> {
        let user = self.user?;
        if self.general
            || self.child.is_some()
            || self.checks.iter().any(|c| c.scope == Scope::Manager)
        {
            return None;
        }
        let from = t
            .engine
            .types
            .get(self.ty as usize)
            .and_then(|ty| ty.from.get(self.action as usize))
            .copied()
            .unwrap_or(u64::MAX);
        Some(Class {
            user,
            ty: self.ty,
            from,
            always: self.always,
            checks: self.checks.clone(),
        })
    }
}

/// Numbers for classes, so callers can share what they keep per class (an id is never reused
/// for another class: the table is forgotten when full, the numbering goes on).
#[derive(Debug, Default)]
pub struct Classes {
    ids: crate::hasher::Map<Class, u32>,
    next: u32,
}

impl Classes {
    /// Most classes remembered at once.
    const MAX: usize = 1 << 16;

    /// The number of `class`; `None` once every `u32` has been handed out.
    pub fn id(&mut self, class: Class) -> Option<u32> {
        if let Some(&id) = self.ids.get(&class) {
            return Some(id);
        }
        if self.ids.len() >= Self::MAX {
            self.ids.clear();
        }
        let id = self.next;
        self.next = self.next.checked_add(1)?;
        self.ids.insert(class, id);
        Some(id)
    }
}

/// The questions of one batch call, prepared as records of new shapes arrive.
#[derive(Debug, Clone)]
pub struct Shapes {
    user: Option<u32>,
    prepared: Vec<Prepared>,
}

impl Shapes {
    /// Most (action, type) shapes prepared per batch; records of further shapes take the
    /// general path.
    const MAX: usize = 16;

    /// A batch of questions by `user`.
    pub fn new(user: Option<u32>) -> Self {
        Shapes {
            user,
            prepared: Vec::new(),
        }
    }

    /// The prepared question at `ix` (see [`Tenant::shape_index`]).
    pub fn get(&self, ix: usize) -> Option<&Prepared> {
        self.prepared.get(ix)
    }

    /// The user this batch asks for.
    pub fn user(&self) -> Option<u32> {
        self.user
    }
}

/// A batch of records of one non-child type, each given only by the values of the fields a
/// prepared question reads (`mask`), `width` tags and values per record in slot order (the
/// compact encoding of [`crate::tenant::record::code`]).
///
/// When the answer depends on one field (an owner, a team), each distinct value is decided
/// once: 100,000 leads of 1,000 owners cost 1,000 evaluations and 100,000 array reads. The
/// memo lives for one batch (one call), so it never outlives the tenant's answers.
pub struct Uniform<'a> {
    p: &'a Prepared,
    slots: Vec<usize>,
    resource: Resource,
    n_syms: usize,
    /// Per value of the one field (absent, null, unknown string, then each symbol): 0 when not
    /// yet decided, else the outcome + 1. Empty when not memoising.
    memo: Vec<u32>,
}

impl<'a> Uniform<'a> {
    /// A batch of `records` records for `p`, encoded with the fields of `mask` (its
    /// [`reads`](Prepared::reads) or [`explains`](Prepared::explains)).
    pub fn new(t: &Tenant, p: &'a Prepared, mask: u64, records: usize) -> Self {
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
        resource.facts.ty = p.ty;
        resource.facts.type_level = false;
        Uniform {
            p,
            slots,
            resource,
            n_syms,
            memo,
        }
    }

    /// Record `i`'s outcome as `decide` computes it from the filled resource, memoised by
    /// value when the batch is decided by one field. Outcomes must stay below `u32::MAX`.
    #[inline(always)] // the per-record hot path (see Cargo.toml, profile.wasm)
    pub fn outcome(
        &mut self,
        tags: &[u8],
        vals: &[f64],
        i: usize,
        decide: impl FnOnce(&Prepared, &Resource) -> u32,
    ) -> u32 {
        let w = self.slots.len();
        let at = i.saturating_mul(w);
        let mut key = None;
        for (k, &slot) in self.slots.iter().enumerate() {
            let v = decode(
                tags.get(at + k)
                    .copied()
                    .unwrap_or(crate::tenant::record::code::ABSENT),
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
        let cell = key.and_then(|k| self.memo.get(k).copied());
        if let Some(known) = cell.filter(|&c| c != 0) {
            return known - 1;
        }
        let out = decide(self.p, &self.resource);
        if let Some(c) = key.and_then(|k| self.memo.get_mut(k)) {
            *c = out.saturating_add(1);
        }
        out
    }
}
