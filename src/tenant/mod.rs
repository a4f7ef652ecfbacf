//! Directories: one account's plan, settings and users, validated and compiled into a
//! [`Tenant`] once, against a compiled [`Engine`].
//!
//! The manager forest is numbered in pre-order (`pre`) with each subtree's end (`end`), so
//! "is `o` in `u`'s reporting line" is `pre[u] <= pre[o] < end[u]`: two array reads at any
//! depth. Cycles and unknown managers are errors that name the first offending entry.

#[cfg(feature = "compiler")]
mod compile;
#[cfg(feature = "compiler")]
mod forest;
pub mod ids;
#[cfg(feature = "compiler")]
mod read;
pub mod record;
pub mod users;
pub mod value;
pub mod words;

use crate::engine::{Engine, NONE32};
#[cfg(feature = "compiler")]
use crate::error::{Error, Errors};
use crate::hasher::{Map, Set};
#[cfg(feature = "compiler")]
use crate::json::Json;
#[cfg(feature = "compiler")]
use crate::limits;
use crate::tenant::ids::IdTable;
use crate::tenant::users::Users;
use crate::tenant::value::Val;
#[cfg(feature = "compiler")]
use compile::DirectoryCompiler;
use std::sync::{Arc, OnceLock};

/// One user, decoded (a tenant keeps them encoded: [`Users`]).
#[derive(Debug, Clone, Copy)]
#[repr(C, packed(4))]
pub struct UserRec {
    pub sys: u64,
    pub manager: u32,
    pub pre: u32,
    pub end: u32,
    pub org: u32,
    pub role: u16,
    pub external: bool,
}

/// A compiled directory: the answers to every question about one account come from here.
#[derive(Debug)]
pub struct Tenant {
    pub(crate) engine: Arc<Engine>,
    pub(crate) plan: u8,
    pub(crate) settings: u64,
    pub(crate) org: u32,
    pub(crate) ids: IdTable,
    pub(crate) users: Users,
    /// Strings that are not user ids: teams, organisations, granted record ids, literals.
    pub(crate) syms: Map<String, u32>,
    pub(crate) sym_list: Vec<String>,
    /// Engine literal index → tenant symbol.
    pub(crate) lit_map: Vec<u32>,
    pub(crate) team_ends: Vec<u32>,
    pub(crate) team_syms: Vec<u32>,
    pub(crate) grants: Set<(u32, u16, u32)>,
    pub(crate) attrs: Vec<Val>,
    /// Users' display names, concatenated, with each user's end offset (empty: no names).
    pub(crate) name_text: String,
    pub(crate) name_ends: Vec<u32>,
    /// The users in pre-order (the inverse of each user's `pre`), built the first time a
    /// reporting line is listed: a loaded tenant that never lists one never pays for it.
    pub(crate) by_pre: OnceLock<Vec<u32>>,
    /// The snapshot a loaded tenant was loaded from (it reads its users and id table there,
    /// and saves to it); none for a compiled one. Without the compilers every tenant is a
    /// loaded one.
    #[cfg(feature = "compiler")]
    pub(crate) snapshot: Option<Arc<Vec<u8>>>,
    #[cfg(not(feature = "compiler"))]
    pub(crate) snapshot: Arc<Vec<u8>>,
}

impl Tenant {
    /// Validates and compiles a directory against `engine`.
    #[cfg(feature = "compiler")]
    pub fn new(engine: Arc<Engine>, doc: &Json) -> Result<Tenant, Errors> {
        let users = match doc.get("users") {
            Some(Json::Arr(items)) => items.len(),
            _ => 0,
        };
        let mut c = DirectoryCompiler::new(engine, users);
        read::tree(&mut c, doc);
        c.finish()
    }

    /// Parses JSON text and compiles it, reading users one at a time: no tree of the
    /// directory is built. Errors are those of [`Json::parse`] then [`Tenant::new`].
    #[cfg(feature = "compiler")]
    pub fn from_json(engine: Arc<Engine>, text: &str) -> Result<Tenant, Errors> {
        let mut b = TenantBuilder::new(engine, 0);
        b.text(text);
        b.finish()
    }

    /// The engine this tenant was compiled against.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The plan's name.
    pub fn plan(&self) -> &str {
        self.engine
            .plans
            .get(self.plan as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The home organisation, if the directory names one.
    pub fn org(&self) -> Option<&str> {
        if self.org == NONE32 {
            None
        } else {
            self.sym_str(self.org)
        }
    }

    /// Number of users.
    pub fn user_count(&self) -> usize {
        self.users.len()
    }

    /// The index of a user id.
    #[doc(hidden)]
    pub fn user_index(&self, id: &str) -> Option<u32> {
        self.ids.find(id)
    }

    /// The id of the user at `ix`.
    #[doc(hidden)]
    pub fn user_id(&self, ix: u32) -> Option<&str> {
        self.ids.get(ix)
    }

    /// The display name of the user at `ix` (`name` in the directory), if it has one.
    pub fn name_of(&self, ix: u32) -> Option<&str> {
        let end = *self.name_ends.get(ix as usize)? as usize;
        let start = match ix.checked_sub(1) {
            Some(prev) => self.name_ends.get(prev as usize).copied().unwrap_or(0) as usize,
            None => 0,
        };
        self.name_text.get(start..end).filter(|n| !n.is_empty())
    }

    /// How a user is named in messages: the display name, else the id.
    #[doc(hidden)]
    pub fn user_words(&self, ix: u32) -> Option<&str> {
        self.name_of(ix).or_else(|| self.user_id(ix))
    }

    /// The tenant symbol of a string (user ids are symbols `0..users`), or `NONE32`.
    #[doc(hidden)]
    pub fn sym(&self, s: &str) -> u32 {
        self.ids
            .find(s)
            .or_else(|| self.syms.get(s).copied())
            .unwrap_or(NONE32)
    }

    /// The string of a tenant symbol.
    #[doc(hidden)]
    pub fn sym_str(&self, sym: u32) -> Option<&str> {
        let n = self.users.len() as u32;
        if sym < n {
            self.ids.get(sym)
        } else {
            self.sym_list.get((sym - n) as usize).map(String::as_str)
        }
    }

    /// Approximate heap bytes held by the compiled directory.
    pub fn heap_bytes(&self) -> usize {
        self.ids.heap_bytes()
            + self.users.heap_bytes()
            + self.team_ends.capacity() * 4
            + self.team_syms.capacity() * 4
            + self.attrs.capacity() * std::mem::size_of::<Val>()
            + self
                .sym_list
                .iter()
                .map(|s| s.capacity() * 2 + 40)
                .sum::<usize>()
            + self.grants.capacity() * 16
            + self.name_text.capacity()
            + self.name_ends.capacity() * 4
    }

    /// The manager of `user`, or `NONE32`.
    pub(crate) fn manager_of(&self, user: u32) -> u32 {
        self.users
            .get(user as usize)
            .map(|u| u.manager)
            .unwrap_or(NONE32)
    }

    /// The organisation of `user` as a symbol, or `NONE32`.
    pub(crate) fn org_of(&self, user: u32) -> u32 {
        self.users
            .get(user as usize)
            .map(|u| u.org)
            .unwrap_or(NONE32)
    }

    /// The users of `boss`'s reporting line (`boss` and everyone below), in directory order:
    /// the length of the line, not of the directory, once the pre-order index exists.
    pub(crate) fn line(&self, boss: u32) -> Vec<u32> {
        let Some(b) = self.users.get(boss as usize) else {
            return Vec::new();
        };
        let order = self.by_pre.get_or_init(|| {
            let mut order = vec![0u32; self.users.len()];
            for (u, rec) in self.users.iter().enumerate() {
                if let Some(slot) = order.get_mut(rec.pre as usize) {
                    *slot = u as u32;
                }
            }
            order
        });
        let mut line = order
            .get(b.pre as usize..b.end as usize)
            .unwrap_or_default()
            .to_vec();
        line.sort_unstable();
        line
    }

    /// The number of users in `boss`'s reporting line, `boss` included.
    pub(crate) fn line_len(&self, boss: u32) -> usize {
        self.users
            .get(boss as usize)
            .map_or(0, |b| b.end.saturating_sub(b.pre) as usize)
    }

    /// True when `sub` is `boss` or below `boss` in the manager forest.
    pub(crate) fn in_line(&self, boss: u32, sub: u32) -> bool {
        match (self.users.get(boss as usize), self.users.get(sub as usize)) {
            (Some(b), Some(s)) => b.pre <= s.pre && s.pre < b.end,
            _ => false,
        }
    }

    /// The teams of a user, as symbols.
    pub(crate) fn teams_of(&self, user: u32) -> &[u32] {
        let end = self.team_ends.get(user as usize).copied().unwrap_or(0) as usize;
        let start = if user == 0 {
            0
        } else {
            self.team_ends.get(user as usize - 1).copied().unwrap_or(0) as usize
        };
        self.team_syms.get(start..end).unwrap_or(&[])
    }

    /// The value of user attribute `attr` for `user`.
    pub(crate) fn attr(&self, user: u32, attr: u8) -> Val {
        let n = self.engine.user_attrs.len();
        self.attrs
            .get(
                (user as usize)
                    .saturating_mul(n)
                    .saturating_add(attr as usize),
            )
            .copied()
            .unwrap_or(Val::Absent)
    }

    /// True when setting `s` is on in this account.
    pub(crate) fn setting_on(&self, s: u8) -> bool {
        self.settings & (1u64 << (s & 63)) != 0
    }
}

/// Compiles a directory handed over as JSON text, whole or in parts: the directory with an
/// empty `users` array, then the users as JSON arrays, part after part. The parts need never
/// be in memory together, and the result is the same as for the whole text: the same tenant,
/// the same errors in the same order, except that a syntax error, an input over the size
/// limit or a nesting too deep is reported by position in the parts (read the whole text to
/// report it as [`Tenant::from_json`] does).
#[cfg(feature = "compiler")]
pub struct TenantBuilder {
    c: DirectoryCompiler,
    bytes: usize,
    failed: Option<Error>,
}

#[cfg(feature = "compiler")]
impl TenantBuilder {
    /// A builder for a directory of about `users` users (a hint that sizes the tables).
    pub fn new(engine: Arc<Engine>, users: usize) -> Self {
        TenantBuilder {
            c: DirectoryCompiler::new(engine, users),
            bytes: 0,
            failed: None,
        }
    }

    /// Reads the whole directory, or the directory with its users still to come through
    /// [`users`](TenantBuilder::users). False when the text cannot be read (the error comes
    /// from [`finish`](TenantBuilder::finish)).
    pub fn text(&mut self, text: &str) -> bool {
        self.read(text, read::directory)
    }

    /// Reads a JSON array of further users. False when the text cannot be read, or the
    /// directory read so far has no `users` array to add to.
    pub fn users(&mut self, text: &str) -> bool {
        self.read(text, read::users)
    }

    /// True when something could not be read: syntax, size or depth.
    pub fn failed(&self) -> bool {
        self.failed.is_some()
    }

    fn read(
        &mut self,
        text: &str,
        how: fn(&mut DirectoryCompiler, &str) -> Result<(), String>,
    ) -> bool {
        if self.failed.is_some() {
            return false;
        }
        self.bytes = self.bytes.saturating_add(text.len());
        if let Err(e) = limits::check(
            self.bytes,
            limits::MAX_INPUT_BYTES,
            "input_too_large",
            "the input size in bytes",
            "",
        ) {
            self.failed = Some(e);
            return false;
        }
        if let Err(e) = how(&mut self.c, text) {
            self.failed = Some(Error::new(
                "invalid_json",
                format!("the input is not valid JSON: {e}"),
                "",
            ));
            return false;
        }
        if self.c.refused() {
            self.failed = Some(Error::new(
                "invalid_input",
                "users must be added as an array to a directory with a `users` array",
                "",
            ));
            return false;
        }
        if self.c.depth() > limits::MAX_JSON_DEPTH {
            self.failed = Some(limits::exceeded(
                "too_deep",
                "the nesting depth",
                limits::MAX_JSON_DEPTH,
                "",
            ));
            return false;
        }
        true
    }

    /// The compiled tenant, or every error.
    pub fn finish(self) -> Result<Tenant, Errors> {
        match self.failed {
            Some(e) => Err(e.into()),
            None => self.c.finish(),
        }
    }
}
