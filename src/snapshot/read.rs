//! Reading a snapshot, the mirror of `write.rs` line for line. Every read is bounds-checked;
//! every count is checked against the bytes left before anything is allocated for it (a
//! crafted count cannot make the reader reserve more than the snapshot's own size); every
//! tag must be one this version writes. Cross-references (indices into other tables) are
//! checked afterwards, by `check.rs`.

use crate::engine::{
    ActionKind, CNode, Engine, Grant, Lit, Opd, RoleInfo, Rule, SettingInfo, TypeInfo,
};
use crate::hasher::{Keyed, Map, Set};
use crate::policy::{Effect, Scope};
use crate::tenant::ids::IdTable;
use crate::tenant::users::{Users, USER_BYTES};
use crate::tenant::value::Val;
use crate::tenant::words::Words;
use std::sync::Arc;

/// Why bytes are not a snapshot, in a few words (the message of `invalid_snapshot`).
pub(super) type Bad = &'static str;

/// A cursor over the bytes of one section. Reads never fail on the spot: the first problem
/// is kept, the cursor jumps to the end, and every later read gives zeros and empty values,
/// so a section decodes in one straight pass with no unwinding of half-built tables (the
/// loader is smaller, and quicker in a fresh isolate's baseline-compiled code), and
/// [`Reader::finish`] tells whether it was whole.
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    /// Where `bytes` start in the whole snapshot (tables read in place are found by offset).
    base: usize,
    bad: Option<Bad>,
}

impl<'a> Reader<'a> {
    /// A reader of `bytes`, which start at `base` in the whole snapshot.
    pub(super) fn new(bytes: &'a [u8], base: usize) -> Self {
        Reader {
            bytes,
            at: 0,
            base,
            bad: None,
        }
    }

    /// A reader of the next `n` bytes, which this one skips.
    pub(super) fn section(&mut self, n: usize) -> Reader<'a> {
        let base = self.offset();
        Reader::new(self.raw(n), base)
    }

    /// The bytes not read yet.
    pub(super) fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.at..).unwrap_or_default()
    }

    /// Where the next byte is in the whole snapshot.
    pub(super) fn offset(&self) -> usize {
        self.base + self.at
    }

    pub(super) fn take<T: Take>(&mut self) -> T {
        T::take(self)
    }

    /// Records the first problem; nothing is read after it.
    pub(super) fn fail(&mut self, why: Bad) {
        self.bad.get_or_insert(why);
        self.at = self.bytes.len();
    }

    /// The next `n` bytes (none once the bytes run out).
    #[inline(always)]
    pub(super) fn raw(&mut self, n: usize) -> &'a [u8] {
        let end = self.at.saturating_add(n);
        match self.bytes.get(self.at..end) {
            Some(b) => {
                self.at = end;
                b
            }
            None => {
                self.fail("the snapshot ends early");
                &[]
            }
        }
    }

    // Inlined, without `copy_from_slice`: at opt-level "s" (the shipped module) a call per
    // number read made loading several times slower.
    #[inline(always)]
    fn array<const N: usize>(&mut self) -> [u8; N] {
        <[u8; N]>::try_from(self.raw(N)).unwrap_or([0; N])
    }

    /// A count of items of at least `min` bytes each, no more than the bytes left can hold.
    pub(super) fn count(&mut self, min: usize) -> usize {
        let n = u32::take(self) as usize;
        if n.saturating_mul(min.max(1)) > self.left() {
            self.fail("a count exceeds the bytes left");
            return 0;
        }
        n
    }

    pub(super) fn left(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }

    /// The first problem met so far.
    pub(super) fn failed(&self) -> Option<Bad> {
        self.bad
    }

    /// The first problem met, or bytes left over: the section must be read to its last byte.
    pub(super) fn finish(&self) -> Result<(), Bad> {
        match (self.bad, self.left()) {
            (Some(why), _) => Err(why),
            (None, 0) => Ok(()),
            (None, _) => Err("a section has bytes left over"),
        }
    }
}

/// A value a snapshot holds.
pub(super) trait Take: Sized {
    /// The fewest bytes one value takes (bounds a count before allocating).
    const MIN: usize;

    fn take(r: &mut Reader<'_>) -> Self;

    /// A run of `n` values; numbers override this to read theirs in one go.
    fn take_all(r: &mut Reader<'_>, n: usize) -> Vec<Self> {
        (0..n).map(|_| Self::take(r)).collect()
    }
}

macro_rules! number {
    ($($t:ty),*) => {$(
        impl Take for $t {
            const MIN: usize = std::mem::size_of::<$t>();
            #[inline(always)]
            fn take(r: &mut Reader<'_>) -> Self {
                <$t>::from_le_bytes(r.array())
            }
            fn take_all(r: &mut Reader<'_>, n: usize) -> Vec<Self> {
                // One bounds check for the run, then a loop the compiler turns into a copy.
                r.raw(n.saturating_mul(<Self as Take>::MIN))
                    .chunks_exact(<Self as Take>::MIN)
                    .map(|c| <$t>::from_le_bytes(c.try_into().unwrap_or_default()))
                    .collect()
            }
        }
    )*};
}
number!(u8, u16, u32, u64, f64);

/// A one-byte tag, below `n` (0 once something is wrong).
#[inline(always)]
fn tag(r: &mut Reader<'_>, n: u8) -> u8 {
    match u8::take(r) {
        t if t < n => t,
        _ => {
            r.fail("an unknown tag");
            0
        }
    }
}

impl Take for bool {
    const MIN: usize = 1;
    #[inline(always)]
    fn take(r: &mut Reader<'_>) -> Self {
        tag(r, 2) == 1
    }
}

impl Take for String {
    const MIN: usize = 4;
    fn take(r: &mut Reader<'_>) -> Self {
        let n = r.count(1);
        let bytes = r.raw(n);
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_owned(),
            Err(_) => {
                r.fail("a string is not UTF-8");
                String::new()
            }
        }
    }
}

impl<T: Take> Take for Option<T> {
    const MIN: usize = 1;
    fn take(r: &mut Reader<'_>) -> Self {
        match tag(r, 2) {
            0 => None,
            _ => Some(T::take(r)),
        }
    }
}

impl<T: Take> Take for Vec<T> {
    const MIN: usize = 4;
    fn take(r: &mut Reader<'_>) -> Self {
        let n = r.count(T::MIN);
        T::take_all(r, n)
    }
}

impl<A: Take, B: Take> Take for (A, B) {
    const MIN: usize = A::MIN + B::MIN;
    fn take(r: &mut Reader<'_>) -> Self {
        (A::take(r), B::take(r))
    }
}

impl<const N: usize> Take for [u8; N] {
    const MIN: usize = N;
    fn take(r: &mut Reader<'_>) -> Self {
        r.array()
    }
}

/// An engine as stored; its name indexes are rebuilt by [`Engine::index_names`].
impl Take for Engine {
    const MIN: usize = 1;
    fn take(r: &mut Reader<'_>) -> Self {
        Engine {
            name: r.take(),
            plans: r.take(),
            plan_labels: r.take(),
            settings: r.take(),
            actions: r.take(),
            alpha: r.take(),
            phrases: r.take(),
            action_ix: Map::with_hasher(Keyed::names()),
            types: r.take(),
            type_ix: Map::with_hasher(Keyed::names()),
            roles: r.take(),
            role_ix: Map::with_hasher(Keyed::names()),
            rules: r.take(),
            grants: r.take(),
            slots: r.take(),
            conds: r.take(),
            literals: r.take(),
            fields: r.take(),
            fixed: r.take(),
            cond_read: r.take(),
            reads_orgs: r.take(),
            user_attrs: r.take(),
            default_sys: r.take(),
            sys_principal: r.take(),
            has_deny: r.take(),
            // Warnings belong to the policy's author, at compile time; a snapshot has none.
            warnings: Vec::new(),
        }
    }
}

impl Take for SettingInfo {
    const MIN: usize = 4 + 1 + 1 + 2;
    fn take(r: &mut Reader<'_>) -> Self {
        SettingInfo {
            name: r.take(),
            label: r.take(),
            default: r.take(),
            plan: r.take(),
        }
    }
}

impl Take for TypeInfo {
    const MIN: usize = 9 * 4;
    fn take(r: &mut Reader<'_>) -> Self {
        TypeInfo {
            name: r.take(),
            label: r.take(),
            kind: r.take(),
            parents: r.take(),
            follow: r.take(),
            states: r.take(),
            state_lit: r.take(),
            from: r.take(),
            to: r.take(),
        }
    }
}

impl Take for ActionKind {
    const MIN: usize = 1;
    fn take(r: &mut Reader<'_>) -> Self {
        match tag(r, 3) {
            0 => ActionKind::Undeclared,
            1 => ActionKind::Record,
            _ => ActionKind::TypeLevel,
        }
    }
}

impl Take for RoleInfo {
    const MIN: usize = 4 + 1 + 1 + 1 + 2;
    fn take(r: &mut Reader<'_>) -> Self {
        RoleInfo {
            name: r.take(),
            label: r.take(),
            system: r.take(),
            sys_bit: r.take(),
            plan: r.take(),
        }
    }
}

impl Take for Rule {
    const MIN: usize = 4 + 1 + 1 + 1 + 1 + 1 + 1 + 1;
    fn take(r: &mut Reader<'_>) -> Self {
        Rule {
            id: r.take(),
            seed: r.take(),
            effect: r.take(),
            scope: r.take(),
            setting: r.take(),
            external: r.take(),
            cond: r.take(),
            explain: r.take(),
        }
    }
}

impl Take for Effect {
    const MIN: usize = 1;
    fn take(r: &mut Reader<'_>) -> Self {
        match bool::take(r) {
            true => Effect::Deny,
            false => Effect::Allow,
        }
    }
}

impl Take for Scope {
    const MIN: usize = 1;
    fn take(r: &mut Reader<'_>) -> Self {
        match Scope::ALL.get(u8::take(r) as usize) {
            Some((s, _)) => *s,
            None => {
                r.fail("an unknown scope");
                Scope::All
            }
        }
    }
}

impl Take for Grant {
    const MIN: usize = 6;
    fn take(r: &mut Reader<'_>) -> Self {
        Grant {
            rule: r.take(),
            lo: r.take(),
            hi: r.take(),
        }
    }
}

impl Take for CNode {
    const MIN: usize = 2;
    fn take(r: &mut Reader<'_>) -> Self {
        match tag(r, 6) {
            0 => CNode::Const(r.take()),
            1 => CNode::Eq(r.take(), r.take()),
            2 => CNode::In(r.take(), r.take()),
            3 => CNode::Not(r.take()),
            4 => CNode::And(r.take()),
            _ => CNode::Or(r.take()),
        }
    }
}

impl Take for Opd {
    const MIN: usize = 2;
    fn take(r: &mut Reader<'_>) -> Self {
        match tag(r, 4) {
            0 => Opd::Lit(r.take()),
            1 => Opd::Field(r.take()),
            2 => Opd::UserAttr(r.take()),
            _ => Opd::UserOf {
                field: r.take(),
                attr: r.take(),
            },
        }
    }
}

impl Take for Lit {
    const MIN: usize = 1;
    fn take(r: &mut Reader<'_>) -> Self {
        match tag(r, 4) {
            0 => Lit::Null,
            1 => Lit::Bool(r.take()),
            2 => Lit::Num(r.take()),
            _ => Lit::Str(r.take()),
        }
    }
}

impl Take for Val {
    const MIN: usize = 1;
    fn take(r: &mut Reader<'_>) -> Self {
        match tag(r, 5) {
            0 => Val::Absent,
            1 => Val::Null,
            2 => Val::Bool(r.take()),
            3 => Val::Num(r.take()),
            _ => Val::Str(r.take()),
        }
    }
}

/// A run of `u32`s left where it is in `shared` (the snapshot `r` reads): skipped here, read
/// in place from then on.
fn words(r: &mut Reader<'_>, shared: &Arc<Vec<u8>>) -> Words {
    let (n, at) = (r.count(4), r.offset());
    r.raw(n * 4);
    Words::in_place(Arc::clone(shared), at, n).unwrap_or_default()
}

/// A tenant's parts as stored, before they are checked against each other and its engine.
pub(super) struct TenantParts {
    pub(super) plan: u8,
    pub(super) settings: u64,
    pub(super) org: u32,
    pub(super) ids: IdTable,
    pub(super) users: Users,
    pub(super) syms: Map<String, u32>,
    pub(super) sym_list: Vec<String>,
    pub(super) lit_map: Vec<u32>,
    pub(super) team_ends: Vec<u32>,
    pub(super) team_syms: Vec<u32>,
    pub(super) grants: Set<(u32, u16, u32)>,
    pub(super) attrs: Vec<Val>,
    pub(super) name_text: String,
    pub(super) name_ends: Vec<u32>,
}

impl TenantParts {
    /// Reads the tenant section to its last byte, then builds what the stored parts imply
    /// (the id table, the symbol map, the grant set), checking that they agree.
    /// `shared` is the whole snapshot, which `r` reads: the users and the id table's words
    /// stay there, read in place.
    pub(super) fn read(r: &mut Reader<'_>, shared: &Arc<Vec<u8>>) -> Result<Self, Bad> {
        let plan = r.take();
        let settings = r.take();
        let org = r.take();
        let text = r.take();
        let (ends, slots) = (words(r, shared), words(r, shared));
        let key = [r.take(), r.take()];
        let (n_users, users_at) = (r.count(USER_BYTES), r.offset());
        r.raw(n_users * USER_BYTES);
        let users = Users::in_place(Arc::clone(shared), users_at, n_users).unwrap_or_default();
        let sym_list: Vec<String> = r.take();
        let (lit_map, team_ends, team_syms) = (r.take(), r.take(), r.take());
        let n = r.count(10);
        let grants: Vec<(u32, u16, u32)> = (0..n).map(|_| (r.take(), r.take(), r.take())).collect();
        let (attrs, name_text, name_ends) = (r.take(), r.take(), r.take());
        r.finish()?;
        let ids = IdTable::from_parts(text, ends, slots, key)?;
        // The few strings that are not user ids (teams, organisations, literals): hashed again,
        // with the id table's own key (drawing the process key would cost a fresh isolate
        // its entropy source), each one also looked up among the ids, since a string is a
        // symbol of one kind only.
        let mut syms = Map::with_capacity_and_hasher(sym_list.len(), ids.hasher());
        for (i, s) in sym_list.iter().enumerate() {
            let sym = u32::try_from(n_users.saturating_add(i)).map_err(|_| "too many symbols")?;
            if ids.find(s).is_some() || syms.insert(s.clone(), sym).is_some() {
                return Err("a symbol is stored twice");
            }
        }
        // Stored in ascending order, each once (as `save` writes them): one set, one form.
        if grants.windows(2).any(|w| w.first() >= w.last()) {
            return Err("the granted records are out of order");
        }
        let mut granted = Set::with_capacity_and_hasher(grants.len(), ids.hasher());
        granted.extend(grants);
        Ok(TenantParts {
            plan,
            settings,
            org,
            ids,
            users,
            syms,
            sym_list,
            lit_map,
            team_ends,
            team_syms,
            grants: granted,
            attrs,
            name_text,
            name_ends,
        })
    }
}
