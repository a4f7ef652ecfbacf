//! A table of `u32`s a tenant keeps: its own vector while it is being built, or a run of
//! little-endian words inside a loaded snapshot, read in place (the id table's offsets and
//! slots: loading copies neither).

use std::sync::Arc;

/// `u32`s by index.
#[derive(Debug, Clone, Default)]
pub struct Words {
    owned: Vec<u32>,
    /// The snapshot, where the words start and how many: when set, `owned` is empty.
    in_place: Option<(Arc<Vec<u8>>, usize, usize)>,
}

impl From<Vec<u32>> for Words {
    fn from(owned: Vec<u32>) -> Self {
        Words {
            owned,
            in_place: None,
        }
    }
}

impl Words {
    /// `n` words stored at `at` in `bytes`, if the bytes hold them all.
    pub(crate) fn in_place(bytes: Arc<Vec<u8>>, at: usize, n: usize) -> Option<Words> {
        let end = n.checked_mul(4)?.checked_add(at)?;
        (end <= bytes.len()).then_some(Words {
            owned: Vec::new(),
            in_place: Some((bytes, at, n)),
        })
    }

    /// The number of words.
    pub fn len(&self) -> usize {
        match &self.in_place {
            Some((_, _, n)) => *n,
            None => self.owned.len(),
        }
    }

    /// True when there is no word.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Word `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Option<u32> {
        match &self.in_place {
            None => self.owned.get(i).copied(),
            Some((bytes, at, n)) => {
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
        let stored: &[u8] = match &self.in_place {
            Some((bytes, at, n)) => bytes.get(*at..at + n * 4).unwrap_or_default(),
            None => &[],
        };
        Iter {
            owned: self.owned.iter(),
            stored: stored.chunks_exact(4),
        }
    }

    /// The words as little-endian bytes (what a snapshot stores).
    pub(crate) fn le_bytes(&self) -> Vec<u8> {
        match &self.in_place {
            Some((bytes, at, n)) => bytes.get(*at..at + n * 4).unwrap_or_default().to_vec(),
            None => self.owned.iter().flat_map(|w| w.to_le_bytes()).collect(),
        }
    }

    /// The words as a vector of their own, to change (a copy first, if read in place).
    pub(crate) fn owned(&mut self) -> &mut Vec<u32> {
        if self.in_place.is_some() {
            self.owned = self.iter().collect();
            self.in_place = None;
        }
        &mut self.owned
    }

    /// Room the vector has (nothing, read in place).
    pub(crate) fn capacity(&self) -> usize {
        self.owned.capacity()
    }

    /// Heap bytes held (words read in place are the snapshot's, counted with its users).
    pub fn heap_bytes(&self) -> usize {
        self.owned.capacity() * 4
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
