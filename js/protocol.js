// Numbers shared with the engine (src/limits.rs); tests/native/protocol.rs fails when the two
// differ.

// Strings up to this many UTF-16 units are at most 1,023 UTF-8 bytes, under the engine's
// 1,024-byte limit; longer ones go to the engine, which may refuse them (`string_too_long`).
export const MAX_FAST_STRING = 341;
// Most organisations one record may list (`too_many_orgs` beyond).
export const MAX_RECORD_ORGS = 256;
// Most records one batch call may hold (`too_many_records` beyond).
export const MAX_RECORDS = 10000000;
