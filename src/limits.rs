//! Every size limit that input controls, and the error raised when one is exceeded.
//!
//! A policy, a directory and every question are checked against these before any work is
//! done, so no input can make the engine allocate without bound, recurse deeply or loop.
//! Each limit has its own error code (`too_many_users`, `string_too_long`, ...), listed in
//! the README's "Untrusted input" section.

use crate::error::Error;

/// Largest policy or directory text accepted, in bytes (64 MiB: about 1M users).
pub const MAX_INPUT_BYTES: usize = 64 << 20;
/// Deepest nesting of JSON arrays and objects in any input.
pub const MAX_JSON_DEPTH: usize = 64;
/// Longest string anywhere in the input (ids, names, values), in bytes.
pub const MAX_STRING_BYTES: usize = 1024;
/// Most plans a policy may declare.
pub const MAX_PLANS: usize = 32;
/// Most roles plus system roles a policy may declare.
pub const MAX_ROLES: usize = 256;
/// Most system roles a policy may declare (they are held as a 64-bit set).
pub const MAX_SYSTEM_ROLES: usize = 64;
/// Most record types a policy may declare.
pub const MAX_TYPES: usize = 256;
/// Most distinct action names a policy may declare.
pub const MAX_ACTIONS: usize = 256;
/// Most settings a policy may declare (they are held as a 64-bit set).
pub const MAX_SETTINGS: usize = 64;
/// Most rules a policy may hold, as written.
pub const MAX_RULES: usize = 100_000;
/// Most entries of the compiled grant index: rules expanded over their types, actions,
/// implied actions and every role that inherits them (`policy_too_large`).
pub const MAX_GRANTS: usize = 2_000_000;
/// Most cells of the grant index: (roles + 1) × types × actions (`policy_too_large`).
pub const MAX_SLOTS: usize = 4_000_000;
/// Deepest nesting of a rule condition (`and`/`or`/`not`).
pub const MAX_CONDITION_DEPTH: usize = 16;
/// Most distinct record fields the policy's conditions may read (with the six fixed fields a
/// scope may read, a resolved record holds at most 16 values: it stays small on the hot path).
pub const MAX_FIELDS: usize = 10;
/// Most users a directory may hold.
pub const MAX_USERS: usize = 2_000_000;
/// Most teams, grants or system roles on one user.
pub const MAX_PER_USER: usize = 1024;
/// Most records one batch call (`filter`, `total`, `bulk`) may pass.
pub const MAX_RECORDS: usize = 10_000_000;
/// Most organisations named on one record (`orgs`).
pub const MAX_RECORD_ORGS: usize = 256;
/// Largest tenant snapshot `Tenant::load` reads: room for the largest directory (2,000,000
/// users at about 60 bytes each) and its policy.
pub const MAX_SNAPSHOT_BYTES: usize = 256 << 20;

/// The error for an exceeded limit.
pub fn exceeded(code: &'static str, what: &str, limit: usize, path: impl Into<String>) -> Error {
    Error::new(code, format!("{what} exceeds the limit of {limit}"), path)
}

/// Checks one length against its limit.
pub fn check(
    len: usize,
    limit: usize,
    code: &'static str,
    what: &str,
    path: &str,
) -> Result<(), Error> {
    if len > limit {
        Err(exceeded(code, what, limit, path))
    } else {
        Ok(())
    }
}
