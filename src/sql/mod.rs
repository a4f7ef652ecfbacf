//! Plans as SQL: a compiled question ([`Plan`]) becomes a boolean SQL expression and its
//! parameters, for PostgreSQL or SQLite (Cloudflare D1 runs the SQLite text unchanged).
//!
//! ```text
//! tenant.sql("u7", "view", "lead", { dialect: "postgres", columns: { ownerId: "owner_id" } })
//!   → { where: "(owner_id IS NOT NULL AND owner_id = ANY($1::text[]))", params: [["u7", "u8"]] }
//! ```
//!
//! The rules the text keeps (each is tested against real databases, see `docs/sql.md`):
//!
//! - **Values are always parameters.** Only the column expressions the caller gives (used as
//!   given: they are the caller's own SQL, never input from a user) and fixed keywords appear
//!   in the text. A set (a reporting line of 100,000 ids) is ONE parameter: a `text[]` in
//!   PostgreSQL, a JSON array in SQLite read with `json_each`, so the placeholder count stays
//!   small whatever the directory.
//! - **Never NULL.** Every test is written so that it is true or false, never SQL NULL
//!   (`(col IS NOT NULL AND col = $1)`), so `NOT` keeps its meaning on a NULL column and the
//!   expression may also be selected as a column.
//! - **One JSON type per column.** [`ColType`] says which; a comparison the plan makes with a
//!   value of another type folds to false in Rust (as the evaluator's strict equality is), so
//!   the database never sees a cross-type comparison it could reject or coerce.
//! - **Exact strings.** No `LIKE`; SQLite comparisons carry `COLLATE BINARY`, PostgreSQL
//!   compares as `text` (a `citext` column is compared case-sensitively; a column with a
//!   nondeterministic collation is not supported, see `docs/sql.md`).

mod lower;
mod options;
mod write;

use crate::error::Error;
use crate::json::write::{object, ToJson};
use crate::plan::Plan;
use crate::tenant::Tenant;

/// The SQL dialect of the generated text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// PostgreSQL: `$n` placeholders, sets as `text[]` parameters.
    Postgres,
    /// SQLite and Cloudflare D1: `?` placeholders, sets as JSON text parameters.
    Sqlite,
}

/// The one JSON type a column holds (SQL NULL stands for an absent or null field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    /// Strings (PostgreSQL `text`/`varchar` in a deterministic collation; SQLite `TEXT`).
    Text,
    /// Numbers, compared as doubles (PostgreSQL any numeric type; SQLite `INTEGER`/`REAL`).
    Number,
    /// Booleans (PostgreSQL `boolean`; SQLite `0`/`1`).
    Boolean,
    /// A list of strings, for `orgs` (PostgreSQL `text[]`; SQLite a JSON array as text).
    List,
}

/// Where one record field lives: an SQL expression and the type it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub sql: String,
    pub ty: ColType,
}

/// How to write a plan as SQL: `{ dialect, columns, paramOffset? }` (see [`Options::from_json`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub dialect: Dialect,
    /// PostgreSQL: the first placeholder is `$(param_offset + 1)`, so the expression can follow
    /// parameters of the caller's own.
    pub param_offset: u32,
    /// Record field name (`ownerId`, `parent.ownerId`, `orgs`, ...) → column.
    pub columns: Vec<(String, Column)>,
}

/// One parameter value, in the form the dialect's driver binds.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Text(String),
    Number(f64),
    /// PostgreSQL only (SQLite booleans are the numbers 1 and 0).
    Bool(bool),
    /// PostgreSQL: a `text[]` (drivers such as `pg` bind a JavaScript array of strings).
    TextArray(Vec<String>),
}

/// A plan as SQL: a boolean expression to put after `WHERE`, and its parameters in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Sql {
    pub text: String,
    pub params: Vec<Param>,
}

impl ToJson for Param {
    fn write(&self, out: &mut String) {
        match self {
            Param::Text(s) => s.write(out),
            Param::Number(n) => n.write(out),
            Param::Bool(b) => b.write(out),
            Param::TextArray(items) => items.write(out),
        }
    }
}

impl ToJson for Sql {
    fn write(&self, out: &mut String) {
        object(
            out,
            &[("where", Some(&self.text)), ("params", Some(&self.params))],
        );
    }
}

impl Plan {
    /// The plan as SQL. A field the plan reads must be in `options.columns`, or the error is
    /// `unmapped_field` (naming every such field, path `/columns`).
    pub fn to_sql(&self, t: &Tenant, options: &Options) -> Result<Sql, Error> {
        let expr = lower::lower(self, t, options)?;
        Ok(write::write(&expr, self, t, options))
    }
}

impl Tenant {
    /// The SQL of (`user`, `action`, records of type `ty`), by name: an unknown user's is
    /// false; an unknown type or action is an error, as in every other question.
    pub fn sql(&self, user: &str, action: &str, ty: &str, options: &Options) -> Result<Sql, Error> {
        self.plan_named(user, action, ty)?.to_sql(self, options)
    }
}
