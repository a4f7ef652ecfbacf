//! A randomly keyed hasher for every map keyed by input strings.
//!
//! Ids come from users of the library, and sometimes from their users. With a fixed hash
//! function, crafted ids that collide would turn each lookup into a linear scan. The key is
//! drawn from `getrandom` (the OS natively, `crypto.getRandomValues` in wasm, where std's
//! `RandomState` has no entropy) and fed to SipHash before the data: once per process by
//! default ([`Keyed::default`]), once per tenant for its id table ([`Keyed::fresh`], which a
//! loaded tenant's other maps reuse). The policy's own names use a fixed key
//! ([`Keyed::names`]).

use std::collections::hash_map::DefaultHasher;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

static KEY: OnceLock<[u64; 2]> = OnceLock::new();

fn key() -> [u64; 2] {
    *KEY.get_or_init(|| {
        let mut bytes = [0u8; 16];
        // Without entropy the hasher still works, only without the secret: fall back to
        // the address of a local, which differs between processes under ASLR.
        if getrandom::fill(&mut bytes).is_err() {
            let fallback = &bytes as *const _ as u64;
            bytes[..8].copy_from_slice(&fallback.to_le_bytes());
        }
        let (a, b) = bytes.split_at(8);
        let mut lo = [0u8; 8];
        let mut hi = [0u8; 8];
        lo.copy_from_slice(a);
        hi.copy_from_slice(b);
        [u64::from_le_bytes(lo), u64::from_le_bytes(hi)]
    })
}

/// Builds SipHash hashers that absorb a secret key before any data.
#[derive(Clone, Copy, Debug)]
pub struct Keyed {
    key: [u64; 2],
}

impl Default for Keyed {
    fn default() -> Self {
        Keyed { key: key() }
    }
}

impl Keyed {
    /// A hasher with a key of its own, drawn now: for a table whose key is written out (a
    /// tenant snapshot stores its id table's), so writing it never reveals the process key
    /// that every other map shares.
    pub fn fresh() -> Self {
        let mut bytes = [0u8; 16];
        if getrandom::fill(&mut bytes).is_err() {
            // No entropy: derive a distinct key from the process key and a counter.
            static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let k = key();
            return Keyed {
                key: [
                    k[0] ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15),
                    k[1].rotate_left(17) ^ n,
                ],
            };
        }
        let (a, b) = bytes.split_at(8);
        let mut lo = [0u8; 8];
        let mut hi = [0u8; 8];
        lo.copy_from_slice(a);
        hi.copy_from_slice(b);
        Keyed {
            key: [u64::from_le_bytes(lo), u64::from_le_bytes(hi)],
        }
    }

    /// The hasher for the policy's own names (actions, types, roles: at most a few hundred,
    /// written by the application, so a secret key buys nothing there): a fixed key, so an
    /// engine loaded from a snapshot draws no entropy (in Node the first draw loads the crypto
    /// module, milliseconds of a fresh isolate's first answer).
    pub fn names() -> Self {
        Keyed {
            key: [0x6163_636f_7264_2d6e, 0x616d_6573_2d6b_6579],
        }
    }

    /// A hasher with a given key (a table loaded from a snapshot keeps the key it was built with).
    pub fn with_key(key: [u64; 2]) -> Self {
        Keyed { key }
    }

    /// The key.
    pub fn key(&self) -> [u64; 2] {
        self.key
    }
}

impl BuildHasher for Keyed {
    type Hasher = DefaultHasher;

    fn build_hasher(&self) -> DefaultHasher {
        let mut h = DefaultHasher::new();
        h.write_u64(self.key[0]);
        h.write_u64(self.key[1]);
        h
    }
}

/// A `HashMap` keyed by input, with the keyed hasher.
pub type Map<K, V> = std::collections::HashMap<K, V, Keyed>;

/// A `HashSet` of input values, with the keyed hasher.
pub type Set<K> = std::collections::HashSet<K, Keyed>;

/// An empty map with the keyed hasher and room for `n` entries.
pub fn map_with_capacity<K, V>(n: usize) -> Map<K, V> {
    Map::with_capacity_and_hasher(n, Keyed::default())
}
