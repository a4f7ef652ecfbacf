//! Reading a snapshot, the mirror of `write.rs` line for line. Every read is bounds-checked;
//! every count is checked against the bytes left before anything is allocated for it (a
//! crafted count cannot make the reader reserve more than the snapshot's own size); every
//! tag must be one this version writes. Cross-references (indices into other tables) are
//! checked afterwards, by `check.rs`.

use crate::engine::{
    ActionKind, CNode, Engine, Grant, Lit, Opd, RoleInfo, Rule, SettingInfo, TypeInfo,
};
use crate::hasher::{map_with_capacity, Map, Set};
use crate::policy::{Effect, Scope};
use crate::tenant::ids::IdTable;
use crate::tenant::value::Val;
use crate::tenant::UserRec;

/// Why bytes are not a snapshot, in a few words (the message of `invalid_snapshot`).
pub(super) type Bad = &'static str;

/// A cursor over the bytes of one section.
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    pub(super) fn take<T: Take>(&mut self) -> Result<T, Bad> {
        T::take(self)
    }

    /// The next `n` bytes.
    #[inline(always)]
    pub(super) fn raw(&mut self, n: usize) -> Result<&'a [u8], Bad> {
        let end = self.at.checked_add(n).ok_or("a length overflows")?;
        let b = self
            .bytes
            .get(self.at..end)
            .ok_or("the snapshot ends early")?;
        self.at = end;
        Ok(b)
    }

    // Inlined, without `copy_from_slice`: at opt-level "s" (the shipped module) a call per
    // number read made loading several times slower.
    #[inline(always)]
    fn array<const N: usize>(&mut self) -> Result<[u8; N], Bad> {
        <[u8; N]>::try_from(self.raw(N)?).map_err(|_| "the snapshot ends early")
    }

    /// A count of items of at least `min` bytes each, no more than the bytes left can hold.
    fn count(&mut self, min: usize) -> Result<usize, Bad> {
        let n = u32::take(self)? as usize;
        if n.saturating_mul(min.max(1)) > self.left() {
            return Err("a count exceeds the bytes left");
        }
        Ok(n)
    }

    pub(super) fn left(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }

    /// Checks that the section was read to its last byte.
    pub(super) fn done(&self) -> Result<(), Bad> {
        match self.left() {
            0 => Ok(()),
            _ => Err("a section has bytes left over"),
        }
    }
}

/// A value a snapshot holds.
pub(super) trait Take: Sized {
    /// The fewest bytes one value takes (bounds a count before allocating).
    const MIN: usize;

    fn take(r: &mut Reader<'_>) -> Result<Self, Bad>;

    /// A run of `n` values; numbers override this to read theirs in one go.
    fn take_all(r: &mut Reader<'_>, n: usize) -> Result<Vec<Self>, Bad> {
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(Self::take(r)?);
        }
        Ok(v)
    }
}

macro_rules! number {
    ($($t:ty),*) => {$(
        impl Take for $t {
            const MIN: usize = std::mem::size_of::<$t>();
            #[inline(always)]
            fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
                Ok(<$t>::from_le_bytes(r.array()?))
            }
            fn take_all(r: &mut Reader<'_>, n: usize) -> Result<Vec<Self>, Bad> {
                // One bounds check for the run, then a loop the compiler turns into a copy.
                let bytes = r.raw(n.checked_mul(<Self as Take>::MIN).ok_or("a length overflows")?)?;
                Ok(bytes
                    .chunks_exact(<Self as Take>::MIN)
                    .map(|c| <$t>::from_le_bytes(c.try_into().unwrap_or_default()))
                    .collect())
            }
        }
    )*};
}
number!(u8, u16, u32, u64, f64);

/// A one-byte tag, below `n`.
#[inline(always)]
fn tag(r: &mut Reader<'_>, n: u8) -> Result<u8, Bad> {
    match u8::take(r)? {
        t if t < n => Ok(t),
        _ => Err("an unknown tag"),
    }
}

impl Take for bool {
    const MIN: usize = 1;
    #[inline(always)]
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        Ok(tag(r, 2)? == 1)
    }
}

impl Take for String {
    const MIN: usize = 4;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        let n = r.count(1)?;
        let bytes = r.raw(n)?;
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| "a string is not UTF-8")
    }
}

impl<T: Take> Take for Option<T> {
    const MIN: usize = 1;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        match tag(r, 2)? {
            0 => Ok(None),
            _ => Ok(Some(T::take(r)?)),
        }
    }
}

impl<T: Take> Take for Vec<T> {
    const MIN: usize = 4;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        let n = r.count(T::MIN)?;
        T::take_all(r, n)
    }
}

impl<A: Take, B: Take> Take for (A, B) {
    const MIN: usize = A::MIN + B::MIN;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        Ok((A::take(r)?, B::take(r)?))
    }
}

impl<const N: usize> Take for [u8; N] {
    const MIN: usize = N;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        r.array()
    }
}

/// An engine as stored; its name indexes are rebuilt by [`Engine::index_names`].
impl Take for Engine {
    const MIN: usize = 1;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        Ok(Engine {
            name: r.take()?,
            plans: r.take()?,
            plan_labels: r.take()?,
            settings: r.take()?,
            actions: r.take()?,
            alpha: r.take()?,
            phrases: r.take()?,
            action_ix: Map::default(),
            types: r.take()?,
            type_ix: Map::default(),
            roles: r.take()?,
            role_ix: Map::default(),
            rules: r.take()?,
            grants: r.take()?,
            slots: r.take()?,
            conds: r.take()?,
            literals: r.take()?,
            fields: r.take()?,
            fixed: r.take()?,
            cond_read: r.take()?,
            reads_orgs: r.take()?,
            user_attrs: r.take()?,
            default_sys: r.take()?,
            sys_principal: r.take()?,
            has_deny: r.take()?,
            // Warnings belong to the policy's author, at compile time; a snapshot has none.
            warnings: Vec::new(),
        })
    }
}

impl Take for SettingInfo {
    const MIN: usize = 4 + 1 + 1 + 2;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        Ok(SettingInfo {
            name: r.take()?,
            label: r.take()?,
            default: r.take()?,
            plan: r.take()?,
        })
    }
}

impl Take for TypeInfo {
    const MIN: usize = 9 * 4;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        Ok(TypeInfo {
            name: r.take()?,
            label: r.take()?,
            kind: r.take()?,
            parents: r.take()?,
            follow: r.take()?,
            states: r.take()?,
            state_lit: r.take()?,
            from: r.take()?,
            to: r.take()?,
        })
    }
}

impl Take for ActionKind {
    const MIN: usize = 1;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        Ok(match tag(r, 3)? {
            0 => ActionKind::Undeclared,
            1 => ActionKind::Record,
            _ => ActionKind::TypeLevel,
        })
    }
}

impl Take for RoleInfo {
    const MIN: usize = 4 + 1 + 1 + 1 + 2;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        Ok(RoleInfo {
            name: r.take()?,
            label: r.take()?,
            system: r.take()?,
            sys_bit: r.take()?,
            plan: r.take()?,
        })
    }
}

impl Take for Rule {
    const MIN: usize = 4 + 1 + 1 + 1 + 1 + 1 + 1 + 1;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        Ok(Rule {
            id: r.take()?,
            seed: r.take()?,
            effect: r.take()?,
            scope: r.take()?,
            setting: r.take()?,
            external: r.take()?,
            cond: r.take()?,
            explain: r.take()?,
        })
    }
}

impl Take for Effect {
    const MIN: usize = 1;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        Ok(match bool::take(r)? {
            true => Effect::Deny,
            false => Effect::Allow,
        })
    }
}

impl Take for Scope {
    const MIN: usize = 1;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        let t = u8::take(r)?;
        Scope::ALL
            .get(t as usize)
            .map(|(s, _)| *s)
            .ok_or("an unknown scope")
    }
}

impl Take for Grant {
    const MIN: usize = 6;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        Ok(Grant {
            rule: r.take()?,
            lo: r.take()?,
            hi: r.take()?,
        })
    }
}

impl Take for CNode {
    const MIN: usize = 2;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        Ok(match tag(r, 6)? {
            0 => CNode::Const(r.take()?),
            1 => CNode::Eq(r.take()?, r.take()?),
            2 => CNode::In(r.take()?, r.take()?),
            3 => CNode::Not(r.take()?),
            4 => CNode::And(r.take()?),
            _ => CNode::Or(r.take()?),
        })
    }
}

impl Take for Opd {
    const MIN: usize = 2;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        Ok(match tag(r, 4)? {
            0 => Opd::Lit(r.take()?),
            1 => Opd::Field(r.take()?),
            2 => Opd::UserAttr(r.take()?),
            _ => Opd::UserOf {
                field: r.take()?,
                attr: r.take()?,
            },
        })
    }
}

impl Take for Lit {
    const MIN: usize = 1;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        Ok(match tag(r, 4)? {
            0 => Lit::Null,
            1 => Lit::Bool(r.take()?),
            2 => Lit::Num(r.take()?),
            _ => Lit::Str(r.take()?),
        })
    }
}

impl Take for Val {
    const MIN: usize = 1;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        Ok(match tag(r, 5)? {
            0 => Val::Absent,
            1 => Val::Null,
            2 => Val::Bool(r.take()?),
            3 => Val::Num(r.take()?),
            _ => Val::Str(r.take()?),
        })
    }
}

impl Take for UserRec {
    const MIN: usize = 8 + 4 * 4 + 2 + 1;
    #[inline(always)]
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        Ok(UserRec {
            sys: r.take()?,
            manager: r.take()?,
            pre: r.take()?,
            end: r.take()?,
            org: r.take()?,
            role: r.take()?,
            external: r.take()?,
        })
    }

    /// The bulk of a snapshot: one bounds check for all users, then each record read from
    /// its own fixed-size chunk (the same fields, in the same order, as `take`).
    fn take_all(r: &mut Reader<'_>, n: usize) -> Result<Vec<Self>, Bad> {
        let size = <Self as Take>::MIN;
        let bytes = r.raw(n.checked_mul(size).ok_or("a length overflows")?)?;
        let mut out = Vec::with_capacity(n);
        for chunk in bytes.chunks_exact(size) {
            out.push(UserRec::take(&mut Reader::new(chunk))?);
        }
        Ok(out)
    }
}

/// A tenant's parts as stored, before they are checked against each other and its engine.
pub(super) struct TenantParts {
    pub(super) plan: u8,
    pub(super) settings: u64,
    pub(super) org: u32,
    pub(super) ids: IdTable,
    pub(super) users: Vec<UserRec>,
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

impl Take for TenantParts {
    const MIN: usize = 1;
    fn take(r: &mut Reader<'_>) -> Result<Self, Bad> {
        let plan = r.take()?;
        let settings = r.take()?;
        let org = r.take()?;
        let ids = IdTable::from_parts(r.take()?, r.take()?, r.take()?, [r.take()?, r.take()?])?;
        let users: Vec<UserRec> = r.take()?;
        let sym_list: Vec<String> = r.take()?;
        // The few strings that are not user ids (teams, organisations, literals): hashed again
        // with this process's key, each one also looked up among the ids, since a string is
        // a symbol of one kind only.
        let mut syms = map_with_capacity(sym_list.len());
        for (i, s) in sym_list.iter().enumerate() {
            let sym =
                u32::try_from(users.len().saturating_add(i)).map_err(|_| "too many symbols")?;
            if ids.find(s).is_some() || syms.insert(s.clone(), sym).is_some() {
                return Err("a symbol is stored twice");
            }
        }
        let lit_map = r.take()?;
        let team_ends = r.take()?;
        let team_syms = r.take()?;
        let n = r.count(10)?;
        let mut grants = Set::with_capacity_and_hasher(n, Default::default());
        // Stored in ascending order, each once (as `save` writes them): one set, one form.
        let mut last = None;
        for _ in 0..n {
            let g: (u32, u16, u32) = (r.take()?, r.take()?, r.take()?);
            if last.is_some_and(|l| l >= g) {
                return Err("the granted records are out of order");
            }
            last = Some(g);
            grants.insert(g);
        }
        let attrs = r.take()?;
        let name_text = r.take()?;
        let name_ends = r.take()?;
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
            grants,
            attrs,
            name_text,
            name_ends,
        })
    }
}
