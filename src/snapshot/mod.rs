//! Tenant snapshots: a compiled policy and directory saved as bytes ([`Tenant::save`]) and
//! loaded back ([`Tenant::load`]) into a tenant that answers identically, without the policy
//! reader, validator or compilers. Compile where the policy or directory changes, store the
//! bytes, load them where questions are asked (an edge isolate, a page).
//!
//! # Format (version 1; all numbers little-endian)
//!
//! | bytes | what |
//! |---|---|
//! | 8 | magic `\x89accord\n` |
//! | 4 | format version (`u32`): a reader reads its own version only |
//! | 1 + n | the accord version that wrote it (`CARGO_PKG_VERSION`), length-prefixed |
//! | 8 | checksum of every other byte (word-wise FNV-1a 64, see [`seal`]) |
//! | 4 + 4 | lengths of the engine section and of the tenant section |
//! | … | the engine section, then the tenant section |
//!
//! Inside a section each compiled table is written field by field (`write.rs`) and read back
//! in the same order (`read.rs`): arrays of numbers as one run of bytes, strings and lists
//! length-prefixed. Most of a tenant is its users: the records, the id text, the id ends and
//! the id table's slots, stored as they are kept in memory. A loaded tenant keeps the
//! snapshot's bytes and reads the users, the id ends and the slots in place (`Users`,
//! `Words`): loading checks them in one pass each but copies and hashes none, so it is
//! O(bytes) and touches little fresh memory (a fresh isolate pays for every new page).
//!
//! # Trust
//!
//! The bytes are checked as if hostile, checksum or not (`check.rs`): truncated, altered,
//! oversized or crafted bytes give an `invalid_snapshot` error (a foreign format version,
//! `snapshot_version`), never a panic, an out-of-bounds read or unbounded work. That keeps
//! memory safe and every question's cost bounded; it cannot keep a crafted snapshot from
//! answering as its author likes: whoever writes a snapshot chooses the policy and the
//! directory, so a snapshot must come from where the policy and directory come from (the
//! application's own compile step, its own store). The snapshot's author is trusted less
//! than the code and more than a record.
//!
//! That is why the id table is stored with its hash key. Rebuilding it would hash every id
//! on each load (most of the load time); storing it lets a crafted snapshot choose the key
//! and the layout, which could at worst make lookups in that one tenant linear: a slowdown
//! its author could cause anyway, no risk to memory. Records, which are less trusted,
//! only look ids up, never add any. Each id table has a key of its own, drawn when it is
//! compiled (`Keyed::fresh`), not the process key shared by every other map, so a snapshot
//! served to browsers reveals nothing about the maps of the process that wrote it. The few
//! strings that are not user ids (teams, organisations, literals, granted records) are
//! hashed again on load, with the id table's key; the policy's name tables with the fixed
//! key for names (`Keyed::names`). Loading draws no entropy: in Node the first draw loads
//! the crypto module, milliseconds of a fresh isolate's first answer.

mod check;
mod read;
#[cfg(feature = "compiler")]
mod write;

use crate::engine::Engine;
use crate::error::Error;
use crate::limits;
use crate::tenant::Tenant;
use read::{Reader, TenantParts};
use std::sync::Arc;

/// The first bytes of every snapshot: not text (0x89), then the name, then a line feed that
/// a text-mode transfer would mangle.
pub const MAGIC: [u8; 8] = *b"\x89accord\n";
/// The format this build writes and reads. Any change to the layout or to what a stored
/// value means takes a new number.
pub const FORMAT: u32 = 1;
/// The accord version that writes snapshots.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Word-wise FNV-1a 64: each 8-byte little-endian word (the tail zero-padded, then the
/// length) is xored in and multiplied by the FNV prime. Eight times fewer multiplications
/// than byte-wise FNV-1a, so a 5 MB snapshot is checked in well under a millisecond; every
/// step is a bijection of the state, so any change confined to one word (a flipped bit, a
/// changed byte) always changes the sum.
pub fn checksum(bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        // `try_into`, not `copy_from_slice`: inlined at opt-level "s".
        h = (h ^ u64::from_le_bytes(w.try_into().unwrap_or_default())).wrapping_mul(PRIME);
    }
    let mut tail = [0u8; 8];
    let rest = words.remainder();
    if let Some(t) = tail.get_mut(..rest.len()) {
        t.copy_from_slice(rest);
    }
    h = (h ^ u64::from_le_bytes(tail)).wrapping_mul(PRIME);
    (h ^ bytes.len() as u64).wrapping_mul(PRIME)
}

/// Where the checksummed body starts: after the magic, format and version.
fn body_start(bytes: &[u8]) -> Option<usize> {
    let n = *bytes.get(MAGIC.len() + 4)? as usize;
    Some(MAGIC.len() + 4 + 1 + n + 8)
}

/// Writes the checksum that matches the bytes after it: for tests and fuzzers that alter a
/// snapshot and want the loader's other defences, not the checksum, to judge it.
#[doc(hidden)]
pub fn reseal(bytes: &mut [u8]) {
    let Some(start) = body_start(bytes) else {
        return;
    };
    let (Some(head), Some(body)) = (bytes.get(..start - 8), bytes.get(start..)) else {
        return;
    };
    let sum = seal(head, body);
    if let Some(slot) = bytes.get_mut(start - 8..start) {
        slot.copy_from_slice(&sum.to_le_bytes());
    }
}

/// The offsets of the engine and tenant sections in a snapshot (for tests that craft one).
#[doc(hidden)]
pub fn sections_at(bytes: &[u8]) -> Option<(usize, usize)> {
    let start = body_start(bytes)?;
    let mut len = [0u8; 4];
    len.copy_from_slice(bytes.get(start..start + 4)?);
    let engine = start + 8;
    Some((engine, engine + u32::from_le_bytes(len) as usize))
}

/// The checksum a snapshot carries: of the bytes before the checksum field (magic, format,
/// version) and of those after it, each by [`checksum`], combined so that a change in
/// either part always changes the result.
pub fn seal(head: &[u8], body: &[u8]) -> u64 {
    checksum(head) ^ checksum(body).rotate_left(1)
}

fn invalid(why: &str) -> Error {
    Error::new(
        "invalid_snapshot",
        format!("the bytes are not a valid accord snapshot: {why}"),
        "",
    )
}

impl Tenant {
    /// The compiled policy and directory as bytes (see [`crate::snapshot`] for the format):
    /// [`Tenant::load`] gives back a tenant that answers every question identically. One
    /// tenant always saves to the same bytes: a loaded tenant, to the bytes it was loaded
    /// from (it keeps them).
    #[cfg(feature = "compiler")]
    pub fn save(&self) -> Vec<u8> {
        match &self.snapshot {
            Some(bytes) => bytes.to_vec(),
            None => self.write(),
        }
    }

    /// The bytes a loaded tenant was loaded from, and answers from (see [`Tenant::load`]):
    /// without the compilers every tenant is a loaded one, and no snapshot writer is built.
    #[cfg(not(feature = "compiler"))]
    pub fn save(&self) -> Vec<u8> {
        self.snapshot.to_vec()
    }

    /// The tenant written out from its tables, loaded or not: for tests that hold the
    /// reader and the writer to each other byte for byte (a loaded tenant's `save` gives
    /// back its bytes without writing them).
    #[doc(hidden)]
    #[cfg(feature = "compiler")]
    pub fn write(&self) -> Vec<u8> {
        let mut engine = write::Writer::default();
        engine.put(&*self.engine);
        let mut tenant = write::Writer::default();
        tenant.put(self);
        let mut out = Vec::with_capacity(64 + engine.out.len() + tenant.out.len());
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&FORMAT.to_le_bytes());
        out.push(VERSION.len() as u8);
        out.extend_from_slice(VERSION.as_bytes());
        let mut body = Vec::with_capacity(8 + engine.out.len() + tenant.out.len());
        body.extend_from_slice(&(engine.out.len() as u32).to_le_bytes());
        body.extend_from_slice(&(tenant.out.len() as u32).to_le_bytes());
        body.extend_from_slice(&engine.out);
        body.extend_from_slice(&tenant.out);
        out.extend_from_slice(&seal(&out, &body).to_le_bytes());
        out.extend_from_slice(&body);
        out
    }

    /// A tenant from bytes written by [`Tenant::save`]: `invalid_snapshot` when they are not
    /// a whole, unaltered, consistent snapshot, `snapshot_version` when they are one of
    /// another format version. O(bytes); no user id is hashed. Keeps a copy of the bytes
    /// ([`Tenant::load_owned`] keeps the bytes given).
    pub fn load(bytes: &[u8]) -> Result<Tenant, Error> {
        if bytes.len() > limits::MAX_SNAPSHOT_BYTES {
            return Err(too_large());
        }
        Tenant::load_owned(bytes.to_vec())
    }

    /// [`Tenant::load`], keeping `bytes`: the tenant reads its users in place, in the
    /// snapshot's own bytes, so loading neither copies nor decodes them.
    pub fn load_owned(bytes: Vec<u8>) -> Result<Tenant, Error> {
        if bytes.len() > limits::MAX_SNAPSHOT_BYTES {
            return Err(too_large());
        }
        let bytes = Arc::new(bytes);
        let (engine, parts) = decode(&bytes)?;
        let engine = Arc::new(engine);
        check::tenant(&engine, &parts).map_err(invalid)?;
        Ok(Tenant {
            engine,
            plan: parts.plan,
            settings: parts.settings,
            org: parts.org,
            ids: parts.ids,
            users: parts.users,
            syms: parts.syms,
            sym_list: parts.sym_list,
            lit_map: parts.lit_map,
            team_ends: parts.team_ends,
            team_syms: parts.team_syms,
            grants: parts.grants,
            attrs: parts.attrs,
            name_text: parts.name_text,
            name_ends: parts.name_ends,
            by_pre: std::sync::OnceLock::new(),
            #[cfg(feature = "compiler")]
            snapshot: Some(bytes),
            #[cfg(not(feature = "compiler"))]
            snapshot: bytes,
        })
    }
}

fn too_large() -> Error {
    invalid("it is larger than the limit of 268435456 bytes")
}

/// The engine and the tenant's parts of a snapshot, once its mark, format and checksum are
/// its own.
fn decode(shared: &Arc<Vec<u8>>) -> Result<(Engine, TenantParts), Error> {
    let bytes = shared.as_slice();
    let mut r = Reader::new(bytes, 0);
    let mark = r.raw(MAGIC.len());
    let format: u32 = r.take();
    let n: u8 = r.take();
    let version = String::from_utf8_lossy(r.raw(n as usize)).into_owned();
    if mark != MAGIC {
        return Err(invalid("it does not start with the snapshot mark"));
    }
    r.failed().map_or(Ok(()), |why| Err(invalid(why)))?;
    if format != FORMAT {
        return Err(Error::new(
            "snapshot_version",
            format!(
                "the snapshot is in format {format} (written by accord `{version}`); accord {VERSION} reads format {FORMAT}: save it again with this version"
            ),
            "",
        ));
    }
    let head = bytes.get(..r.offset()).unwrap_or_default();
    let sum: u64 = r.take();
    let mut body = r.section(r.left());
    r.finish().map_err(invalid)?;
    if seal(head, body.rest()) != sum {
        return Err(invalid(
            "its checksum does not match (truncated or altered)",
        ));
    }
    sections(&mut body, shared).map_err(invalid)
}

/// The two sections, each read to its last byte; the engine checked and its name tables
/// rebuilt.
fn sections(r: &mut Reader<'_>, shared: &Arc<Vec<u8>>) -> Result<(Engine, TenantParts), read::Bad> {
    let e_len: u32 = r.take();
    let t_len: u32 = r.take();
    let mut er = r.section(e_len as usize);
    let mut tr = r.section(t_len as usize);
    r.finish()?;
    let mut engine: Engine = er.take();
    er.finish()?;
    engine.index_names();
    check::engine(&engine)?;
    let parts = TenantParts::read(&mut tr, shared)?;
    Ok((engine, parts))
}
