//! The native test binary: the shared corpus (`tests/corpus/*.json`) run against the Rust API,
//! one test per seed rule of `SEEDS.md`, preset validation (clean presets, broken copies), and
//! the generated preset tables of `docs/presets.md`.
//!
//! Run it with `cargo test --test main`; `ACCORD_BLESS=1` rewrites `docs/presets.md`.

mod native;
