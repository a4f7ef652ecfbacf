//! # accord
//!
//! A permission engine for sales tools: one policy, compiled once, answering "may this user do
//! this to that record?" with a boolean on the hot path and a reason a UI can show on request.
//! The same crate compiles to WebAssembly for browsers and edge workers.
//!
//! ```
//! use accord::{Engine, Json, Tenant};
//! use std::sync::Arc;
//!
//! let engine = Arc::new(Engine::from_json(accord::presets::json("zendesk-sell").unwrap()).unwrap());
//! let acme = Tenant::from_json(engine, r#"{
//!     "plan": "professional",
//!     "users": [
//!         {"id": "boss", "role": "limited"},
//!         {"id": "rep", "role": "limited", "managerId": "boss"},
//!         {"id": "other", "role": "limited"}
//!     ]}"#).unwrap();
//! let lead = Json::parse(r#"{"type": "lead", "id": "L7", "ownerId": "rep"}"#).unwrap();
//! assert!(acme.can("boss", "update", &lead).unwrap());      // a subordinate's lead (ZS-9)
//! let no = acme.check("other", "update", &lead).unwrap();
//! assert_eq!(no.code, "out_of_scope");
//! assert_eq!(no.message, "Lead L7 belongs to rep, who is not in your reporting line.");
//! ```
//!
//! ## Overview
//!
//! The pipeline shows in the modules: [`policy`] parses the document, [`validate`] checks
//! every name and reports all errors at once, [`compile`] interns names and indexes grants by
//! (role, type, action), [`directory`] compiles one account's users (the manager forest
//! numbered so a reporting-line test is two array reads), [`eval`] answers one question,
//! [`explain`] puts the answer into words, and [`batch`] runs many records at once.
//! [`prepared`] checks a (user, action, type) question once against everything that does not
//! depend on the record and knows which record fields its answer reads (from `reads.rs`), so
//! callers that encode records themselves send only those, and a batch decided by one field
//! is decided once per distinct value ([`prepared::Uniform`]).
//! `wasm` (wasm32 only) is the thin JavaScript binding.
//!
//! ## Performance
//!
//! Compiling a policy is linear in its rules × types × actions; a directory, linear in its
//! users. A question costs one id lookup per string field the policy reads (the owner, say)
//! plus a few array reads per candidate rule, whatever the depth of the hierarchy, and
//! allocates nothing on the boolean path.
//!
//! ## Untrusted input
//!
//! Every size that input controls is bounded by [`limits`], each with its own error code;
//! maps keyed by input strings use a randomly keyed hasher ([`hasher`]); nothing in the
//! library panics on input (`unwrap`, `expect`, `panic!` and slice indexing are denied).

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod ask;
pub mod batch;
pub mod compile;
pub mod directory;
pub mod error;
pub mod eval;
pub mod explain;
pub mod hasher;
pub mod ids;
pub mod json;
pub mod jsonout;
pub mod jsonparse;
pub mod limits;
pub mod plan;
pub mod policy;
pub mod prepared;
pub mod presets;
mod reads;
pub mod record;
pub mod sql;
pub mod validate;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use batch::{Bulk, Group, Refusal, Total};
pub use compile::Engine;
pub use directory::{Tenant, TenantBuilder};
pub use error::{Error, Errors};
pub use explain::Decision;
pub use json::Json;
