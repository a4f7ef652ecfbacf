//! A compiled or loaded tenant's calls: questions as JSON text in, answers as JSON text or
//! typed arrays out; plans for the JavaScript hot path; snapshots.

use super::{js_error, js_errors, json, parse, records, schema};
use crate::tenant::Tenant;
use wasm_bindgen::prelude::*;

impl RawTenant {
    pub(super) fn new(inner: Tenant) -> Self {
        RawTenant { inner }
    }
}

/// A compiled or loaded tenant.
#[wasm_bindgen]
pub struct RawTenant {
    inner: Tenant,
}

pub(super) struct Denied<'a> {
    pub(super) i: usize,
    pub(super) code: &'a str,
    pub(super) message: &'a str,
}

pub(super) struct BulkOut<'a> {
    pub(super) allowed: &'a [usize],
    pub(super) denied: Vec<Denied<'a>>,
}

/// The end offset of each string once concatenated, in UTF-16 code units (JavaScript string
/// units): the text itself is [`str::concat`]'s.
fn utf16_ends<'a>(items: impl Iterator<Item = &'a str>) -> Vec<u32> {
    let mut units = 0u32;
    items
        .map(|s| {
            units += s.encode_utf16().count() as u32;
            units
        })
        .collect()
}

#[wasm_bindgen]
impl RawTenant {
    /// The tenant (its engine included) as snapshot bytes (see [`crate::snapshot`]).
    pub fn save(&self) -> Vec<u8> {
        self.inner.save()
    }

    /// A tenant from snapshot bytes; `invalid_snapshot` or `snapshot_version` errors.
    /// The bytes are the tenant's from then on (it reads its users in place).
    pub fn load(bytes: Vec<u8>) -> Result<RawTenant, JsValue> {
        Tenant::load_owned(bytes)
            .map(RawTenant::new)
            .map_err(js_error)
    }

    /// The policy as a UI reads it (see [`crate::Engine::describe`]), as JSON: a loaded tenant
    /// has no `RawEngine` of its own.
    pub fn describe_json(&self) -> String {
        json(&self.inner.engine().describe())
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
            let ends: Vec<u32> = ends.iter().collect();
            return js_sys::Uint32Array::from(&ends[..]);
        }
        let t = &self.inner;
        let ends = utf16_ends((0..t.user_count() as u32).filter_map(|i| t.user_id(i)));
        js_sys::Uint32Array::from(&ends[..])
    }

    /// The other strings the tenant knows (symbols `users..`), concatenated.
    pub fn sym_text(&self) -> String {
        self.inner.sym_list.concat()
    }

    /// End offset of each string in [`sym_text`](RawTenant::sym_text), in UTF-16 units.
    pub fn sym_ends(&self) -> Vec<u32> {
        utf16_ends(self.inner.sym_list.iter().map(String::as_str))
    }

    /// Users' display names concatenated in user order (see
    /// [`name_ends`](RawTenant::name_ends)); empty when no user has one.
    pub fn name_text(&self) -> String {
        let t = &self.inner;
        if t.name_ends.is_empty() {
            return String::new();
        }
        (0..t.user_count() as u32)
            .map(|i| t.name_of(i).unwrap_or(""))
            .collect()
    }

    /// End offset of each user's name in [`name_text`](RawTenant::name_text), in UTF-16
    /// units (an unnamed user's is empty); empty when no user has a name.
    pub fn name_ends(&self) -> Vec<u32> {
        let t = &self.inner;
        if t.name_ends.is_empty() {
            return Vec::new();
        }
        utf16_ends((0..t.user_count() as u32).map(|i| t.name_of(i).unwrap_or("")))
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

    /// [`plan_json`](RawTenant::plan_json) with sets of more than `small` strings by tenant
    /// symbols and such reporting lines by pre-order range (see
    /// [`Plan::to_json_indexed`](crate::plan::Plan::to_json_indexed)): what the per-user
    /// handle runs.
    pub fn plan_indexed(
        &self,
        user: &str,
        action: &str,
        ty: &str,
        small: u32,
    ) -> Result<String, JsValue> {
        let t = &self.inner;
        let plan = t.plan_named(user, action, ty).map_err(js_error)?;
        Ok(json(&plan.to_json_indexed(t, small as usize)))
    }

    /// The number of users.
    pub fn user_count(&self) -> u32 {
        self.inner.user_count() as u32
    }

    /// Each user's pre-order number in the manager forest, by user index: with a plan's
    /// `{"line": [pre, end]}`, "is this user in that reporting line" is one comparison.
    pub fn user_pre(&self) -> js_sys::Uint32Array {
        let pre: Vec<u32> = self.inner.users.iter().map(|u| u.pre).collect();
        js_sys::Uint32Array::from(&pre[..])
    }

    /// `in_list`: the record is an element of `filter`'s or `total`'s list (see
    /// [`Tenant::can_record`]).
    pub fn can_json(
        &self,
        user: &str,
        action: &str,
        record: &str,
        in_list: bool,
    ) -> Result<bool, JsValue> {
        let rec = parse(record)?;
        let t = &self.inner;
        match in_list {
            true => t.can_record(user, action, &rec),
            false => t.can(user, action, &rec),
        }
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
