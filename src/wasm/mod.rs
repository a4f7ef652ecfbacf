//! The only file that knows wasm-bindgen. It converts and does nothing else: JSON text and
//! typed arrays in, JSON text and typed arrays out, errors as JSON text that the JavaScript
//! entry points (`js/accord.js`) turn into `AccordError`. No rule logic lives here.
//!
//! Two ways in: `*_json` methods take records as JSON text and resolve them in Rust (the exact
//! path, which every question can take); `plan_json` hands JavaScript the compiled plan it
//! runs on the hot path. `bulk_uniform` takes a batch of one type as typed-array columns of
//! the fields its refusals read (see [`crate::tenant::record::code`]), so 10,000 refusals cross the
//! boundary once and are worded a handful of times.

use crate::error::{Error, Errors};
use crate::json::Json;
use crate::tenant::Tenant;
#[cfg(feature = "compiler")]
use crate::tenant::TenantBuilder;
use crate::Engine;
use serde::Serialize;
#[cfg(feature = "compiler")]
use std::sync::Arc;
use wasm_bindgen::prelude::*;

mod out;

#[derive(Serialize)]
struct ErrorOut<'a> {
    code: &'a str,
    message: &'a str,
    path: &'a str,
}

#[derive(Serialize)]
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

/// A compiled policy.
#[cfg(feature = "compiler")]
#[wasm_bindgen]
pub struct RawEngine {
    inner: Arc<Engine>,
}

#[derive(Serialize)]
struct TypeOut<'a> {
    name: &'a str,
    child: bool,
    parents: &'a [u16],
    record_actions: Vec<&'a str>,
}

#[derive(Serialize)]
struct Schema<'a> {
    name: Option<&'a str>,
    plans: &'a [String],
    types: Vec<TypeOut<'a>>,
    actions: &'a [String],
    fields: Vec<&'a str>,
    #[serde(rename = "readsOrgs")]
    reads_orgs: bool,
    warnings: Vec<ErrorOut<'a>>,
}

#[cfg(feature = "compiler")]
#[wasm_bindgen]
impl RawEngine {
    /// Compiles a policy given as JSON text.
    #[wasm_bindgen(constructor)]
    pub fn new(policy: &str) -> Result<RawEngine, JsValue> {
        let doc = parse(policy)?;
        Engine::new(&doc)
            .map(|e| RawEngine { inner: Arc::new(e) })
            .map_err(|e| js_errors(&e))
    }

    /// What the JavaScript side needs to encode questions: names in index order.
    pub fn schema(&self) -> String {
        schema(&self.inner)
    }

    /// The policy as a UI reads it (see [`Engine::describe`]), as JSON.
    pub fn describe_json(&self) -> String {
        json(&self.inner.describe())
    }

    /// Compiles a directory given as JSON text.
    pub fn tenant(&self, directory: &str) -> Result<RawTenant, JsValue> {
        Tenant::from_json(Arc::clone(&self.inner), directory)
            .map(RawTenant::new)
            .map_err(|e| js_errors(&e))
    }

    /// Starts compiling a directory of about `users` users handed over in parts (UTF-8 JSON):
    /// the directory with `users` emptied, then arrays of users (see [`TenantBuilder`]).
    pub fn tenant_parts(&self, users: u32) -> RawTenantParts {
        RawTenantParts {
            inner: TenantBuilder::new(Arc::clone(&self.inner), users as usize),
        }
    }
}

/// A directory being compiled part by part: JavaScript keeps only one part of the text in
/// wasm memory at a time.
#[cfg(feature = "compiler")]
#[wasm_bindgen]
pub struct RawTenantParts {
    inner: TenantBuilder,
}

#[cfg(feature = "compiler")]
#[wasm_bindgen]
impl RawTenantParts {
    /// The directory with `users` emptied; false when it cannot be read this way.
    pub fn head(&mut self, text: &[u8]) -> bool {
        std::str::from_utf8(text).is_ok_and(|t| self.inner.text(t))
    }

    /// A JSON array of further users; false when it cannot be read this way.
    pub fn users(&mut self, text: &[u8]) -> bool {
        std::str::from_utf8(text).is_ok_and(|t| self.inner.users(t))
    }

    /// The tenant, or the errors as for [`RawEngine::tenant`].
    pub fn finish(self) -> Result<RawTenant, JsValue> {
        self.inner
            .finish()
            .map(RawTenant::new)
            .map_err(|e| js_errors(&e))
    }
}

impl RawTenant {
    fn new(inner: Tenant) -> Self {
        RawTenant { inner }
    }
}

/// A compiled directory.
#[wasm_bindgen]
pub struct RawTenant {
    inner: Tenant,
}

#[derive(Serialize)]
struct Denied<'a> {
    i: usize,
    code: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct BulkOut<'a> {
    allowed: &'a [usize],
    denied: Vec<Denied<'a>>,
}

/// Concatenated strings and their end offsets in UTF-16 code units (JavaScript string units).
fn text_and_ends<'a>(items: impl Iterator<Item = &'a str>) -> (String, Vec<u32>) {
    let mut text = String::new();
    let mut ends = Vec::new();
    let mut units = 0u32;
    for s in items {
        text.push_str(s);
        units += s.encode_utf16().count() as u32;
        ends.push(units);
    }
    (text, ends)
}

#[wasm_bindgen]
impl RawTenant {
    /// The tenant (its engine included) as snapshot bytes (see [`crate::snapshot`]).
    pub fn save(&self) -> Vec<u8> {
        self.inner.save()
    }

    /// A tenant from snapshot bytes; `invalid_snapshot` or `snapshot_version` errors.
    pub fn load(bytes: &[u8]) -> Result<RawTenant, JsValue> {
        Tenant::load(bytes).map(RawTenant::new).map_err(js_error)
    }

    /// The schema of the tenant's engine (see [`RawEngine::schema`]): a loaded tenant has no
    /// `RawEngine` of its own.
    pub fn schema(&self) -> String {
        schema(self.inner.engine())
    }

    /// All user ids concatenated, in directory order (see [`user_ends`](RawTenant::user_ends)):
    /// decoded straight from the tenant's id table, no copy in wasm memory.
    pub fn user_text(&self) -> js_sys::JsString {
        js_sys::JsString::from(self.inner.ids.text_and_ends().0)
    }

    /// End offset of each user id in [`user_text`](RawTenant::user_text), in UTF-16 units:
    /// the id table's own offsets when every id is ASCII.
    pub fn user_ends(&self) -> js_sys::Uint32Array {
        let (text, ends) = self.inner.ids.text_and_ends();
        if text.is_ascii() {
            return js_sys::Uint32Array::from(ends);
        }
        let t = &self.inner;
        let (_, ends) = text_and_ends((0..t.user_count() as u32).filter_map(|i| t.user_id(i)));
        js_sys::Uint32Array::from(&ends[..])
    }

    /// The other strings the tenant knows (symbols `users..`), concatenated.
    pub fn sym_text(&self) -> String {
        text_and_ends(self.inner.sym_list.iter().map(String::as_str)).0
    }

    /// End offset of each string in [`sym_text`](RawTenant::sym_text), in UTF-16 units.
    pub fn sym_ends(&self) -> Vec<u32> {
        text_and_ends(self.inner.sym_list.iter().map(String::as_str)).1
    }

    /// Users' display names concatenated in user order (see
    /// [`name_ends`](RawTenant::name_ends)); empty when no user has one.
    pub fn name_text(&self) -> String {
        let t = &self.inner;
        if t.name_ends.is_empty() {
            return String::new();
        }
        text_and_ends((0..t.user_count() as u32).map(|i| t.name_of(i).unwrap_or(""))).0
    }

    /// End offset of each user's name in [`name_text`](RawTenant::name_text), in UTF-16
    /// units (an unnamed user's is empty); empty when no user has a name.
    pub fn name_ends(&self) -> Vec<u32> {
        let t = &self.inner;
        if t.name_ends.is_empty() {
            return Vec::new();
        }
        text_and_ends((0..t.user_count() as u32).map(|i| t.name_of(i).unwrap_or(""))).1
    }

    /// The plan of (user, action, records of type `ty`) as JSON (see `docs/plans.md`).
    pub fn plan_json(&self, user: &str, action: &str, ty: &str) -> Result<String, JsValue> {
        let t = &self.inner;
        let plan = t.plan_named(user, action, ty).map_err(js_error)?;
        Ok(json(&plan.to_json(t)))
    }

    /// `tenant.sql(...)`: the question as SQL, `{"where", "params"}` as JSON text (see
    /// [`crate::sql`]); `options` is the JSON text of `{ dialect, columns, paramOffset? }`.
    pub fn sql_json(
        &self,
        user: &str,
        action: &str,
        ty: &str,
        options: &str,
    ) -> Result<String, JsValue> {
        let options =
            crate::sql::Options::from_json(&parse(options)?).map_err(|e| js_errors(&e))?;
        self.inner
            .sql(user, action, ty, &options)
            .map(|s| json(&s))
            .map_err(js_error)
    }

    /// [`plan_json`](RawTenant::plan_json) with sets by tenant symbols and reporting lines by
    /// pre-order range (see [`Plan::to_json_indexed`](crate::plan::Plan::to_json_indexed)):
    /// what the per-user handle runs.
    pub fn plan_indexed(&self, user: &str, action: &str, ty: &str) -> Result<String, JsValue> {
        let t = &self.inner;
        let plan = t.plan_named(user, action, ty).map_err(js_error)?;
        Ok(json(&plan.to_json_indexed(t)))
    }

    /// Each user's pre-order number in the manager forest, by user index: with a plan's
    /// `{"line": [pre, end]}`, "is this user in that reporting line" is one comparison.
    pub fn user_pre(&self) -> js_sys::Uint32Array {
        let pre: Vec<u32> = self.inner.users.iter().map(|u| u.pre).collect();
        js_sys::Uint32Array::from(&pre[..])
    }

    pub fn can_json(&self, user: &str, action: &str, record: &str) -> Result<bool, JsValue> {
        self.inner
            .can(user, action, &parse(record)?)
            .map_err(js_error)
    }

    /// The decision, as if on `plan` when given.
    pub fn check_json(
        &self,
        user: &str,
        action: &str,
        record: &str,
        plan: Option<String>,
    ) -> Result<String, JsValue> {
        self.inner
            .check_on(user, action, &parse(record)?, plan.as_deref())
            .map(|d| json(&d))
            .map_err(js_error)
    }

    /// The ids of the users who may do `action` on the record, as a JSON array in directory
    /// order (JavaScript sorts them).
    pub fn who_json(&self, action: &str, record: &str) -> Result<String, JsValue> {
        self.inner
            .who_unsorted(action, &parse(record)?)
            .map(|ids| json(&ids))
            .map_err(js_error)
    }

    /// The permitted actions, as if on `plan` when given.
    pub fn permitted_json(
        &self,
        user: &str,
        record: &str,
        plan: Option<String>,
    ) -> Result<String, JsValue> {
        self.inner
            .permitted_on(user, &parse(record)?, plan.as_deref())
            .map(|p| json(&p))
            .map_err(js_error)
    }

    pub fn bulk_json(
        &self,
        user: &str,
        action: &str,
        records_json: &str,
        to: Option<String>,
    ) -> Result<String, JsValue> {
        let recs = records(records_json)?;
        let b = self
            .inner
            .bulk(user, action, &recs, to.as_deref())
            .map_err(js_error)?;
        let denied = b
            .denied
            .iter()
            .map(|r| Denied {
                i: r.index,
                code: r.code,
                message: &r.message,
            })
            .collect();
        Ok(json(&BulkOut {
            allowed: &b.allowed_index,
            denied,
        }))
    }

    /// The fields (a bit set over [`Engine::encoded_fields`]) a caller encodes for
    /// [`bulk_uniform`](RawTenant::bulk_uniform) of (user, action, records of type `ty`): those
    /// the answer and the words of a refusal read; -1 when such records take the exact path.
    pub fn bulk_fields(&self, user: u32, action: u32, ty: u32) -> f64 {
        match self.inner.bulk_fields(user, action, ty) {
            Some(mask) => mask as f64,
            None => -1.0,
        }
    }

    /// Per-record decisions of a bulk action on the records of one non-child type, each given
    /// by the values of its [`bulk_fields`](RawTenant::bulk_fields) in slot order (see
    /// [`Tenant::bulk_columns`]): `out[i]` is 0 when record `i` may go ahead, else 1 + the
    /// index of its refusal in the returned JSON list `[[code, message]]`, worded with marks
    /// the caller fills with the record's own values.
    #[allow(clippy::too_many_arguments)]
    pub fn bulk_uniform(
        &self,
        user_id: &str,
        action: u32,
        to: Option<String>,
        ty: u32,
        n: u32,
        tags: &[u8],
        vals: &[f64],
        out: &mut [u32],
    ) -> Result<String, JsValue> {
        let t = &self.inner;
        let out = out.get_mut(..n as usize).unwrap_or_default();
        t.bulk_columns(user_id, action, to.as_deref(), ty, tags, vals, out)
            .map(|sentences| json(&sentences))
            .map_err(js_error)
    }
}
