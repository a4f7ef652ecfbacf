//! The directory compiler: takes a directory's own fields and its users one at a time, in any
//! order, and compiles them into a [`Tenant`] at [`DirectoryCompiler::finish`].
//!
//! Users arrive while the text is still being read (see [`super::read`]), so nothing about a
//! user may wait for the directory's other fields or for later users: whatever does (the plan's
//! default system roles, the home organisation, managers named before they appear, symbol
//! numbers, which put the policy's literals first) is settled in `finish`. A user costs its
//! compiled row and nothing else once it has been read: no tree of the users array is built.
//!
//! Errors keep the order of the one-pass-per-kind compiler this replaces: the directory's own
//! fields first (keys, plan, settings, users, org), then user by user in input order (id,
//! role and system roles, manager, organisation, teams, grants, then manager cycles), each
//! error tagged with its user and stage as it is found and sorted once at the end.

use super::{Tenant, UserRec};
use crate::engine::{Engine, NONE16, NONE32};
use crate::error::{join, Error, Errors, Sink};
use crate::hasher::{map_with_capacity, Map, Set};
use crate::json::{object, str_list, Fields, Json};
use crate::limits;
use crate::tenant::ids::IdTable;
use crate::tenant::value::Val;
use std::borrow::Cow;
use std::sync::Arc;

const DIRECTORY_KEYS: &[&str] = &["plan", "org", "settings", "users", "name"];

/// Slots of the user fields the compiler reads; attributes the policy reads follow.
const ID: usize = 0;
const ROLE: usize = 1;
const SYSTEM_ROLES: usize = 2;
const MANAGER: usize = 3;
const ORG: usize = 4;
const TEAMS: usize = 5;
const GRANTS: usize = 6;
const NAME: usize = 7;
const FIXED: usize = 8;

/// Error stages within one user (the order the former passes reported them in).
const STAGE_ID: u64 = 0;
const STAGE_ROLE: u64 = 1;
const STAGE_MANAGER: u64 = 2;
const STAGE_REST: u64 = 3;
const STAGE_CYCLE: u64 = 4;

/// One value of a user field, as read: strings borrowed from the input where possible,
/// arrays and objects (rare: teams, grants, system roles) as a [`Json`].
#[derive(Debug)]
pub(crate) enum Field<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(Cow<'a, str>),
    Tree(Cow<'a, Json>),
}

impl Field<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Field::Null => "null",
            Field::Bool(_) => "a boolean",
            Field::Num(_) => "a number",
            Field::Str(_) => "a string",
            Field::Tree(j) => j.kind(),
        }
    }

    /// The value as a [`Json`], for the shared readers of lists and objects.
    fn json(&self) -> Cow<'_, Json> {
        match self {
            Field::Null => Cow::Owned(Json::Null),
            Field::Bool(b) => Cow::Owned(Json::Bool(*b)),
            Field::Num(n) => Cow::Owned(Json::Num(*n)),
            Field::Str(s) => Cow::Owned(Json::Str(s.to_string())),
            Field::Tree(j) => Cow::Borrowed(j.as_ref()),
        }
    }
}

/// The fields of one user the compiler reads (the first value of each key), reused from user
/// to user.
#[derive(Debug, Default)]
pub(crate) struct UserSlots<'a> {
    /// `Some(kind)` when the user is not an object.
    not_object: Option<&'static str>,
    slots: Vec<Option<Field<'a>>>,
}

impl<'a> UserSlots<'a> {
    /// Empty slots for a new user read as an object (`None`) or as another kind of value.
    pub(crate) fn reset(&mut self, width: usize, not_object: Option<&'static str>) {
        self.not_object = not_object;
        self.slots.clear();
        self.slots.resize_with(width, || None);
    }

    /// Keeps `value` in `slot` unless an earlier key filled it (the first value wins).
    pub(crate) fn keep(&mut self, slot: usize, value: Field<'a>) {
        if let Some(s) = self.wants(slot) {
            *s = Some(value);
        }
    }

    /// The place for `slot`'s value, unless an earlier key filled it.
    pub(crate) fn wants(&mut self, slot: usize) -> Option<&mut Option<Field<'a>>> {
        self.slots.get_mut(slot).filter(|s| s.is_none())
    }

    fn get(&self, slot: usize) -> Option<&Field<'a>> {
        self.slots.get(slot).and_then(Option::as_ref)
    }
}

/// What the compiler wants from one key of the directory object.
pub(crate) enum TopKey {
    /// Keep its value ([`DirectoryCompiler::top_value`] with this index).
    Keep(usize),
    /// The users array: its elements go to [`DirectoryCompiler::user`].
    Users,
    /// Read it (for syntax and depth) and drop it.
    Skip,
}

/// Where a user attribute the policy reads comes from.
#[derive(Clone, Copy)]
enum AttrSrc {
    Id,
    Org,
    Manager,
    Role,
    Slot(usize),
}

#[derive(PartialEq)]
enum UsersField {
    Missing,
    NotArray(&'static str),
    Array,
}

/// The state of one directory being compiled.
pub(crate) struct DirectoryCompiler {
    engine: Arc<Engine>,
    /// The directory's keys in input order with the first `plan`, `org` and `settings` values
    /// (other values are not kept); `None` until the directory is seen to be an object.
    top: Option<Vec<(String, Json)>>,
    /// The kind of the directory when it is not an object.
    top_kind: Option<&'static str>,
    kept: [bool; 3],
    users_field: UsersField,
    /// Users read so far, whether kept or not (the index of the next one).
    count: usize,
    too_many: bool,
    refused: bool,
    ids: IdTable,
    users: Vec<UserRec>,
    team_ends: Vec<u32>,
    team_syms: Vec<u32>,
    grants: Set<(u32, u16, u32)>,
    attrs: Vec<Val>,
    /// Display names (see [`Tenant::name_of`]): all of them concatenated, and each user's end
    /// offset; both empty until a user has a name.
    name_text: String,
    name_ends: Vec<u32>,
    attr_src: Vec<AttrSrc>,
    /// Attribute names read from users beyond the fixed fields (slots `FIXED..`).
    custom: Vec<String>,
    /// Managers named before their user appeared: (user, manager id).
    pending: Vec<(u32, String)>,
    /// Strings met in users that are not yet known to be user ids, in order of appearance:
    /// provisional symbols, renumbered in `finish`.
    prov: Map<String, u32>,
    prov_list: Vec<String>,
    /// The last role name looked up and its index (most users share a few roles).
    last_role: Option<(String, u16)>,
    sink: Sink,
    /// Sort key of each error in `sink`: user index + 1 and stage; 0 for the directory's own.
    keys: Vec<u64>,
    /// Nesting depth of the directory without its users, and of the deepest user.
    top_depth: usize,
    user_depth: Option<usize>,
}

impl DirectoryCompiler {
    /// A compiler for a directory of about `users` users (a hint: more or fewer are fine).
    pub(crate) fn new(engine: Arc<Engine>, users: usize) -> Self {
        let users = users.min(limits::MAX_USERS);
        let mut custom = Vec::new();
        let attr_src = engine
            .user_attrs
            .iter()
            .map(|name| match name.as_str() {
                "id" => AttrSrc::Id,
                "org" => AttrSrc::Org,
                "managerId" => AttrSrc::Manager,
                "role" => AttrSrc::Role,
                other => AttrSrc::Slot(fixed_slot(other).unwrap_or_else(|| {
                    FIXED
                        + custom.iter().position(|c| c == other).unwrap_or_else(|| {
                            custom.push(other.to_owned());
                            custom.len() - 1
                        })
                })),
            })
            .collect();
        DirectoryCompiler {
            users: Vec::with_capacity(users),
            ids: IdTable::with_capacity(users, 0),
            attrs: Vec::with_capacity(users.saturating_mul(engine.user_attrs.len())),
            name_text: String::new(),
            name_ends: Vec::new(),
            engine,
            top: None,
            top_kind: None,
            kept: [false; 3],
            users_field: UsersField::Missing,
            count: 0,
            too_many: false,
            refused: false,
            team_ends: Vec::new(),
            team_syms: Vec::new(),
            grants: Set::with_hasher(Default::default()),
            attr_src,
            custom,
            pending: Vec::new(),
            prov: map_with_capacity(0),
            prov_list: Vec::new(),
            last_role: None,
            sink: Sink::default(),
            keys: Vec::new(),
            top_depth: 0,
            user_depth: None,
        }
    }

    /// The directory is an object (its keys follow).
    pub(crate) fn top_object(&mut self) {
        self.top.get_or_insert_with(Vec::new);
    }

    /// The directory is not an object but `kind`.
    pub(crate) fn top_not_object(&mut self, kind: &'static str) {
        self.top_kind = Some(kind);
    }

    /// One key of the directory object, in input order.
    pub(crate) fn top_key(&mut self, key: &str) -> TopKey {
        let Some(top) = self.top.as_mut() else {
            return TopKey::Skip;
        };
        top.push((key.to_owned(), Json::Null));
        let which = match key {
            "plan" => 0,
            "org" => 1,
            "settings" => 2,
            "users" if self.users_field == UsersField::Missing => {
                // Assume an array until the value says otherwise.
                self.users_field = UsersField::Array;
                return TopKey::Users;
            }
            _ => return TopKey::Skip,
        };
        match self.kept.get_mut(which) {
            Some(k) if !*k => {
                *k = true;
                TopKey::Keep(top.len() - 1)
            }
            _ => TopKey::Skip,
        }
    }

    /// The value of a key [`top_key`](DirectoryCompiler::top_key) asked to keep.
    pub(crate) fn top_value(&mut self, at: usize, value: Json) {
        if let Some((_, v)) = self.top.as_mut().and_then(|t| t.get_mut(at)) {
            *v = value;
        }
    }

    /// The first `users` value is not an array but `kind`.
    pub(crate) fn users_not_array(&mut self, kind: &'static str) {
        self.users_field = UsersField::NotArray(kind);
    }

    /// True when users may be added (the directory's `users` is an array).
    pub(crate) fn takes_users(&self) -> bool {
        self.users_field == UsersField::Array
    }

    /// A part that cannot be added: not an array of users, or no users array to add to.
    pub(crate) fn refuse(&mut self) {
        self.refused = true;
    }

    /// True when a part was refused.
    pub(crate) fn refused(&self) -> bool {
        self.refused
    }

    /// Nesting depth of the directory without its users' contents.
    pub(crate) fn note_top_depth(&mut self, depth: usize) {
        self.top_depth = self.top_depth.max(depth);
    }

    /// Nesting depth of one user (as a value of its own).
    pub(crate) fn note_user_depth(&mut self, depth: usize) {
        self.user_depth = Some(self.user_depth.map_or(depth, |d| d.max(depth)));
    }

    /// Nesting depth of the whole directory.
    pub(crate) fn depth(&self) -> usize {
        self.top_depth
            .max(self.user_depth.map_or(0, |d| d.saturating_add(2)))
    }

    /// How many slots a user needs.
    pub(crate) fn width(&self) -> usize {
        FIXED + self.custom.len()
    }

    /// The slot a user key fills, if the compiler reads it.
    pub(crate) fn slot_of(&self, key: &str) -> Option<usize> {
        fixed_slot(key).or_else(|| self.custom.iter().position(|c| c == key).map(|k| FIXED + k))
    }

    fn tag(&mut self, user: u32, stage: u64) {
        let key = ((user as u64 + 1) << 3) | stage;
        self.keys.resize(self.sink.errors.len(), key);
    }

    /// A string value, checked against the string length limit (as [`crate::json::string`]).
    fn string<'f>(&mut self, v: &'f Field<'_>, path: impl FnOnce() -> String) -> Option<&'f str> {
        match v {
            Field::Str(s) if s.len() > limits::MAX_STRING_BYTES => {
                self.sink.errors.push(limits::exceeded(
                    "string_too_long",
                    "the string length in bytes",
                    limits::MAX_STRING_BYTES,
                    path(),
                ));
                None
            }
            Field::Str(s) => Some(s),
            other => {
                self.sink.err(
                    "invalid_type",
                    format!("expected a string, found {}", other.kind()),
                    path(),
                );
                None
            }
        }
    }

    /// A provisional symbol for a string that is not known to be a user id yet.
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&k) = self.prov.get(s) {
            return k;
        }
        let k = self.prov_list.len() as u32;
        self.prov.insert(s.to_owned(), k);
        self.prov_list.push(s.to_owned());
        k
    }

    /// The next user.
    pub(crate) fn user(&mut self, u: &UserSlots<'_>) {
        let i = self.count;
        self.count += 1;
        if self.too_many {
            return;
        }
        if i >= limits::MAX_USERS {
            // Only the directory's own errors and this one are reported: drop the rest now.
            self.too_many = true;
            self.keys.clear();
            self.sink.errors.clear();
            self.users = Vec::new();
            return;
        }
        let ix = i as u32;
        self.id(u, i);
        self.tag(ix, STAGE_ID);
        let mut rec = UserRec {
            sys: 0,
            manager: NONE32,
            pre: NONE32,
            end: 0,
            org: NONE32,
            role: NONE16,
            external: false,
        };
        if let Some(kind) = u.not_object {
            self.sink.err(
                "invalid_type",
                format!("a user must be an object, found {kind}"),
                format!("/users/{i}"),
            );
            self.tag(ix, STAGE_ROLE);
            // Every user takes a place in the name table, named or not.
            self.name(u, i);
        } else {
            rec.role = self.role(u, i);
            rec.sys = self.system_roles(u, i);
            self.tag(ix, STAGE_ROLE);
            rec.manager = self.manager(u, ix);
            self.tag(ix, STAGE_MANAGER);
            if let Some(org) = u.get(ORG) {
                if let Some(o) = self.string(org, || format!("/users/{i}/org")) {
                    rec.org = self.intern(o);
                }
            }
            self.teams(u, ix);
            if let Some(g) = u.get(GRANTS) {
                self.grants(&g.json(), &format!("/users/{i}/grants"), ix);
            }
            self.name(u, i);
            self.tag(ix, STAGE_REST);
        }
        for a in 0..self.attr_src.len() {
            let v = self.user_attr(u, a, ix, &rec);
            self.attrs.push(v);
        }
        self.users.push(rec);
    }

    /// The user's display name, if any: a string (or null for none). The name table starts
    /// with the first named user, so a directory without names keeps nothing.
    fn name(&mut self, u: &UserSlots<'_>, i: usize) {
        let name = match u.get(NAME) {
            None | Some(Field::Null) => None,
            Some(v) => self.string(v, || format!("/users/{i}/name")),
        };
        if let Some(name) = name.filter(|n| !n.is_empty()) {
            if self.name_ends.is_empty() {
                self.name_ends = vec![0; i];
            }
            self.name_text.push_str(name);
        }
        if !self.name_ends.is_empty() || !self.name_text.is_empty() {
            self.name_ends.push(self.name_text.len() as u32);
        }
    }

    /// The user's id goes into the id table, or a placeholder that takes its index.
    fn id(&mut self, u: &UserSlots<'_>, i: usize) {
        let at = || format!("/users/{i}/id");
        let id = match (u.not_object, u.get(ID)) {
            (None, Some(v)) => match self.string(v, at) {
                // No record could name this user, and `who` would list an empty id.
                Some("") => {
                    self.sink
                        .err("invalid_name", "a user id must not be empty", at());
                    None
                }
                other => other,
            },
            (None, None) => {
                self.sink
                    .err("missing_field", "every user needs an `id`", at());
                None
            }
            _ => None,
        };
        let id: Cow<'_, str> = match id {
            Some(s) => Cow::Borrowed(s),
            None => Cow::Owned(format!("\u{0}invalid-{i}")),
        };
        if let Err(first) = self.ids.insert(&id) {
            self.sink.err(
                "duplicate_id",
                format!("the user id `{id}` is already used by /users/{first}"),
                at(),
            );
            let _ = self.ids.insert(&format!("\u{0}duplicate-{i}"));
        }
    }

    fn role(&mut self, u: &UserSlots<'_>, i: usize) -> u16 {
        let path = || format!("/users/{i}/role");
        let Some(v) = u.get(ROLE) else {
            self.sink
                .err("missing_field", "every user needs a `role`", path());
            return NONE16;
        };
        let Some(name) = self.string(v, path) else {
            return NONE16;
        };
        if let Some((last, r)) = &self.last_role {
            if last == name {
                return *r;
            }
        }
        let engine = Arc::clone(&self.engine);
        match engine.role_ix.get(name).copied() {
            Some(r)
                if engine
                    .roles
                    .get(r as usize)
                    .map(|x| !x.system)
                    .unwrap_or(false) =>
            {
                self.last_role = Some((name.to_owned(), r));
                r
            }
            Some(_) => {
                self.sink.err(
                    "unknown_role",
                    format!("`{name}` is a system role; put it in `systemRoles`"),
                    path(),
                );
                NONE16
            }
            None => {
                let all: Vec<&str> = engine
                    .roles
                    .iter()
                    .filter(|r| !r.system)
                    .map(|r| r.name.as_str())
                    .collect();
                self.sink.err(
                    "unknown_role",
                    format!(
                        "the role `{name}` is not declared; expected one of `{}`",
                        all.join("`, `")
                    ),
                    path(),
                );
                NONE16
            }
        }
    }

    /// The system roles a user names (the role's defaults are added in `finish`, once the
    /// plan is known).
    fn system_roles(&mut self, u: &UserSlots<'_>, i: usize) -> u64 {
        let Some(v) = u.get(SYSTEM_ROLES) else {
            return 0;
        };
        let path = format!("/users/{i}/systemRoles");
        let mut bits = 0u64;
        let engine = Arc::clone(&self.engine);
        for (name, p) in str_list(&v.json(), &path, &mut self.sink)
            .into_iter()
            .take(limits::MAX_PER_USER)
        {
            match engine
                .role_ix
                .get(name)
                .and_then(|&r| engine.roles.get(r as usize))
            {
                Some(r) if r.system => bits |= 1u64 << (r.sys_bit & 63),
                _ => self.sink.err(
                    "unknown_role",
                    format!("the system role `{name}` is not declared"),
                    p,
                ),
            }
        }
        bits
    }

    fn manager(&mut self, u: &UserSlots<'_>, me: u32) -> u32 {
        let path = || format!("/users/{me}/managerId");
        let v = match u.get(MANAGER) {
            None | Some(Field::Null) => return NONE32,
            Some(v) => v,
        };
        let Some(m) = self.string(v, path) else {
            return NONE32;
        };
        match self.ids.find(m) {
            Some(ix) if ix == me => {
                self.sink.err(
                    "manager_cycle",
                    format!("user `{m}` is their own manager"),
                    path(),
                );
                NONE32
            }
            Some(ix) => ix,
            None => {
                // Perhaps a later user: settled in `finish`.
                self.pending.push((me, m.to_owned()));
                NONE32
            }
        }
    }

    fn teams(&mut self, u: &UserSlots<'_>, ix: u32) {
        let Some(teams) = u.get(TEAMS) else {
            return;
        };
        let path = format!("/users/{ix}/teams");
        let teams = teams.json();
        let list = str_list(&teams, &path, &mut self.sink);
        if list.len() > limits::MAX_PER_USER {
            self.sink.errors.push(limits::exceeded(
                "too_many_teams",
                "the number of teams",
                limits::MAX_PER_USER,
                path,
            ));
        }
        let start = self.team_syms.len();
        for (t, _) in list.into_iter().take(limits::MAX_PER_USER) {
            let sym = self.intern(t);
            self.team_syms.push(sym);
        }
        if self.team_syms.len() > start {
            // Users without teams after the last one with teams need no entry (`teams_of`).
            self.team_ends.resize(ix as usize, start as u32);
            self.team_ends.push(self.team_syms.len() as u32);
        }
    }

    fn grants(&mut self, g: &Json, at: &str, user: u32) {
        let mut count = 0usize;
        let engine = Arc::clone(&self.engine);
        for (ty, list) in object(g, at, &mut self.sink) {
            let tpath = join(at, ty);
            let Some(t) = engine.type_ix.get(ty).copied() else {
                self.sink.err(
                    "unknown_type",
                    format!("the type `{ty}` is not declared by the policy"),
                    tpath,
                );
                continue;
            };
            for (id, _) in str_list(list, &tpath, &mut self.sink) {
                count += 1;
                if count > limits::MAX_PER_USER {
                    self.sink.errors.push(limits::exceeded(
                        "too_many_grants",
                        "the number of grants",
                        limits::MAX_PER_USER,
                        at,
                    ));
                    return;
                }
                let sym = self.intern(id);
                self.grants.insert((user, t, sym));
            }
        }
    }

    /// Attribute `a` of a user; organisation and manager wait for `finish`.
    fn user_attr(&mut self, u: &UserSlots<'_>, a: usize, ix: u32, rec: &UserRec) -> Val {
        match self.attr_src.get(a).copied() {
            None | Some(AttrSrc::Org) | Some(AttrSrc::Manager) => Val::Absent,
            Some(AttrSrc::Id) => Val::Str(ix),
            Some(AttrSrc::Role) => {
                let engine = Arc::clone(&self.engine);
                match engine.roles.get(rec.role as usize) {
                    Some(r) => Val::Str(self.intern(&r.name)),
                    None => Val::Absent,
                }
            }
            Some(AttrSrc::Slot(s)) => match u.get(s) {
                None | Some(Field::Tree(_)) => Val::Absent,
                Some(Field::Null) => Val::Null,
                Some(Field::Bool(b)) => Val::Bool(*b),
                Some(Field::Num(n)) => Val::Num(*n),
                Some(Field::Str(s)) if s.len() <= limits::MAX_STRING_BYTES => {
                    Val::Str(self.intern(s))
                }
                Some(Field::Str(_)) => Val::Absent,
            },
        }
    }

    /// Settles what waited for the whole directory and returns the tenant, or every error.
    pub(crate) fn finish(mut self) -> Result<Tenant, Errors> {
        let Some(pairs) = self.top.take() else {
            let kind = self.top_kind.unwrap_or("null");
            return Err(Error::new(
                "invalid_type",
                format!("expected an object, found {kind}"),
                "",
            )
            .into());
        };
        let doc = Json::Obj(pairs);
        let mut dir = Sink::default();
        let Some(top) = Fields::open(&doc, "", DIRECTORY_KEYS, &mut dir) else {
            return Err(errors(dir.errors));
        };
        let plan = self.plan(&top, &mut dir);
        let settings = self.settings(&top, &mut dir);
        match self.users_field {
            UsersField::Missing => {
                dir.err("missing_field", "the field `users` is required", "/users")
            }
            UsersField::NotArray(kind) => dir.err(
                "invalid_type",
                format!("expected an array, found {kind}"),
                "/users",
            ),
            UsersField::Array => {}
        }
        if self.too_many {
            dir.errors.push(limits::exceeded(
                "too_many_users",
                "the number of users",
                limits::MAX_USERS,
                "/users",
            ));
            return Err(errors(dir.errors));
        }
        let home = top.opt_str("org", &mut dir).map(str::to_owned);
        self.resolve_pending();
        for first in super::forest::number(&mut self.users) {
            self.sink.err(
                "manager_cycle",
                format!("the managers of user /users/{first} form a cycle back to them"),
                format!("/users/{first}/managerId"),
            );
            self.tag(first as u32, STAGE_CYCLE);
        }
        if !dir.errors.is_empty() || !self.sink.errors.is_empty() {
            let mut keyed: Vec<(u64, u32)> = self
                .keys
                .iter()
                .enumerate()
                .map(|(i, &k)| (k, i as u32))
                .collect();
            crate::error::sort_pairs(&mut keyed);
            let mut slots: Vec<Option<Error>> = self.sink.errors.into_iter().map(Some).collect();
            let mut all = dir.errors;
            all.extend(
                keyed
                    .iter()
                    .filter_map(|&(_, i)| slots.get_mut(i as usize).and_then(Option::take)),
            );
            return Err(errors(all));
        }
        Ok(self.settle(plan, settings, home.as_deref()))
    }

    /// Managers named before their user appeared.
    fn resolve_pending(&mut self) {
        for (me, m) in std::mem::take(&mut self.pending) {
            let path = || format!("/users/{me}/managerId");
            match self.ids.find(&m) {
                Some(ix) if ix == me => self.sink.err(
                    "manager_cycle",
                    format!("user `{m}` is their own manager"),
                    path(),
                ),
                Some(ix) => {
                    if let Some(u) = self.users.get_mut(me as usize) {
                        u.manager = ix;
                    }
                }
                None => self.sink.err(
                    "unknown_manager",
                    format!("the manager `{m}` is not a user of this directory"),
                    path(),
                ),
            }
            self.tag(me, STAGE_MANAGER);
        }
    }

    /// Final symbols (user ids, then the policy's literals, the home organisation, then the
    /// strings users name, in order), the plan's default system roles, organisations.
    fn settle(mut self, plan: u8, settings: u64, home: Option<&str>) -> Tenant {
        let n = self.users.len();
        let mut syms: Map<String, u32> = map_with_capacity(64);
        let mut sym_list: Vec<String> = Vec::new();
        let ids = &self.ids;
        let mut intern = |s: &str| -> u32 {
            if let Some(ix) = ids.find(s) {
                return ix;
            }
            if let Some(&sym) = syms.get(s) {
                return sym;
            }
            let sym = (n + sym_list.len()) as u32;
            syms.insert(s.to_owned(), sym);
            sym_list.push(s.to_owned());
            sym
        };
        let lit_map: Vec<u32> = self.engine.literals.iter().map(|l| intern(l)).collect();
        let org = home.map(&mut intern).unwrap_or(NONE32);
        let prov: Vec<u32> = self.prov_list.iter().map(|s| intern(s)).collect();
        let final_sym = |k: u32| prov.get(k as usize).copied().unwrap_or(NONE32);
        // Default system roles (SE-6) are not merged here: they depend on the plan a question
        // is asked on (a what-if plan too), see `Tenant::sys_at`.
        for rec in self.users.iter_mut() {
            if rec.org == NONE32 {
                rec.org = org;
            } else {
                rec.org = final_sym(rec.org);
                rec.external = org != NONE32 && rec.org != org;
            }
        }
        for s in self.team_syms.iter_mut() {
            *s = final_sym(*s);
        }
        let grants = if self.grants.is_empty() {
            self.grants
        } else {
            self.grants
                .iter()
                .map(|&(u, t, s)| (u, t, final_sym(s)))
                .collect::<Set<_>>()
        };
        let width = self.attr_src.len();
        if width > 0 {
            for (i, row) in self.attrs.chunks_mut(width).enumerate() {
                let Some(rec) = self.users.get(i) else {
                    break;
                };
                for (v, src) in row.iter_mut().zip(&self.attr_src) {
                    *v = match (src, *v) {
                        (AttrSrc::Org, _) if rec.org == NONE32 => Val::Null,
                        (AttrSrc::Org, _) => Val::Str(rec.org),
                        (AttrSrc::Manager, _) if rec.manager == NONE32 => Val::Null,
                        (AttrSrc::Manager, _) => Val::Str(rec.manager),
                        (AttrSrc::Role | AttrSrc::Slot(_), Val::Str(k)) => Val::Str(final_sym(k)),
                        (_, v) => v,
                    };
                }
            }
        }
        let mut ids = self.ids;
        ids.shrink_to_fit();
        Tenant {
            engine: self.engine,
            plan,
            settings,
            org,
            ids,
            users: super::users::Users::encode(&self.users),
            syms,
            sym_list,
            lit_map,
            team_ends: self.team_ends,
            team_syms: self.team_syms,
            grants,
            attrs: self.attrs,
            name_text: self.name_text,
            name_ends: self.name_ends,
            by_pre: std::sync::OnceLock::new(),
            snapshot: None,
        }
    }

    fn plan(&self, top: &Fields<'_>, sink: &mut Sink) -> u8 {
        let Some(name) = top.req_str("plan", sink) else {
            return 0;
        };
        match self.engine.plan_index(name) {
            Some(p) => p,
            None => {
                let all = self.engine.plans.join("`, `");
                sink.err(
                    "unknown_plan",
                    format!("the plan `{name}` is not declared; expected one of `{all}`"),
                    "/plan",
                );
                0
            }
        }
    }

    fn settings(&self, top: &Fields<'_>, sink: &mut Sink) -> u64 {
        let mut bits = 0u64;
        for (i, s) in self.engine.settings.iter().enumerate() {
            if s.default {
                bits |= 1 << (i & 63);
            }
        }
        let Some((v, at)) = top.get("settings") else {
            return bits;
        };
        for (name, value) in object(v, &at, sink) {
            let path = join(&at, name);
            let Some(i) = self.engine.settings.iter().position(|s| &s.name == name) else {
                sink.err(
                    "unknown_setting",
                    format!("the setting `{name}` is not declared by the policy"),
                    path,
                );
                continue;
            };
            match value {
                Json::Bool(true) => bits |= 1 << (i & 63),
                Json::Bool(false) => bits &= !(1 << (i & 63)),
                other => sink.err(
                    "invalid_type",
                    format!(
                        "the setting `{name}` must be a boolean, found {}",
                        other.kind()
                    ),
                    path,
                ),
            }
        }
        bits
    }
}

fn fixed_slot(key: &str) -> Option<usize> {
    Some(match key {
        "id" => ID,
        "role" => ROLE,
        "systemRoles" => SYSTEM_ROLES,
        "managerId" => MANAGER,
        "org" => ORG,
        "teams" => TEAMS,
        "grants" => GRANTS,
        "name" => NAME,
        _ => return None,
    })
}

fn errors(list: Vec<Error>) -> Errors {
    Errors::from_vec(list).unwrap_or_else(|| {
        Error::new("invalid_directory", "the directory could not be read", "").into()
    })
}
