//! An id table: every user id stored once, in one string, looked up through an open-addressing
//! table of indices with the keyed hasher. About 10 bytes per user on top of the id's bytes
//! (4 for its end offset, 6 for the table at most two-thirds full), where a
//! `HashMap<String, u32>` plus a reverse `Vec<String>` costs several times that. Each slot
//! keeps 11 bits of its id's hash beside the index, so a probe reads an id only when those
//! match.

use crate::engine::NONE32;
use crate::hasher::Keyed;
use crate::limits::MAX_USERS;
use crate::tenant::words::Words;
use std::hash::BuildHasher;

/// Bits of a slot that hold the index; the others hold a tag from the hash.
const IX_BITS: u32 = 21;
const IX_MASK: u32 = (1 << IX_BITS) - 1;
// Every index fits beside its tag, and no slot can equal the empty mark `NONE32`.
const _: () = assert!(MAX_USERS < IX_MASK as usize);

fn tag(hash: u64) -> u32 {
    (hash as u32) << IX_BITS
}

/// The first slot to look at for a hash (its high bits scaled to a table of `len` slots).
fn home(hash: u64, len: usize) -> usize {
    (((hash >> 32) * len as u64) >> 32) as usize
}

/// Ids in insertion order, with O(1) expected lookup by string.
#[derive(Debug, Clone)]
pub struct IdTable {
    text: String,
    ends: Words,
    slots: Words,
    hasher: Keyed,
}

/// Slots for `n` ids: at most two-thirds full (linear probing stays short), sized exactly
/// rather than to a power of two.
fn slots_for(n: usize) -> usize {
    (n.saturating_mul(3) / 2).max(8)
}

impl IdTable {
    /// An empty table sized for `n` ids of `bytes` bytes in all (both hints).
    pub fn with_capacity(n: usize, bytes: usize) -> Self {
        IdTable {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(n).into(),
            slots: vec![NONE32; slots_for(n)].into(),
            // A key of the table's own: a snapshot stores it (see `crate::snapshot`).
            hasher: Keyed::fresh(),
        }
    }

    /// The table's hasher: the tenant's own secret, for the other maps a loaded tenant or a
    /// plan builds from the tenant's data.
    pub(crate) fn hasher(&self) -> Keyed {
        self.hasher
    }

    /// What a snapshot stores: the ids, their end offsets, the slots and the hash key.
    #[cfg(feature = "compiler")]
    pub(crate) fn parts(&self) -> (&str, &Words, &Words, [u64; 2]) {
        (&self.text, &self.ends, &self.slots, self.hasher.key())
    }

    /// A table from stored parts, checked without hashing a single id: the ends rise to the
    /// end of the text on character boundaries; the slots are empty or hold a distinct index
    /// below the number of ids, every id has one, the table is at most two-thirds full (so
    /// every probe ends, and soon). An id stored in the wrong slot is merely not found, as if absent.
    pub(crate) fn from_parts(
        text: String,
        ends: Words,
        slots: Words,
        key: [u64; 2],
    ) -> Result<IdTable, &'static str> {
        let n = ends.len();
        if n > MAX_USERS {
            return Err("more users than the limit");
        }
        let mut start = 0u32;
        for end in ends.iter() {
            if end < start || !text.is_char_boundary(end as usize) {
                return Err("an id's end offset is out of order or inside a character");
            }
            start = end;
        }
        if start as usize != text.len() {
            return Err("the ids do not fill the id text");
        }
        // At most two-thirds full, as `insert` keeps it (it may have grown past that).
        if slots.len() < slots_for(n) {
            return Err("the id table has too few slots");
        }
        let mut seen = vec![0u64; n.div_ceil(64)];
        let mut used = 0usize;
        for slot in slots.iter() {
            if slot == NONE32 {
                continue;
            }
            let ix = (slot & IX_MASK) as usize;
            let Some(word) = seen.get_mut(ix / 64).filter(|_| ix < n) else {
                return Err("an id slot names no user");
            };
            let bit = 1u64 << (ix % 64);
            if *word & bit != 0 {
                return Err("two id slots name the same user");
            }
            *word |= bit;
            used += 1;
        }
        if used != n || used >= slots.len() {
            return Err("the id table does not hold each user exactly once");
        }
        Ok(IdTable {
            text,
            ends,
            slots,
            hasher: Keyed::with_key(key),
        })
    }

    /// The number of ids.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when the table holds no id.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The id at `ix`.
    pub fn get(&self, ix: u32) -> Option<&str> {
        let end = self.ends.get(ix as usize)? as usize;
        let start = if ix == 0 {
            0
        } else {
            self.ends.get(ix as usize - 1)? as usize
        };
        self.text.get(start..end)
    }

    /// Every id, concatenated in index order, and the end offset of each (in bytes).
    pub fn text_and_ends(&self) -> (&str, &Words) {
        (&self.text, &self.ends)
    }

    /// The index of `id`, if present.
    pub fn find(&self, id: &str) -> Option<u32> {
        self.probe(id, self.hasher.hash_one(id)).ok()
    }

    /// `Ok(index)` of `id`, or `Err(slot)`: the empty slot where it would go.
    fn probe(&self, id: &str, hash: u64) -> Result<u32, usize> {
        let mut at = home(hash, self.slots.len());
        let tag = tag(hash);
        loop {
            let Some(slot) = self.slots.get(at) else {
                at = 0;
                continue;
            };
            if slot == NONE32 {
                return Err(at);
            }
            if slot & !IX_MASK == tag && self.get(slot & IX_MASK) == Some(id) {
                return Ok(slot & IX_MASK);
            }
            at += 1;
        }
    }

    /// Appends `id`; returns `Err(existing index)` if it is already there.
    pub fn insert(&mut self, id: &str) -> Result<u32, u32> {
        let hash = self.hasher.hash_one(id);
        let mut free = match self.probe(id, hash) {
            Ok(existing) => return Err(existing),
            Err(free) => free,
        };
        if slots_for(self.ends.len() + 1) > self.slots.len() {
            self.grow();
            free = self.probe(id, hash).err().unwrap_or(0);
        }
        if self.text.capacity() - self.text.len() < id.len() {
            self.reserve_text(id.len());
        }
        let ix = self.ends.len() as u32;
        self.text.push_str(id);
        self.ends.push(self.text.len() as u32);
        self.slots.set(free, tag(hash) | (ix & IX_MASK));
        Ok(ix)
    }

    /// Room for the ids still expected (as many as `ends` has room for, as long as those so
    /// far on average, plus an eighth) instead of doubling, which can leave half unused.
    fn reserve_text(&mut self, more: usize) {
        let (n, len) = (self.ends.len(), self.text.len());
        let expected = self.ends.capacity().saturating_sub(n);
        let projected = match n {
            0 => 0,
            _ => (len / n + 1).saturating_mul(expected) / 8 * 9,
        };
        self.text.reserve_exact(more.max(projected).max(len / 8));
    }

    /// Gives back the spare capacity of the id text and offsets.
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    fn grow(&mut self) {
        let mut slots = vec![NONE32; slots_for(self.ends.len().saturating_mul(2))];
        let mut start = 0usize;
        for (ix, end) in self.ends.iter().enumerate() {
            let id = self.text.get(start..end as usize).unwrap_or("");
            start = end as usize;
            let hash = self.hasher.hash_one(id);
            let mut at = home(hash, slots.len());
            loop {
                match slots.get_mut(at) {
                    Some(slot) if *slot == NONE32 => {
                        *slot = tag(hash) | (ix as u32 & IX_MASK);
                        break;
                    }
                    Some(_) => at += 1,
                    None => at = 0,
                }
            }
        }
        self.slots = slots.into();
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.heap_bytes() + self.slots.heap_bytes()
    }
}
