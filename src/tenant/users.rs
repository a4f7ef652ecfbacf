//! A tenant's users in their stored form: [`USER_BYTES`] little-endian bytes each, read in
//! place. A loaded tenant's users are the snapshot's own bytes, so loading neither copies nor
//! decodes them (most of a snapshot, and what a fresh isolate would otherwise spend its load
//! on); a compiled tenant's are encoded once, when it is built. The same bytes are what a
//! snapshot stores.

use super::UserRec;
use std::sync::Arc;

/// One user: `sys` (8 bytes), `manager`, `pre`, `end`, `org` (4 each), `role` (2),
/// `external` (1, 0 or 1).
pub const USER_BYTES: usize = 8 + 4 * 4 + 2 + 1;

/// The users, by index.
#[derive(Debug, Clone, Default)]
pub struct Users {
    bytes: Arc<Vec<u8>>,
    at: usize,
    n: usize,
}

/// A user from their stored bytes (the fields at fixed offsets: straight loads).
#[inline]
fn decode(c: &[u8; USER_BYTES]) -> UserRec {
    let [s0, s1, s2, s3, s4, s5, s6, s7, m0, m1, m2, m3, p0, p1, p2, p3, e0, e1, e2, e3, o0, o1, o2, o3, r0, r1, x] =
        *c;
    UserRec {
        sys: u64::from_le_bytes([s0, s1, s2, s3, s4, s5, s6, s7]),
        manager: u32::from_le_bytes([m0, m1, m2, m3]),
        pre: u32::from_le_bytes([p0, p1, p2, p3]),
        end: u32::from_le_bytes([e0, e1, e2, e3]),
        org: u32::from_le_bytes([o0, o1, o2, o3]),
        role: u16::from_le_bytes([r0, r1]),
        external: x == 1,
    }
}

#[cfg(feature = "compiler")]
fn encode(u: &UserRec, out: &mut Vec<u8>) {
    // Copies: the record is packed, so its fields cannot be borrowed.
    let UserRec {
        sys,
        manager,
        pre,
        end,
        org,
        role,
        external,
    } = *u;
    out.extend_from_slice(&sys.to_le_bytes());
    for x in [manager, pre, end, org] {
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.extend_from_slice(&role.to_le_bytes());
    out.push(u8::from(external));
}

impl Users {
    /// The users of a compiled directory, encoded.
    #[cfg(feature = "compiler")]
    pub(crate) fn encode(users: &[UserRec]) -> Users {
        let mut bytes = Vec::with_capacity(users.len().saturating_mul(USER_BYTES));
        for u in users {
            encode(u, &mut bytes);
        }
        Users {
            bytes: Arc::new(bytes),
            at: 0,
            n: users.len(),
        }
    }

    /// `n` users stored at `at` in `bytes` (a loaded snapshot), if the bytes hold them all.
    pub(crate) fn in_place(bytes: Arc<Vec<u8>>, at: usize, n: usize) -> Option<Users> {
        let end = n.checked_mul(USER_BYTES)?.checked_add(at)?;
        (end <= bytes.len()).then_some(Users { bytes, at, n })
    }

    /// The number of users.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True when there is no user.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The stored bytes of every user, in index order.
    pub(crate) fn stored(&self) -> &[u8] {
        self.bytes
            .get(self.at..self.at + self.n * USER_BYTES)
            .unwrap_or_default()
    }

    /// User `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Option<UserRec> {
        if i >= self.n {
            return None;
        }
        let start = self.at + i * USER_BYTES;
        let c: &[u8; USER_BYTES] = self.bytes.get(start..start + USER_BYTES)?.try_into().ok()?;
        Some(decode(c))
    }

    /// Every user, in index order.
    pub fn iter(&self) -> impl Iterator<Item = UserRec> + '_ {
        self.stored()
            .chunks_exact(USER_BYTES)
            .filter_map(|c| c.try_into().ok().map(decode))
    }

    /// True when every stored `external` flag is 0 or 1 (what a snapshot must hold).
    pub(crate) fn flags_valid(&self) -> bool {
        self.stored()
            .chunks_exact(USER_BYTES)
            .all(|c| c.last().is_some_and(|&x| x <= 1))
    }

    /// Heap bytes held: the bytes the users are read from (a loaded tenant's whole snapshot).
    pub fn heap_bytes(&self) -> usize {
        self.bytes.capacity()
    }
}
