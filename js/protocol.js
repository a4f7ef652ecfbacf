// Numbers shared with the engine (src/limits.rs); tests/native/protocol.rs fails when the two
// differ.

// Strings up to this many UTF-16 units are at most 1,023 UTF-8 bytes, under the engine's
// 1,024-byte limit; longer ones go to the engine, which may refuse them (`string_too_long`).
export const MAX_FAST_STRING = 341;
// Most organisations one record may list (`too_many_orgs` beyond).
export const MAX_RECORD_ORGS = 256;
// Most records one batch call may hold (`too_many_records` beyond).
export const MAX_RECORDS = 10000000;
// Most bytes a snapshot may have (`invalid_snapshot` beyond): refused before they are copied
// into the wasm module's memory.
export const MAX_SNAPSHOT_BYTES = 268435456;

// The compact value encoding of bulk's columns (src/tenant/record.rs, `code`): one tag and one
// number per field; a string is its tenant symbol, or -1 when the tenant does not know it.
export const TAG_ABSENT = 0;
export const TAG_NULL = 1;
export const TAG_BOOL = 2;
export const TAG_NUM = 3;
export const TAG_STR = 4;

// Marks in bulk refusals where each record's own values go (src/answer/explain.rs): the
// record's id, its parent's id, then one per field slot from MARK_FIELD on.
export const MARK_ID = 0xfdd0;
export const MARK_PARENT = 0xfdd1;
export const MARK_FIELD = 0xfdd2;
