//! Checking a decoded snapshot as if its bytes were hostile, checksum or not: every index
//! points into its table, every table has the length its readers assume, condition trees are
//! trees of bounded depth, the manager forest's numbering is a forest's. What the compilers
//! guarantee by construction, checked here in one pass over each table (no id is hashed).
//! Evaluation reads every table through bounds-checked accessors anyway; these checks keep
//! the answers those of some compilable tenant and the work per question bounded.

use super::read::{Bad, TenantParts};
use crate::engine::{CNode, Engine, Lit, Opd, FIELD_SLOTS, NONE16, NONE32, NONE8};
use crate::limits;
use crate::policy::{Effect, Scope};
use crate::tenant::users::Users;
use crate::tenant::value::Val;
use crate::tenant::UserRec;

fn ensure(ok: bool, why: Bad) -> Result<(), Bad> {
    match ok {
        true => Ok(()),
        false => Err(why),
    }
}

fn window(plans: usize, (lo, hi): (u8, u8)) -> bool {
    lo as usize <= plans && hi as usize <= plans
}

pub(super) fn engine(e: &Engine) -> Result<(), Bad> {
    let (n_plans, n_actions, n_types, n_roles) =
        (e.plans.len(), e.actions.len(), e.types.len(), e.roles.len());
    ensure(
        (1..=limits::MAX_PLANS).contains(&n_plans)
            && e.settings.len() <= limits::MAX_SETTINGS
            && n_actions <= limits::MAX_ACTIONS
            && n_types <= limits::MAX_TYPES
            && n_roles <= limits::MAX_ROLES + limits::MAX_SYSTEM_ROLES
            && e.rules.len() <= limits::MAX_RULES
            && e.grants.len() <= limits::MAX_GRANTS,
        "a policy table is over its limit",
    )?;
    // The name maps were rebuilt from the lists: a name listed twice makes a map shorter.
    ensure(
        e.action_ix.len() == n_actions
            && e.type_ix.len() == n_types
            && e.role_ix.len() == n_roles
            && e.plans
                .iter()
                .enumerate()
                .all(|(i, p)| !e.plans.iter().skip(i + 1).any(|q| q == p)),
        "a name is declared twice",
    )?;
    // `alpha` lists every action once, in strictly ascending order of names (what
    // `permitted` promises its callers).
    ensure(
        e.plan_labels.len() == n_plans,
        "the plan labels do not match the plans",
    )?;
    ensure(
        e.alpha.len() == n_actions && e.phrases.len() == n_actions,
        "an action table has the wrong length",
    )?;
    let mut last: Option<&str> = None;
    for &a in &e.alpha {
        let name = e
            .actions
            .get(a as usize)
            .ok_or("an action index is out of range")?;
        ensure(
            last.is_none_or(|l| l < name.as_str()),
            "the actions are not in alphabetical order",
        )?;
        last = Some(name);
    }
    for s in &e.settings {
        ensure(window(n_plans, s.plan), "a plan window is out of range")?;
    }
    for t in &e.types {
        ensure(
            t.kind.len() == n_actions
                && t.follow.len() == n_actions
                && t.from.len() == n_actions
                && t.to.len() == n_actions
                && t.state_lit.len() == t.states.len()
                && t.states.len() <= 64,
            "a type's tables have the wrong length",
        )?;
        ensure(
            t.follow
                .iter()
                .all(|&a| a == NONE16 || (a as usize) < n_actions)
                && t.state_lit.iter().all(|&l| (l as usize) < e.literals.len())
                && t.to
                    .iter()
                    .all(|s| s.is_none_or(|s| (s as usize) < t.states.len())),
            "a type's action or state index is out of range",
        )?;
        // Children follow parents that follow nobody (one level, as the validator demands).
        for &p in &t.parents {
            let parent = e
                .types
                .get(p as usize)
                .ok_or("a parent type is out of range")?;
            ensure(!parent.is_child(), "a parent type follows another type")?;
        }
    }
    for r in &e.roles {
        ensure(
            window(n_plans, r.plan) && r.sys_bit < 64,
            "a role's plan window or bit is out of range",
        )?;
    }
    ensure(
        e.default_sys.len() == n_roles
            && e.sys_principal.len() <= 64
            && e.sys_principal.iter().all(|&p| (p as usize) < n_roles),
        "a system-role table is out of range",
    )?;
    for g in &e.grants {
        ensure((g.rule as usize) < e.rules.len(), "a grant names no rule")?;
    }
    // The slots cut the grant list into consecutive runs, in order, one per
    // (principal, type, action), principals being the roles and "everyone".
    let cells = (n_roles + 1)
        .checked_mul(n_types)
        .and_then(|x| x.checked_mul(n_actions))
        .ok_or("the grant index is too large")?;
    ensure(
        e.slots.len() == cells && cells <= limits::MAX_SLOTS,
        "the grant index has the wrong size",
    )?;
    let mut at = 0u64;
    for &(start, len) in &e.slots {
        ensure(start as u64 == at, "the grant index is out of order")?;
        at += len as u64;
    }
    ensure(
        at == e.grants.len() as u64,
        "the grant index does not cover the grants",
    )?;
    ensure(
        e.fields.len() <= FIELD_SLOTS
            && e.user_attrs.len() < NONE8 as usize
            && e.fixed
                .iter()
                .all(|&f| f == NONE8 || (f as usize) < e.fields.len())
            && e.cond_read >> e.fields.len().min(63) == 0,
        "a field slot is out of range",
    )?;
    conditions(e)?;
    derived(e)
}

/// The flags the compiler derives from the rules and conditions, which the evaluator trusts
/// to skip work (`has_deny`: no deny rule to look for; `reads_orgs`; `cond_read`: the fields a
/// batch may leave out): each must be what the snapshot's own rules give, or the boolean
/// answer and the explained one could part.
fn derived(e: &Engine) -> Result<(), Bad> {
    let deny = e.rules.iter().any(|r| r.effect == Effect::Deny);
    let orgs = e.rules.iter().any(|r| r.scope == Scope::Org);
    let bit = |o: &Opd| match *o {
        Opd::Field(i) | Opd::UserOf { field: i, .. } => 1u64 << (i & 63),
        Opd::Lit(_) | Opd::UserAttr(_) => 0,
    };
    let read = e.conds.iter().fold(0u64, |acc, c| match c {
        CNode::Eq(a, b) => acc | bit(a) | bit(b),
        CNode::In(a, _) => acc | bit(a),
        CNode::Const(_) | CNode::Not(_) | CNode::And(_) | CNode::Or(_) => acc,
    });
    ensure(
        e.has_deny == deny && e.reads_orgs == orgs && e.cond_read == read,
        "a flag derived from the rules disagrees with them",
    )
}

/// The conditions are trees: each node is used once (by one parent or one rule), after its
/// children, so evaluating one costs at most its size; depth is bounded as the compiler
/// bounds it. Operands name known fields, attributes and literals.
fn conditions(e: &Engine) -> Result<(), Bad> {
    let n = e.conds.len();
    let mut used = vec![false; n];
    let mut depth = vec![0u8; n];
    let claim =
        |used: &mut Vec<bool>, depth: &[u8], child: u32, parent: usize| -> Result<u8, Bad> {
            let c = child as usize;
            ensure(c < parent, "a condition refers forward")?;
            let u = used.get_mut(c).ok_or("a condition index is out of range")?;
            ensure(!*u, "a condition node is used twice")?;
            *u = true;
            Ok(depth.get(c).copied().unwrap_or(0))
        };
    let lit = |l: &Lit| match l {
        Lit::Str(s) => (*s as usize) < e.literals.len(),
        _ => true,
    };
    let opd = |o: &Opd| match o {
        Opd::Lit(l) => lit(l),
        Opd::Field(f) => (*f as usize) < e.fields.len(),
        Opd::UserAttr(a) => (*a as usize) < e.user_attrs.len(),
        Opd::UserOf { field, attr } => {
            (*field as usize) < e.fields.len() && (*attr as usize) < e.user_attrs.len()
        }
    };
    for (i, node) in e.conds.iter().enumerate() {
        let d = match node {
            CNode::Const(_) => 0,
            CNode::Eq(a, b) => {
                ensure(opd(a) && opd(b), "a condition operand is out of range")?;
                0
            }
            CNode::In(a, list) => {
                ensure(
                    opd(a) && list.iter().all(lit),
                    "a condition operand is out of range",
                )?;
                0
            }
            CNode::Not(c) => claim(&mut used, &depth, *c, i)?,
            CNode::And(items) | CNode::Or(items) => {
                let mut d = 0;
                for &c in items {
                    d = d.max(claim(&mut used, &depth, c, i)?);
                }
                d
            }
        };
        ensure(
            (d as usize) < limits::MAX_CONDITION_DEPTH + 1,
            "a condition is too deep",
        )?;
        if let Some(slot) = depth.get_mut(i) {
            *slot = d + 1;
        }
    }
    for r in &e.rules {
        ensure(
            r.setting.is_none_or(|s| (s as usize) < e.settings.len()),
            "a rule's setting is out of range",
        )?;
        if let Some(c) = r.cond {
            claim(&mut used, &depth, c, n)?;
        }
    }
    Ok(())
}

pub(super) fn tenant(e: &Engine, t: &TenantParts) -> Result<(), Bad> {
    let users = &t.users;
    let n = users.len();
    let n_syms = n.saturating_add(t.sym_list.len());
    let sym = |s: u32| (s as usize) < n_syms;
    ensure(
        n <= limits::MAX_USERS && t.ids.len() == n,
        "the id table and the users disagree",
    )?;
    ensure(
        (t.plan as usize) < e.plans.len()
            && t.settings >> e.settings.len().min(63) == 0
            && (t.org == NONE32 || sym(t.org)),
        "the plan, settings or organisation are out of range",
    )?;
    ensure(users.flags_valid(), "an unknown tag")?;
    let n_sys = e.sys_principal.len().min(63);
    // One pass for what each user holds alone (loading 100,000 users is mostly these loops).
    let user_ok = |u: &UserRec| {
        let (role, org, sys) = (u.role, u.org, u.sys);
        ensure(
            (role as usize) < e.roles.len() && (org == NONE32 || sym(org)) && sys >> n_sys == 0,
            "a user's role, organisation or system roles are out of range",
        )
    };
    forest(users, user_ok)?;
    ensure(
        t.lit_map.len() == e.literals.len() && t.lit_map.iter().all(|&s| s == NONE32 || sym(s)),
        "the literal table is out of range",
    )?;
    let mut prev = 0u32;
    for &end in &t.team_ends {
        ensure(end >= prev, "the team offsets are out of order")?;
        prev = end;
    }
    ensure(
        t.team_ends.len() <= n
            && prev as usize == t.team_syms.len()
            && t.team_syms.iter().all(|&s| sym(s)),
        "the team table is out of range",
    )?;
    ensure(
        t.grants
            .iter()
            .all(|&(u, ty, s)| (u as usize) < n && (ty as usize) < e.types.len() && sym(s)),
        "a granted record is out of range",
    )?;
    names(t, n)?;
    ensure(
        t.attrs.len() == n.saturating_mul(e.user_attrs.len())
            && t.attrs.iter().all(|v| match v {
                Val::Str(s) => *s == NONE32 || sym(*s),
                _ => true,
            }),
        "the user attributes are out of range",
    )
}

/// Display names: none at all, or one end offset per user, rising to the end of the text on
/// character boundaries.
fn names(t: &TenantParts, n: usize) -> Result<(), Bad> {
    if t.name_ends.is_empty() {
        return ensure(t.name_text.is_empty(), "names without users");
    }
    ensure(t.name_ends.len() == n, "the names and the users disagree")?;
    let mut start = 0u32;
    for &end in &t.name_ends {
        ensure(
            end >= start && t.name_text.is_char_boundary(end as usize),
            "a name's end offset is out of order or inside a character",
        )?;
        start = end;
    }
    ensure(
        start as usize == t.name_text.len(),
        "the names do not fill the name text",
    )
}

/// Each user as `user_ok` requires, and the manager forest: managers are users (never
/// oneself), the pre-order numbers are a permutation of `0..n`, each user's range `pre..end`
/// is non-empty and within `0..n`, and each user's range lies strictly inside its manager's. Numbers then fall along every
/// manager chain, so no chain loops, and a reporting-line test stays two array reads.
fn forest(users: &Users, user_ok: impl Fn(&UserRec) -> Result<(), Bad>) -> Result<(), Bad> {
    let n = users.len();
    let mut seen = vec![false; n];
    for u in users.iter() {
        user_ok(&u)?;
        let (pre, end) = (u.pre, u.end);
        ensure(
            pre < end && end as usize <= n,
            "a user's range is out of range",
        )?;
        let s = seen
            .get_mut(pre as usize)
            .ok_or("a user's range is out of range")?;
        ensure(!*s, "two users share a pre-order number")?;
        *s = true;
    }
    for u in users.iter() {
        let (m, pre, end) = (u.manager, u.pre, u.end);
        if m == NONE32 {
            continue;
        }
        let boss = users
            .get(m as usize)
            .ok_or("a user's manager is not a user")?;
        let (bpre, bend) = (boss.pre, boss.end);
        ensure(
            bpre < pre && end <= bend,
            "a user's range is not inside its manager's",
        )?;
    }
    Ok(())
}
