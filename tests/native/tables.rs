//! `docs/presets.md`, generated from the engine: for each preset and plan, which role may do
//! which action on what. Every cell comes from asking the compiled preset with `can`, on
//! probe records that differ in one relation to the user (own, created, subordinate's, ...),
//! so the table cannot drift from the engine. The test fails when the file differs; run it
//! with `ACCORD_BLESS=1` to rewrite the file.

use accord::{Engine, Json, Tenant};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

/// The relations a probe record may have to the asking user `u`: (label, field, value).
/// `all` is the baseline: a record that belongs to a stranger, in no team or organisation of
/// the user's, not shared with them.
const RELATIONS: [(&str, &str, &str); 9] = [
    ("all", "", ""),
    ("own", "ownerId", "u"),
    ("created", "creatorId", "u"),
    ("assignee", "assigneeId", "u"),
    ("subordinates", "ownerId", "sub"),
    ("team", "teamId", "t1"),
    ("org", "orgs", ""),
    ("granted", "id", "G1"),
    ("manager", "ownerId", "boss"),
];

fn s(text: &str) -> Json {
    Json::Str(text.to_owned())
}

fn obj(pairs: Vec<(&str, Json)>) -> Json {
    Json::Obj(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn keys(v: Option<&Json>) -> Vec<String> {
    match v {
        Some(Json::Obj(pairs)) => pairs.iter().map(|(k, _)| k.clone()).collect(),
        _ => Vec::new(),
    }
}

fn strings(v: Option<&Json>) -> Vec<String> {
    match v {
        Some(Json::Arr(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        Some(Json::Str(one)) => vec![one.clone()],
        _ => Vec::new(),
    }
}

fn literal(v: &Json) -> String {
    match v {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Num(n) => n.to_string(),
        Json::Str(t) => format!("\"{t}\""),
        _ => "?".into(),
    }
}

/// A type of a preset, as the tables need it.
struct Type {
    name: String,
    actions: Vec<String>,
    type_actions: Vec<String>,
    states: Vec<String>,
    parents: Vec<String>,
}

/// What the preset's conditions compare, so probes can make them true.
#[derive(Default)]
struct Compared {
    /// `{record: f}` against a literal.
    record: Vec<(String, Json)>,
    /// `{user: a}` against a literal.
    user: Vec<(String, Json)>,
    /// `{user: a, of: f}` against a literal.
    user_of: Vec<(String, String, Json)>,
}

fn walk_condition(c: &Json, out: &mut Compared) {
    let Json::Obj(pairs) = c else { return };
    for (op, arg) in pairs {
        match (op.as_str(), arg) {
            ("eq", Json::Arr(two)) => {
                if let [a, b] = two.as_slice() {
                    for (x, y) in [(a, b), (b, a)] {
                        operand(x, std::slice::from_ref(y), out);
                    }
                }
            }
            ("in", Json::Arr(two)) => {
                if let [a, Json::Arr(list)] = two.as_slice() {
                    operand(a, list, out);
                }
            }
            ("not", inner) => walk_condition(inner, out),
            ("and" | "or", Json::Arr(items)) => items.iter().for_each(|i| walk_condition(i, out)),
            _ => {}
        }
    }
}

fn operand(x: &Json, literals: &[Json], out: &mut Compared) {
    let lits = literals
        .iter()
        .filter(|l| !matches!(l, Json::Obj(_) | Json::Arr(_)));
    match (x.get("record"), x.get("user"), x.get("of")) {
        (Some(Json::Str(f)), None, None) => {
            lits.for_each(|l| push_new(&mut out.record, (f.clone(), l.clone())))
        }
        (None, Some(Json::Str(a)), None) => {
            lits.for_each(|l| push_new(&mut out.user, (a.clone(), l.clone())))
        }
        (None, Some(Json::Str(a)), Some(Json::Str(f))) => {
            lits.for_each(|l| push_new(&mut out.user_of, (a.clone(), f.clone(), l.clone())))
        }
        _ => {}
    }
}

fn push_new<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

fn every_rule(doc: &Json) -> Vec<&Json> {
    let mut out = Vec::new();
    for section in ["roles", "systemRoles"] {
        if let Some(Json::Obj(roles)) = doc.get(section) {
            for (_, r) in roles {
                if let Some(Json::Arr(rules)) = r.get("rules") {
                    out.extend(rules.iter());
                }
            }
        }
    }
    if let Some(Json::Arr(rules)) = doc.get("rules") {
        out.extend(rules.iter());
    }
    out
}

/// One probe setup: a row of a table (a role, maybe with system roles), and a modification of
/// the account or the user (a setting, a user attribute, another organisation).
#[derive(Clone, Default)]
struct Probe {
    role: String,
    system: Vec<String>,
    settings: Vec<(String, bool)>,
    attr: Option<(String, Json)>,
    external: bool,
}

struct Preset<'a> {
    name: &'a str,
    engine: Arc<Engine>,
    types: Vec<Type>,
    compared: Compared,
}

impl Preset<'_> {
    fn directory(&self, plan: &str, p: &Probe) -> Json {
        let grants = obj(self
            .types
            .iter()
            .filter(|t| t.parents.is_empty())
            .map(|t| (t.name.as_str(), Json::Arr(vec![s("G1")])))
            .collect());
        let systems = Json::Arr(p.system.iter().map(|x| s(x)).collect());
        let mut me = vec![
            ("id", s("u")),
            ("role", s(&p.role)),
            ("managerId", s("boss")),
            ("teams", Json::Arr(vec![s("t1")])),
            ("grants", grants),
            ("systemRoles", systems.clone()),
        ];
        if p.external {
            me.push(("org", s("other")));
        }
        if let Some((a, v)) = &p.attr {
            me.push((a.as_str(), v.clone()));
        }
        let plain = |id: &str| {
            let mut u = vec![
                ("id", s(id)),
                ("role", s(&p.role)),
                ("systemRoles", systems.clone()),
            ];
            if id == "sub" {
                u.push(("managerId", s("u")));
            }
            obj(u)
        };
        let mut users = vec![obj(me), plain("boss"), plain("sub"), plain("x")];
        for (k, (a, _, v)) in self.compared.user_of.iter().enumerate() {
            let id = format!("x{k}");
            users.push(obj(vec![
                ("id", s(&id)),
                ("role", s(&p.role)),
                (a.as_str(), v.clone()),
            ]));
        }
        let settings = obj(p
            .settings
            .iter()
            .map(|(k, on)| (k.as_str(), Json::Bool(*on)))
            .collect());
        obj(vec![
            ("plan", s(plan)),
            ("org", s("home")),
            ("settings", settings),
            ("users", Json::Arr(users)),
        ])
    }

    /// Record variants: (label, field, value); the first is "as is".
    fn variants(&self) -> Vec<(String, String, Json)> {
        let mut out = vec![(String::new(), String::new(), Json::Null)];
        for (f, v) in &self.compared.record {
            out.push((format!("{f} = {}", literal(v)), f.clone(), v.clone()));
        }
        for (k, (a, f, v)) in self.compared.user_of.iter().enumerate() {
            out.push((
                format!("{f}'s {a} = {}", literal(v)),
                f.clone(),
                s(&format!("x{k}")),
            ));
        }
        out
    }

    fn record(
        &self,
        t: &Type,
        rel: usize,
        state: Option<&str>,
        var: &(String, String, Json),
        external: bool,
    ) -> Json {
        let mut pairs: Vec<(String, Json)> = vec![
            ("type".into(), s(&t.name)),
            ("id".into(), s("P1")),
            ("ownerId".into(), s("x")),
            ("creatorId".into(), s("x")),
            ("assigneeId".into(), s("x")),
            ("teamId".into(), s("t9")),
            ("orgs".into(), Json::Arr(vec![s("elsewhere")])),
        ];
        if let Some(st) = state {
            pairs.push(("state".into(), s(st)));
        }
        let mut put = |k: &str, v: Json| match pairs.iter_mut().find(|(x, _)| x == k) {
            Some(p) => p.1 = v,
            None => pairs.push((k.to_owned(), v)),
        };
        let (_, field, value) = RELATIONS[rel];
        match field {
            "" => {}
            "orgs" => put(
                "orgs",
                Json::Arr(vec![s(if external { "other" } else { "home" })]),
            ),
            f => put(f, s(value)),
        }
        if !var.1.is_empty() {
            put(&var.1, var.2.clone());
        }
        Json::Obj(pairs)
    }

    /// The cell of one type for one probe tenant: one entry per action allowed.
    fn cell(&self, tenant: &Tenant, t: &Type, external: bool) -> Vec<String> {
        let variants = self.variants();
        let states: Vec<Option<&str>> = if t.states.is_empty() {
            vec![None]
        } else {
            t.states.iter().map(|x| Some(x.as_str())).collect()
        };
        let mut parts = Vec::new();
        for a in &t.actions {
            // allowed[var][rel] and the states in which anything is allowed.
            let mut allowed = vec![[false; RELATIONS.len()]; variants.len()];
            let mut in_states = Vec::new();
            for (var, row) in variants.iter().zip(allowed.iter_mut()) {
                for (rel, hit) in row.iter_mut().enumerate() {
                    for st in &states {
                        let rec = self.record(t, rel, *st, var, external);
                        if tenant.can("u", a, &rec).expect("a probe question") {
                            *hit = true;
                            if let Some(st) = st {
                                push_new(&mut in_states, *st);
                            }
                        }
                    }
                }
            }
            let mut quals: Vec<String> = Vec::new();
            let base = allowed[0];
            if base[0] {
                quals.push("all".into());
            } else {
                for (rel, (label, _, _)) in RELATIONS.iter().enumerate() {
                    if base[rel] {
                        quals.push((*label).into());
                    }
                }
                for (vi, var) in variants.iter().enumerate().skip(1) {
                    let extra: Vec<&str> = RELATIONS
                        .iter()
                        .enumerate()
                        .filter(|(rel, _)| allowed[vi][*rel] && !base[*rel])
                        .map(|(_, (label, _, _))| *label)
                        .collect();
                    if extra.contains(&"all") {
                        quals.push(format!("all if {}", var.0));
                    } else if !extra.is_empty() {
                        quals.push(format!("{} if {}", extra.join(", "), var.0));
                    }
                }
            }
            if quals.is_empty() {
                continue;
            }
            let mut text = a.clone();
            let partial_states = !t.states.is_empty() && in_states.len() < t.states.len();
            if quals != ["all"] || partial_states {
                let mut inner = if quals == ["all"] {
                    Vec::new()
                } else {
                    vec![quals.join(", ")]
                };
                if partial_states {
                    let from: Vec<String> = t
                        .states
                        .iter()
                        .filter(|x| in_states.contains(&x.as_str()))
                        .map(|x| x.replace('_', " "))
                        .collect();
                    inner.push(format!("from {}", from.join(" or ")));
                }
                text = format!("{a} ({})", inner.join("; "));
            }
            parts.push(text);
        }
        let type_level = obj(vec![("type", s(&t.name))]);
        for a in &t.type_actions {
            if tenant
                .can("u", a, &type_level)
                .expect("a type-level question")
            {
                parts.push(a.clone());
            }
        }
        parts
    }

    fn row(&self, plan: &str, p: &Probe) -> Vec<Vec<String>> {
        let tenant = Tenant::new(Arc::clone(&self.engine), &self.directory(plan, p))
            .unwrap_or_else(|e| panic!("{}: probe directory: {e}", self.name));
        self.types
            .iter()
            .filter(|t| t.parents.is_empty())
            .map(|t| self.cell(&tenant, t, p.external))
            .collect()
    }
}

/// A cell as text.
fn show(cell: &[String]) -> String {
    if cell.is_empty() {
        "—".into()
    } else {
        cell.join(", ")
    }
}

fn render(name: &str) -> String {
    let text = accord::presets::json(name).expect("a preset");
    let doc = Json::parse(text).expect("preset JSON");
    let engine = Arc::new(Engine::from_json(text).expect("a preset compiles"));
    let types: Vec<Type> = keys(doc.get("types"))
        .into_iter()
        .map(|n| {
            let t = doc.get("types").and_then(|x| x.get(&n));
            Type {
                actions: strings(t.and_then(|x| x.get("actions"))),
                type_actions: strings(t.and_then(|x| x.get("typeActions"))),
                states: strings(t.and_then(|x| x.get("states"))),
                parents: strings(t.and_then(|x| x.get("parents"))),
                name: n,
            }
        })
        .collect();
    let mut compared = Compared::default();
    let rules = every_rule(&doc);
    for r in &rules {
        if let Some(c) = r.get("when") {
            walk_condition(c, &mut compared);
        }
    }
    let has_external = rules
        .iter()
        .any(|r| r.get("external") == Some(&Json::Bool(true)));
    let preset = Preset {
        name,
        engine: Arc::clone(&engine),
        types,
        compared,
    };
    let roles = keys(doc.get("roles"));
    let system = keys(doc.get("systemRoles"));
    let base = if roles.iter().any(|r| r == "member") {
        "member".to_owned()
    } else {
        roles.last().cloned().unwrap_or_default()
    };
    let custom = |r: &str| {
        doc.get("roles")
            .and_then(|x| x.get(r))
            .and_then(|x| x.get("custom"))
            == Some(&Json::Bool(true))
    };
    let mut rows: Vec<(String, Probe)> = roles
        .iter()
        .map(|r| {
            let label = if custom(r) {
                format!("{r} (custom)")
            } else {
                r.clone()
            };
            (
                label,
                Probe {
                    role: r.clone(),
                    ..Probe::default()
                },
            )
        })
        .collect();
    for sys in &system {
        rows.push((
            format!("{base} + {sys}"),
            Probe {
                role: base.clone(),
                system: vec![sys.clone()],
                ..Probe::default()
            },
        ));
    }
    let settings: Vec<(String, bool)> = keys(doc.get("settings"))
        .into_iter()
        .map(|k| {
            let default = doc
                .get("settings")
                .and_then(|x| x.get(&k))
                .and_then(|x| x.get("default"))
                == Some(&Json::Bool(true));
            (k, default)
        })
        .collect();

    let mut out = String::new();
    let plans = engine.plans().to_vec();
    let _ = writeln!(out, "## {name}\n");
    if let Some(Json::Str(d)) = doc.get("description") {
        let _ = writeln!(out, "{d}\n");
    }
    let _ = writeln!(
        out,
        "Plans, lowest first: {}.",
        plans
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(" < ")
    );
    if !settings.is_empty() {
        let list: Vec<String> = settings
            .iter()
            .map(|(k, d)| format!("`{k}` ({} by default)", if *d { "on" } else { "off" }))
            .collect();
        let _ = writeln!(out, "Settings: {}.", list.join(", "));
    }
    let children: Vec<&Type> = preset
        .types
        .iter()
        .filter(|t| !t.parents.is_empty())
        .collect();
    if let Some(first) = children.first() {
        let names: Vec<String> = children.iter().map(|t| format!("`{}`", t.name)).collect();
        let follows = doc
            .get("types")
            .and_then(|x| x.get(&first.name))
            .and_then(|x| x.get("follows"));
        let mapped: Vec<String> = keys(follows)
            .into_iter()
            .map(|k| {
                let to = follows
                    .and_then(|f| f.get(&k))
                    .and_then(Json::as_str)
                    .unwrap_or("");
                format!("`{k}` needs `{to}`")
            })
            .collect();
        let _ = writeln!(
            out,
            "Child types {} follow their parent ({}): on a child record, `view` needs `view` on the parent{}.",
            names.join(", "),
            first.parents.join(", "),
            if mapped.is_empty() { String::new() } else { format!(", {}", mapped.join(", ")) }
        );
    }
    let _ = writeln!(out);
    let shown: Vec<&Type> = preset
        .types
        .iter()
        .filter(|t| t.parents.is_empty())
        .collect();
    let header = format!(
        "| role | {} |\n| --- |{}\n",
        shown
            .iter()
            .map(|t| format!("`{}`", t.name))
            .collect::<Vec<_>>()
            .join(" | "),
        " --- |".repeat(shown.len())
    );
    for plan in &plans {
        let _ = writeln!(out, "### {name} on `{plan}`\n");
        out.push_str(&header);
        let mut base_rows = Vec::new();
        for (label, probe) in &rows {
            let cells = preset.row(plan, probe);
            let text: Vec<String> = cells.iter().map(|c| show(c)).collect();
            let _ = writeln!(out, "| {label} | {} |", text.join(" | "));
            base_rows.push(cells);
        }
        let mut notes = Vec::new();
        let mut mods: Vec<(String, Probe)> = Vec::new();
        for (k, default) in &settings {
            mods.push((
                format!("setting `{k}` {}", if *default { "off" } else { "on" }),
                Probe {
                    settings: vec![(k.clone(), !default)],
                    ..Probe::default()
                },
            ));
        }
        for (a, v) in &preset.compared.user {
            mods.push((
                format!("`{a}: {}`", literal(v)),
                Probe {
                    attr: Some((a.clone(), v.clone())),
                    ..Probe::default()
                },
            ));
        }
        for (what, m) in &mods {
            for ((label, probe), base_cells) in rows.iter().zip(&base_rows) {
                let p = Probe {
                    settings: m.settings.clone(),
                    attr: m.attr.clone(),
                    ..probe.clone()
                };
                let cells = preset.row(plan, &p);
                let changed: Vec<String> = cells
                    .iter()
                    .zip(base_cells)
                    .zip(&shown)
                    .filter(|((c, b), _)| c != b)
                    .map(|((c, b), t)| {
                        let mut d: Vec<String> = c
                            .iter()
                            .filter(|x| !b.contains(x))
                            .map(|x| format!("+{x}"))
                            .collect();
                        d.extend(b.iter().filter(|x| !c.contains(x)).map(|x| format!("−{x}")));
                        format!("`{}` {}", t.name, d.join(", "))
                    })
                    .collect();
                if !changed.is_empty() {
                    notes.push(format!("- **{label}** with {what}: {}", changed.join("; ")));
                }
            }
        }
        if has_external {
            for (label, probe) in &rows {
                let p = Probe {
                    external: true,
                    ..probe.clone()
                };
                let cells = preset.row(plan, &p);
                let kept: Vec<String> = cells
                    .iter()
                    .zip(&shown)
                    .filter(|(c, _)| !c.is_empty())
                    .map(|(c, t)| format!("`{}`: {}", t.name, show(c)))
                    .collect();
                if !kept.is_empty() {
                    notes.push(format!(
                        "- **{label}** of another organisation: {}",
                        kept.join("; ")
                    ));
                }
            }
        }
        if !notes.is_empty() {
            let _ = writeln!(out, "\nOther cases on `{plan}`:\n");
            for n in notes {
                let _ = writeln!(out, "{n}");
            }
        }
        let _ = writeln!(out);
    }
    out
}

const INTRO: &str = "# What the presets grant

<!-- Generated by `cargo test --test main presets_md`; do not edit by hand.
     `ACCORD_BLESS=1 cargo test --test main presets_md` rewrites this file. -->

One table per preset and plan. A row is a role (`member + sales_admin` is a member who
holds the system role too), a column a record type, and a cell the actions that role may take
on that type's records, with the account's default settings. Every cell is the engine's own
answer: the test that writes this page asks the compiled preset with `can` on probe records
that differ in one relation to the user.

- An action alone: on every record.
- In parentheses, only on some records. `own` (its `ownerId` is the user), `created`
  (`creatorId`), `assignee` (`assigneeId`), `subordinates` (owned by someone below the user),
  `team` (its `teamId` is one of the user's teams), `org` (the user's organisation is party to
  it), `granted` (an admin shared it with the user), `manager` (what the user's manager may
  do, probed on a record the manager owns); `if f = v`: only when the record's field has that
  value; `from s`: only from those workflow states.
- Type-level actions (buttons such as `add`, `import`, `export`) appear by name.
- `—`: nothing.

Under each table, \"Other cases\" lists what changes (`+` gained, `−` lost) when a setting is
not at its default or when a user has an attribute the preset's conditions read, and what
users of another organisation keep. `docs/policy.md` describes the language; `docs/readings.md` how
the presets read the seeds.

";

fn generate() -> String {
    let mut out = INTRO.to_owned();
    for name in accord::presets::NAMES {
        out.push_str(&render(name));
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[test]
fn presets_md_matches_the_engine() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/presets.md");
    let fresh = generate();
    if std::env::var_os("ACCORD_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("docs/presets.md is writable");
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current != fresh {
        let line = current
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| current.lines().count().min(fresh.lines().count()));
        panic!(
            "docs/presets.md is out of date (first difference at line {}); run \
             `ACCORD_BLESS=1 cargo test --test main presets_md` and review the diff",
            line + 1
        );
    }
}
