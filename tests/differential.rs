//! Differential and hostile-input tests of the engine (issue 7), in one test binary:
//!
//! - `props`: a reference evaluator (`reference`) against the compiled engine on random
//!   policies, directories and records (`gen`), ≥ 10,000 cases (`PROPTEST_CASES` to change).
//! - `cedar`: the zendesk-sell preset written as Cedar policies; ≥ 100,000 random questions
//!   answered by both (`CEDAR_QUESTIONS`, `CEDAR_SEED` to change).
//! - `collisions`: 200,000 crafted ids, including ids that collide under SipHash with zero
//!   keys, do not degrade a directory.
//! - `regressions`: inputs that once failed (found by the above or by `fuzz/`), re-run.
//!
//! Run: `cargo test --release --test differential -- --nocapture` (counts are printed).

// Native only (proptest and Cedar are native dev-dependencies): `wasm-pack test` builds every
// test target for wasm32 (`cargo build --tests`), where this one is then empty.
#![cfg(not(target_arch = "wasm32"))]

#[path = "differential/cedar.rs"]
mod cedar;
#[path = "differential/collisions.rs"]
mod collisions;
#[path = "differential/fuzz_checks.rs"]
mod fuzz_checks;
#[path = "differential/gen.rs"]
mod gen;
#[path = "differential/plans.rs"]
mod plans;
#[path = "differential/props.rs"]
mod props;
#[path = "differential/reference.rs"]
mod reference;
#[path = "differential/regressions.rs"]
mod regressions;
