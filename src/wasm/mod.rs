//! The only module that knows wasm-bindgen. It converts and does nothing else: JSON text and
//! typed arrays in, JSON text and typed arrays out, errors as JSON text that the JavaScript
//! entry points (`js/accord.js`) turn into `AccordError`. No rule logic lives here.
//!
//! Two ways in: `*_json` methods take records as JSON text and resolve them in Rust (the exact
//! path, which every question can take); `plan_json` hands JavaScript the compiled plan it
//! runs on the hot path. `bulk_uniform` takes a batch of one type as typed-array columns of
//! the fields its refusals read (see [`crate::tenant::record::code`]), so 10,000 refusals cross the
//! boundary once and are worded a handful of times.
//!
//! `engine.rs` holds the compiler's calls (absent from the `accord/runtime` module), `tenant.rs`
//! a tenant's, `out.rs` the answer shapes as JSON; this file, what they share: errors, JSON
//! text in, the schema JavaScript encodes questions with.

use crate::error::{Error, Errors};
use crate::json::Json;
use crate::Engine;
use wasm_bindgen::prelude::*;

#[cfg(feature = "compiler")]
mod engine;
mod out;
mod tenant;

#[cfg(feature = "compiler")]
pub use engine::{RawEngine, RawTenantParts};
pub use tenant::RawTenant;

struct ErrorOut<'a> {
    code: &'a str,
    message: &'a str,
    path: &'a str,
}

struct ErrorsOut<'a> {
    code: &'a str,
    message: &'a str,
    path: &'a str,
    errors: Vec<ErrorOut<'a>>,
}

fn out(e: &Error) -> ErrorOut<'_> {
    ErrorOut {
        code: e.code(),
        message: e.message(),
        path: e.path(),
    }
}

/// Errors as the JSON text the JavaScript side turns into an `AccordError`.
fn js_errors(errs: &Errors) -> JsValue {
    let first = errs.first();
    let body = ErrorsOut {
        code: first.code(),
        message: first.message(),
        path: first.path(),
        errors: errs.iter().map(out).collect(),
    };
    JsValue::from_str(&crate::json::write::to_string(&body))
}

fn js_error(e: Error) -> JsValue {
    js_errors(&Errors::from(e))
}

fn json<T: crate::json::write::ToJson + ?Sized>(v: &T) -> String {
    crate::json::write::to_string(v)
}

fn parse(text: &str) -> Result<Json, JsValue> {
    Json::parse(text).map_err(js_error)
}

fn records(text: &str) -> Result<Vec<Json>, JsValue> {
    match parse(text)? {
        Json::Arr(items) => Ok(items),
        other => Err(js_error(Error::new(
            "invalid_type",
            format!("records must be an array, found {}", other.kind()),
            "",
        ))),
    }
}

/// What the JavaScript side needs to encode questions about an engine: names in index order.
fn schema(e: &Engine) -> String {
    json(&Schema {
        name: e.name(),
        plans: &e.plans,
        types: e
            .types
            .iter()
            .map(|t| TypeOut {
                name: &t.name,
                child: t.is_child(),
                parents: &t.parents,
                record_actions: e.record_actions(&t.name),
            })
            .collect(),
        actions: &e.actions,
        fields: e.encoded_fields().into_iter().map(|(_, n)| n).collect(),
        reads_orgs: e.reads_orgs,
        warnings: e.warnings().iter().map(out).collect(),
    })
}

struct TypeOut<'a> {
    name: &'a str,
    child: bool,
    parents: &'a [u16],
    record_actions: Vec<&'a str>,
}

struct Schema<'a> {
    name: Option<&'a str>,
    plans: &'a [String],
    types: Vec<TypeOut<'a>>,
    actions: &'a [String],
    fields: Vec<&'a str>,
    reads_orgs: bool,
    warnings: Vec<ErrorOut<'a>>,
}
