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
//! The pipeline shows in the folders of `src/`, and its public face is a handful of types:
//!
//! - `json/`: the [`Json`] value (key order and repeats kept), its reader and writer.
//! - `policy/`: the document as written: parsed with a JSON pointer for every problem, then
//!   validated (every name resolved, all errors reported at once).
//! - `engine/`: the compiled policy, an [`Engine`]: names interned, grants indexed by
//!   (role, type, action).
//! - `tenant/`: one account compiled against an engine, a [`Tenant`] (built from text or
//!   user by user with a [`TenantBuilder`]): the id table, the manager forest numbered so a
//!   reporting-line test is two array reads, and records resolved against both.
//! - `eval/`: one question decided (a verdict, and the stage a denial failed at), and which
//!   record fields a rule reads.
//! - `plan/`: compiled questions: (user, action, type) evaluated against everything the record
//!   cannot change, the residual kept as data (`always`, `never`, or a predicate over record
//!   fields with every scope resolved to constants and sets). The one fast path: batches run
//!   it here, the JavaScript handle runs its JSON, and SQL is made from it (`docs/plans.md`).
//! - `answer/`: what a caller asks: `can`, `check` and `permitted`, the verdict put into words
//!   (a [`Decision`]), and many records at once ([`Total`], [`Group`], [`Bulk`], [`Refusal`]),
//!   including bulk over encoded columns with each distinct refusal worded once.
//! - [`snapshot`]: a compiled tenant (its engine included) saved as versioned, checksummed
//!   bytes ([`Tenant::save`]) and loaded back in O(bytes) ([`Tenant::load`]), every index
//!   checked as if the bytes were hostile.
//! - `wasm/` (wasm32 only) is the thin JavaScript binding.
//!
//! Failures are [`Errors`] (a non-empty list of [`Error`]); [`presets`] holds the shipped
//! policies and [`limits`] every bound on input.
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

pub mod limits;
pub mod presets;
pub mod sql;

// The stages themselves: reachable for the tests, benches and fuzzers, which check internals
// against a reference, but not part of the API a Rust user sees.
#[doc(hidden)]
pub mod answer;
#[doc(hidden)]
pub mod engine;
#[doc(hidden)]
pub mod error;
#[doc(hidden)]
pub mod eval;
#[doc(hidden)]
pub mod hasher;
#[doc(hidden)]
pub mod json;
#[doc(hidden)]
pub mod plan;
#[doc(hidden)]
pub mod policy;
pub mod snapshot;
#[doc(hidden)]
pub mod tenant;
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod wasm;

pub use answer::batch::{Bulk, Group, Refusal, Total};
pub use answer::explain::{Decision, Reason};
pub use engine::Engine;
pub use error::{Error, Errors};
pub use json::Json;
pub use tenant::Tenant;
#[cfg(feature = "compiler")]
pub use tenant::TenantBuilder;
