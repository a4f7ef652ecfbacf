//! Random policies, directories and records, drawn from a stream of choices.
//!
//! Proptest generates plain vectors of numbers; the builders here read them as choices, with 0
//! always the simplest option (and an exhausted stream reading as zeros). Shrinking a vector
//! towards zeros and shorter lengths therefore shrinks the policy, the directory and the
//! records towards small, plain ones, and a failing case is reproducible from its vectors.

use crate::reference::Policy;
use serde_json::{json, Map, Value};

/// A stream of choices.
pub struct Src<'a> {
    data: &'a [u32],
    pos: usize,
}

impl<'a> Src<'a> {
    pub fn new(data: &'a [u32]) -> Self {
        Src { data, pos: 0 }
    }

    pub fn next(&mut self) -> u32 {
        let v = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        v
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        let v = self.next() as usize;
        if n == 0 {
            0
        } else {
            v % n
        }
    }

    /// True with about `pct` percent; false on a zero choice.
    pub fn chance(&mut self, pct: u32) -> bool {
        let v = self.next() % 100;
        v != 0 && v <= pct
    }

    pub fn pick<'b, T>(&mut self, xs: &'b [T]) -> &'b T {
        &xs[self.below(xs.len())]
    }

    /// Each item with about `pct` percent.
    pub fn subset<T: Clone>(&mut self, xs: &[T], pct: u32) -> Vec<T> {
        xs.iter().filter(|_| self.chance(pct)).cloned().collect()
    }
}

pub const ACTIONS: [&str; 7] = [
    "view", "update", "delete", "share", "approve", "export", "add",
];
pub const RECORD_FIELDS: [&str; 9] = [
    "ownerId",
    "creatorId",
    "assigneeId",
    "teamId",
    "state",
    "id",
    "region",
    "level",
    "flag",
];
pub const USER_ATTRS: [&str; 8] = [
    "id",
    "org",
    "managerId",
    "role",
    "region",
    "level",
    "outOfOffice",
    "flag",
];
pub const TEAMS: [&str; 3] = ["east", "west", "north"];
pub const ORGS: [&str; 3] = ["home", "ext", "partner"];
pub const SCOPES: [&str; 9] = [
    "all",
    "own",
    "created",
    "subordinates",
    "team",
    "manager",
    "assignee",
    "org",
    "granted",
];

fn strings() -> Vec<&'static str> {
    vec![
        "u0", "u1", "u2", "u3", "east", "west", "eu", "us", "s0", "s1", "home", "ext", "zz", "R1",
        "r0",
    ]
}

fn literal(src: &mut Src<'_>) -> Value {
    match src.below(5) {
        0 => Value::Null,
        1 => json!(src.chance(50)),
        2 => json!(src.below(3)),
        _ => json!(src.pick(&strings())),
    }
}

fn operand(src: &mut Src<'_>, record_ok: bool) -> Value {
    match src.below(4) {
        0 => literal(src),
        1 if record_ok => json!({ "record": src.pick(&RECORD_FIELDS) }),
        1 | 2 => json!({ "user": src.pick(&USER_ATTRS) }),
        _ => {
            json!({ "user": src.pick(&USER_ATTRS), "of": src.pick(&["ownerId", "assigneeId", "creatorId", "region"]) })
        }
    }
}

fn is_record(v: &Value) -> bool {
    v.get("record").is_some()
}

/// A condition (`eq` never compares two record fields: see `docs/security.md`).
pub fn cond(src: &mut Src<'_>, depth: usize) -> Value {
    let leaf = depth >= 3;
    match src.below(if leaf { 3 } else { 6 }) {
        0 => {
            let a = operand(src, true);
            let b = operand(src, !is_record(&a));
            json!({ "eq": [a, b] })
        }
        1 => {
            let a = operand(src, true);
            let n = src.below(4);
            let list: Vec<Value> = (0..n).map(|_| literal(src)).collect();
            json!({ "in": [a, list] })
        }
        2 => json!(src.chance(70)),
        3 => json!({ "not": cond(src, depth + 1) }),
        k => {
            let n = src.below(4);
            let items: Vec<Value> = (0..n).map(|_| cond(src, depth + 1)).collect();
            json!({ if k == 4 { "and" } else { "or" }: items })
        }
    }
}

struct Shape {
    plans: Vec<String>,
    settings: Vec<String>,
    /// (name, record actions, type actions, is child)
    types: Vec<(String, Vec<String>, Vec<String>, bool)>,
}

fn plan_req(src: &mut Src<'_>, plans: &[String]) -> Value {
    match src.below(3) {
        0 => json!(src.pick(plans)),
        1 => json!({ "min": src.pick(plans), "max": src.pick(plans) }),
        _ => json!({ "max": src.pick(plans) }),
    }
}

fn rule(src: &mut Src<'_>, shape: &Shape, ids: &mut usize) -> Value {
    let mut r = Map::new();
    if src.chance(50) {
        *ids += 1;
        r.insert("id".into(), json!(format!("rule{ids}")));
    }
    let deny = src.chance(12);
    if deny {
        r.insert("effect".into(), json!("deny"));
    }
    let chosen: Vec<&(String, Vec<String>, Vec<String>, bool)> = if src.chance(20) {
        r.insert("types".into(), json!("*"));
        shape.types.iter().collect()
    } else if src.chance(3) {
        r.insert("types".into(), json!([]));
        Vec::new()
    } else {
        let mut l: Vec<_> = shape
            .types
            .iter()
            .filter(|t| src.chance(if t.3 { 10 } else { 45 }))
            .collect();
        if l.is_empty() {
            l.push(&shape.types[src.below(shape.types.len())]);
        }
        r.insert(
            "types".into(),
            json!(l.iter().map(|t| t.0.clone()).collect::<Vec<_>>()),
        );
        l
    };
    let mut declared: Vec<String> = Vec::new();
    for t in &chosen {
        for a in t.1.iter().chain(&t.2) {
            if !declared.contains(a) {
                declared.push(a.clone());
            }
        }
    }
    if declared.is_empty() || src.chance(15) {
        r.insert("actions".into(), json!("*"));
    } else {
        let mut l = src.subset(&declared, 35);
        if l.is_empty() {
            l.push(src.pick(&declared).clone());
        }
        r.insert("actions".into(), json!(l));
    }
    let mut scope = *src.pick(&SCOPES);
    if deny && scope == "manager" {
        scope = "all";
    }
    if scope != "all" || src.chance(30) {
        r.insert("scope".into(), json!(scope));
    }
    if src.chance(20) {
        r.insert("plan".into(), plan_req(src, &shape.plans));
    }
    if !shape.settings.is_empty() && src.chance(15) {
        r.insert("setting".into(), json!(src.pick(&shape.settings)));
    }
    if src.chance(15) {
        r.insert("external".into(), json!(true));
    }
    if src.chance(30) {
        r.insert("when".into(), cond(src, 0));
    }
    Value::Object(r)
}

/// A random valid policy.
pub fn policy(src: &mut Src<'_>) -> Value {
    let plans: Vec<String> = (0..1 + src.below(4)).map(|i| format!("p{i}")).collect();
    let settings: Vec<String> = (0..src.below(3)).map(|i| format!("set{i}")).collect();
    let mut types_json = Map::new();
    let mut shape = Shape {
        plans: plans.clone(),
        settings: settings.clone(),
        types: Vec::new(),
    };
    let n_types = 1 + src.below(3);
    for i in 0..n_types {
        let name = format!("t{i}");
        let mut actions: Vec<String> = ACTIONS
            .iter()
            .filter(|_| src.chance(45))
            .map(|s| s.to_string())
            .collect();
        if !actions.iter().any(|a| a == "view") && !src.chance(10) {
            actions.insert(0, "view".into());
        }
        let type_actions: Vec<String> = ACTIONS
            .iter()
            .filter(|a| !actions.iter().any(|x| x == *a))
            .filter(|_| src.chance(25))
            .map(|s| s.to_string())
            .collect();
        let mut t = Map::new();
        t.insert("actions".into(), json!(actions));
        if !type_actions.is_empty() {
            t.insert("typeActions".into(), json!(type_actions));
        }
        if src.chance(40) {
            let states: Vec<String> = (0..1 + src.below(4)).map(|k| format!("s{k}")).collect();
            let mut tr = Map::new();
            for a in &actions {
                if src.chance(40) {
                    let mut e = Map::new();
                    e.insert("from".into(), json!(src.subset(&states, 50)));
                    if src.chance(50) {
                        e.insert("to".into(), json!(src.pick(&states)));
                    }
                    tr.insert(a.clone(), Value::Object(e));
                }
            }
            t.insert("states".into(), json!(states));
            if !tr.is_empty() {
                t.insert("transitions".into(), Value::Object(tr));
            }
        }
        types_json.insert(name.clone(), Value::Object(t));
        shape.types.push((name, actions, type_actions, false));
    }
    for i in 0..src.below(3) {
        let parents: Vec<usize> = {
            let mut l: Vec<usize> = (0..n_types).filter(|_| src.chance(50)).collect();
            if l.is_empty() {
                l.push(src.below(n_types));
            }
            l
        };
        let declared = |t: &(String, Vec<String>, Vec<String>, bool)| -> Vec<String> {
            t.1.iter().chain(&t.2).cloned().collect()
        };
        let mut common = declared(&shape.types[parents[0]]);
        for &p in &parents[1..] {
            let d = declared(&shape.types[p]);
            common.retain(|a| d.contains(a));
        }
        let mut actions = Vec::new();
        let mut follows = Map::new();
        for a in ACTIONS
            .iter()
            .map(|s| s.to_string())
            .chain(["attach".to_string()])
        {
            if common.contains(&a) && src.chance(60) {
                if src.chance(20) {
                    follows.insert(a.clone(), json!(src.pick(&common)));
                }
                actions.push(a);
            } else if !common.contains(&a) && !common.is_empty() && src.chance(25) {
                follows.insert(a.clone(), json!(src.pick(&common)));
                actions.push(a);
            }
        }
        let name = format!("c{i}");
        let parent_names: Vec<String> = parents.iter().map(|&p| shape.types[p].0.clone()).collect();
        let mut t = Map::new();
        t.insert("parents".into(), json!(parent_names));
        t.insert("actions".into(), json!(actions));
        if !follows.is_empty() {
            t.insert("follows".into(), Value::Object(follows));
        }
        types_json.insert(name.clone(), Value::Object(t));
        shape.types.push((name, actions, Vec::new(), true));
    }
    let mut declared_all: Vec<String> = Vec::new();
    for t in &shape.types {
        for a in t.1.iter().chain(&t.2) {
            if !declared_all.contains(a) {
                declared_all.push(a.clone());
            }
        }
    }
    let mut doc = Map::new();
    doc.insert("plans".into(), json!(plans));
    if src.chance(30) {
        doc.insert("customRolePlan".into(), json!(src.pick(&plans)));
    }
    if !settings.is_empty() {
        let mut s = Map::new();
        for name in &settings {
            let mut def = Map::new();
            def.insert("default".into(), json!(src.chance(40)));
            if src.chance(25) {
                def.insert("plan".into(), plan_req(src, &plans));
            }
            s.insert(name.clone(), Value::Object(def));
        }
        doc.insert("settings".into(), Value::Object(s));
    }
    if !declared_all.is_empty() && src.chance(50) {
        let mut imp = Map::new();
        for _ in 0..1 + src.below(3) {
            let a = src.pick(&declared_all).clone();
            imp.insert(a, json!(src.subset(&declared_all, 30)));
        }
        doc.insert("implies".into(), Value::Object(imp));
    }
    doc.insert("types".into(), Value::Object(types_json));
    let mut ids = 0usize;
    let n_roles = 1 + src.below(4);
    // Now and then a name that needs escaping in JSON pointers (default rule ids, error paths).
    let roles: Vec<String> = (0..n_roles)
        .map(|i| {
            if src.chance(8) {
                format!("r{i}/~x")
            } else {
                format!("r{i}")
            }
        })
        .collect();
    let mut roles_json = Map::new();
    for (i, name) in roles.iter().enumerate() {
        let mut r = Map::new();
        let inherits = src.subset(&roles[i + 1..], 30);
        if !inherits.is_empty() {
            r.insert("inherits".into(), json!(inherits));
        }
        if src.chance(20) {
            r.insert("plan".into(), plan_req(src, &plans));
        }
        if src.chance(20) {
            r.insert("custom".into(), json!(true));
        }
        let rules: Vec<Value> = (0..src.below(5))
            .map(|_| rule(src, &shape, &mut ids))
            .collect();
        r.insert("rules".into(), json!(rules));
        roles_json.insert(name.clone(), Value::Object(r));
    }
    doc.insert("roles".into(), Value::Object(roles_json));
    let n_sys = src.below(3);
    if n_sys > 0 {
        let mut sys = Map::new();
        for i in 0..n_sys {
            let mut r = Map::new();
            if src.chance(20) {
                r.insert("plan".into(), plan_req(src, &plans));
            }
            let df = src.subset(&roles, 25);
            if !df.is_empty() {
                r.insert("defaultFor".into(), json!(df));
            }
            let rules: Vec<Value> = (0..src.below(4))
                .map(|_| rule(src, &shape, &mut ids))
                .collect();
            r.insert("rules".into(), json!(rules));
            sys.insert(format!("sys{i}"), Value::Object(r));
        }
        doc.insert("systemRoles".into(), Value::Object(sys));
    }
    let rules: Vec<Value> = (0..src.below(4))
        .map(|_| rule(src, &shape, &mut ids))
        .collect();
    doc.insert("rules".into(), json!(rules));
    Value::Object(doc)
}

/// A random directory for policy `p`: a forest of managers (sometimes a chain of depth 12),
/// now and then with one of the errors a directory can have.
pub fn directory(src: &mut Src<'_>, p: &Policy) -> Value {
    let main_roles: Vec<&str> = p
        .roles
        .iter()
        .filter(|r| !r.system)
        .map(|r| r.name.as_str())
        .collect();
    let sys_roles: Vec<&str> = p
        .roles
        .iter()
        .filter(|r| r.system)
        .map(|r| r.name.as_str())
        .collect();
    let mut doc = Map::new();
    doc.insert(
        "plan".into(),
        if src.chance(3) {
            json!("nope")
        } else {
            json!(src.pick(&p.plans))
        },
    );
    if src.chance(60) {
        doc.insert("org".into(), json!("home"));
    }
    let mut settings = Map::new();
    for s in &p.settings {
        if src.chance(40) {
            settings.insert(s.name.clone(), json!(src.chance(50)));
        }
    }
    if src.chance(1) {
        settings.insert(
            if src.chance(50) { "zzz" } else { "z/~z" }.into(),
            json!(true),
        );
    }
    if !settings.is_empty() {
        doc.insert("settings".into(), Value::Object(settings));
    }
    let chain = src.chance(20);
    let n = if chain {
        13 + src.below(6)
    } else {
        1 + src.below(14)
    };
    // Managers as a forest over creation order, then the list is shuffled.
    let mut manager: Vec<Option<usize>> = (0..n)
        .map(|i| {
            if i == 0 {
                None
            } else if chain && i <= 12 {
                Some(i - 1)
            } else if src.chance(60) {
                Some(src.below(i))
            } else {
                None
            }
        })
        .collect();
    let mut ids: Vec<String> = (0..n).map(|i| format!("u{i}")).collect();
    let mut bad_manager: Vec<Option<&str>> = vec![None; n];
    let mut bad_role: Vec<Option<&str>> = vec![None; n];
    // About one directory in six carries one error (sometimes two).
    for _ in 0..2 {
        if !src.chance(9) {
            continue;
        }
        match src.below(5) {
            0 | 1 => {
                // A cycle: someone's root now reports to them (or they to themselves).
                let a = src.below(n);
                let mut r = a;
                let mut steps = 0;
                while let (Some(m), true) = (manager[r], steps < n) {
                    r = m;
                    steps += 1;
                }
                manager[r] = Some(a);
            }
            2 => bad_manager[src.below(n)] = Some("ghost"),
            3 if n > 1 => {
                let i = 1 + src.below(n - 1);
                ids[i] = ids[src.below(i)].clone();
            }
            _ => {
                let i = src.below(n);
                bad_role[i] = Some(if !sys_roles.is_empty() && src.chance(50) {
                    *src.pick(&sys_roles)
                } else {
                    "ghost"
                });
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = src.below(i + 1);
        order.swap(i, j);
    }
    let mut users = Vec::new();
    for &i in &order {
        let mut u = Map::new();
        u.insert("id".into(), json!(ids[i]));
        let role = match bad_role[i] {
            Some(r) => r,
            None => src.pick(&main_roles),
        };
        u.insert("role".into(), json!(role));
        match (bad_manager[i], manager[i]) {
            (Some(bad), _) => {
                u.insert("managerId".into(), json!(bad));
            }
            (None, Some(m)) => {
                u.insert("managerId".into(), json!(ids[m]));
            }
            (None, None) => {
                if src.chance(10) {
                    u.insert("managerId".into(), Value::Null);
                }
            }
        }
        if !sys_roles.is_empty() && src.chance(20) {
            let mut l: Vec<&str> = src.subset(&sys_roles, 50);
            if src.chance(2) {
                l.push("nosuch");
            }
            u.insert("systemRoles".into(), json!(l));
        }
        if src.chance(50) {
            u.insert("teams".into(), json!(src.subset(&TEAMS, 40)));
        }
        // Display names: now and then none, null, or (rarely) not text.
        if src.chance(30) {
            let name = match src.below(20) {
                0 => json!(7),
                1 => Value::Null,
                k => json!(format!("Person {k}")),
            };
            u.insert("name".into(), name);
        }
        if src.chance(25) {
            u.insert("org".into(), json!(src.pick(&ORGS)));
        }
        if src.chance(20) {
            let mut g = Map::new();
            let types: Vec<&str> = p.types.iter().map(|t| t.name.as_str()).collect();
            for _ in 0..1 + src.below(2) {
                let ty = if src.chance(3) {
                    "nope"
                } else {
                    src.pick(&types)
                };
                let list: Vec<String> = (0..src.below(3))
                    .map(|_| format!("R{}", src.below(5)))
                    .collect();
                g.insert(ty.to_owned(), json!(list));
            }
            u.insert("grants".into(), Value::Object(g));
        }
        if src.chance(50) {
            u.insert("region".into(), json!(src.pick(&["eu", "us"])));
        }
        if src.chance(40) {
            u.insert("level".into(), json!(src.below(3)));
        }
        if src.chance(30) {
            u.insert("outOfOffice".into(), json!(src.chance(50)));
        }
        if src.chance(20) {
            u.insert(
                "flag".into(),
                if src.chance(50) {
                    json!(src.pick(&strings()))
                } else {
                    Value::Null
                },
            );
        }
        users.push(Value::Object(u));
    }
    doc.insert("users".into(), json!(users));
    Value::Object(doc)
}

fn person(src: &mut Src<'_>, n_users: usize) -> Value {
    match src.below(10) {
        0 => Value::Null,
        1 => json!(src.pick(&["u99", "zz", "east", "home"])),
        2 => json!(src.below(3)),
        _ => json!(format!("u{}", src.below(n_users.max(1) + 1))),
    }
}

/// The fields of one (non-child) record of type `ty`.
fn fields(src: &mut Src<'_>, p: &Policy, ty: &str, n_users: usize) -> Map<String, Value> {
    let mut r = Map::new();
    r.insert("type".into(), json!(ty));
    match src.below(25) {
        0 | 1 => {}
        2 => {
            r.insert("id".into(), Value::Null);
        }
        3 => {
            r.insert("id".into(), json!(src.below(5)));
        }
        _ => {
            r.insert("id".into(), json!(format!("R{}", src.below(5))));
        }
    }
    for f in ["ownerId", "creatorId", "assigneeId"] {
        if !src.chance(10) {
            let v = person(src, n_users);
            r.insert(f.into(), v);
        }
    }
    if src.chance(70) {
        r.insert(
            "teamId".into(),
            json!(src.pick(&["east", "west", "north", "zz"])),
        );
    }
    let states: Vec<String> = p.ty(ty).map(|t| t.states.clone()).unwrap_or_default();
    if src.chance(80) {
        let s = if states.is_empty() || src.chance(10) {
            "bogus".to_owned()
        } else {
            src.pick(&states).clone()
        };
        r.insert("state".into(), json!(s));
    }
    if src.chance(60) {
        r.insert("region".into(), json!(src.pick(&["eu", "us", "zz"])));
    }
    if src.chance(40) {
        r.insert("level".into(), json!(src.below(3)));
    }
    if src.chance(30) {
        r.insert("flag".into(), json!(src.chance(50)));
    }
    if src.chance(30) {
        r.insert(
            "orgs".into(),
            json!(src.subset(&["home", "ext", "partner", "zz"], 50)),
        );
    }
    match src.below(20) {
        0 => {}
        1 => {
            r.insert("amount".into(), Value::Null);
        }
        2 if src.chance(30) => {
            r.insert("amount".into(), json!("12"));
        }
        _ => {
            r.insert("amount".into(), json!(src.below(1000) as f64 / 4.0));
        }
    }
    if src.chance(2) {
        let f = *src.pick(&["ownerId", "teamId", "state", "region", "id", "assigneeId"]);
        r.insert(f.into(), json!("x".repeat(1025)));
    }
    r
}

/// A random record (sometimes a child record with its parent, sometimes a broken one).
pub fn record(src: &mut Src<'_>, p: &Policy, n_users: usize, like: Option<&str>) -> Value {
    let parents: Vec<&str> = p
        .types
        .iter()
        .filter(|t| !t.is_child())
        .map(|t| t.name.as_str())
        .collect();
    let children: Vec<&str> = p
        .types
        .iter()
        .filter(|t| t.is_child())
        .map(|t| t.name.as_str())
        .collect();
    if src.chance(4) {
        return match src.below(5) {
            0 => json!("not a record"),
            1 => json!({ "id": "R1" }),
            2 => json!({ "type": "bogus", "id": "R1" }),
            3 => json!({ "type": 7 }),
            _ => match children.first() {
                Some(c) => json!({ "type": c, "id": "N1" }),
                None => json!({ "type": "bogus" }),
            },
        };
    }
    let child = match like {
        Some(t) => p.ty(t).map(|t| t.is_child()).unwrap_or(false),
        None => !children.is_empty() && src.chance(20),
    };
    if child {
        let c = match like {
            Some(c) => c,
            None => *src.pick(&children),
        };
        let ct = p.ty(c).expect("child type");
        let pt = if src.chance(5) {
            *src.pick(&parents)
        } else {
            src.pick(&ct.parents).as_str()
        };
        let parent = fields(src, p, pt, n_users);
        let mut r = Map::new();
        r.insert("type".into(), json!(c));
        r.insert("id".into(), json!(format!("N{}", src.below(3))));
        r.insert("parent".into(), Value::Object(parent));
        if src.chance(50) {
            r.insert("amount".into(), json!(src.below(100)));
        }
        return Value::Object(r);
    }
    let ty = match like {
        Some(t) => t,
        None => src.pick(&parents),
    };
    Value::Object(fields(src, p, ty, n_users))
}

/// An action to ask about a record (usually one its type declares).
pub fn action(src: &mut Src<'_>, p: &Policy, rec: &Value) -> String {
    let declared: Vec<String> = rec
        .get("type")
        .and_then(Value::as_str)
        .and_then(|t| p.ty(t))
        .map(|t| t.all_actions())
        .unwrap_or_default();
    if declared.is_empty() || src.chance(5) {
        return src.pick(&ACTIONS).to_string();
    }
    src.pick(&declared).clone()
}
