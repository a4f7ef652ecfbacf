//! The compiler's calls (the `compiler` feature): a policy compiled from JSON text, and a
//! directory compiled from text or handed over in parts.

use super::{js_errors, json, parse, schema, RawTenant};
use crate::tenant::{Tenant, TenantBuilder};
use crate::Engine;
use std::sync::Arc;
use wasm_bindgen::prelude::*;

/// A compiled policy.
#[wasm_bindgen]
pub struct RawEngine {
    inner: Arc<Engine>,
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
