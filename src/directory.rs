//! Directories: one account's plan, settings and users, validated and compiled into a
//! [`Tenant`] once, against a compiled [`Engine`].
//!
//! The manager forest is numbered in pre-order (`pre`) with each subtree's end (`end`), so
//! "is `o` in `u`'s reporting line" is `pre[u] <= pre[o] < end[u]`: two array reads at any
//! depth. Cycles and unknown managers are errors that name the first offending entry.

use crate::compile::{Engine, NONE16, NONE32};
use crate::error::{join, Error, Errors, Sink};
use crate::eval::Val;
use crate::hasher::{map_with_capacity, Map, Set};
use crate::ids::IdTable;
use crate::json::{array, object, string, Fields, Json};
use crate::limits;
use std::sync::Arc;

const DIRECTORY_KEYS: &[&str] = &["plan", "org", "settings", "users", "name"];

/// One user in dense form.
#[derive(Debug, Clone, Copy)]
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
    pub(crate) users: Vec<UserRec>,
    /// Strings that are not user ids: teams, organisations, granted record ids, literals.
    pub(crate) syms: Map<String, u32>,
    pub(crate) sym_list: Vec<String>,
    /// Engine literal index → tenant symbol.
    pub(crate) lit_map: Vec<u32>,
    pub(crate) team_ends: Vec<u32>,
    pub(crate) team_syms: Vec<u32>,
    pub(crate) grants: Set<(u32, u16, u32)>,
    pub(crate) attrs: Vec<Val>,
}

impl Tenant {
    /// Validates and compiles a directory against `engine`.
    pub fn new(engine: Arc<Engine>, doc: &Json) -> Result<Tenant, Errors> {
        let mut sink = Sink::default();
        let tenant = Build::new(engine, &mut sink).run(doc);
        // Input order (the directory's own fields, then user by user), whichever pass found
        // each error: the first error names the first offending entry.
        let mut keyed: Vec<(u64, u32)> = sink
            .errors
            .iter()
            .enumerate()
            .map(|(i, e)| (user_of(e.path()).map_or(0, |u| u as u64 + 1), i as u32))
            .collect();
        crate::error::sort_pairs(&mut keyed);
        let mut slots: Vec<Option<Error>> = sink.errors.into_iter().map(Some).collect();
        let errors: Vec<Error> = keyed
            .iter()
            .filter_map(|&(_, i)| slots.get_mut(i as usize).and_then(Option::take))
            .collect();
        match (Errors::from_vec(errors), tenant) {
            (Some(errors), _) => Err(errors),
            (None, Some(t)) => Ok(t),
            (None, None) => {
                Err(Error::new("invalid_directory", "the directory could not be read", "").into())
            }
        }
    }

    /// Parses JSON text and compiles it.
    pub fn from_json(engine: Arc<Engine>, text: &str) -> Result<Tenant, Errors> {
        Tenant::new(engine, &Json::parse(text)?)
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
    pub fn user_index(&self, id: &str) -> Option<u32> {
        self.ids.find(id)
    }

    /// The id of the user at `ix`.
    pub fn user_id(&self, ix: u32) -> Option<&str> {
        self.ids.get(ix)
    }

    /// The tenant symbol of a string (user ids are symbols `0..users`), or `NONE32`.
    pub fn sym(&self, s: &str) -> u32 {
        self.ids
            .find(s)
            .or_else(|| self.syms.get(s).copied())
            .unwrap_or(NONE32)
    }

    /// The string of a tenant symbol.
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
            + self.users.capacity() * std::mem::size_of::<UserRec>()
            + self.team_ends.capacity() * 4
            + self.team_syms.capacity() * 4
            + self.attrs.capacity() * std::mem::size_of::<Val>()
            + self
                .sym_list
                .iter()
                .map(|s| s.capacity() * 2 + 40)
                .sum::<usize>()
            + self.grants.capacity() * 16
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

/// The user an error path points into (`/users/7/managerId` → 7); `None` for the
/// directory's own fields, which sort first.
fn user_of(path: &str) -> Option<usize> {
    path.strip_prefix("/users/")?
        .split('/')
        .next()?
        .parse()
        .ok()
}

struct Build<'s> {
    engine: Arc<Engine>,
    sink: &'s mut Sink,
    syms: Map<String, u32>,
    sym_list: Vec<String>,
    /// The account's plan, once read.
    plan: u8,
}

impl<'s> Build<'s> {
    fn new(engine: Arc<Engine>, sink: &'s mut Sink) -> Self {
        Build {
            engine,
            sink,
            syms: map_with_capacity(64),
            sym_list: Vec::new(),
            plan: 0,
        }
    }

    fn intern(&mut self, ids: &IdTable, s: &str) -> u32 {
        if let Some(ix) = ids.find(s) {
            return ix;
        }
        if let Some(&sym) = self.syms.get(s) {
            return sym;
        }
        let sym = (ids.len() + self.sym_list.len()) as u32;
        self.syms.insert(s.to_owned(), sym);
        self.sym_list.push(s.to_owned());
        sym
    }

    fn run(mut self, doc: &Json) -> Option<Tenant> {
        let top = Fields::open(doc, "", DIRECTORY_KEYS, self.sink)?;
        let plan = self.plan(&top);
        self.plan = plan;
        let settings = self.settings(&top);
        let users_json = match top.get("users") {
            Some((v, at)) => array(v, &at, self.sink),
            None => {
                self.sink
                    .err("missing_field", "the field `users` is required", "/users");
                &[]
            }
        };
        if let Err(e) = limits::check(
            users_json.len(),
            limits::MAX_USERS,
            "too_many_users",
            "the number of users",
            "/users",
        ) {
            self.sink.errors.push(e);
            return None;
        }
        let ids = self.ids(users_json);
        // Literals come right after users so their symbols are stable per tenant.
        let lit_map: Vec<u32> = self
            .engine
            .literals
            .clone()
            .iter()
            .map(|l| self.intern(&ids, l))
            .collect();
        let org = top
            .opt_str("org", self.sink)
            .map(|o| self.intern(&ids, o))
            .unwrap_or(NONE32);
        let mut users = Vec::with_capacity(users_json.len());
        let mut managers = Vec::with_capacity(users_json.len());
        let mut team_ends = Vec::with_capacity(users_json.len());
        let mut team_syms = Vec::new();
        let mut grants = Set::with_hasher(Default::default());
        let n_attrs = self.engine.user_attrs.len();
        let mut attrs = Vec::with_capacity(users_json.len() * n_attrs);
        for (i, u) in users_json.iter().enumerate() {
            let at = format!("/users/{i}");
            let rec = self.user(
                u,
                &at,
                &ids,
                org,
                &mut team_syms,
                &mut grants,
                &mut managers,
            );
            team_ends.push(team_syms.len() as u32);
            users.push(rec);
            for a in 0..n_attrs {
                attrs.push(self.user_attr(u, i as u32, a, &rec, &ids));
            }
        }
        self.hierarchy(&mut users, &managers);
        if !self.sink.errors.is_empty() {
            return None;
        }
        Some(Tenant {
            engine: self.engine,
            plan,
            settings,
            org,
            ids,
            users,
            syms: self.syms,
            sym_list: self.sym_list,
            lit_map,
            team_ends,
            team_syms,
            grants,
            attrs,
        })
    }

    fn plan(&mut self, top: &Fields<'_>) -> u8 {
        let Some(name) = top.req_str("plan", self.sink) else {
            return 0;
        };
        match self.engine.plan_index(name) {
            Some(p) => p,
            None => {
                let all = self.engine.plans.join("`, `");
                self.sink.err(
                    "unknown_plan",
                    format!("the plan `{name}` is not declared; expected one of `{all}`"),
                    "/plan",
                );
                0
            }
        }
    }

    fn settings(&mut self, top: &Fields<'_>) -> u64 {
        let mut bits = 0u64;
        for (i, s) in self.engine.settings.iter().enumerate() {
            if s.default {
                bits |= 1 << (i & 63);
            }
        }
        let Some((v, at)) = top.get("settings") else {
            return bits;
        };
        for (name, value) in object(v, &at, self.sink) {
            let path = join(&at, name);
            let Some(i) = self.engine.settings.iter().position(|s| &s.name == name) else {
                self.sink.err(
                    "unknown_setting",
                    format!("the setting `{name}` is not declared by the policy"),
                    path,
                );
                continue;
            };
            match value {
                Json::Bool(true) => bits |= 1 << (i & 63),
                Json::Bool(false) => bits &= !(1 << (i & 63)),
                other => self.sink.err(
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

    fn ids(&mut self, users: &[Json]) -> IdTable {
        let bytes: usize = users
            .iter()
            .filter_map(|u| u.get("id").and_then(Json::as_str))
            .map(str::len)
            .sum();
        let mut ids = IdTable::with_capacity(users.len(), bytes);
        for (i, u) in users.iter().enumerate() {
            let at = format!("/users/{i}/id");
            let id = match u.get("id") {
                Some(v) => string(v, &at, self.sink),
                None if matches!(u, Json::Obj(_)) => {
                    self.sink
                        .err("missing_field", "every user needs an `id`", at.clone());
                    None
                }
                None => None,
            };
            // A bad entry still takes its index, so indices match input positions.
            let id = id
                .map(str::to_owned)
                .unwrap_or_else(|| format!("\u{0}invalid-{i}"));
            if let Err(first) = ids.insert(&id) {
                self.sink.err(
                    "duplicate_id",
                    format!("the user id `{id}` is already used by /users/{first}"),
                    at,
                );
                let _ = ids.insert(&format!("\u{0}duplicate-{i}"));
            }
        }
        ids
    }

    #[allow(clippy::too_many_arguments)]
    fn user(
        &mut self,
        u: &Json,
        at: &str,
        ids: &IdTable,
        home: u32,
        team_syms: &mut Vec<u32>,
        grants: &mut Set<(u32, u16, u32)>,
        managers: &mut Vec<u32>,
    ) -> UserRec {
        let mut rec = UserRec {
            sys: 0,
            manager: NONE32,
            pre: 0,
            end: 0,
            org: home,
            role: NONE16,
            external: false,
        };
        let Json::Obj(_) = u else {
            self.sink.err(
                "invalid_type",
                format!("a user must be an object, found {}", u.kind()),
                at,
            );
            managers.push(NONE32);
            return rec;
        };
        let ix = (managers.len()) as u32;
        rec.role = self.role(u, at);
        // A role holds its default system roles (SE-6) only where the role itself exists.
        let role_exists = self
            .engine
            .roles
            .get(rec.role as usize)
            .map(|r| r.plan.0 <= self.plan && self.plan <= r.plan.1)
            .unwrap_or(false);
        let defaults = match role_exists {
            true => self
                .engine
                .default_sys
                .get(rec.role as usize)
                .copied()
                .unwrap_or(0),
            false => 0,
        };
        rec.sys = defaults | self.system_roles(u, at);
        rec.manager = self.manager(u, at, ids, ix);
        managers.push(rec.manager);
        if let Some(org) = u.get("org") {
            if let Some(o) = string(org, &join(at, "org"), self.sink) {
                rec.org = self.intern(ids, o);
                rec.external = home != NONE32 && rec.org != home;
            }
        }
        if let Some(teams) = u.get("teams") {
            let list = crate::json::str_list(teams, &join(at, "teams"), self.sink);
            if list.len() > limits::MAX_PER_USER {
                self.sink.errors.push(limits::exceeded(
                    "too_many_teams",
                    "the number of teams",
                    limits::MAX_PER_USER,
                    join(at, "teams"),
                ));
            }
            for (t, _) in list.into_iter().take(limits::MAX_PER_USER) {
                let sym = self.intern(ids, t);
                team_syms.push(sym);
            }
        }
        if let Some(g) = u.get("grants") {
            self.grants(g, &join(at, "grants"), ids, ix, grants);
        }
        rec
    }

    fn role(&mut self, u: &Json, at: &str) -> u16 {
        let path = join(at, "role");
        let Some(v) = u.get("role") else {
            self.sink
                .err("missing_field", "every user needs a `role`", path);
            return NONE16;
        };
        let Some(name) = string(v, &path, self.sink) else {
            return NONE16;
        };
        match self.engine.role_ix.get(name).copied() {
            Some(r)
                if self
                    .engine
                    .roles
                    .get(r as usize)
                    .map(|x| !x.system)
                    .unwrap_or(false) =>
            {
                r
            }
            Some(_) => {
                self.sink.err(
                    "unknown_role",
                    format!("`{name}` is a system role; put it in `systemRoles`"),
                    path,
                );
                NONE16
            }
            None => {
                let all: Vec<&str> = self
                    .engine
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
                    path,
                );
                NONE16
            }
        }
    }

    fn system_roles(&mut self, u: &Json, at: &str) -> u64 {
        let Some(v) = u.get("systemRoles") else {
            return 0;
        };
        let path = join(at, "systemRoles");
        let mut bits = 0u64;
        for (name, p) in crate::json::str_list(v, &path, self.sink)
            .into_iter()
            .take(limits::MAX_PER_USER)
        {
            match self
                .engine
                .role_ix
                .get(name)
                .and_then(|&r| self.engine.roles.get(r as usize))
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

    fn manager(&mut self, u: &Json, at: &str, ids: &IdTable, me: u32) -> u32 {
        let path = join(at, "managerId");
        match u.get("managerId") {
            None | Some(Json::Null) => NONE32,
            Some(v) => {
                let Some(m) = string(v, &path, self.sink) else {
                    return NONE32;
                };
                match ids.find(m) {
                    Some(ix) if ix == me => {
                        self.sink.err(
                            "manager_cycle",
                            format!("user `{m}` is their own manager"),
                            path,
                        );
                        NONE32
                    }
                    Some(ix) => ix,
                    None => {
                        self.sink.err(
                            "unknown_manager",
                            format!("the manager `{m}` is not a user of this directory"),
                            path,
                        );
                        NONE32
                    }
                }
            }
        }
    }

    fn grants(
        &mut self,
        g: &Json,
        at: &str,
        ids: &IdTable,
        user: u32,
        out: &mut Set<(u32, u16, u32)>,
    ) {
        let mut count = 0usize;
        for (ty, list) in object(g, at, self.sink) {
            let tpath = join(at, ty);
            let Some(t) = self.engine.type_ix.get(ty).copied() else {
                self.sink.err(
                    "unknown_type",
                    format!("the type `{ty}` is not declared by the policy"),
                    tpath,
                );
                continue;
            };
            for (id, _) in crate::json::str_list(list, &tpath, self.sink) {
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
                let sym = self.intern(ids, id);
                out.insert((user, t, sym));
            }
        }
    }

    fn user_attr(&mut self, u: &Json, ix: u32, attr: usize, rec: &UserRec, ids: &IdTable) -> Val {
        let Some(name) = self.engine.user_attrs.get(attr).cloned() else {
            return Val::Absent;
        };
        match name.as_str() {
            "id" => Val::Str(ix),
            // No organisation reads as null, like no manager.
            "org" if rec.org == NONE32 => Val::Null,
            "org" => Val::Str(rec.org),
            "managerId" if rec.manager == NONE32 => Val::Null,
            "managerId" => Val::Str(rec.manager),
            "role" => match self
                .engine
                .roles
                .get(rec.role as usize)
                .map(|r| r.name.clone())
            {
                Some(r) => Val::Str(self.intern(ids, &r)),
                None => Val::Absent,
            },
            _ => match u.get(&name) {
                None => Val::Absent,
                Some(Json::Null) => Val::Null,
                Some(Json::Bool(b)) => Val::Bool(*b),
                Some(Json::Num(n)) => Val::Num(*n),
                Some(Json::Str(s)) if s.len() <= limits::MAX_STRING_BYTES => {
                    Val::Str(self.intern(ids, s))
                }
                Some(_) => Val::Absent,
            },
        }
    }

    /// Numbers the manager forest in pre-order; reports each cycle once, at its first member.
    fn hierarchy(&mut self, users: &mut [UserRec], managers: &[u32]) {
        let n = users.len();
        // Children in CSR form: counts, prefix sums, fill.
        let mut starts = vec![0u32; n + 1];
        // A root's manager is NONE32: skip it before any arithmetic (usize is 32 bits in wasm).
        for &m in managers.iter().filter(|&&m| m != NONE32) {
            if let Some(s) = starts.get_mut(m as usize + 1) {
                *s += 1;
            }
        }
        for i in 0..n {
            let prev = starts.get(i).copied().unwrap_or(0);
            if let Some(s) = starts.get_mut(i + 1) {
                *s += prev;
            }
        }
        let mut fill = starts.clone();
        let mut children = vec![0u32; n];
        for (child, &m) in managers.iter().enumerate() {
            if let Some(f) = fill.get_mut(m as usize) {
                if let Some(c) = children.get_mut(*f as usize) {
                    *c = child as u32;
                }
                *f += 1;
            }
        }
        let mut counter = 0u32;
        let mut visited = vec![false; n];
        let mut stack: Vec<(u32, u32)> = Vec::new();
        for root in 0..n as u32 {
            if managers.get(root as usize) != Some(&NONE32) {
                continue;
            }
            stack.push((root, starts.get(root as usize).copied().unwrap_or(0)));
            if let Some(u) = users.get_mut(root as usize) {
                u.pre = counter;
            }
            if let Some(v) = visited.get_mut(root as usize) {
                *v = true;
            }
            counter += 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let end = starts.get(node as usize + 1).copied().unwrap_or(0);
                if *next < end {
                    let child = children.get(*next as usize).copied().unwrap_or(0);
                    *next += 1;
                    if let Some(u) = users.get_mut(child as usize) {
                        u.pre = counter;
                    }
                    if let Some(v) = visited.get_mut(child as usize) {
                        *v = true;
                    }
                    counter += 1;
                    stack.push((child, starts.get(child as usize).copied().unwrap_or(0)));
                } else {
                    if let Some(u) = users.get_mut(node as usize) {
                        u.end = counter;
                    }
                    stack.pop();
                }
            }
        }
        self.cycles(&visited, managers);
    }

    fn cycles(&mut self, visited: &[bool], managers: &[u32]) {
        let n = visited.len();
        // 0 = not looked at, k = looked at by walk k.
        let mut walk_of = vec![0u32; n];
        let mut walk = 0u32;
        let mut found: Vec<usize> = Vec::new();
        for start in 0..n {
            if visited.get(start) != Some(&false) || walk_of.get(start) != Some(&0) {
                continue;
            }
            walk += 1;
            let mut at = start;
            loop {
                match walk_of.get(at).copied() {
                    Some(0) => {
                        if let Some(w) = walk_of.get_mut(at) {
                            *w = walk;
                        }
                        match managers.get(at) {
                            Some(&m) if m != NONE32 => at = m as usize,
                            _ => break,
                        }
                    }
                    Some(w) if w == walk => {
                        // `at` is on a new cycle: report its smallest member.
                        let mut first = at;
                        let mut x = managers.get(at).copied().unwrap_or(NONE32) as usize;
                        while x != at && x < n {
                            first = first.min(x);
                            x = managers.get(x).copied().unwrap_or(NONE32) as usize;
                        }
                        found.push(first);
                        break;
                    }
                    _ => break,
                }
            }
        }
        let mut keyed: Vec<(u64, u32)> = found.iter().map(|&f| (f as u64, 0)).collect();
        crate::error::sort_pairs(&mut keyed);
        for first in keyed.into_iter().map(|(f, _)| f) {
            self.sink.err(
                "manager_cycle",
                format!("the managers of user /users/{first} form a cycle back to them"),
                format!("/users/{first}/managerId"),
            );
        }
    }
}
