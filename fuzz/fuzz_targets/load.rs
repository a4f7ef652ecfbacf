//! Snapshot loading on hostile bytes: raw, or a valid snapshot patched and resealed so that
//! only the loader's own checks judge it; whatever loads must answer consistently. The checks
//! live in `tests/differential/fuzz_checks.rs`, shared with the test that replays the corpus
//! and every crash found.
#![no_main]

#[path = "../../tests/differential/fuzz_checks.rs"]
mod fuzz_checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::load(data));
