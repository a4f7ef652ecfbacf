//! A reference evaluator, written for clarity only: it reads the policy document and the
//! directory as JSON, keeps every name as a string, indexes nothing and walks `managerId`
//! chains one step at a time. It is the executable statement of the semantics that the
//! compiled engine is checked against; when they disagree, one of them is wrong.
//!
//! The semantics, in short:
//! - A question (user, action, record) is resolved first: the record's type, its parent for a
//!   child type (ZS-6: a child's action is asked, through `follows`, on its parent record), and
//!   the action, which must be declared on the record's own type.
//! - The rules a user may use are: their main role's rules and the rules of every role it
//!   inherits (nearest first), the rules of each system role they hold (explicitly or through
//!   `defaultFor`), and the policy's top-level rules for everyone.
//! - An allow rule covers an action when it lists it (or `*`), or lists an action that implies
//!   it (`implies`, transitively) on the same type. Deny rules cover only what they list.
//! - A rule applies when, in order: the record's workflow state allows the action, the
//!   condition holds, the record is in the rule's scope, the user is of the home organisation
//!   (or the rule is `external`), the rule's setting is on, and the plan is inside the window
//!   of the rule ∩ its setting ∩ the role that declares it ∩ the role the user holds.
//! - A deny rule that applies wins; otherwise the first allow rule that applies allows.
//!   Otherwise the explanation is the lowest plan that would allow (`plan_required`), else
//!   the nearest rule: every check each allow rule fails is listed, most fundamental first
//!   (organisation, scope, state, condition, setting, plan), and the nearest rule is one open
//!   to the user's organisation, then failing fewest checks, then whose first failure comes
//!   nearest (organisation, state, condition, scope, setting), then with the broader scope,
//!   then the first; a rule for everyone whose only failure is a condition on the user alone
//!   is no candidate. Its failures are the decision's reasons, the first its code. Without
//!   any rule, an external user is told `external_org` when no rule of the whole policy is
//!   open to other organisations on the action, else `no_permission`.
//! - A type-level question (a record without `id`) asks about some record of the type: record
//!   fields and scopes are unknown, so an allow rule applies if it might; a deny rule blocks
//!   only if it applies to every record (scope `all`, condition true without record fields).

use accord::Json;

/// A failure: (code, JSON pointer).
pub type Failure = (String, String);

fn fail(code: &str, path: impl Into<String>) -> Failure {
    (code.to_owned(), path.into())
}

/// JSON pointer segment escaping (RFC 6901).
pub fn seg(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

fn join(base: &str, name: &str) -> String {
    format!("{base}/{}", seg(name))
}

/// A string or a list of strings, as a list (anything else: empty).
fn strs(v: Option<&Json>) -> Vec<String> {
    match v {
        Some(Json::Str(s)) => vec![s.clone()],
        Some(Json::Arr(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn opt_str(v: Option<&Json>) -> Option<String> {
    v.and_then(Json::as_str).map(str::to_owned)
}

fn flag(v: Option<&Json>) -> bool {
    matches!(v, Some(Json::Bool(true)))
}

fn pairs(v: Option<&Json>) -> Vec<(String, Json)> {
    match v {
        Some(Json::Obj(p)) => p.clone(),
        _ => Vec::new(),
    }
}

/// `"*"` (or absent) is every name; otherwise a list.
fn star(v: Option<&Json>) -> Option<Vec<String>> {
    match v {
        None => None,
        Some(Json::Str(s)) if s == "*" => None,
        other => Some(strs(other)),
    }
}

#[derive(Debug, Clone, Default)]
pub struct PlanReq {
    pub min: Option<String>,
    pub max: Option<String>,
}

fn plan_req(v: Option<&Json>) -> Option<PlanReq> {
    match v {
        None | Some(Json::Null) => None,
        Some(Json::Str(s)) => Some(PlanReq {
            min: Some(s.clone()),
            max: None,
        }),
        Some(o) => Some(PlanReq {
            min: opt_str(o.get("min")),
            max: opt_str(o.get("max")),
        }),
    }
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub deny: bool,
    pub actions: Option<Vec<String>>,
    pub types: Option<Vec<String>>,
    pub scope: String,
    pub plan: Option<PlanReq>,
    pub setting: Option<String>,
    pub external: bool,
    pub when: Option<Json>,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    pub system: bool,
    pub custom: bool,
    pub inherits: Vec<String>,
    pub plan: Option<PlanReq>,
    pub default_for: Vec<String>,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
pub struct Type {
    pub name: String,
    pub actions: Vec<String>,
    pub type_actions: Vec<String>,
    pub parents: Vec<String>,
    pub follows: Vec<(String, String)>,
    pub states: Vec<String>,
    /// (action, from states, to).
    pub transitions: Vec<(String, Vec<String>)>,
}

impl Type {
    pub fn declares(&self, action: &str) -> bool {
        self.actions
            .iter()
            .chain(&self.type_actions)
            .any(|a| a == action)
    }
    pub fn all_actions(&self) -> Vec<String> {
        self.actions
            .iter()
            .chain(&self.type_actions)
            .cloned()
            .collect()
    }
    /// The parent action a child's action is asked as.
    pub fn follow(&self, action: &str) -> String {
        self.follows
            .iter()
            .find(|(c, _)| c == action)
            .map(|(_, p)| p.clone())
            .unwrap_or_else(|| action.to_owned())
    }
    pub fn is_child(&self) -> bool {
        !self.parents.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct Setting {
    pub name: String,
    pub default: bool,
    pub plan: Option<PlanReq>,
}

/// A policy document, read (not checked: the engine has accepted it).
#[derive(Debug, Clone)]
pub struct Policy {
    pub plans: Vec<String>,
    pub custom_role_plan: Option<String>,
    pub settings: Vec<Setting>,
    pub implies: Vec<(String, Vec<String>)>,
    pub types: Vec<Type>,
    pub roles: Vec<Role>,
    pub rules: Vec<Rule>,
}

fn rules_of(v: Option<&Json>, base: &str) -> Vec<Rule> {
    let Some(Json::Arr(items)) = v else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .map(|(i, r)| Rule {
            id: opt_str(r.get("id")).unwrap_or_else(|| format!("{base}/{i}")),
            deny: r.get("effect").and_then(Json::as_str) == Some("deny"),
            actions: star(r.get("actions")),
            types: star(r.get("types")),
            scope: opt_str(r.get("scope")).unwrap_or_else(|| "all".into()),
            plan: plan_req(r.get("plan")),
            setting: opt_str(r.get("setting")),
            external: flag(r.get("external")),
            when: r.get("when").cloned(),
        })
        .collect()
}

impl Policy {
    pub fn read(doc: &Json) -> Policy {
        let types = pairs(doc.get("types"))
            .into_iter()
            .map(|(name, t)| Type {
                actions: strs(t.get("actions")),
                type_actions: strs(t.get("typeActions")),
                parents: strs(t.get("parents")),
                follows: pairs(t.get("follows"))
                    .into_iter()
                    .map(|(c, p)| (c, p.as_str().unwrap_or("").to_owned()))
                    .collect(),
                states: strs(t.get("states")),
                transitions: pairs(t.get("transitions"))
                    .into_iter()
                    .map(|(a, tr)| (a, strs(tr.get("from"))))
                    .collect(),
                name,
            })
            .collect();
        let mut roles = Vec::new();
        for (key, system) in [("roles", false), ("systemRoles", true)] {
            for (name, r) in pairs(doc.get(key)) {
                roles.push(Role {
                    system,
                    custom: flag(r.get("custom")),
                    inherits: strs(r.get("inherits")),
                    plan: plan_req(r.get("plan")),
                    default_for: strs(r.get("defaultFor")),
                    rules: rules_of(r.get("rules"), &format!("/{key}/{}/rules", seg(&name))),
                    name,
                });
            }
        }
        Policy {
            plans: strs(doc.get("plans")),
            custom_role_plan: opt_str(doc.get("customRolePlan")),
            settings: pairs(doc.get("settings"))
                .into_iter()
                .map(|(name, s)| Setting {
                    default: flag(s.get("default")),
                    plan: plan_req(s.get("plan")),
                    name,
                })
                .collect(),
            implies: pairs(doc.get("implies"))
                .into_iter()
                .map(|(a, l)| (a, strs(Some(&l))))
                .collect(),
            types,
            roles,
            rules: rules_of(doc.get("rules"), "/rules"),
        }
    }

    pub fn ty(&self, name: &str) -> Option<&Type> {
        self.types.iter().find(|t| t.name == name)
    }

    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.name == name)
    }

    fn plan_ix(&self, name: &str) -> Option<usize> {
        self.plans.iter().position(|p| p == name)
    }

    /// A plan window as inclusive plan indices.
    fn window(&self, req: Option<&PlanReq>) -> (usize, usize) {
        let top = self.plans.len().saturating_sub(1);
        let Some(req) = req else { return (0, top) };
        let lo = req
            .min
            .as_deref()
            .and_then(|n| self.plan_ix(n))
            .unwrap_or(0);
        let hi = req
            .max
            .as_deref()
            .and_then(|n| self.plan_ix(n))
            .unwrap_or(top);
        (lo, hi)
    }

    /// Where a role exists: its plan, and for a custom role not below `customRolePlan`.
    fn role_window(&self, r: &Role) -> (usize, usize) {
        let (mut lo, hi) = self.window(r.plan.as_ref());
        if r.custom {
            if let Some(p) = self
                .custom_role_plan
                .as_deref()
                .and_then(|n| self.plan_ix(n))
            {
                lo = lo.max(p);
            }
        }
        (lo, hi)
    }

    /// Where a rule applies: its own plan and its setting's.
    fn rule_window(&self, r: &Rule) -> (usize, usize) {
        let (mut lo, mut hi) = self.window(r.plan.as_ref());
        if let Some(s) = r
            .setting
            .as_deref()
            .and_then(|n| self.settings.iter().find(|s| s.name == n))
        {
            let (slo, shi) = self.window(s.plan.as_ref());
            lo = lo.max(slo);
            hi = hi.min(shi);
        }
        (lo, hi)
    }

    /// Every action `a` implies, itself included.
    fn implied_by(&self, a: &str) -> Vec<String> {
        let mut out = vec![a.to_owned()];
        let mut i = 0;
        while i < out.len() {
            let x = out[i].clone();
            for (from, to) in &self.implies {
                if *from == x {
                    for b in to {
                        if !out.contains(b) {
                            out.push(b.clone());
                        }
                    }
                }
            }
            i += 1;
        }
        out
    }

    /// Does the rule cover `action` on type `t`?
    fn covers(&self, rule: &Rule, t: &Type, action: &str) -> bool {
        if let Some(types) = &rule.types {
            if !types.contains(&t.name) {
                return false;
            }
        }
        let listed = match &rule.actions {
            Some(l) => l.clone(),
            None => t.all_actions(),
        };
        listed.iter().filter(|b| t.declares(b)).any(|b| {
            b == action
                || (!rule.deny
                    && t.declares(action)
                    && self.implied_by(b).iter().any(|x| x == action))
        })
    }

    /// The role and every role it inherits, nearest first (breadth first), each once.
    fn lineage(&self, role: &str) -> Vec<&Role> {
        let mut out: Vec<&Role> = self.role(role).into_iter().collect();
        let mut i = 0;
        while i < out.len() {
            for parent in &out[i].inherits {
                if let Some(p) = self.role(parent) {
                    if !out.iter().any(|r| r.name == p.name) {
                        out.push(p);
                    }
                }
            }
            i += 1;
        }
        out
    }

    /// The record fields the policy reads (so only these are checked on records).
    fn reads(&self) -> (Vec<String>, bool) {
        let mut fields = Vec::new();
        let mut orgs = false;
        let add = |f: &str, fields: &mut Vec<String>| {
            if !fields.iter().any(|x| x == f) {
                fields.push(f.to_owned());
            }
        };
        for r in self.roles.iter().flat_map(|r| &r.rules).chain(&self.rules) {
            match r.scope.as_str() {
                "own" | "subordinates" => add("ownerId", &mut fields),
                "created" => add("creatorId", &mut fields),
                "assignee" => add("assigneeId", &mut fields),
                "team" => add("teamId", &mut fields),
                "granted" => add("id", &mut fields),
                "org" => orgs = true,
                _ => {}
            }
            if let Some(w) = &r.when {
                cond_fields(w, &mut |f| add(f, &mut fields));
            }
        }
        if self.types.iter().any(|t| !t.states.is_empty()) {
            add("state", &mut fields);
        }
        (fields, orgs)
    }
}

fn cond_fields(c: &Json, each: &mut dyn FnMut(&str)) {
    let Json::Obj(p) = c else { return };
    for (op, arg) in p {
        match (op.as_str(), arg) {
            ("not", inner) => cond_fields(inner, each),
            ("and" | "or", Json::Arr(items)) => items.iter().for_each(|i| cond_fields(i, each)),
            ("eq" | "in", Json::Arr(items)) => {
                for o in items {
                    if let Some(f) = o.get("record").and_then(Json::as_str) {
                        each(f);
                    }
                    if let Some(f) = o.get("of").and_then(Json::as_str) {
                        each(f);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A value as conditions compare it.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Absent,
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
}

impl V {
    fn of(v: Option<&Json>) -> V {
        match v {
            None => V::Absent,
            Some(Json::Null) => V::Null,
            Some(Json::Bool(b)) => V::Bool(*b),
            Some(Json::Num(n)) => V::Num(*n),
            Some(Json::Str(s)) => V::Str(s.clone()),
            // Lists and objects are not values a condition compares.
            Some(_) => V::Absent,
        }
    }

    /// Absent equals null; everything else by value.
    fn same(&self, o: &V) -> bool {
        match (self, o) {
            (V::Absent | V::Null, V::Absent | V::Null) => true,
            (V::Bool(a), V::Bool(b)) => a == b,
            (V::Num(a), V::Num(b)) => a == b,
            (V::Str(a), V::Str(b)) => a == b,
            _ => false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub role: String,
    pub sys: Vec<String>,
    pub manager: Option<String>,
    /// Own organisation, else the home one.
    pub org: Option<String>,
    pub external: bool,
    pub teams: Vec<String>,
    /// (type, record id).
    pub grants: Vec<(String, String)>,
    pub doc: Json,
}

/// A directory read against a policy.
pub struct Tenant<'p> {
    pub p: &'p Policy,
    pub plan: usize,
    pub settings: Vec<bool>,
    pub users: Vec<User>,
}

const MAX_STRING: usize = 1024;
const DIRECTORY_KEYS: [&str; 5] = ["plan", "org", "settings", "users", "name"];

/// A string field of a directory entry: `None` if absent or null, errors otherwise.
fn dir_str<'a>(v: Option<&'a Json>, path: &str, errs: &mut Vec<Failure>) -> Option<&'a str> {
    match v {
        None | Some(Json::Null) => None,
        Some(Json::Str(s)) if s.len() > MAX_STRING => {
            errs.push(fail("string_too_long", path));
            None
        }
        Some(Json::Str(s)) => Some(s),
        Some(_) => {
            errs.push(fail("invalid_type", path));
            None
        }
    }
}

/// A string or list of strings, each with its path.
fn dir_list<'a>(v: &'a Json, path: &str, errs: &mut Vec<Failure>) -> Vec<(&'a str, String)> {
    match v {
        Json::Str(_) => dir_str(Some(v), path, errs)
            .map(|s| vec![(s, path.to_owned())])
            .unwrap_or_default(),
        Json::Arr(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, x)| {
                let at = format!("{path}/{i}");
                match x {
                    Json::Null => {
                        errs.push(fail("invalid_type", at));
                        None
                    }
                    _ => dir_str(Some(x), &at, errs).map(|s| (s, at)),
                }
            })
            .collect(),
        _ => {
            errs.push(fail("invalid_type", path));
            Vec::new()
        }
    }
}

impl<'p> Tenant<'p> {
    /// Reads a directory. Errors come in input order: the top-level fields, then user by user
    /// (id, role, system roles, manager, organisation, teams, grants, then a manager cycle
    /// reported at its first member); the first one is returned.
    pub fn new(p: &'p Policy, doc: &Json) -> Result<Tenant<'p>, Failure> {
        let Json::Obj(top) = doc else {
            return Err(fail("invalid_type", ""));
        };
        let mut errs: Vec<Failure> = Vec::new();
        for (i, (k, _)) in top.iter().enumerate() {
            if !DIRECTORY_KEYS.contains(&k.as_str()) && !k.starts_with('$') {
                errs.push(fail("unknown_field", join("", k)));
            }
            if top[..i].iter().any(|(x, _)| x == k) {
                errs.push(fail("duplicate_key", join("", k)));
            }
        }
        // Plan.
        let mut plan = 0;
        match doc.get("plan") {
            None => errs.push(fail("missing_field", "/plan")),
            v => {
                if let Some(name) = dir_str(v, "/plan", &mut errs) {
                    match p.plan_ix(name) {
                        Some(i) => plan = i,
                        None => errs.push(fail("unknown_plan", "/plan")),
                    }
                }
            }
        }
        // Settings: defaults, then the directory's values.
        let mut settings: Vec<bool> = p.settings.iter().map(|s| s.default).collect();
        match doc.get("settings") {
            None => {}
            Some(Json::Obj(list)) => {
                for (i, (name, v)) in list.iter().enumerate() {
                    let at = join("/settings", name);
                    if list[..i].iter().any(|(x, _)| x == name) {
                        errs.push(fail("duplicate_key", at.clone()));
                    }
                    match p.settings.iter().position(|s| s.name == *name) {
                        None => errs.push(fail("unknown_setting", at)),
                        Some(ix) => match v {
                            Json::Bool(b) => settings[ix] = *b,
                            _ => errs.push(fail("invalid_type", at)),
                        },
                    }
                }
            }
            Some(_) => errs.push(fail("invalid_type", "/settings")),
        }
        let empty = Vec::new();
        let list = match doc.get("users") {
            None => {
                errs.push(fail("missing_field", "/users"));
                &empty
            }
            Some(Json::Arr(items)) => items,
            Some(_) => {
                errs.push(fail("invalid_type", "/users"));
                &empty
            }
        };
        let home = dir_str(doc.get("org"), "/org", &mut errs).map(str::to_owned);
        if let Some(first) = errs.first() {
            return Err(first.clone());
        }
        // Users, one by one.
        let ids: Vec<Option<&str>> = list
            .iter()
            .map(|u| match u.get("id") {
                Some(Json::Str(s)) if s.len() <= MAX_STRING => Some(s.as_str()),
                _ => None,
            })
            .collect();
        let index_of = |id: &str| ids.iter().position(|x| *x == Some(id));
        let mut users = Vec::new();
        let mut managers: Vec<Option<usize>> = Vec::new();
        let mut per_user: Vec<Vec<Failure>> = Vec::new();
        for (i, u) in list.iter().enumerate() {
            let at = format!("/users/{i}");
            let mut errs = Vec::new();
            match u.get("id") {
                Some(v) => {
                    if let Some(id) = dir_str(Some(v), &join(&at, "id"), &mut errs) {
                        if index_of(id) != Some(i) {
                            errs.push(fail("duplicate_id", join(&at, "id")));
                        }
                    } else if matches!(v, Json::Null) {
                        errs.push(fail("invalid_type", join(&at, "id")));
                    }
                }
                None if matches!(u, Json::Obj(_)) => {
                    errs.push(fail("missing_field", join(&at, "id")))
                }
                None => {}
            }
            if !matches!(u, Json::Obj(_)) {
                errs.push(fail("invalid_type", at.clone()));
                managers.push(None);
                per_user.push(errs);
                continue;
            }
            // Role: a main role of the policy.
            let role = match u.get("role") {
                None => {
                    errs.push(fail("missing_field", join(&at, "role")));
                    String::new()
                }
                v => {
                    let at = join(&at, "role");
                    match v {
                        Some(Json::Null) => {
                            errs.push(fail("invalid_type", at));
                            String::new()
                        }
                        _ => match dir_str(v, &at, &mut errs) {
                            Some(name) => match p.role(name) {
                                Some(r) if !r.system => name.to_owned(),
                                _ => {
                                    errs.push(fail("unknown_role", at));
                                    String::new()
                                }
                            },
                            None => String::new(),
                        },
                    }
                }
            };
            // System roles: named, or held by default with the main role (SE-6).
            let mut sys: Vec<String> = Vec::new();
            if let Some(v) = u.get("systemRoles") {
                for (name, path) in dir_list(v, &join(&at, "systemRoles"), &mut errs) {
                    match p.role(name) {
                        Some(r) if r.system => sys.push(name.to_owned()),
                        _ => errs.push(fail("unknown_role", path)),
                    }
                }
            }
            // A main role brings its default system roles (SE-6) only on the plans where the
            // main role itself exists.
            let exists = p.role(&role).map(|r| {
                let (lo, hi) = p.role_window(r);
                lo <= plan && plan <= hi
            });
            if exists == Some(true) {
                for r in p
                    .roles
                    .iter()
                    .filter(|r| r.system && r.default_for.contains(&role))
                {
                    sys.push(r.name.clone());
                }
            }
            // Manager: another user of this directory.
            let mut manager = None;
            let mpath = join(&at, "managerId");
            if let Some(m) = dir_str(u.get("managerId"), &mpath, &mut errs) {
                match index_of(m) {
                    Some(j) if j == i => errs.push(fail("manager_cycle", mpath.clone())),
                    Some(j) => manager = Some(j),
                    None => errs.push(fail("unknown_manager", mpath.clone())),
                }
            }
            managers.push(manager);
            let own_org = match u.get("org") {
                Some(Json::Null) => {
                    errs.push(fail("invalid_type", join(&at, "org")));
                    None
                }
                v => dir_str(v, &join(&at, "org"), &mut errs).map(str::to_owned),
            };
            let mut teams = Vec::new();
            if let Some(v) = u.get("teams") {
                let list = dir_list(v, &join(&at, "teams"), &mut errs);
                if list.len() > 1024 {
                    errs.push(fail("too_many_teams", join(&at, "teams")));
                }
                teams = list.into_iter().map(|(t, _)| t.to_owned()).collect();
            }
            let mut grants = Vec::new();
            if let Some(g) = u.get("grants") {
                let gpath = join(&at, "grants");
                match g {
                    Json::Obj(list) => {
                        for (k, (ty, ids)) in list.iter().enumerate() {
                            let tpath = join(&gpath, ty);
                            if list[..k].iter().any(|(x, _)| x == ty) {
                                errs.push(fail("duplicate_key", tpath.clone()));
                            }
                            if p.ty(ty).is_none() {
                                errs.push(fail("unknown_type", tpath));
                                continue;
                            }
                            for (id, _) in dir_list(ids, &tpath, &mut errs) {
                                grants.push((ty.clone(), id.to_owned()));
                            }
                        }
                        if grants.len() > 1024 {
                            errs.push(fail("too_many_grants", gpath));
                        }
                    }
                    _ => errs.push(fail("invalid_type", gpath)),
                }
            }
            // A display name: text (or null for none); messages use it, decisions never do.
            dir_str(u.get("name"), &join(&at, "name"), &mut errs);
            per_user.push(errs);
            let external = match (&home, &own_org) {
                (Some(h), Some(o)) => h != o,
                _ => false,
            };
            users.push(User {
                id: ids[i].unwrap_or("").to_owned(),
                role,
                sys,
                manager: manager.and_then(|j| ids[j]).map(str::to_owned),
                org: own_org.or_else(|| home.clone()),
                external,
                teams,
                grants,
                doc: u.clone(),
            });
        }
        // Manager cycles: walk each chain naively; report a cycle at its first member.
        for i in 0..managers.len() {
            let mut members = vec![i];
            let mut at = managers[i];
            let mut on_cycle = false;
            for _ in 0..=managers.len() {
                match at {
                    Some(j) if j == i => {
                        on_cycle = true;
                        break;
                    }
                    Some(j) => {
                        members.push(j);
                        at = managers[j];
                    }
                    None => break,
                }
            }
            if on_cycle && members.iter().all(|&m| m >= i) {
                per_user[i].push(fail("manager_cycle", format!("/users/{i}/managerId")));
            }
        }
        if let Some(e) = per_user.into_iter().flatten().next() {
            return Err(e);
        }
        Ok(Tenant {
            p,
            plan,
            settings,
            users,
        })
    }

    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    /// The longest reporting line (number of managers above the deepest user).
    pub fn depth(&self) -> usize {
        self.users
            .iter()
            .map(|u| {
                let mut d = 0;
                let mut at = u.manager.as_deref().and_then(|m| self.user(m));
                while let Some(m) = at {
                    d += 1;
                    at = m.manager.as_deref().and_then(|x| self.user(x));
                }
                d
            })
            .max()
            .unwrap_or(0)
    }

    /// Is `sub` the user `boss` or below them? Walks `sub`'s managers one by one.
    fn reports_to(&self, sub: &str, boss: &str) -> bool {
        let mut at = self.user(sub);
        let mut steps = 0;
        while let Some(u) = at {
            if u.id == boss {
                return true;
            }
            steps += 1;
            if steps > self.users.len() {
                return false;
            }
            at = u.manager.as_deref().and_then(|m| self.user(m));
        }
        false
    }
}

/// A resolved question subject.
#[derive(Debug, Clone)]
pub struct Subject {
    /// The record's own type (the child's, for a child record).
    pub own_type: String,
    /// The type the rules are looked up under (the parent's, for a child record).
    pub ty: String,
    /// The record whose fields the rules read (the parent, for a child record).
    pub rec: Json,
    pub child: bool,
    pub type_level: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    State = 1,
    Condition = 2,
    Scope = 3,
    External = 4,
    Setting = 5,
    Plan = 6,
}

impl Stage {
    /// Most fundamental first: what the person cannot change inside the account, then what an
    /// admin can, then the plan.
    const REASONS: [Stage; 6] = [
        Stage::External,
        Stage::Scope,
        Stage::State,
        Stage::Condition,
        Stage::Setting,
        Stage::Plan,
    ];

    /// Between rules that fail as many checks, how near one whose first failure is this comes.
    fn nearness(self) -> u8 {
        match self {
            Stage::External => 0,
            Stage::State => 1,
            Stage::Condition => 2,
            Stage::Scope => 3,
            Stage::Setting => 4,
            Stage::Plan => 5,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Stage::State => "invalid_state",
            Stage::Condition => "condition_failed",
            Stage::Scope => "out_of_scope",
            Stage::External => "external_org",
            Stage::Setting => "setting_disabled",
            Stage::Plan => "plan_required",
        }
    }
}

/// A decision in the reference: code, rule id, upgrade plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub allowed: bool,
    pub code: String,
    pub rule: Option<String>,
    pub upgrade_to: Option<String>,
    /// The codes of every check the deciding rule fails, most fundamental first.
    pub reasons: Vec<String>,
}

/// A rule a user may use, with the plan window in which it applies to them.
/// True when a condition reads the record: a `{record}` or a `{user, of}` operand.
fn reads_record(c: &Json) -> bool {
    match c {
        Json::Obj(pairs) => pairs
            .iter()
            .any(|(k, v)| k == "record" || k == "of" || reads_record(v)),
        Json::Arr(items) => items.iter().any(reads_record),
        _ => false,
    }
}

struct Candidate<'a> {
    rule: &'a Rule,
    lo: usize,
    hi: usize,
}

impl<'p> Tenant<'p> {
    fn type_of(&self, rec: &Json, path: &str) -> Result<&'p Type, Failure> {
        if !matches!(rec, Json::Obj(_)) {
            return Err(fail("invalid_record", path));
        }
        let tpath = join(path, "type");
        match rec.get("type") {
            Some(Json::Str(s)) => self.p.ty(s).ok_or_else(|| fail("unknown_type", tpath)),
            Some(_) => Err(fail("invalid_type", tpath)),
            None => Err(fail("missing_field", tpath)),
        }
    }

    /// Checks the fields the rules will read on a record.
    fn check_fields(&self, rec: &Json, path: &str) -> Result<(), Failure> {
        let (fields, orgs) = self.p.reads();
        for f in fields {
            if let Some(Json::Str(s)) = rec.get(&f) {
                if s.len() > MAX_STRING {
                    return Err(fail("string_too_long", join(path, &f)));
                }
            }
        }
        if orgs {
            if let Some(Json::Arr(items)) = rec.get("orgs") {
                if items.len() > 256 {
                    return Err(fail("too_many_orgs", join(path, "orgs")));
                }
                for (i, x) in items.iter().enumerate() {
                    if let Json::Str(s) = x {
                        if s.len() > MAX_STRING {
                            return Err(fail("string_too_long", format!("{path}/orgs/{i}")));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Resolves a question's record (and its parent, for a child type): without an `id` on it
    /// (or, for a child, on its parent) it asks about the type as a whole.
    pub fn resolve(&self, rec: &Json, path: &str) -> Result<Subject, Failure> {
        self.resolve_as(rec, path, false)
    }

    /// Resolves an element of `filter`'s or `total`'s list: a record, with an `id` or not.
    pub fn resolve_record(&self, rec: &Json, path: &str) -> Result<Subject, Failure> {
        self.resolve_as(rec, path, true)
    }

    fn resolve_as(&self, rec: &Json, path: &str, record: bool) -> Result<Subject, Failure> {
        let t = self.type_of(rec, path)?;
        let (ty, facts, fpath) = if t.is_child() {
            let ppath = join(path, "parent");
            let parent = match rec.get("parent") {
                Some(p @ Json::Obj(_)) => p,
                _ => return Err(fail("missing_parent", ppath)),
            };
            let pt = self.type_of(parent, &ppath)?;
            if pt.is_child() || !t.parents.contains(&pt.name) {
                return Err(fail("invalid_parent", join(&ppath, "type")));
            }
            (pt, parent, ppath)
        } else {
            (t, rec, path.to_owned())
        };
        let no_id = |r: &Json| matches!(r.get("id"), None | Some(Json::Null));
        let type_level = !record && no_id(rec) && no_id(facts);
        if !type_level {
            self.check_fields(facts, &fpath)?;
        }
        Ok(Subject {
            own_type: t.name.clone(),
            ty: ty.name.clone(),
            rec: facts.clone(),
            child: t.is_child(),
            type_level,
        })
    }

    /// The action must be declared on the record's own type.
    pub fn check_action(&self, action: &str, s: &Subject, path: &str) -> Result<(), Failure> {
        match self.p.ty(&s.own_type) {
            Some(t) if t.declares(action) => Ok(()),
            _ => Err(fail("unknown_action", path)),
        }
    }

    /// The action the rules are looked up under (mapped through `follows` for a child).
    fn target_action(&self, s: &Subject, action: &str) -> String {
        match self.p.ty(&s.own_type) {
            Some(t) if s.child => t.follow(action),
            _ => action.to_owned(),
        }
    }

    /// The rules `u` may use on (type, action), in the order they are tried.
    fn candidates(&self, u: &User, ty: &str, action: &str) -> Vec<Candidate<'p>> {
        let p = self.p;
        let Some(t) = p.ty(ty) else { return Vec::new() };
        let mut out = Vec::new();
        let from_role = |holder: &'p Role, source: &'p Role, out: &mut Vec<Candidate<'p>>| {
            let (hlo, hhi) = p.role_window(holder);
            let (slo, shi) = p.role_window(source);
            for r in &source.rules {
                if p.covers(r, t, action) {
                    let (rlo, rhi) = p.rule_window(r);
                    out.push(Candidate {
                        rule: r,
                        lo: rlo.max(hlo).max(slo),
                        hi: rhi.min(hhi).min(shi),
                    });
                }
            }
        };
        if let Some(holder) = p.role(&u.role) {
            for source in p.lineage(&u.role) {
                from_role(holder, source, &mut out);
            }
        }
        for sr in p
            .roles
            .iter()
            .filter(|r| r.system && u.sys.contains(&r.name))
        {
            from_role(sr, sr, &mut out);
        }
        for r in &p.rules {
            if p.covers(r, t, action) {
                let (lo, hi) = p.rule_window(r);
                out.push(Candidate { rule: r, lo, hi });
            }
        }
        out
    }

    /// The allow rules of the system roles the user's main role would hold by default, when
    /// that role does not exist on the account's plan, each in the window where both do.
    fn default_candidates(&self, u: &User, ty: &str, action: &str) -> Vec<Candidate<'p>> {
        let p = self.p;
        let (Some(t), Some(holder)) = (p.ty(ty), p.role(&u.role)) else {
            return Vec::new();
        };
        let (hlo, hhi) = p.role_window(holder);
        if hlo <= self.plan && self.plan <= hhi {
            return Vec::new();
        }
        let mut out = Vec::new();
        for sr in p
            .roles
            .iter()
            .filter(|r| r.system && r.default_for.contains(&u.role) && !u.sys.contains(&r.name))
        {
            let (slo, shi) = p.role_window(sr);
            for r in sr
                .rules
                .iter()
                .filter(|r| !r.deny && p.covers(r, t, action))
            {
                let (rlo, rhi) = p.rule_window(r);
                out.push(Candidate {
                    rule: r,
                    lo: rlo.max(slo).max(hlo),
                    hi: rhi.min(shi).min(hhi),
                });
            }
        }
        out
    }

    fn field(&self, s: &Subject, name: &str) -> Option<V> {
        if s.type_level {
            None
        } else {
            Some(V::of(s.rec.get(name)))
        }
    }

    fn user_attr(&self, u: &User, attr: &str) -> V {
        match attr {
            "id" => V::Str(u.id.clone()),
            "org" => u.org.clone().map(V::Str).unwrap_or(V::Null),
            "managerId" => u.manager.clone().map(V::Str).unwrap_or(V::Null),
            "role" => V::Str(u.role.clone()),
            _ => match u.doc.get(attr) {
                Some(Json::Str(s)) if s.len() > MAX_STRING => V::Absent,
                v => V::of(v),
            },
        }
    }

    /// An operand's value; `None` when a type-level question does not know it.
    fn operand(&self, o: &Json, u: &User, s: &Subject) -> Option<V> {
        if let Json::Obj(_) = o {
            if let Some(f) = o.get("record").and_then(Json::as_str) {
                return self.field(s, f);
            }
            let attr = o.get("user").and_then(Json::as_str).unwrap_or("");
            return match o.get("of").and_then(Json::as_str) {
                None => Some(self.user_attr(u, attr)),
                Some(f) => match self.field(s, f)? {
                    V::Str(id) => Some(match self.user(&id) {
                        Some(other) => self.user_attr(other, attr),
                        None => V::Absent,
                    }),
                    _ => Some(V::Absent),
                },
            };
        }
        Some(V::of(Some(o)))
    }

    /// Three-valued condition: `None` when a type-level question leaves it open.
    fn cond(&self, c: &Json, u: &User, s: &Subject) -> Option<bool> {
        match c {
            Json::Bool(b) => Some(*b),
            Json::Obj(p) => {
                let (op, arg) = &p[0];
                let items = match arg {
                    Json::Arr(items) => items.as_slice(),
                    _ => &[],
                };
                match op.as_str() {
                    "eq" => {
                        let a = self.operand(&items[0], u, s)?;
                        let b = self.operand(&items[1], u, s)?;
                        Some(a.same(&b))
                    }
                    "in" => {
                        let a = self.operand(&items[0], u, s)?;
                        let list = match &items[1] {
                            Json::Arr(l) => l.as_slice(),
                            _ => &[],
                        };
                        Some(list.iter().any(|l| a.same(&V::of(Some(l)))))
                    }
                    "not" => self.cond(arg, u, s).map(|b| !b),
                    "and" => {
                        let vals: Vec<Option<bool>> =
                            items.iter().map(|i| self.cond(i, u, s)).collect();
                        if vals.contains(&Some(false)) {
                            Some(false)
                        } else if vals.contains(&None) {
                            None
                        } else {
                            Some(true)
                        }
                    }
                    "or" => {
                        let vals: Vec<Option<bool>> =
                            items.iter().map(|i| self.cond(i, u, s)).collect();
                        if vals.contains(&Some(true)) {
                            Some(true)
                        } else if vals.contains(&None) {
                            None
                        } else {
                            Some(false)
                        }
                    }
                    _ => Some(false),
                }
            }
            _ => Some(false),
        }
    }

    fn str_field(&self, s: &Subject, name: &str) -> Option<String> {
        match s.rec.get(name) {
            Some(Json::Str(x)) => Some(x.clone()),
            _ => None,
        }
    }

    fn in_scope(
        &self,
        scope: &str,
        u: &User,
        ty: &str,
        action: &str,
        s: &Subject,
        delegated: bool,
    ) -> bool {
        let is_me = |f: &str| self.str_field(s, f).as_deref() == Some(u.id.as_str());
        match scope {
            "all" => true,
            "own" => is_me("ownerId"),
            "created" => is_me("creatorId"),
            "assignee" => is_me("assigneeId"),
            "subordinates" => match self.str_field(s, "ownerId") {
                Some(owner) => self.reports_to(&owner, &u.id),
                None => false,
            },
            "team" => match self.str_field(s, "teamId") {
                Some(team) => u.teams.contains(&team),
                None => false,
            },
            "org" => match (&u.org, s.rec.get("orgs")) {
                (Some(org), Some(Json::Arr(items))) => {
                    items.iter().any(|x| x.as_str() == Some(org))
                }
                _ => false,
            },
            "granted" => match self.str_field(s, "id") {
                Some(id) => u.grants.iter().any(|(t, g)| t == ty && *g == id),
                None => false,
            },
            "manager" => {
                // The manager's own rules, one level only (their `manager` rules do not chain).
                if delegated {
                    return false;
                }
                match u.manager.as_deref().and_then(|m| self.user(m)) {
                    Some(m) => self.allowed_as(m, ty, action, s, true),
                    None => false,
                }
            }
            _ => false,
        }
    }

    /// Does `rule` apply? `Err` names the first stage that fails.
    fn stages(
        &self,
        c: &Candidate<'_>,
        u: &User,
        ty: &str,
        action: &str,
        s: &Subject,
        delegated: bool,
    ) -> Result<(), Stage> {
        let r = c.rule;
        let t = self.p.ty(ty);
        if !s.type_level {
            if let Some((_, from)) = t.and_then(|t| t.transitions.iter().find(|(a, _)| a == action))
            {
                if !from.is_empty() {
                    let state = self.str_field(s, "state");
                    if !state.map(|x| from.contains(&x)).unwrap_or(false) {
                        return Err(Stage::State);
                    }
                }
            }
        }
        let certain = s.type_level && r.deny;
        if let Some(w) = &r.when {
            let v = self.cond(w, u, s);
            let fails = if certain {
                v != Some(true)
            } else {
                v == Some(false)
            };
            if fails {
                return Err(Stage::Condition);
            }
        }
        if certain && r.scope != "all" {
            return Err(Stage::Scope);
        }
        if !s.type_level && !self.in_scope(&r.scope, u, ty, action, s, delegated) {
            return Err(Stage::Scope);
        }
        if u.external && !r.external {
            return Err(Stage::External);
        }
        if let Some(name) = &r.setting {
            let on = self
                .p
                .settings
                .iter()
                .position(|x| x.name == *name)
                .map(|i| self.settings[i])
                .unwrap_or(false);
            if !on {
                return Err(Stage::Setting);
            }
        }
        if self.plan < c.lo || self.plan > c.hi {
            return Err(Stage::Plan);
        }
        Ok(())
    }

    fn allowed_as(&self, u: &User, ty: &str, action: &str, s: &Subject, delegated: bool) -> bool {
        let cands = self.candidates(u, ty, action);
        if cands
            .iter()
            .any(|c| c.rule.deny && self.stages(c, u, ty, action, s, delegated).is_ok())
        {
            return false;
        }
        cands
            .iter()
            .any(|c| !c.rule.deny && self.stages(c, u, ty, action, s, delegated).is_ok())
    }

    fn reach(scope: &str) -> u8 {
        match scope {
            "all" => 5,
            "team" | "org" | "manager" => 4,
            "subordinates" => 3,
            "granted" => 2,
            _ => 1,
        }
    }

    /// Every check an allow rule fails, most fundamental first (none: it applies).
    fn failures(
        &self,
        c: &Candidate<'_>,
        u: &User,
        ty: &str,
        action: &str,
        s: &Subject,
    ) -> Vec<Stage> {
        let r = c.rule;
        let mut out = Vec::new();
        if !s.type_level {
            if let Some((_, from)) = self
                .p
                .ty(ty)
                .and_then(|t| t.transitions.iter().find(|(a, _)| a == action))
            {
                let state = self.str_field(s, "state");
                if !from.is_empty() && !state.map(|x| from.contains(&x)).unwrap_or(false) {
                    out.push(Stage::State);
                }
            }
        }
        if let Some(w) = &r.when {
            if self.cond(w, u, s) == Some(false) {
                out.push(Stage::Condition);
            }
        }
        if !s.type_level && !self.in_scope(&r.scope, u, ty, action, s, false) {
            out.push(Stage::Scope);
        }
        if u.external && !r.external {
            out.push(Stage::External);
        }
        if let Some(name) = &r.setting {
            let on = self
                .p
                .settings
                .iter()
                .position(|x| x.name == *name)
                .map(|i| self.settings[i])
                .unwrap_or(false);
            if !on {
                out.push(Stage::Setting);
            }
        }
        if self.plan < c.lo || self.plan > c.hi {
            out.push(Stage::Plan);
        }
        Stage::REASONS
            .into_iter()
            .filter(|x| out.contains(x))
            .collect()
    }

    /// True when some allow rule of the policy, whoever holds it, opens (type, action) to
    /// other organisations.
    fn open_to_orgs(&self, ty: &str, action: &str) -> bool {
        let Some(t) = self.p.ty(ty) else { return false };
        self.p
            .roles
            .iter()
            .flat_map(|r| &r.rules)
            .chain(&self.p.rules)
            .any(|r| !r.deny && r.external && self.p.covers(r, t, action))
    }

    /// The decision for a resolved question.
    pub fn verdict(&self, user: &str, action: &str, s: &Subject) -> Verdict {
        let v = |allowed: bool, code: &str, rule: Option<&Rule>, up: Option<String>| Verdict {
            allowed,
            code: code.to_owned(),
            rule: rule.map(|r| r.id.clone()),
            upgrade_to: up,
            reasons: if allowed {
                Vec::new()
            } else {
                vec![code.to_owned()]
            },
        };
        let Some(u) = self.user(user) else {
            return v(false, "unknown_user", None, None);
        };
        let action = self.target_action(s, action);
        let ty = s.ty.as_str();
        let cands = self.candidates(u, ty, &action);
        for c in cands.iter().filter(|c| c.rule.deny) {
            if self.stages(c, u, ty, &action, s, false).is_ok() {
                return v(false, "forbidden", Some(c.rule), None);
            }
        }
        let mut upgrade: Option<(usize, &Rule)> = None;
        // (open to the user's organisation, fewer failures, nearness, reach), failures, rule
        type Near = (bool, std::cmp::Reverse<usize>, u8, u8);
        let mut best: Option<(Near, Vec<Stage>, &Candidate<'_>)> = None;
        for c in cands.iter().filter(|c| !c.rule.deny) {
            let fails = self.failures(c, u, ty, &action, s);
            let Some(&first) = fails.first() else {
                return v(true, "allowed", Some(c.rule), None);
            };
            // A rule for everyone that only a condition on the user alone keeps from this
            // user is not theirs, like a role they do not hold.
            let everyone = self.p.rules.iter().any(|r| std::ptr::eq(r, c.rule));
            if everyone
                && fails == [Stage::Condition]
                && !c.rule.when.as_ref().is_some_and(reads_record)
            {
                continue;
            }
            if first == Stage::Plan {
                if self.plan < c.lo
                    && c.lo <= c.hi
                    && upgrade.map(|(lo, _)| c.lo < lo).unwrap_or(true)
                {
                    upgrade = Some((c.lo, c.rule));
                }
                continue;
            }
            let reach = if first == Stage::Scope {
                Self::reach(&c.rule.scope)
            } else {
                0
            };
            let near = (
                !fails.contains(&Stage::External),
                std::cmp::Reverse(fails.len()),
                first.nearness(),
                reach,
            );
            if best.as_ref().map(|(b, ..)| near > *b).unwrap_or(true) {
                best = Some((near, fails, c));
            }
        }
        // A main role off this plan holds none of its default system roles here, yet an upgrade
        // to a plan where it exists brings them (SE-6).
        for c in self.default_candidates(u, ty, &action) {
            if self.failures(&c, u, ty, &action, s) == [Stage::Plan]
                && self.plan < c.lo
                && c.lo <= c.hi
                && upgrade.map(|(lo, _)| c.lo < lo).unwrap_or(true)
            {
                upgrade = Some((c.lo, c.rule));
            }
        }
        if let Some((lo, r)) = upgrade {
            return v(
                false,
                "plan_required",
                Some(r),
                Some(self.p.plans[lo].clone()),
            );
        }
        if let Some((_, fails, c)) = best {
            let mut out = v(false, fails[0].code(), Some(c.rule), None);
            out.reasons = fails.iter().map(|f| f.code().to_owned()).collect();
            return out;
        }
        if u.external && !self.open_to_orgs(ty, &action) {
            let mut out = v(false, "external_org", None, None);
            out.reasons.push("no_permission".to_owned());
            return out;
        }
        v(false, "no_permission", None, None)
    }

    // ----- The public questions, as the engine's API asks them. -----

    pub fn check(&self, user: &str, action: &str, rec: &Json) -> Result<Verdict, Failure> {
        let s = self.resolve(rec, "")?;
        self.check_action(action, &s, "")?;
        Ok(self.verdict(user, action, &s))
    }

    pub fn can(&self, user: &str, action: &str, rec: &Json) -> Result<bool, Failure> {
        self.check(user, action, rec).map(|v| v.allowed)
    }

    pub fn permitted(&self, user: &str, rec: &Json) -> Result<Vec<String>, Failure> {
        let s = self.resolve(rec, "")?;
        let t = self
            .p
            .ty(&s.own_type)
            .ok_or_else(|| fail("unknown_type", "/type"))?;
        let mut names: Vec<String> = t.actions.clone();
        if s.type_level {
            names.extend(t.type_actions.iter().cloned());
        }
        let mut out: Vec<String> = names
            .into_iter()
            .filter(|a| self.verdict(user, a, &s).allowed)
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// An empty batch still names an action no type declares.
    fn declared_somewhere(&self, action: &str, recs: &[Json]) -> Result<(), Failure> {
        match recs.is_empty() && !self.p.types.iter().any(|t| t.declares(action)) {
            true => Err(fail("unknown_action", "")),
            false => Ok(()),
        }
    }

    pub fn filter(&self, user: &str, action: &str, recs: &[Json]) -> Result<Vec<usize>, Failure> {
        self.declared_somewhere(action, recs)?;
        let mut out = Vec::new();
        for (i, rec) in recs.iter().enumerate() {
            let path = format!("/{i}");
            let s = self.resolve_record(rec, &path)?;
            self.check_action(action, &s, &path)?;
            if self.verdict(user, action, &s).allowed {
                out.push(i);
            }
        }
        Ok(out)
    }

    /// (total, count, groups in first-seen order): a sum over `filter(view)`, records taken
    /// in order, so an error (unresolvable record, invalid amount on a viewable one) stops
    /// the call where it is met.
    #[expect(
        clippy::type_complexity,
        reason = "a total with its groups, spelled out so the reference reads on its own"
    )]
    pub fn total(
        &self,
        user: &str,
        recs: &[Json],
        field: &str,
        group_by: Option<&str>,
    ) -> Result<(f64, u64, Vec<(String, f64, u64)>), Failure> {
        let (mut total, mut count, mut groups) = (0.0, 0u64, Vec::<(String, f64, u64)>::new());
        for (i, rec) in recs.iter().enumerate() {
            let path = format!("/{i}");
            let s = self.resolve_record(rec, &path)?;
            self.check_action("view", &s, &path)?;
            if !self.verdict(user, "view", &s).allowed {
                continue;
            }
            let amount = match rec.get(field) {
                None | Some(Json::Null) => 0.0,
                Some(Json::Num(n)) if n.is_finite() => *n,
                Some(_) => return Err(fail("invalid_number", join(&path, field))),
            };
            total += amount;
            count += 1;
            if let Some(key) = group_by {
                let k = accord::answer::batch::group_key(rec.get(key));
                match groups.iter_mut().find(|(g, _, _)| *g == k) {
                    Some(g) => {
                        g.1 += amount;
                        g.2 += 1;
                    }
                    None => groups.push((k, amount, 1)),
                }
            }
        }
        Ok((total, count, groups))
    }

    /// (allowed ids, denied (id, code)) — per-record checks; with `to`, a record the user may
    /// act on is refused when `to` may not view it once it is theirs.
    #[expect(
        clippy::type_complexity,
        reason = "allowed ids and refusals, spelled out so the reference reads on its own"
    )]
    pub fn bulk(
        &self,
        user: &str,
        action: &str,
        recs: &[Json],
        to: Option<&str>,
    ) -> Result<(Vec<String>, Vec<(String, String)>), Failure> {
        self.declared_somewhere(action, recs)?;
        if let Some(to) = to {
            if self.user(to).is_none() {
                return Err(fail("unknown_user", "/to"));
            }
        }
        let mut allowed = Vec::new();
        let mut denied = Vec::new();
        for (i, rec) in recs.iter().enumerate() {
            let path = format!("/{i}");
            let s = self.resolve(rec, &path)?;
            self.check_action(action, &s, &path)?;
            let id = match rec.get("id") {
                Some(Json::Str(x)) => x.clone(),
                Some(Json::Num(n)) => accord::json::text::number_key(*n),
                _ => return Err(fail("missing_field", join(&path, "id"))),
            };
            let v = self.verdict(user, action, &s);
            if !v.allowed {
                denied.push((id, v.code));
                continue;
            }
            // The new owner must be able to view the record once it is theirs.
            let receives = self
                .p
                .ty(&s.own_type)
                .is_some_and(|t| t.actions.iter().any(|a| a == "view"));
            match to {
                Some(to) if receives => {
                    let mut theirs = s.clone();
                    if !s.child {
                        if let Json::Obj(pairs) = &mut theirs.rec {
                            pairs.retain(|(k, _)| k != "ownerId");
                            pairs.push(("ownerId".to_owned(), Json::Str(to.to_owned())));
                        }
                    }
                    let w = self.verdict(to, "view", &theirs);
                    if w.allowed {
                        allowed.push(id);
                    } else {
                        denied.push((id, w.code));
                    }
                }
                _ => allowed.push(id),
            }
        }
        Ok((allowed, denied))
    }
}
