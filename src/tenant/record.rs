//! Records: a JSON record (or a type-level `{type}`) resolved against a tenant into a
//! [`Resource`], reading only the fields the policy uses. Bad input (no `type`, an unknown
//! type, a child without its parent) is an error with the path of the offending field.

use crate::engine::{ActionKind, Fixed, FIELD_SLOTS, NONE32};
use crate::error::{join, Error};
use crate::json::Json;
use crate::limits;
use crate::tenant::value::{Facts, Resource, Val};
use crate::tenant::Tenant;

impl Tenant {
    /// The type index of a type name, or `unknown_type`.
    #[doc(hidden)]
    pub fn type_index(&self, name: &str, path: &str) -> Result<u16, Error> {
        self.engine.type_ix.get(name).copied().ok_or_else(|| {
            let all: Vec<&str> = self.engine.type_names().collect();
            Error::new(
                "unknown_type",
                format!(
                    "the type `{name}` is not declared; expected one of `{}`",
                    all.join("`, `")
                ),
                path,
            )
        })
    }

    /// The action index of `name` on the resource's type, or `unknown_action`.
    #[doc(hidden)]
    pub fn action_index(&self, name: &str, resource: &Resource) -> Result<u16, Error> {
        let a = self
            .engine
            .action_ix
            .get(name)
            .copied()
            .unwrap_or(crate::engine::NONE16);
        self.action_on(a, resource, name)
    }

    /// The index of an action the policy declares on some type, or `unknown_action`: what an
    /// empty batch reports (each record of a batch reports an action its type does not declare).
    #[doc(hidden)]
    pub fn declared_action(&self, name: &str) -> Result<u16, Error> {
        let e = &self.engine;
        e.action_ix.get(name).copied().ok_or_else(|| {
            Error::new(
                "unknown_action",
                format!(
                    "the action `{name}` is not declared by the policy; expected one of `{}`",
                    e.actions.join("`, `")
                ),
                "",
            )
        })
    }

    /// Checks that action index `a` (named `name`, for the message) is declared on the
    /// resource's type: the batch path resolves names once per call, then checks each record.
    #[doc(hidden)]
    pub fn action_on(&self, a: u16, resource: &Resource, name: &str) -> Result<u16, Error> {
        let ty = resource.child.unwrap_or(resource.facts.ty);
        let e = &self.engine;
        let t = e.types.get(ty as usize).ok_or_else(|| {
            Error::new("unknown_type", "the record's type is not declared", "/type")
        })?;
        match t.kind.get(a as usize) {
            Some(&k) if k != ActionKind::Undeclared => Ok(a),
            _ => Err(Error::new(
                "unknown_action",
                format!(
                    "the action `{name}` is not declared on type `{}`; expected one of `{}`",
                    t.name,
                    e.actions_of(&t.name).join("`, `")
                ),
                "",
            )),
        }
    }

    /// Resolves a question's record against this tenant: without an `id` (a child: without
    /// one on it or its parent) it asks about the type as a whole. `path` prefixes error paths
    /// (e.g. `/records/3`).
    #[doc(hidden)]
    pub fn resolve(&self, rec: &Json, path: &str) -> Result<Resource, Error> {
        self.resolve_as(rec, path, false)
    }

    /// Resolves an element of a list (`filter`, `total`): a record, with or without an `id`.
    #[doc(hidden)]
    pub fn resolve_record(&self, rec: &Json, path: &str) -> Result<Resource, Error> {
        self.resolve_as(rec, path, true)
    }

    fn resolve_as(&self, rec: &Json, path: &str, record: bool) -> Result<Resource, Error> {
        let (ty, is_child) = self.record_type(rec, path)?;
        if !is_child {
            return Ok(Resource {
                child: None,
                facts: self.facts(rec, ty, path, record)?,
            });
        }
        let ppath = join(path, "parent");
        let parent = match rec.get("parent") {
            Some(p @ Json::Obj(_)) => p,
            _ => {
                let name = self
                    .engine
                    .types
                    .get(ty as usize)
                    .map(|t| t.name.as_str())
                    .unwrap_or("");
                return Err(Error::new("missing_parent", format!("a `{name}` record follows its parent: pass `parent` with the parent record"), ppath));
            }
        };
        let (pty, parent_is_child) = self.record_type(parent, &ppath)?;
        let allowed = self
            .engine
            .types
            .get(ty as usize)
            .map(|t| t.parents.contains(&pty))
            .unwrap_or(false);
        if parent_is_child || !allowed {
            let name = self
                .engine
                .types
                .get(pty as usize)
                .map(|t| t.name.as_str())
                .unwrap_or("");
            return Err(Error::new(
                "invalid_parent",
                format!("the type `{name}` is not a parent type of this record"),
                join(&ppath, "type"),
            ));
        }
        // A child with an id is one record, and so is its parent, id or not (ZS-6).
        Ok(Resource {
            child: Some(ty),
            facts: self.facts(parent, pty, &ppath, record || has_id(rec))?,
        })
    }

    fn record_type(&self, rec: &Json, path: &str) -> Result<(u16, bool), Error> {
        let tpath = join(path, "type");
        let Json::Obj(_) = rec else {
            return Err(Error::new(
                "invalid_record",
                format!("a record must be an object, found {}", rec.kind()),
                path,
            ));
        };
        let name = match rec.get("type") {
            Some(Json::Str(s)) => s,
            Some(other) => {
                return Err(Error::new(
                    "invalid_type",
                    format!("`type` must be a string, found {}", other.kind()),
                    tpath,
                ))
            }
            None => {
                return Err(Error::new(
                    "missing_field",
                    "a record needs a `type`",
                    tpath,
                ))
            }
        };
        let ty = self.type_index(name, &tpath)?;
        let child = self
            .engine
            .types
            .get(ty as usize)
            .map(|t| t.is_child())
            .unwrap_or(false);
        Ok((ty, child))
    }

    fn facts(&self, rec: &Json, ty: u16, path: &str, record: bool) -> Result<Facts, Error> {
        let type_level = !record && !has_id(rec);
        let mut facts = Facts {
            ty,
            type_level,
            fields: [Val::Absent; FIELD_SLOTS],
            orgs: Vec::new(),
        };
        if type_level {
            return Ok(facts);
        }
        let e = &self.engine;
        for (slot, name) in facts.fields.iter_mut().zip(&e.fields) {
            // The path is built only when the value is refused.
            *slot = self
                .value(rec.get(name), "")
                .map_err(|err| err.under(&join(path, name)))?;
        }
        if e.reads_orgs {
            facts.orgs = self.orgs(rec.get("orgs"), &join(path, "orgs"))?;
        }
        Ok(facts)
    }

    /// A JSON field value as the evaluator sees it.
    #[doc(hidden)]
    pub fn value(&self, v: Option<&Json>, path: &str) -> Result<Val, Error> {
        Ok(match v {
            None => Val::Absent,
            Some(Json::Null) => Val::Null,
            Some(Json::Bool(b)) => Val::Bool(*b),
            Some(Json::Num(n)) => Val::Num(*n),
            Some(Json::Str(s)) => Val::Str(self.sym_checked(s, path)?),
            Some(_) => Val::Absent,
        })
    }

    /// The symbol of a record string, refusing strings longer than the limit.
    #[doc(hidden)]
    pub fn sym_checked(&self, s: &str, path: &str) -> Result<u32, Error> {
        limits::check(
            s.len(),
            limits::MAX_STRING_BYTES,
            "string_too_long",
            "the string length in bytes",
            path,
        )?;
        Ok(self.sym(s))
    }

    fn orgs(&self, v: Option<&Json>, path: &str) -> Result<Vec<u32>, Error> {
        let Some(Json::Arr(items)) = v else {
            return Ok(Vec::new());
        };
        limits::check(
            items.len(),
            limits::MAX_RECORD_ORGS,
            "too_many_orgs",
            "the number of organisations",
            path,
        )?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if let Json::Str(s) = item {
                let sym = self.sym_checked(s, &format!("{path}/{i}"))?;
                if sym != NONE32 {
                    out.push(sym);
                }
            }
        }
        Ok(out)
    }
}

/// Whether a record names its `id` (`null` names none).
fn has_id(rec: &Json) -> bool {
    !matches!(rec.get("id"), None | Some(Json::Null))
}

/// Tags of the compact value encoding used by batch callers that resolve strings themselves
/// (the JavaScript binding): one tag and one number per field.
pub mod code {
    pub const ABSENT: u8 = 0;
    pub const NULL: u8 = 1;
    pub const BOOL: u8 = 2;
    pub const NUM: u8 = 3;
    /// The number is a tenant symbol (user ids are `0..users`), or -1 for an unknown string.
    pub const STR: u8 = 4;
}

impl Tenant {
    /// The encoded fields whose value cannot change any answer in this tenant, as a bit set
    /// (bit i = slot i): a record's `id` matters only for per-record grants or a condition on
    /// it, so callers may skip resolving it (a string lookup per record) when neither exists.
    #[doc(hidden)]
    pub fn unread_fields(&self) -> u64 {
        let e = &self.engine;
        match e.fixed.get(Fixed::Id.index()).copied() {
            Some(slot)
                if slot != crate::engine::NONE8
                    && self.grants.is_empty()
                    && e.cond_read & (1u64 << (slot & 63)) == 0 =>
            {
                1u64 << (slot & 63)
            }
            _ => 0,
        }
    }

    /// Builds a resource from the compact encoding: `ty` is the record's type, `parent_ty` the
    /// type whose fields are encoded when `ty` is a child type; `tags`/`vals` hold one entry per
    /// field of [`encoded_fields`](crate::Engine::encoded_fields). Nothing here trusts its input.
    #[doc(hidden)]
    pub fn resource_from_codes(
        &self,
        ty: u32,
        parent_ty: i32,
        type_level: bool,
        tags: &[u8],
        vals: &[f64],
        path: &str,
    ) -> Result<Resource, Error> {
        let mut s = Resource::empty();
        self.fill_from_codes(&mut s, ty, parent_ty, type_level, tags, vals)
            .map_err(|e| e.under(path))?;
        Ok(s)
    }

    /// [`resource_from_codes`](Tenant::resource_from_codes) into an existing resource, so a batch
    /// reuses one: no per-record initialisation or copy (in wasm, each is a runtime call).
    /// Only the slots of the policy's fields are written; the others are never read.
    #[doc(hidden)]
    pub fn fill_from_codes(
        &self,
        s: &mut Resource,
        ty: u32,
        parent_ty: i32,
        type_level: bool,
        tags: &[u8],
        vals: &[f64],
    ) -> Result<(), Error> {
        let e = &self.engine;
        let t = e.types.get(ty as usize).ok_or_else(|| {
            Error::new("unknown_type", "the record's type is not declared", "/type")
        })?;
        if t.is_child() {
            match u16::try_from(parent_ty)
                .ok()
                .filter(|p| t.parents.contains(p))
            {
                Some(p) => {
                    s.child = Some(ty as u16);
                    s.facts.ty = p;
                }
                None => {
                    return Err(Error::new(
                        "missing_parent",
                        format!(
                        "a `{}` record follows its parent: pass `parent` with the parent record",
                        t.name
                    ),
                        "/parent",
                    ))
                }
            }
        } else {
            s.child = None;
            s.facts.ty = ty as u16;
        }
        s.facts.type_level = type_level;
        if !type_level {
            self.fill_fields(s, tags, vals);
        }
        Ok(())
    }

    /// Decodes only the field values of a record into `s` (type and shape unchanged): what a
    /// run of records of one shape needs per record.
    #[doc(hidden)]
    pub fn fill_fields(&self, s: &mut Resource, tags: &[u8], vals: &[f64]) {
        let n_syms = self.users.len() + self.sym_list.len();
        for (k, slot) in s
            .facts
            .fields
            .iter_mut()
            .take(self.engine.fields.len())
            .enumerate()
        {
            *slot = decode(
                tags.get(k).copied().unwrap_or(code::ABSENT),
                vals.get(k).copied().unwrap_or(0.0),
                n_syms,
            );
        }
    }
}

/// One encoded value, resolved (`n_syms`: the tenant's symbol count).
#[inline(always)] // the per-record hot path: kept inlined in the size-optimised wasm build
pub(crate) fn decode(tag: u8, val: f64, n_syms: usize) -> Val {
    match tag {
        code::NULL => Val::Null,
        code::BOOL => Val::Bool(val != 0.0),
        code::NUM => Val::Num(val),
        code::STR if val >= 0.0 && (val as usize) < n_syms && val.fract() == 0.0 => {
            Val::Str(val as u32)
        }
        code::STR => Val::Str(NONE32),
        _ => Val::Absent,
    }
}
