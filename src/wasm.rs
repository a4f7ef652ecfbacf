//! The only file that knows wasm-bindgen. It converts and does nothing else: JSON text and
//! typed arrays in, JSON text and typed arrays out, errors as JSON text that the JavaScript
//! entry points (`js/accord.js`) turn into `AccordError`. No rule logic lives here.
//!
//! Two ways in, one engine behind both: `*_json` methods take records as JSON text and resolve
//! them in Rust (every call works this way); `*_codes` methods take records the JavaScript side
//! already reduced to the fields the policy reads (see [`crate::record::code`]), one typed array
//! per column, so a batch of 100,000 records crosses the boundary once.

use crate::batch::Group;
use crate::directory::{Tenant, TenantBuilder};
use crate::error::{Error, Errors};
use crate::eval::Subject;
use crate::explain::Refusals;
use crate::json::Json;
use crate::prepared::{Batch, Classes, Prepared, Uniform};
use crate::Engine;
use serde::Serialize;
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
    JsValue::from_str(&crate::jsonout::to_string(&body))
}

fn js_error(e: Error) -> JsValue {
    js_errors(&Errors::from(e))
}

fn json<T: crate::jsonout::ToJson + ?Sized>(v: &T) -> String {
    crate::jsonout::to_string(v)
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

/// A compiled policy.
#[wasm_bindgen]
pub struct RawEngine {
    inner: Arc<Engine>,
}

#[derive(Serialize)]
struct TypeOut<'a> {
    name: &'a str,
    child: bool,
    parents: &'a [u16],
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
        let e = &self.inner;
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
                })
                .collect(),
            actions: &e.actions,
            fields: e.encoded_fields().into_iter().map(|(_, n)| n).collect(),
            reads_orgs: e.reads_orgs,
            warnings: e.warnings().iter().map(out).collect(),
        })
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
#[wasm_bindgen]
pub struct RawTenantParts {
    inner: TenantBuilder,
}

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
        RawTenant {
            inner,
            scratch: std::cell::RefCell::new((Subject::empty(), Batch::new(None))),
            questions: std::cell::RefCell::new(Vec::new()),
            classes: std::cell::RefCell::new(Classes::default()),
        }
    }
}

/// A compiled directory.
#[wasm_bindgen]
pub struct RawTenant {
    inner: Tenant,
    /// The subject `can_codes` fills, and the last user's prepared questions: a UI asks many
    /// questions for one user in a row, and a tenant never changes, so both are reused.
    scratch: std::cell::RefCell<(Subject, Batch)>,
    /// Questions prepared for `can_prepared`, by the index `prepare` returned; cleared when
    /// full (a stale index is detected: each question knows what it answers).
    questions: std::cell::RefCell<Vec<Prepared>>,
    /// Numbers of the prepared questions' classes (see [`Prepared::class`]).
    classes: std::cell::RefCell<Classes>,
}

/// Most questions kept for `can_prepared` (a few hundred bytes each); also the factor that
/// packs an index beside the field masks in [`RawTenant::prepare`]'s answer.
const QUESTIONS: usize = 4096;

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

    /// Bit set of encoded fields that need no resolution in this tenant (see
    /// [`Tenant::unread_fields`]).
    pub fn unread_fields(&self) -> u32 {
        self.inner.unread_fields() as u32
    }

    /// The other strings the tenant knows (symbols `users..`), concatenated.
    pub fn sym_text(&self) -> String {
        text_and_ends(self.inner.sym_list.iter().map(String::as_str)).0
    }

    /// End offset of each string in [`sym_text`](RawTenant::sym_text), in UTF-16 units.
    pub fn sym_ends(&self) -> Vec<u32> {
        text_and_ends(self.inner.sym_list.iter().map(String::as_str)).1
    }

    pub fn can_json(&self, user: &str, action: &str, record: &str) -> Result<bool, JsValue> {
        self.inner
            .can(user, action, &parse(record)?)
            .map_err(js_error)
    }

    pub fn check_json(&self, user: &str, action: &str, record: &str) -> Result<String, JsValue> {
        self.inner
            .check(user, action, &parse(record)?)
            .map(|d| json(&d))
            .map_err(js_error)
    }

    pub fn permitted_json(&self, user: &str, record: &str) -> Result<String, JsValue> {
        self.inner
            .permitted(user, &parse(record)?)
            .map(|p| json(&p))
            .map_err(js_error)
    }

    pub fn filter_json(
        &self,
        user: &str,
        action: &str,
        records_json: &str,
    ) -> Result<Vec<u32>, JsValue> {
        let recs = records(records_json)?;
        self.inner
            .filter(user, action, &recs)
            .map(|ix| ix.into_iter().map(|i| i as u32).collect())
            .map_err(js_error)
    }

    pub fn total_json(
        &self,
        user: &str,
        records_json: &str,
        field: &str,
        group_by: Option<String>,
    ) -> Result<String, JsValue> {
        let recs = records(records_json)?;
        self.inner
            .total(user, &recs, field, group_by.as_deref())
            .map(|t| json(&t))
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

    /// The hot path for one record: 1 allowed, 0 denied, -1 when the encoded question is
    /// invalid (the caller then asks again through `can_json` to get the error).
    #[allow(clippy::too_many_arguments)]
    pub fn can_codes(
        &self,
        user: i32,
        action: u32,
        ty: u32,
        parent_ty: i32,
        type_level: bool,
        t0: u8,
        v0: f64,
        t1: u8,
        v1: f64,
        t2: u8,
        v2: f64,
        t3: u8,
        v3: f64,
    ) -> i32 {
        let tags = [t0, t1, t2, t3];
        let vals = [v0, v1, v2, v3];
        let Ok(mut scratch) = self.scratch.try_borrow_mut() else {
            return -1;
        };
        let (s, batch) = &mut *scratch;
        let user = u32::try_from(user).ok();
        // The first question of a user's streak takes the plain path (preparing would cost
        // more than it saves); the following ones reuse prepared questions.
        let repeat = batch.user() == user;
        if !repeat {
            *batch = Batch::new(user);
        }
        match self.encoded(s, action, ty, parent_ty, type_level, &tags, &vals, None) {
            Ok(a) if repeat => i32::from(self.inner.allows_in(batch, a, s)),
            Ok(a) => i32::from(self.inner.allows(user, a, s)),
            Err(_) => -1,
        }
    }

    /// Indices of the permitted records; columns as described in [`crate::record::code`].
    #[allow(clippy::too_many_arguments)]
    pub fn filter_codes(
        &self,
        user: i32,
        action: u32,
        ty: &[u32],
        parent_ty: &[i32],
        type_level: &[u8],
        tags: &[u8],
        vals: &[f64],
    ) -> Result<Vec<u32>, JsValue> {
        let cols = Columns::new(&self.inner, ty, parent_ty, type_level, tags, vals);
        let mut run = Run::new(u32::try_from(user).ok());
        let mut out = Vec::new();
        for i in 0..ty.len() {
            if run.decide(self, &cols, i, action)? {
                out.push(i as u32);
            }
        }
        Ok(out)
    }

    /// `[total, count, then per group: total, count, first counted index]` over the records
    /// the user may view; the amounts as [`sum`] reads them.
    #[allow(clippy::too_many_arguments)]
    pub fn total_codes(
        &self,
        user: i32,
        view: u32,
        ty: &[u32],
        parent_ty: &[i32],
        type_level: &[u8],
        tags: &[u8],
        vals: &[f64],
        kinds: &[u8],
        amounts: &[f64],
        groups: &[u32],
        n_groups: u32,
        field: &str,
    ) -> Result<Vec<f64>, JsValue> {
        let cols = Columns::new(&self.inner, ty, parent_ty, type_level, tags, vals);
        let mut run = Run::new(u32::try_from(user).ok());
        let amounts = Amounts {
            kinds,
            amounts,
            groups,
            n_groups,
            field,
        };
        sum(ty.len(), |i| run.decide(self, &cols, i, view), &amounts)
    }

    /// Per-record decisions of a bulk action, each distinct refusal worded once: `out[i]` is 0
    /// when record `i` may go ahead, else 1 + the index of its refusal in the returned JSON
    /// list `[[code, message]]`. Messages hold U+FDD0 where the record's id goes, U+FDD1 for
    /// its parent's, and U+FDD2 + slot for a field that names a known user or team (see
    /// [`Ids::field_marks`]): the caller fills in its own values. Refusals of one bulk action
    /// share a handful of sentences, so 8,000 refusals cost a few sentences, not 8,000.
    #[allow(clippy::too_many_arguments)]
    pub fn bulk_codes(
        &self,
        user_id: &str,
        action: u32,
        to: Option<String>,
        ty: &[u32],
        parent_ty: &[i32],
        type_level: &[u8],
        tags: &[u8],
        vals: &[f64],
        out: &mut [u32],
    ) -> Result<String, JsValue> {
        let t = &self.inner;
        check_to(t, to.as_deref())?;
        let cols = Columns::new(t, ty, parent_ty, type_level, tags, vals);
        let u = t.user_index(user_id);
        let mut run = Run::new(u);
        let mut words = Refusals::new(t, user_id);
        for (i, o) in out.iter_mut().enumerate().take(ty.len()) {
            // The prepared answer first; the full verdict (the reason) only for refusals.
            *o = if run.decide(self, &cols, i, action)? {
                0
            } else {
                words.refusal(u, run.action, &run.subject)
            };
        }
        Ok(json(&words.into_sentences()))
    }

    /// Prepares (user, action, records of type `ty`) for the uniform path: -1 when such
    /// records take the general path ([`Tenant::prepare_uniform`]), else `index + 4096 ×
    /// (reads + 65536 × explains)`: the question's index for [`can_prepared`] and the fields a
    /// caller encodes (bit sets over [`Engine::encoded_fields`]): `reads` for answers (`can`,
    /// `filter`, `total`), `explains` for refusals (`bulk`). Exact in a double (44 bits).
    ///
    /// [`can_prepared`]: RawTenant::can_prepared
    pub fn prepare(&self, user: u32, action: u32, ty: u32) -> f64 {
        let Some(p) = self.inner.prepare_uniform(user, action, ty) else {
            return -1.0;
        };
        let Ok(mut qs) = self.questions.try_borrow_mut() else {
            return -1.0;
        };
        if qs.len() >= QUESTIONS {
            qs.clear();
        }
        let masks = (p.reads() & 0xFFFF) as f64 + ((p.explains() & 0xFFFF) as f64) * 65536.0;
        qs.push(p);
        (qs.len() - 1) as f64 + masks * QUESTIONS as f64
    }

    /// The class of prepared question `question`, which must still hold (user, action, ty)
    /// (see [`Prepared::class`]): questions of one class give the same answer for every
    /// record, so a caller may keep one set of answers for all of them. -1 when it has none,
    /// or when `question` no longer holds that question.
    pub fn question_class(&self, question: u32, user: u32, action: u32, ty: u32) -> f64 {
        let (Ok(qs), Ok(mut classes)) =
            (self.questions.try_borrow(), self.classes.try_borrow_mut())
        else {
            return -1.0;
        };
        qs.get(question as usize)
            .filter(|p| p.holds(user, action, ty))
            .and_then(|p| p.class(&self.inner))
            .and_then(|c| classes.id(c))
            .map(f64::from)
            .unwrap_or(-1.0)
    }

    /// One record through a prepared question: 1 allowed, 0 denied, -2 when `question` no
    /// longer holds (user, action, ty) (prepare it again), -1 when the caller must take the
    /// general path. `t0..v3`: the values of the question's `reads` fields in slot order.
    #[allow(clippy::too_many_arguments)]
    pub fn can_prepared(
        &self,
        question: u32,
        user: u32,
        action: u32,
        ty: u32,
        t0: u8,
        v0: f64,
        t1: u8,
        v1: f64,
        t2: u8,
        v2: f64,
        t3: u8,
        v3: f64,
    ) -> i32 {
        let (Ok(qs), Ok(mut scratch)) =
            (self.questions.try_borrow(), self.scratch.try_borrow_mut())
        else {
            return -1;
        };
        let Some(p) = qs
            .get(question as usize)
            .filter(|p| p.holds(user, action, ty))
        else {
            return -2;
        };
        let s = &mut scratch.0;
        self.inner
            .fill_masked(s, p, p.reads(), &[t0, t1, t2, t3], &[v0, v1, v2, v3]);
        i32::from(self.inner.allows_prepared(p, s))
    }

    /// [`filter_codes`](RawTenant::filter_codes) for `n` records of one non-child type, each
    /// given by the values of the `reads` fields of [`prepare`](RawTenant::prepare).
    pub fn filter_uniform(
        &self,
        user: u32,
        action: u32,
        ty: u32,
        n: u32,
        tags: &[u8],
        vals: &[f64],
    ) -> Result<Vec<u32>, JsValue> {
        let t = &self.inner;
        let p = uniform(t, user, action, ty)?;
        let mut batch = Uniform::new(t, &p, p.reads(), n as usize);
        let mut out = Vec::new();
        for i in 0..n {
            if batch.outcome(tags, vals, i as usize, |p, s| {
                t.allows_prepared(p, s) as u32
            }) == 1
            {
                out.push(i);
            }
        }
        Ok(out)
    }

    /// [`total_codes`](RawTenant::total_codes) for `n` records of one non-child type, each
    /// given by the values of the `reads` fields of [`prepare`](RawTenant::prepare).
    #[allow(clippy::too_many_arguments)]
    pub fn total_uniform(
        &self,
        user: u32,
        view: u32,
        ty: u32,
        n: u32,
        tags: &[u8],
        vals: &[f64],
        kinds: &[u8],
        amounts: &[f64],
        groups: &[u32],
        n_groups: u32,
        field: &str,
    ) -> Result<Vec<f64>, JsValue> {
        let t = &self.inner;
        let p = uniform(t, user, view, ty)?;
        let mut batch = Uniform::new(t, &p, p.reads(), n as usize);
        let amounts = Amounts {
            kinds,
            amounts,
            groups,
            n_groups,
            field,
        };
        let decide =
            |i| Ok(batch.outcome(tags, vals, i, |p, s| t.allows_prepared(p, s) as u32) == 1);
        sum(n as usize, decide, &amounts)
    }

    /// [`bulk_codes`](RawTenant::bulk_codes) for `n` records of one non-child type, each given
    /// by the values of the `explains` fields of [`prepare`](RawTenant::prepare).
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
        check_to(t, to.as_deref())?;
        let user = t.user_index(user_id).unwrap_or(crate::compile::NONE32);
        let p = uniform(t, user, action, ty)?;
        let mut batch = Uniform::new(t, &p, p.explains(), n as usize);
        let mut words = Refusals::new(t, user_id);
        let a = action as u16;
        for (i, o) in out.iter_mut().enumerate().take(n as usize) {
            *o = batch.outcome(tags, vals, i, |p, s| {
                if t.allows_prepared(p, s) {
                    0
                } else {
                    words.refusal(Some(user), a, s)
                }
            });
        }
        Ok(json(&words.into_sentences()))
    }
}

/// The question for a uniform batch; the caller asked [`RawTenant::prepare`] first, so a miss
/// is a misuse of the binding.
fn uniform(t: &Tenant, user: u32, action: u32, ty: u32) -> Result<Prepared, JsValue> {
    t.prepare_uniform(user, action, ty).ok_or_else(|| {
        js_error(Error::new(
            "internal",
            "records of this type take the general path",
            "",
        ))
    })
}

/// The new owner of a bulk reassignment must be a user of the account.
fn check_to(t: &Tenant, to: Option<&str>) -> Result<(), JsValue> {
    match to {
        Some(to) if t.user_index(to).is_none() => Err(js_error(Error::new(
            "unknown_user",
            format!("the new owner `{to}` is not a user of this account"),
            "/to",
        ))),
        _ => Ok(()),
    }
}

/// The amounts of a `total`, one per record: `kinds[i]` is 0 for absent/null, 1 for a finite
/// number (in `amounts[i]`), else the JSON kind for the error message (2 a number that is not
/// finite, 3 a string, 4 a boolean, 5 an object or array); `groups[i]` the record's group.
struct Amounts<'a> {
    kinds: &'a [u8],
    amounts: &'a [f64],
    groups: &'a [u32],
    n_groups: u32,
    field: &'a str,
}

/// `[total, count, then per group: total, count, first counted index]` over the `n` records
/// `visible` admits.
#[inline(always)] // the per-record hot path (see Cargo.toml, profile.wasm)
fn sum(
    n: usize,
    mut visible: impl FnMut(usize) -> Result<bool, JsValue>,
    a: &Amounts<'_>,
) -> Result<Vec<f64>, JsValue> {
    let mut per_group = vec![(Group::default(), 0usize); a.n_groups as usize];
    let (mut total, mut count) = (0.0f64, 0u64);
    for i in 0..n {
        if !visible(i)? {
            continue;
        }
        let amount = match a.kinds.get(i).copied().unwrap_or(0) {
            0 => 0.0,
            1 => a.amounts.get(i).copied().unwrap_or(0.0),
            k => {
                let found = [
                    "a number that is not finite",
                    "a string",
                    "a boolean",
                    "an object",
                ]
                .get(k as usize - 2)
                .copied()
                .unwrap_or("a value");
                return Err(js_error(Error::new(
                    "invalid_number",
                    format!("expected a finite number to sum, found {found}"),
                    format!("/{i}/{}", crate::error::pointer_segment(a.field)),
                )));
            }
        };
        total += amount;
        count += 1;
        if let Some((g, first)) = a.groups.get(i).and_then(|&g| per_group.get_mut(g as usize)) {
            if g.count == 0 {
                *first = i;
            }
            g.total += amount;
            g.count += 1;
        }
    }
    let mut out = vec![total, count as f64];
    for (g, first) in per_group {
        out.push(g.total);
        out.push(g.count as f64);
        out.push(first as f64);
    }
    Ok(out)
}

/// The state of a batch walk: the subject being filled, the batch's prepared questions, and
/// the current run of records of one shape, which skips per-record type checks and lookups.
struct Run {
    subject: Subject,
    batch: Batch,
    /// The shape of the current run (type, parent type) and its checked action and question.
    ty: u32,
    parent_ty: i32,
    action: u16,
    prepared: Option<usize>,
}

impl Run {
    fn new(user: Option<u32>) -> Self {
        Run {
            subject: Subject::empty(),
            batch: Batch::new(user),
            ty: u32::MAX,
            parent_ty: -1,
            action: 0,
            prepared: None,
        }
    }

    /// Decides record `i`; afterwards `subject` and `action` describe it.
    fn decide(
        &mut self,
        raw: &RawTenant,
        cols: &Columns<'_>,
        i: usize,
        action: u32,
    ) -> Result<bool, JsValue> {
        let t = &raw.inner;
        let (ty, parent_ty) = (
            cols.ty.get(i).copied().unwrap_or(u32::MAX),
            cols.parent_ty.get(i).copied().unwrap_or(-1),
        );
        let record_level = cols.type_level.get(i).copied().unwrap_or(1) == 0;
        if record_level && ty == self.ty && parent_ty == self.parent_ty {
            if let Some(p) = self.prepared.and_then(|ix| self.batch.get(ix)) {
                let (tags, vals) = cols.row(i);
                t.fill_fields(&mut self.subject, tags, vals);
                return Ok(t.allows_prepared(p, &self.subject));
            }
        }
        self.action = cols.subject(raw, i, action, &mut self.subject)?;
        self.ty = ty;
        self.parent_ty = parent_ty;
        self.prepared = t.prepared_ix(&mut self.batch, self.action, &self.subject);
        Ok(t.allows_at(&self.batch, self.prepared, self.action, &self.subject))
    }
}

/// Column slices of an encoded batch.
struct Columns<'a> {
    fields: usize,
    ty: &'a [u32],
    parent_ty: &'a [i32],
    type_level: &'a [u8],
    tags: &'a [u8],
    vals: &'a [f64],
}

impl<'a> Columns<'a> {
    fn new(
        t: &Tenant,
        ty: &'a [u32],
        parent_ty: &'a [i32],
        type_level: &'a [u8],
        tags: &'a [u8],
        vals: &'a [f64],
    ) -> Self {
        Columns {
            fields: t.engine.encoded_fields().len(),
            ty,
            parent_ty,
            type_level,
            tags,
            vals,
        }
    }

    /// The encoded fields of record `i`.
    fn row(&self, i: usize) -> (&[u8], &[f64]) {
        let f = self.fields;
        (
            self.tags.get(i * f..(i + 1) * f).unwrap_or(&[]),
            self.vals.get(i * f..(i + 1) * f).unwrap_or(&[]),
        )
    }

    /// Fills `s` with record `i` and returns the checked action.
    fn subject(
        &self,
        raw: &RawTenant,
        i: usize,
        action: u32,
        s: &mut Subject,
    ) -> Result<u16, JsValue> {
        let f = self.fields;
        let tags = self.tags.get(i * f..(i + 1) * f).unwrap_or(&[]);
        let vals = self.vals.get(i * f..(i + 1) * f).unwrap_or(&[]);
        raw.encoded(
            s,
            action,
            self.ty.get(i).copied().unwrap_or(u32::MAX),
            self.parent_ty.get(i).copied().unwrap_or(-1),
            self.type_level.get(i).copied().unwrap_or(0) != 0,
            tags,
            vals,
            Some(i),
        )
    }
}

impl RawTenant {
    #[allow(clippy::too_many_arguments)]
    fn encoded(
        &self,
        s: &mut Subject,
        action: u32,
        ty: u32,
        parent_ty: i32,
        type_level: bool,
        tags: &[u8],
        vals: &[f64],
        at: Option<usize>,
    ) -> Result<u16, JsValue> {
        // Paths are built only for errors: a batch of 100,000 records allocates none.
        let path = || at.map(|i| format!("/{i}")).unwrap_or_default();
        let t = &self.inner;
        t.fill_from_codes(s, ty, parent_ty, type_level, tags, vals)
            .map_err(|e| js_error(e.under(&path())))?;
        let a = u16::try_from(action).unwrap_or(crate::compile::NONE16);
        t.action_on(a, s, t.engine.action_name(a))
            .map_err(|e| js_error(e.under(&path())))
    }
}
