//! A table of `u32`s a tenant keeps: its own vector while it is being built, or a run of
//! little-endian words inside a loaded snapshot, read in place (the id table's offsets and
//! slots: loading copies neither).

use std::sync::Arc;

/// `u32`s by index.
#[derive(Debug, Clone)]
pub enum Words {
    /// A vector of the table's own (a compiled tenant's).
    Owned(Vec<u32>),
    /// `n` words at `at` in a loaded snapshot's bytes.
    InPlace {
        bytes: Arc<Vec<u8>>,
        at: usize,
        n: usize,
    },
}

impl Default for Words {
    fn default() -> Self {
        Words::Owned(Vec::new())
    }
}

impl From<Vec<u32>> for Words {
    fn from(owned: Vec<u32>) -> Self {
        Words::Owned(owned)
    }
}

impl Words {
    /// `n` words stored at `at` in `bytes`, if the bytes hold them all.
    pub(crate) fn in_place(bytes: Arc<Vec<u8>>, at: usize, n: usize) -> Option<Words> {
        let end = n.checked_mul(4)?.checked_add(at)?;
        (end <= bytes.len()).then_some(Words::InPlace { bytes, at, n })
    }

    /// The number of words.
    pub fn len(&self) -> usize {
        match self {
            Words::Owned(v) => v.len(),
            Words::InPlace { n, .. } => *n,
        }
    }

    /// True when there is no word.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The stored bytes of words read in place (none for a vector).
    fn stored(&self) -> &[u8] {
        match self {
            Words::Owned(_) => &[],
            Words::InPlace { bytes, at, n } => bytes.get(*at..at + n * 4).unwrap_or_default(),
        }
    }

    /// Word `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Option<u32> {
        match self {
            Words::Owned(v) => v.get(i).copied(),
            Words::InPlace { bytes, at, n } => {
                if i >= *n {
                    return None;
                }
                let start = at + i * 4;
                let b: [u8; 4] = bytes.get(start..start + 4)?.try_into().ok()?;
                Some(u32::from_le_bytes(b))
            }
        }
    }

    /// Every word, in order: a plain walk over the vector or the bytes (loading runs these
    /// loops in a fresh isolate's baseline code, so no lookup per word).
    pub fn iter(&self) -> Iter<'_> {
        let owned: &[u32] = match self {
            Words::Owned(v) => v,
            Words::InPlace { .. } => &[],
        };
        Iter {
            owned: owned.iter(),
            stored: self.stored().chunks_exact(4),
        }
    }

    /// Words read in place become a vector of the table's own, to change.
    fn own(&mut self) -> &mut Self {
        if let Words::InPlace { .. } = self {
            *self = Words::Owned(self.iter().collect());
        }
        self
    }

    /// Appends `w`.
    pub(crate) fn push(&mut self, w: u32) {
        if let Words::Owned(v) = self.own() {
            v.push(w);
        }
    }

    /// Sets word `i` (nothing past the end).
    pub(crate) fn set(&mut self, i: usize, w: u32) {
        if let Words::Owned(v) = self.own() {
            if let Some(slot) = v.get_mut(i) {
                *slot = w;
            }
        }
    }

    /// Gives back a vector's spare room.
    pub(crate) fn shrink_to_fit(&mut self) {
        if let Words::Owned(v) = self {
            v.shrink_to_fit();
        }
    }

    /// Room the vector has (nothing, read in place).
    pub(crate) fn capacity(&self) -> usize {
        match self {
            Words::Owned(v) => v.capacity(),
            Words::InPlace { .. } => 0,
        }
    }

    /// Heap bytes held (words read in place are the snapshot's, counted with its users).
    pub fn heap_bytes(&self) -> usize {
        self.capacity() * 4
    }
}

/// The words of a [`Words`], in order (one of the two parts is empty).
pub struct Iter<'a> {
    owned: std::slice::Iter<'a, u32>,
    stored: std::slice::ChunksExact<'a, u8>,
}

impl Iterator for Iter<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        if let Some(&w) = self.owned.next() {
            return Some(w);
        }
        let c = self.stored.next()?;
        Some(u32::from_le_bytes(c.try_into().unwrap_or_default()))
    }
}
