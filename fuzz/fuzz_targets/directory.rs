//! Directory compilation against a preset (byte 0 picks it), then questions about its users.
//! The checks live in `tests/differential/fuzz_checks.rs`, shared with the test that replays
//! the corpus and every crash found.
#![no_main]

#[path = "../../tests/differential/fuzz_checks.rs"]
mod fuzz_checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::directory(data));
