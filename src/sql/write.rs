//! The SQL text of a lowered plan, per dialect. Every test is written never to be NULL: a
//! column test is `(col IS NOT NULL AND ...)` (FALSE AND NULL is FALSE), `IS NULL` and
//! `EXISTS` are never NULL, and `NOT`, `AND`, `OR` of such tests are never NULL either.
//! The guard keeps the bare `col = ...` / `col = ANY(...)` in the text, so indexes still apply.

use super::lower::{Expr, Value};
use super::{Dialect, Options, Param, Sql};
use crate::plan::{Plan, Set};
use crate::tenant::Tenant;
use std::fmt::Write as _;

struct Writer<'a> {
    plan: &'a Plan,
    t: &'a Tenant,
    options: &'a Options,
    text: String,
    params: Vec<Param>,
    /// PostgreSQL: the placeholder of each set already sent (a set is sent once per plan).
    set_params: Vec<(u32, usize)>,
}

/// The text and parameters of `e`.
pub(super) fn write(e: &Expr, plan: &Plan, t: &Tenant, options: &Options) -> Sql {
    let mut w = Writer {
        plan,
        t,
        options,
        text: String::new(),
        params: Vec::new(),
        set_params: Vec::new(),
    };
    w.expr(e);
    Sql {
        text: w.text,
        params: w.params,
    }
}

/// True when `sql` needs no parentheses to be an operand: a name, a qualified name, a quoted
/// name. Anything else (an expression of the caller's) is wrapped, so `=` binds as meant.
fn is_term(sql: &str) -> bool {
    let mut quoted = false;
    for c in sql.chars() {
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '.' => {}
            _ => return false,
        }
    }
    !quoted && !sql.is_empty()
}

impl Writer<'_> {
    fn pg(&self) -> bool {
        self.options.dialect == Dialect::Postgres
    }

    fn col(&mut self, col: usize) {
        let sql = self
            .options
            .columns
            .get(col)
            .map(|(_, c)| c.sql.as_str())
            .unwrap_or("NULL");
        if is_term(sql) {
            self.text.push_str(sql);
        } else {
            self.text.push('(');
            self.text.push_str(sql);
            self.text.push(')');
        }
    }

    /// Adds a parameter and writes its placeholder.
    fn param(&mut self, p: Param) {
        self.params.push(p);
        self.placeholder(self.params.len());
    }

    fn placeholder(&mut self, n: usize) {
        if self.pg() {
            let k = n + self.options.param_offset as usize;
            let _ = write!(self.text, "${k}");
        } else {
            self.text.push('?');
        }
    }

    /// The strings of set `set`: a reporting line in directory order, others in symbol order.
    fn strings(&self, set: u32) -> Vec<String> {
        let t = self.t;
        match self.plan.sets().get(set as usize) {
            Some(Set::Line(boss)) => t
                .line(*boss)
                .into_iter()
                .filter_map(|u| t.user_id(u))
                .map(str::to_owned)
                .collect(),
            Some(Set::Syms(list)) => list
                .iter()
                .filter_map(|&s| t.sym_str(s))
                .map(str::to_owned)
                .collect(),
            None => Vec::new(),
        }
    }

    /// The placeholder of set `set`, as one parameter.
    fn set_param(&mut self, set: u32) {
        if self.pg() {
            if let Some(&(_, n)) = self.set_params.iter().find(|(s, _)| *s == set) {
                self.placeholder(n);
            } else {
                let list = self.strings(set);
                self.param(Param::TextArray(list));
                self.set_params.push((set, self.params.len()));
            }
            self.text.push_str("::text[]");
        } else {
            let json = crate::json::write::to_string(&self.strings(set));
            self.param(Param::Text(json));
        }
    }

    /// `(col IS NOT NULL AND ` ... `)` around a test that is NULL when the column is.
    fn guarded(&mut self, col: usize, test: impl FnOnce(&mut Self)) {
        self.text.push('(');
        self.col(col);
        self.text.push_str(" IS NOT NULL AND ");
        test(self);
        self.text.push(')');
    }

    fn expr(&mut self, e: &Expr) {
        let pg = self.pg();
        match e {
            Expr::Const(b) => self.text.push_str(match (pg, b) {
                (true, true) => "TRUE",
                (true, false) => "FALSE",
                (false, true) => "1",
                (false, false) => "0",
            }),
            Expr::Null(col) => {
                self.col(*col);
                self.text.push_str(" IS NULL");
            }
            Expr::Eq(col, v) => self.guarded(*col, |w| {
                w.col(*col);
                w.text.push_str(" = ");
                match (v, pg) {
                    (Value::Text(s), true) => {
                        w.param(Param::Text(s.clone()));
                        w.text.push_str("::text");
                    }
                    (Value::Text(s), false) => {
                        w.param(Param::Text(s.clone()));
                        w.text.push_str(" COLLATE BINARY");
                    }
                    (Value::Number(n), true) => {
                        w.param(Param::Number(*n));
                        w.text.push_str("::float8");
                    }
                    (Value::Number(n), false) => w.param(Param::Number(*n)),
                    (Value::Bool(b), true) => {
                        w.param(Param::Bool(*b));
                        w.text.push_str("::boolean");
                    }
                    (Value::Bool(b), false) => w.param(Param::Number(f64::from(u8::from(*b)))),
                }
            }),
            Expr::In(col, set) => self.guarded(*col, |w| {
                w.col(*col);
                if pg {
                    w.text.push_str(" = ANY(");
                    w.set_param(*set);
                    w.text.push(')');
                } else {
                    w.text
                        .push_str(" COLLATE BINARY IN (SELECT value FROM json_each(");
                    w.set_param(*set);
                    w.text.push_str("))");
                }
            }),
            Expr::Overlaps(col, set) => {
                if pg {
                    self.guarded(*col, |w| {
                        w.col(*col);
                        w.text.push_str(" && ");
                        w.set_param(*set);
                    });
                } else {
                    // json_each(NULL) has no rows: EXISTS is false, never NULL.
                    self.text.push_str("EXISTS (SELECT 1 FROM json_each(");
                    self.col(*col);
                    self.text.push_str(
                        ") WHERE type = 'text' AND value IN (SELECT value FROM json_each(",
                    );
                    self.set_param(*set);
                    self.text.push_str(")))");
                }
            }
            Expr::Not(inner) => {
                self.text.push_str("NOT ");
                // Every other expression delimits itself: guarded tests and lists are in
                // parentheses, EXISTS has its own, constants are one word.
                if matches!(**inner, Expr::Null(_)) {
                    self.text.push('(');
                    self.expr(inner);
                    self.text.push(')');
                } else {
                    self.expr(inner);
                }
            }
            // Always in parentheses, the outermost too: the caller writes
            // `WHERE tenant_id = $1 AND ${where}`, and an OR must not leak out of it.
            Expr::And(items) | Expr::Or(items) => {
                let op = if matches!(e, Expr::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                self.text.push('(');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.text.push_str(op);
                    }
                    self.expr(item);
                }
                self.text.push(')');
            }
        }
    }
}
