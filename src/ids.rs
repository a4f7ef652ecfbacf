//! An id table: every user id stored once, in one string, looked up through an open-addressing
//! table of indices with the keyed hasher. About 12 bytes per user on top of the id's bytes,
//! where a `HashMap<String, u32>` plus a reverse `Vec<String>` costs several times that.

use crate::compile::NONE32;
use crate::hasher::Keyed;
use std::hash::BuildHasher;

/// Ids in insertion order, with O(1) expected lookup by string.
#[derive(Debug, Clone)]
pub struct IdTable {
    text: String,
    ends: Vec<u32>,
    slots: Vec<u32>,
    hasher: Keyed,
}

impl IdTable {
    /// An empty table sized for `n` ids.
    pub fn with_capacity(n: usize, bytes: usize) -> Self {
        let cap = (n.max(4) * 2).next_power_of_two();
        IdTable {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(n),
            slots: vec![NONE32; cap],
            hasher: Keyed::default(),
        }
    }

    /// Number of ids.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there are no ids.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The id at `ix`.
    pub fn get(&self, ix: u32) -> Option<&str> {
        let end = *self.ends.get(ix as usize)? as usize;
        let start = if ix == 0 {
            0
        } else {
            *self.ends.get(ix as usize - 1)? as usize
        };
        self.text.get(start..end)
    }

    /// The index of `id`, if present.
    pub fn find(&self, id: &str) -> Option<u32> {
        self.probe(id, self.hasher.hash_one(id)).ok()
    }

    /// `Ok(index)` of `id`, or `Err(slot)`: the empty slot where it would go.
    fn probe(&self, id: &str, hash: u64) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let mut at = (hash as usize) & mask;
        loop {
            let Some(&slot) = self.slots.get(at) else {
                return Err(at);
            };
            if slot == NONE32 {
                return Err(at);
            }
            if self.get(slot) == Some(id) {
                return Ok(slot);
            }
            at = (at + 1) & mask;
        }
    }

    /// Appends `id`; returns `Err(existing index)` if it is already there.
    pub fn insert(&mut self, id: &str) -> Result<u32, u32> {
        let hash = self.hasher.hash_one(id);
        let mut free = match self.probe(id, hash) {
            Ok(existing) => return Err(existing),
            Err(free) => free,
        };
        if (self.ends.len() + 1) * 2 > self.slots.len() {
            self.grow();
            free = self.probe(id, hash).err().unwrap_or(0);
        }
        let ix = self.ends.len() as u32;
        self.text.push_str(id);
        self.ends.push(self.text.len() as u32);
        if let Some(slot) = self.slots.get_mut(free) {
            *slot = ix;
        }
        Ok(ix)
    }

    /// Gives back the spare capacity of the id text and offsets.
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    fn grow(&mut self) {
        let cap = self.slots.len() * 2;
        let mask = cap - 1;
        let mut slots = vec![NONE32; cap];
        let mut start = 0usize;
        for (ix, &end) in self.ends.iter().enumerate() {
            let id = self.text.get(start..end as usize).unwrap_or("");
            start = end as usize;
            let mut at = (self.hasher.hash_one(id) as usize) & mask;
            while let Some(slot) = slots.get_mut(at) {
                if *slot == NONE32 {
                    *slot = ix as u32;
                    break;
                }
                at = (at + 1) & mask;
            }
        }
        self.slots = slots;
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 4 + self.slots.capacity() * 4
    }
}
