//! Building a plan: the evaluator's stages, with the user fixed and the record left open.
//!
//! Every function here mirrors one in `eval/` (`allows_as`, `denied_by`, `outcome`,
//! `state_ok`, `scope_ok`, `cond`) and must give, for every record, the answer that function
//! gives: the property tests compare them on random policies, directories and records.

use super::{Asker, Kind, Plan, Pred, Set, MAX_ATTR_VALUES, MAX_PLAN_NODES};
use crate::engine::{CNode, Fixed, Grant, Lit, Opd, NONE16, NONE32, NONE8};
use crate::error::Error;
use crate::eval::Verdict;
use crate::hasher::Map;
use crate::policy::{Effect, Scope};
use crate::tenant::value::{Facts, Resource, Val};
use crate::tenant::Tenant;

/// A condition operand once the user is known.
#[derive(Debug, Clone, Copy)]
enum Opnd {
    Val(Val),
    Field(u8),
    /// An attribute of the user a record field names.
    UserOf(u8, u8),
}

struct Builder<'t> {
    t: &'t Tenant,
    sets: Vec<Set>,
    set_ix: Map<Set, u32>,
    nodes: usize,
}

fn too_large() -> Error {
    Error::new(
        "plan_too_large",
        format!("the question's plan would hold over {MAX_PLAN_NODES} nodes"),
        "",
    )
}

/// `and` of `items`, folded: `false` absorbs, `true` drops out.
pub(super) fn and(items: Vec<Pred>) -> Pred {
    let mut out = Vec::with_capacity(items.len());
    for p in items {
        match p {
            Pred::Const(true) => {}
            Pred::Const(false) => return Pred::Const(false),
            Pred::And(inner) => out.extend(inner),
            p => out.push(p),
        }
    }
    match out.len() {
        0 => Pred::Const(true),
        1 => out.pop().unwrap_or(Pred::Const(true)),
        _ => Pred::And(out),
    }
}

/// `or` of `items`, folded: `true` absorbs, `false` drops out.
pub(super) fn or(items: Vec<Pred>) -> Pred {
    let mut out = Vec::with_capacity(items.len());
    for p in items {
        match p {
            Pred::Const(false) => {}
            Pred::Const(true) => return Pred::Const(true),
            Pred::Or(inner) => out.extend(inner),
            p => out.push(p),
        }
    }
    match out.len() {
        0 => Pred::Const(false),
        1 => out.pop().unwrap_or(Pred::Const(false)),
        _ => Pred::Or(out),
    }
}

fn not(p: Pred) -> Pred {
    match p {
        Pred::Const(b) => Pred::Const(!b),
        Pred::Not(inner) => *inner,
        p => Pred::Not(Box::new(p)),
    }
}

fn nullish(v: Val) -> bool {
    matches!(v, Val::Absent | Val::Null)
}

impl Tenant {
    /// The plan of (`user`, `action`, records of type `ty`): an unknown user's is `never`.
    /// `ty` and `action` are indices as [`Tenant::type_index`] and [`Tenant::action_index`]
    /// give them; an action not declared on the type plans as `never`.
    pub fn plan_for(&self, user: Option<u32>, action: u16, ty: u16) -> Result<Plan, Error> {
        let who = user.map_or_else(|| Asker::Unknown(Box::default()), Asker::User);
        self.plan_of(who, action, ty)
    }

    fn plan_of(&self, user: Asker, action: u16, ty: u16) -> Result<Plan, Error> {
        let mut b = Builder {
            t: self,
            sets: Vec::new(),
            // The tenant's own key: a plan's sets are the tenant's data, and a fresh isolate's
            // first question then draws no entropy.
            set_ix: Map::with_capacity_and_hasher(8, self.ids.hasher()),
            nodes: 0,
        };
        let kind = match user {
            Asker::Unknown(_) => Kind::Never(Verdict::UnknownUser),
            Asker::User(u) => b.question(u, action, ty)?,
        };
        let (kind, sets) = b.prune(kind);
        Ok(Plan {
            user,
            ty,
            action,
            kind,
            sets,
        })
    }

    /// [`plan_for`](Tenant::plan_for) by names: an unknown type or an action the type does
    /// not declare is an error (`unknown_type`, `unknown_action`), an unknown user a `never`.
    pub fn plan_named(&self, user: &str, action: &str, ty: &str) -> Result<Plan, Error> {
        let ty = self.type_index(ty, "")?;
        let a = self.action_index(action, &self.type_subject(ty))?;
        let who = match self.user_index(user) {
            Some(u) => Asker::User(u),
            None => Asker::Unknown(user.into()),
        };
        self.plan_of(who, a, ty)
    }

    /// The type-level subject of `ty` (a child type's under its first parent), for wording.
    pub(crate) fn type_subject(&self, ty: u16) -> Resource {
        let info = self.engine.types.get(ty as usize);
        match info.and_then(|t| t.parents.first()) {
            Some(&p) => Resource {
                child: Some(ty),
                facts: Facts::type_level(p),
            },
            None => Resource {
                child: None,
                facts: Facts::type_level(ty),
            },
        }
    }
}

impl Builder<'_> {
    fn set(&mut self, s: Set) -> u32 {
        if let Some(&i) = self.set_ix.get(&s) {
            return i;
        }
        let i = self.sets.len() as u32;
        self.set_ix.insert(s.clone(), i);
        self.sets.push(s);
        i
    }

    fn syms(&mut self, mut list: Vec<u32>) -> u32 {
        list.sort_unstable();
        list.dedup();
        self.set(Set::Syms(list))
    }

    /// Folds what only the sets reveal: a test against an empty set is false; within one
    /// `or`, a user's own id beside their reporting line is dropped (the line holds them) and
    /// the string tests of one field become one set.
    fn simplify(&mut self, p: Pred) -> Pred {
        match p {
            Pred::In(_, set) if matches!(self.sets.get(set as usize), Some(Set::Syms(l)) if l.is_empty()) => {
                Pred::Const(false)
            }
            Pred::Not(inner) => not(self.simplify(*inner)),
            Pred::And(items) => and(items.into_iter().map(|i| self.simplify(i)).collect()),
            Pred::Or(items) => {
                let items = items.into_iter().map(|i| self.simplify(i)).collect();
                self.merge_or(or(items))
            }
            p => p,
        }
    }

    fn merge_or(&mut self, p: Pred) -> Pred {
        let Pred::Or(items) = p else { return p };
        let lines: Vec<(u8, u32)> = items
            .iter()
            .filter_map(|i| match i {
                Pred::In(slot, set) => match self.sets.get(*set as usize) {
                    Some(Set::Line(boss)) => Some((*slot, *boss)),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let mut strings: Vec<(u8, Vec<u32>)> = Vec::new();
        let mut rest = Vec::with_capacity(items.len());
        for item in items {
            let (slot, list) = match &item {
                Pred::Eq(slot, Val::Str(sym)) => {
                    if lines
                        .iter()
                        .any(|&(l, boss)| l == *slot && self.t.in_line(boss, *sym))
                    {
                        continue;
                    }
                    (*slot, vec![*sym])
                }
                Pred::In(slot, set) => match self.sets.get(*set as usize) {
                    Some(Set::Syms(list)) => (*slot, list.clone()),
                    _ => {
                        rest.push(item);
                        continue;
                    }
                },
                _ => {
                    rest.push(item);
                    continue;
                }
            };
            match strings.iter_mut().find(|(s, _)| *s == slot) {
                Some((_, all)) => all.extend(list),
                None => strings.push((slot, list)),
            }
        }
        for (slot, mut list) in strings {
            list.sort_unstable();
            list.dedup();
            match list.as_slice() {
                [one] => rest.push(Pred::Eq(slot, Val::Str(*one))),
                _ => rest.push(Pred::In(slot, self.syms(list))),
            }
        }
        or(rest)
    }

    /// The residual with only the sets it still refers to, renumbered in order of use.
    fn prune(&mut self, kind: Kind) -> (Kind, Vec<Set>) {
        let Kind::Where(p) = kind else {
            return (kind, Vec::new());
        };
        let mut map: Vec<Option<u32>> = vec![None; self.sets.len()];
        let mut kept = Vec::new();
        let p = self.renumber(p, &mut map, &mut kept);
        (Kind::Where(p), kept)
    }

    fn renumber(&self, p: Pred, map: &mut Vec<Option<u32>>, kept: &mut Vec<Set>) -> Pred {
        let mut at = |set: u32| -> u32 {
            match map.get(set as usize).copied().flatten() {
                Some(n) => n,
                None => {
                    let n = kept.len() as u32;
                    kept.push(
                        self.sets
                            .get(set as usize)
                            .cloned()
                            .unwrap_or(Set::Syms(Vec::new())),
                    );
                    if let Some(slot) = map.get_mut(set as usize) {
                        *slot = Some(n);
                    }
                    n
                }
            }
        };
        match p {
            Pred::In(slot, set) => Pred::In(slot, at(set)),
            Pred::Orgs(set) => Pred::Orgs(at(set)),
            Pred::Not(inner) => Pred::Not(Box::new(self.renumber(*inner, map, kept))),
            Pred::And(items) => Pred::And(
                items
                    .into_iter()
                    .map(|i| self.renumber(i, map, kept))
                    .collect(),
            ),
            Pred::Or(items) => Pred::Or(
                items
                    .into_iter()
                    .map(|i| self.renumber(i, map, kept))
                    .collect(),
            ),
            p => p,
        }
    }

    fn count(&mut self, n: usize) -> Result<(), Error> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_PLAN_NODES {
            return Err(too_large());
        }
        Ok(())
    }

    fn question(&mut self, user: u32, action: u16, ty: u16) -> Result<Kind, Error> {
        let t = self.t;
        let info = t.engine.types.get(ty as usize);
        let (pred, rule) = match info.filter(|i| i.is_child()) {
            Some(child) => {
                // A child record follows its parent (ZS-6): one branch per parent type.
                let mapped = child.follow.get(action as usize).copied().unwrap_or(NONE16);
                let mut branches = Vec::new();
                for &p in &child.parents {
                    let (pred, _) = self.allows(user, p, mapped, false)?;
                    branches.push(and(vec![Pred::Parent(p), pred]));
                }
                (or(branches), None)
            }
            None => self.allows(user, ty, action, false)?,
        };
        let pred = self.simplify(pred);
        Ok(match pred {
            Pred::Const(true) => match rule {
                Some(rule) => Kind::Always { rule },
                None => Kind::Where(Pred::Const(true)),
            },
            Pred::Const(false) => Kind::Never(self.never(user, action, ty)),
            p => Kind::Where(p),
        })
    }

    /// Why no record is allowed: the type-level verdict when it denies, else the verdict on
    /// a record with no fields (a scope whose set is empty: a user without teams).
    fn never(&self, user: u32, action: u16, ty: u16) -> Verdict {
        let t = self.t;
        let mut s = t.type_subject(ty);
        let v = t.verdict(Some(user), action, &s);
        if !v.allowed() {
            return v;
        }
        s.facts.type_level = false;
        t.verdict(Some(user), action, &s)
    }

    /// The grants of the user's candidate lists for (type, action), in evaluation order.
    fn grants(&self, user: u32, ty: u16, action: u16) -> Vec<Grant> {
        let mut out = Vec::new();
        self.t.lists(user, ty, action, |grants| {
            out.extend_from_slice(grants);
            false
        });
        out
    }

    /// Mirrors `allows_on`: the residual, and the first rule whose residual is `true`.
    fn allows(
        &mut self,
        user: u32,
        ty: u16,
        action: u16,
        delegated: bool,
    ) -> Result<(Pred, Option<u32>), Error> {
        let t = self.t;
        let grants = self.grants(user, ty, action);
        let mut denies = Vec::new();
        let mut allows = Vec::new();
        let mut always = None;
        for g in &grants {
            let Some(rule) = t.engine.rules.get(g.rule as usize) else {
                continue;
            };
            if t.static_stage(t.plan, user, g).is_err() {
                continue;
            }
            let p = self.outcome(user, g, ty, action, delegated)?;
            if rule.effect == Effect::Deny {
                if t.engine.has_deny {
                    denies.push(p);
                }
            } else {
                if p == Pred::Const(true) && always.is_none() {
                    always = Some(g.rule);
                }
                allows.push(p);
            }
        }
        let denied = or(denies);
        let pred = and(vec![not(denied.clone()), or(allows)]);
        let always = if denied == Pred::Const(false) {
            always
        } else {
            None
        };
        self.count(1)?;
        Ok((pred, always))
    }

    /// Mirrors `outcome` for a record: state, condition, scope (the static stages passed).
    fn outcome(
        &mut self,
        user: u32,
        g: &Grant,
        ty: u16,
        action: u16,
        delegated: bool,
    ) -> Result<Pred, Error> {
        let t = self.t;
        let Some(rule) = t.engine.rules.get(g.rule as usize) else {
            return Ok(Pred::Const(false));
        };
        let state = self.state(ty, action);
        if state == Pred::Const(false) {
            return Ok(state);
        }
        let cond = match rule.cond {
            Some(c) => self.cond(c, user, 0)?,
            None => Pred::Const(true),
        };
        if cond == Pred::Const(false) {
            return Ok(cond);
        }
        let scope = self.scope(rule.scope, user, ty, action, delegated)?;
        Ok(and(vec![state, cond, scope]))
    }

    /// Mirrors `state_ok`.
    fn state(&mut self, ty: u16, action: u16) -> Pred {
        let t = self.t;
        let Some(info) = t.engine.types.get(ty as usize) else {
            return Pred::Const(false);
        };
        let from = info.from.get(action as usize).copied().unwrap_or(u64::MAX);
        if from == u64::MAX {
            return Pred::Const(true);
        }
        let slot = t
            .engine
            .fixed
            .get(Fixed::State.index())
            .copied()
            .unwrap_or(NONE8);
        if slot == NONE8 {
            return Pred::Const(false);
        }
        let allowed: Vec<u32> = info
            .state_lit
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < 64 && from & (1u64 << i) != 0)
            .filter_map(|(_, &l)| t.lit_map.get(l as usize).copied())
            .filter(|&s| s != NONE32)
            .collect();
        if allowed.is_empty() {
            return Pred::Const(false);
        }
        Pred::In(slot, self.syms(allowed))
    }

    /// Mirrors `scope_ok`.
    fn scope(
        &mut self,
        scope: Scope,
        user: u32,
        ty: u16,
        action: u16,
        delegated: bool,
    ) -> Result<Pred, Error> {
        let t = self.t;
        let slot = |which: Fixed| {
            t.engine
                .fixed
                .get(which.index())
                .copied()
                .filter(|&s| s != NONE8)
        };
        let is_user = |which: Fixed| match slot(which) {
            Some(s) => Pred::Eq(s, Val::Str(user)),
            None => Pred::Const(false),
        };
        Ok(match scope {
            Scope::All => Pred::Const(true),
            Scope::Own => is_user(Fixed::Owner),
            Scope::Created => is_user(Fixed::Creator),
            Scope::Assignee => is_user(Fixed::Assignee),
            Scope::Subordinates => match slot(Fixed::Owner) {
                Some(s) => Pred::In(s, self.set(Set::Line(user))),
                None => Pred::Const(false),
            },
            Scope::Team => match slot(Fixed::Team) {
                Some(s) => {
                    let teams = t.teams_of(user).to_vec();
                    Pred::In(s, self.syms(teams))
                }
                None => Pred::Const(false),
            },
            Scope::Org => {
                let org = t.org_of(user);
                if org == NONE32 {
                    Pred::Const(false)
                } else {
                    Pred::Orgs(self.syms(vec![org]))
                }
            }
            Scope::Granted => match slot(Fixed::Id) {
                Some(s) => {
                    let ids: Vec<u32> = t
                        .grants
                        .iter()
                        .filter(|(u, gty, _)| *u == user && *gty == ty)
                        .map(|(_, _, id)| *id)
                        .collect();
                    Pred::In(s, self.syms(ids))
                }
                None => Pred::Const(false),
            },
            Scope::Manager => {
                let manager = t.manager_of(user);
                if delegated || manager == NONE32 {
                    Pred::Const(false)
                } else {
                    self.allows(manager, ty, action, true)?.0
                }
            }
        })
    }

    /// Mirrors `cond` for a record (two-valued: a record with an id reads every field).
    fn cond(&mut self, node: u32, user: u32, depth: usize) -> Result<Pred, Error> {
        if depth > crate::limits::MAX_CONDITION_DEPTH {
            return Ok(Pred::Const(false));
        }
        let t = self.t;
        self.count(1)?;
        Ok(match t.engine.conds.get(node as usize) {
            // The evaluator lets a missing node pass (it cannot occur in a compiled engine).
            None => Pred::Const(true),
            Some(CNode::Const(b)) => Pred::Const(*b),
            Some(CNode::Eq(a, b)) => {
                let (a, b) = (self.operand(*a, user), self.operand(*b, user));
                self.eq(a, b)?
            }
            Some(CNode::In(a, list)) => {
                let a = self.operand(*a, user);
                let vals: Vec<Val> = list.iter().map(|l| self.lit(*l)).collect();
                self.one_of(a, &vals)?
            }
            Some(CNode::Not(inner)) => not(self.cond(*inner, user, depth + 1)?),
            Some(CNode::And(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for &i in items {
                    out.push(self.cond(i, user, depth + 1)?);
                }
                and(out)
            }
            Some(CNode::Or(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for &i in items {
                    out.push(self.cond(i, user, depth + 1)?);
                }
                or(out)
            }
        })
    }

    fn lit(&self, l: Lit) -> Val {
        match l {
            Lit::Null => Val::Null,
            Lit::Bool(b) => Val::Bool(b),
            Lit::Num(n) => Val::Num(n),
            Lit::Str(i) => Val::Str(self.t.lit_map.get(i as usize).copied().unwrap_or(NONE32)),
        }
    }

    fn operand(&self, o: Opd, user: u32) -> Opnd {
        match o {
            Opd::Lit(l) => Opnd::Val(self.lit(l)),
            Opd::UserAttr(a) => Opnd::Val(self.t.attr(user, a)),
            Opd::Field(i) => Opnd::Field(i),
            Opd::UserOf { field, attr } => Opnd::UserOf(field, attr),
        }
    }

    /// A field equals a constant, as `Val::same` decides.
    fn field_is(&mut self, slot: u8, v: Val) -> Pred {
        match v {
            Val::Absent | Val::Null => Pred::Missing(slot),
            Val::Str(NONE32) => Pred::Const(false),
            v => Pred::Eq(slot, v),
        }
    }

    /// The user a record field names has attribute `attr` equal to `v`: a field that names
    /// no user reads as absent.
    fn user_of_is(&mut self, slot: u8, attr: u8, v: Val) -> Result<Pred, Error> {
        let t = self.t;
        let n = t.users.len() as u32;
        self.count(1)?;
        if nullish(v) {
            let set: Vec<u32> = (0..n).filter(|&u| !nullish(t.attr(u, attr))).collect();
            return Ok(not(Pred::In(slot, self.syms(set))));
        }
        let set: Vec<u32> = (0..n).filter(|&u| t.attr(u, attr).same(v)).collect();
        Ok(Pred::In(slot, self.syms(set)))
    }

    /// The distinct values (not absent or null) attribute `attr` takes among the users.
    fn attr_values(&self, attr: u8) -> Result<Vec<Val>, Error> {
        let t = self.t;
        let mut out: Vec<Val> = Vec::new();
        for u in 0..t.users.len() as u32 {
            let v = t.attr(u, attr);
            if nullish(v) || out.iter().any(|o| o.same(v)) {
                continue;
            }
            if out.len() >= MAX_ATTR_VALUES {
                return Err(Error::new(
                    "plan_too_large",
                    format!("a condition compares a record field with a user attribute of over {MAX_ATTR_VALUES} distinct values"),
                    "",
                ));
            }
            out.push(v);
        }
        Ok(out)
    }

    /// An operand equals a constant.
    fn is(&mut self, a: Opnd, v: Val) -> Result<Pred, Error> {
        Ok(match a {
            Opnd::Val(x) => Pred::Const(x.same(v)),
            Opnd::Field(f) => self.field_is(f, v),
            Opnd::UserOf(f, attr) => self.user_of_is(f, attr, v)?,
        })
    }

    /// Mirrors `CNode::Eq`.
    fn eq(&mut self, a: Opnd, b: Opnd) -> Result<Pred, Error> {
        match (a, b) {
            (Opnd::Val(v), other) | (other, Opnd::Val(v)) => self.is(other, v),
            (Opnd::UserOf(f, attr), other) | (other, Opnd::UserOf(f, attr)) => {
                // One branch per value the attribute takes, and one for "absent".
                let mut branches = Vec::new();
                for v in self.attr_values(attr)? {
                    let left = self.user_of_is(f, attr, v)?;
                    let right = self.is(other, v)?;
                    branches.push(and(vec![left, right]));
                }
                let left = self.user_of_is(f, attr, Val::Null)?;
                let right = self.is(other, Val::Null)?;
                branches.push(and(vec![left, right]));
                Ok(or(branches))
            }
            (Opnd::Field(_), Opnd::Field(_)) => Err(Error::new(
                "invalid_condition",
                "`eq` cannot compare two record fields",
                "",
            )),
        }
    }

    /// Mirrors `CNode::In`: strings the tenant knows become one set.
    fn one_of(&mut self, a: Opnd, vals: &[Val]) -> Result<Pred, Error> {
        if let Opnd::Field(f) = a {
            let strings: Vec<u32> = vals.iter().filter_map(|v| v.sym()).collect();
            let mut out = Vec::new();
            if !strings.is_empty() {
                out.push(Pred::In(f, self.syms(strings)));
            }
            for v in vals.iter().filter(|v| !matches!(v, Val::Str(_))) {
                out.push(self.field_is(f, *v));
            }
            return Ok(or(out));
        }
        let mut out = Vec::with_capacity(vals.len());
        for v in vals {
            out.push(self.is(a, *v)?);
        }
        Ok(or(out))
    }
}
