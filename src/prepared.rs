//! Prepared questions: one (user, type, action) checked once against everything that does not
//! depend on the record (plan windows, settings, the user's organisation, conditions that read
//! no record field), leaving per record only the checks that do. A batch of 100,000 records
//! then costs a few array reads per record instead of a full evaluation.
//!
//! A prepared question gives exactly the answer of [`Tenant::allows`]: it drops only rules that
//! could pass for no record, and partially evaluates conditions with the same three-valued
//! logic type-level questions use. Policies with deny rules are not prepared (they take the
//! general path), nor are type-level records or child records of another shape.

use crate::directory::Tenant;
use crate::eval::{Facts, Subject};
use crate::policy::{Effect, Scope};

/// A record-dependent check left over from preparation.
#[derive(Debug, Clone, Copy)]
struct Check {
    scope: Scope,
    /// The condition, when it reads the record.
    cond: Option<u32>,
}

/// One question, prepared for many records of one type.
#[derive(Debug, Clone)]
pub struct Prepared {
    user: Option<u32>,
    /// The action as asked, on the subject's own type.
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
}

impl Tenant {
    /// Prepares `action` by `user` on records shaped like `subject` (its type and child type).
    pub fn prepare(&self, user: Option<u32>, action: u16, subject: &Subject) -> Prepared {
        let (ty, mapped) = self.target(subject, action);
        let mut p = Prepared {
            user,
            source: action,
            ty,
            action: mapped,
            child: subject.child,
            general: self.engine.has_deny,
            always: false,
            checks: Vec::new(),
        };
        let Some(u) = user else { return p };
        if p.general {
            return p;
        }
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
        p.always = always;
        p.checks = checks;
        p
    }

    /// True when `subject` has the shape `p` was prepared for.
    pub fn fits(&self, p: &Prepared, subject: &Subject) -> bool {
        subject.child == p.child && subject.facts.ty == p.ty && !subject.facts.type_level
    }

    /// The answer for one record: the same as [`Tenant::allows`].
    pub fn allows_prepared(&self, p: &Prepared, subject: &Subject) -> bool {
        let Some(user) = p.user else { return false };
        if p.general || !self.fits(p, subject) {
            return self.allows(p.user, p.source, subject);
        }
        let f = &subject.facts;
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

    /// The answer for one record of a batch, preparing each (action, shape) once.
    pub fn allows_in(&self, batch: &mut Batch, action: u16, subject: &Subject) -> bool {
        let ix = self.prepared_ix(batch, action, subject);
        self.allows_at(batch, ix, action, subject)
    }

    /// The answer through the prepared question at `ix` when there is one, else the general
    /// path: the one place that chooses between them.
    pub fn allows_at(
        &self,
        batch: &Batch,
        ix: Option<usize>,
        action: u16,
        subject: &Subject,
    ) -> bool {
        match ix.and_then(|i| batch.get(i)) {
            Some(p) => self.allows_prepared(p, subject),
            None => self.allows(batch.user, action, subject),
        }
    }

    /// The index in `batch` of the question prepared for (action, shape of `subject`),
    /// preparing it if new; `None` for a type-level record or when the batch is full.
    pub fn prepared_ix(&self, batch: &mut Batch, action: u16, subject: &Subject) -> Option<usize> {
        if subject.facts.type_level {
            return None;
        }
        if let Some(i) = batch
            .prepared
            .iter()
            .position(|p| p.source == action && self.fits(p, subject))
        {
            return Some(i);
        }
        if batch.prepared.len() >= Batch::SHAPES {
            return None;
        }
        batch
            .prepared
            .push(self.prepare(batch.user, action, subject));
        Some(batch.prepared.len() - 1)
    }
}

/// The questions of one batch call, prepared as records of new shapes arrive.
#[derive(Debug, Clone)]
pub struct Batch {
    user: Option<u32>,
    prepared: Vec<Prepared>,
}

impl Batch {
    /// Most (action, type) shapes prepared per batch; records of further shapes take the
    /// general path.
    const SHAPES: usize = 16;

    /// A batch of questions by `user`.
    pub fn new(user: Option<u32>) -> Self {
        Batch {
            user,
            prepared: Vec::new(),
        }
    }

    /// The prepared question at `ix` (see [`Tenant::prepared_ix`]).
    pub fn get(&self, ix: usize) -> Option<&Prepared> {
        self.prepared.get(ix)
    }

    /// The user this batch asks for.
    pub fn user(&self) -> Option<u32> {
        self.user
    }
}
