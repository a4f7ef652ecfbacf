//! Reading the options of `tenant.sql(...)`: `{ dialect, columns, paramOffset? }`, every
//! problem reported at once with its JSON path.
//!
//! A `columns` entry is either a string (an SQL expression holding text; `orgs` and
//! `parent.orgs` hold lists) or `{ "sql": "...", "type": "text" | "number" | "boolean" | "list" }`.

use super::{ColType, Column, Dialect, Options};
use crate::error::{join, Errors, Sink};
use crate::json::{self, Fields, Json};

/// Most placeholders a PostgreSQL statement may hold: an offset past it can only be a mistake.
const MAX_PARAM_OFFSET: f64 = 65_535.0;

/// The default type of a field's column given as a plain string.
fn default_type(field: &str) -> ColType {
    match field {
        "orgs" | "parent.orgs" => ColType::List,
        _ => ColType::Text,
    }
}

fn column(field: &str, v: &Json, path: &str, sink: &mut Sink) -> Option<Column> {
    let expr = |s: &str, at: &str, sink: &mut Sink| {
        if s.trim().is_empty() {
            sink.err(
                "invalid_column",
                format!("the column of `{field}` is an empty SQL expression"),
                at,
            );
            None
        } else {
            Some(s.to_owned())
        }
    };
    match v {
        Json::Str(s) => expr(s, path, sink).map(|sql| Column {
            sql,
            ty: default_type(field),
        }),
        Json::Obj(_) => {
            let f = Fields::open(v, path, &["sql", "type"], sink)?;
            let sql = f
                .req_str("sql", sink)
                .and_then(|s| expr(s, &join(path, "sql"), sink));
            let ty = match f.opt_str("type", sink) {
                None => Some(default_type(field)),
                Some("text") => Some(ColType::Text),
                Some("number") => Some(ColType::Number),
                Some("boolean") => Some(ColType::Boolean),
                Some("list") => Some(ColType::List),
                Some(other) => {
                    sink.err(
                        "invalid_column",
                        format!("unknown column type `{other}`; expected one of `text`, `number`, `boolean`, `list`"),
                        join(path, "type"),
                    );
                    None
                }
            };
            Some(Column { sql: sql?, ty: ty? })
        }
        other => {
            sink.err(
                "invalid_column",
                format!(
                    "the column of `{field}` must be an SQL expression (a string) or `{{ sql, type }}`, found {}",
                    other.kind()
                ),
                path,
            );
            None
        }
    }
}

impl Options {
    /// Reads `{ dialect: "postgres" | "sqlite", columns: { field: column }, paramOffset? }`.
    pub fn from_json(v: &Json) -> Result<Options, Errors> {
        let mut sink = Sink::default();
        let opts = Self::read(v, &mut sink);
        match (sink.finish(), opts) {
            (Err(errors), _) => Err(errors),
            (Ok(_), Some(o)) => Ok(o),
            (Ok(_), None) => Err(Errors::from(crate::error::Error::new(
                "invalid_type",
                "the SQL options could not be read",
                "",
            ))),
        }
    }

    fn read(v: &Json, sink: &mut Sink) -> Option<Options> {
        let f = Fields::open(v, "", &["dialect", "columns", "paramOffset"], sink)?;
        let dialect = match f.req_str("dialect", sink) {
            Some("postgres") => Some(Dialect::Postgres),
            Some("sqlite") => Some(Dialect::Sqlite),
            Some(other) => {
                sink.err(
                    "unknown_dialect",
                    format!("unknown SQL dialect `{other}`; expected `postgres` or `sqlite` (for D1 too)"),
                    "/dialect",
                );
                None
            }
            None => None,
        };
        let param_offset = match f.get("paramOffset") {
            None | Some((Json::Null, _)) => Some(0),
            Some((Json::Num(n), at)) => {
                if n.fract() != 0.0 || *n < 0.0 || *n > MAX_PARAM_OFFSET {
                    sink.err(
                        "invalid_option",
                        format!(
                            "`paramOffset` must be a whole number from 0 to 65535, found {}",
                            crate::json::text::number_key(*n)
                        ),
                        at,
                    );
                    None
                } else if dialect == Some(Dialect::Sqlite) && *n != 0.0 {
                    sink.err(
                        "invalid_option",
                        "`paramOffset` numbers PostgreSQL placeholders; SQLite's `?` have no numbers",
                        at,
                    );
                    None
                } else {
                    Some(*n as u32)
                }
            }
            Some((other, at)) => {
                sink.err(
                    "invalid_option",
                    format!("`paramOffset` must be a number, found {}", other.kind()),
                    at,
                );
                None
            }
        };
        let columns = match f.get("columns") {
            None => {
                sink.err(
                    "missing_field",
                    "the field `columns` is required: it maps record fields to SQL columns",
                    "/columns",
                );
                None
            }
            Some((v, at)) => {
                if !matches!(v, Json::Obj(_)) {
                    sink.err(
                        "invalid_type",
                        format!(
                            "`columns` must be an object mapping record fields to SQL columns, found {}",
                            v.kind()
                        ),
                        at,
                    );
                    None
                } else {
                    let pairs = json::object(v, &at, sink);
                    let mut out = Vec::with_capacity(pairs.len());
                    for (name, c) in pairs {
                        if let Some(col) = column(name, c, &join(&at, name), sink) {
                            out.push((name.clone(), col));
                        }
                    }
                    Some(out)
                }
            }
        };
        Some(Options {
            dialect: dialect?,
            param_offset: param_offset?,
            columns: columns?,
        })
    }

    /// The column of a record field (`ownerId`, `parent.ownerId`, ...).
    pub fn column(&self, field: &str) -> Option<&Column> {
        self.columns
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, c)| c)
    }
}
