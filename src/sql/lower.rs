//! A plan's predicate against the caller's columns: every field named by its column, every
//! comparison a column's type rules out folded to false, and the folding carried up through
//! `not`, `and` and `or` so the text holds only what the database must decide.

use super::{ColType, Options};
use crate::error::Error;
use crate::plan::{Kind, Plan, Pred};
use crate::tenant::value::Val;
use crate::tenant::Tenant;

/// A value a column is compared with.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Text(String),
    Number(f64),
    Bool(bool),
}

/// The predicate with columns in place of field slots (`col` indexes `Options::columns`).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Expr {
    Const(bool),
    /// The column holds this value.
    Eq(usize, Value),
    /// The column is SQL NULL.
    Null(usize),
    /// The text column holds a string of `plan.sets()[set]` (non-empty).
    In(usize, u32),
    /// The list column holds a string of `plan.sets()[set]` (non-empty).
    Overlaps(usize, u32),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

struct Lower<'a> {
    plan: &'a Plan,
    t: &'a Tenant,
    options: &'a Options,
    child: bool,
    /// Fields the plan reads that `columns` does not map, in the order first met.
    unmapped: Vec<String>,
}

/// The plan's predicate as an [`Expr`] (`always` is true, `never` false).
pub(super) fn lower(plan: &Plan, t: &Tenant, options: &Options) -> Result<Expr, Error> {
    let pred = match plan.kind() {
        Kind::Always { .. } => return Ok(Expr::Const(true)),
        Kind::Never(_) => return Ok(Expr::Const(false)),
        Kind::Where(p) => p,
    };
    let child = t
        .engine
        .types
        .get(plan.ty as usize)
        .is_some_and(|x| x.is_child());
    let mut l = Lower {
        plan,
        t,
        options,
        child,
        unmapped: Vec::new(),
    };
    let expr = l.pred(pred);
    if l.unmapped.is_empty() {
        return Ok(expr);
    }
    let names = l.unmapped.join("`, `");
    Err(Error::new(
        "unmapped_field",
        format!(
            "the question reads the record field `{names}`: map it to an SQL column in `columns`"
        ),
        "/columns",
    ))
}

impl Lower<'_> {
    /// The column of a record field (by name as the plan's JSON names it), noting it if unmapped.
    fn column(&mut self, name: &str) -> Option<(usize, ColType)> {
        match self.options.columns.iter().position(|(n, _)| n == name) {
            Some(i) => self.options.columns.get(i).map(|(_, c)| (i, c.ty)),
            None => {
                if !self.unmapped.iter().any(|n| n == name) {
                    self.unmapped.push(name.to_owned());
                }
                None
            }
        }
    }

    fn field(&mut self, slot: u8) -> Option<(usize, ColType)> {
        let name = self
            .t
            .engine
            .fields
            .get(slot as usize)
            .map(String::as_str)
            .unwrap_or("");
        if self.child {
            self.column(&format!("parent.{name}"))
        } else {
            self.column(name)
        }
    }

    /// A non-empty set, or `None` when it holds no string (nothing can be in it).
    fn set(&self, set: u32) -> Option<u32> {
        let empty = match self.plan.sets().get(set as usize) {
            Some(crate::plan::Set::Syms(list)) => list.is_empty(),
            Some(crate::plan::Set::Line(_)) => false,
            None => true,
        };
        (!empty).then_some(set)
    }

    fn pred(&mut self, p: &Pred) -> Expr {
        match p {
            Pred::Const(b) => Expr::Const(*b),
            Pred::Eq(slot, v) => {
                let Some((col, ty)) = self.field(*slot) else {
                    return Expr::Const(false);
                };
                eq(self.t, col, ty, *v)
            }
            Pred::Missing(slot) => match self.field(*slot) {
                // A list is never a plain value: the evaluator reads it as absent.
                Some((_, ColType::List)) => Expr::Const(true),
                Some((col, _)) => Expr::Null(col),
                None => Expr::Const(false),
            },
            // An empty set holds nothing whatever the column: it needs none (a user without
            // grants asks nothing of `id`).
            Pred::In(slot, set) => match self.set(*set).map(|set| (self.field(*slot), set)) {
                Some((Some((col, ColType::Text)), set)) => Expr::In(col, set),
                _ => Expr::Const(false),
            },
            Pred::Orgs(set) => {
                let name = if self.child { "parent.orgs" } else { "orgs" };
                match self.set(*set).map(|set| (self.column(name), set)) {
                    Some((Some((col, ColType::List)), set)) => Expr::Overlaps(col, set),
                    _ => Expr::Const(false),
                }
            }
            Pred::Parent(ty) => {
                let name = self
                    .t
                    .engine
                    .types
                    .get(*ty as usize)
                    .map(|x| x.name.clone())
                    .unwrap_or_default();
                match self.column("parent.type") {
                    Some((col, ColType::Text)) => Expr::Eq(col, Value::Text(name)),
                    _ => Expr::Const(false),
                }
            }
            Pred::Not(inner) => not(self.pred(inner)),
            Pred::And(items) => and(items.iter().map(|i| self.pred(i)).collect()),
            Pred::Or(items) => or(items.iter().map(|i| self.pred(i)).collect()),
        }
    }
}

/// A column equals a plan value: false when the column's type cannot hold it (the evaluator's
/// equality is strict: `2` is not `"2"`, `true` is not `1`).
fn eq(t: &Tenant, col: usize, ty: ColType, v: Val) -> Expr {
    match (ty, v) {
        (_, Val::Absent | Val::Null) => match ty {
            ColType::List => Expr::Const(true),
            _ => Expr::Null(col),
        },
        (ColType::Text, Val::Str(sym)) => match t.sym_str(sym) {
            Some(s) => Expr::Eq(col, Value::Text(s.to_owned())),
            None => Expr::Const(false),
        },
        (ColType::Number, Val::Num(n)) => Expr::Eq(col, Value::Number(n)),
        (ColType::Boolean, Val::Bool(b)) => Expr::Eq(col, Value::Bool(b)),
        _ => Expr::Const(false),
    }
}

fn not(e: Expr) -> Expr {
    match e {
        Expr::Const(b) => Expr::Const(!b),
        Expr::Not(inner) => *inner,
        e => Expr::Not(Box::new(e)),
    }
}

fn and(items: Vec<Expr>) -> Expr {
    let mut out = Vec::with_capacity(items.len());
    for e in items {
        match e {
            Expr::Const(true) => {}
            Expr::Const(false) => return Expr::Const(false),
            Expr::And(inner) => out.extend(inner),
            e => out.push(e),
        }
    }
    match out.len() {
        0 => Expr::Const(true),
        1 => out.pop().unwrap_or(Expr::Const(true)),
        _ => Expr::And(out),
    }
}

fn or(items: Vec<Expr>) -> Expr {
    let mut out = Vec::with_capacity(items.len());
    for e in items {
        match e {
            Expr::Const(false) => {}
            Expr::Const(true) => return Expr::Const(true),
            Expr::Or(inner) => out.extend(inner),
            e => out.push(e),
        }
    }
    match out.len() {
        0 => Expr::Const(false),
        1 => out.pop().unwrap_or(Expr::Const(false)),
        _ => Expr::Or(out),
    }
}
