//! Native benchmark of the core (issue 3's bar, issue 6's "native Rust core alone"): a plain
//! timed loop, no harness. `cargo bench --bench native` prints:
//!
//! 1. compiling a 1,000,000-user directory: seconds (JSON parse, compile) and MB (JSON input,
//!    compiled tenant by `Tenant::heap_bytes`, bytes per user);
//! 2. a subordinate check at hierarchy depth 2 vs depth 1,000 (a chain), and their ratio
//!    (issue 3 requires ≤ 1.5);
//! 3. the core alone on issue 6's 100k scenario (bench/scenario.mjs ported draw for draw: same
//!    PRNG, same tree, same leads, same picks), through the public `Json` API and through
//!    compiled plans (one per (user, action, type), the form the JavaScript handle runs, on
//!    records held resolved; bulk through `Tenant::bulk_columns`, the loop the binding calls),
//!    beside plain Rust with a `HashSet` (the native analogue of bench/'s hand-written JS).
//!    Every accord column calls the core; nothing of the binding is copied here.
//!
//! Medians of 7 runs after 2 warm-up runs, interleaved, with (min–max); a task shorter than
//! 30 ms repeats inside its sample and counts the mean pass. Exits 1 if accord and
//! the plain-Rust reference disagree on any decision, count or sum. Timings are never asserted.
//! `BENCH_QUICK=1` runs fewer repetitions.

use accord::plan::Plan;
use accord::tenant::value::Resource;
use accord::{Engine, Json, Tenant};
use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

// ---------------------------------------------------------------- scenario (= scenario.mjs)

/// mulberry32, bit for bit as in bench/scenario.mjs.
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x6d2b_79f5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }
    fn int(&mut self, k: usize) -> usize {
        (self.next() * k as f64).floor() as usize
    }
}

struct Tree {
    manager: Vec<i64>,
    depth: Vec<u8>,
    role: Vec<&'static str>,
    size: Vec<usize>,
    top: Vec<usize>,
}

/// Breadth-first expansion, 3–7 reports per expanded node, down to `max_depth`.
fn tree(n: usize, max_depth: u8, seed: u32) -> Tree {
    let mut r = Rng(seed);
    let mut manager = vec![-1i64; n];
    let mut depth = vec![0u8; n];
    let mut role = vec!["admin"; n];
    let mut count = 1;
    let mut frontier = vec![0usize];
    let mut next = 0;
    while count < n {
        assert!(
            next < frontier.len(),
            "depth {max_depth} cannot hold {n} users"
        );
        let node = frontier[next];
        next += 1;
        let k = 3 + r.int(5);
        let mut j = 0;
        while j < k && count < n {
            let c = count;
            count += 1;
            manager[c] = node as i64;
            depth[c] = depth[node] + 1;
            role[c] = if r.next() < 0.03 { "none" } else { "limited" };
            if depth[c] < max_depth {
                frontier.push(c);
            }
            j += 1;
        }
    }
    let mut size = vec![1usize; n];
    for i in (1..n).rev() {
        size[manager[i] as usize] += size[i];
    }
    let mut top = vec![0usize; n];
    for i in 1..n {
        top[i] = if depth[i] == 1 {
            i
        } else {
            top[manager[i] as usize]
        };
    }
    Tree {
        manager,
        depth,
        role,
        size,
        top,
    }
}

/// The directory as JSON text (API.md shape).
fn directory_text(t: &Tree) -> String {
    let mut s = String::with_capacity(t.manager.len() * 56 + 64);
    s.push_str(r#"{"plan":"professional","users":["#);
    for i in 0..t.manager.len() {
        if i > 0 {
            s.push(',');
        }
        if t.manager[i] < 0 {
            s.push_str(&format!(r#"{{"id":"u{i}","role":"{}"}}"#, t.role[i]));
        } else {
            s.push_str(&format!(
                r#"{{"id":"u{i}","role":"{}","managerId":"u{}"}}"#,
                t.role[i], t.manager[i]
            ));
        }
    }
    s.push_str("]}");
    s
}

struct Lead {
    id: String,
    owner: usize,
    amount: f64,
    json: Json,
}

struct Scenario {
    tree: Tree,
    leads: Vec<Lead>,
    checks: Vec<(usize, &'static str, usize)>,
    manager: usize,
    vp: usize,
}

const ACTIONS: [&str; 4] = ["view", "update", "reassign", "delete"];

fn pick(t: &Tree, depth: u8) -> usize {
    let mut best: Option<usize> = None;
    for i in 0..t.manager.len() {
        if t.depth[i] == depth
            && t.role[i] == "limited"
            && best.is_none_or(|b| t.size[i] > t.size[b])
        {
            best = Some(i);
        }
    }
    best.expect("a user at that depth")
}

fn scenario(users: usize, n_leads: usize, n_checks: usize, seed: u32) -> Scenario {
    let t = tree(users, 6, seed);
    let mut r = Rng(seed.wrapping_mul(7919).wrapping_add(1));
    let mut leads = Vec::with_capacity(n_leads);
    for i in 0..n_leads {
        let owner = r.int(users);
        let amount = (1 + r.int(100_000)) as f64;
        let id = format!("L{i}");
        let json = Json::Obj(vec![
            ("type".into(), Json::Str("lead".into())),
            ("id".into(), Json::Str(id.clone())),
            ("ownerId".into(), Json::Str(format!("u{owner}"))),
            ("amount".into(), Json::Num(amount)),
            ("teamId".into(), Json::Str(format!("team{}", t.top[owner]))),
        ]);
        leads.push(Lead {
            id,
            owner,
            amount,
            json,
        });
    }
    let mut checks = Vec::with_capacity(n_checks);
    for _ in 0..n_checks {
        let u = r.int(users);
        let a = ACTIONS[r.int(ACTIONS.len())];
        let l = r.int(n_leads);
        checks.push((u, a, l));
    }
    let manager = pick(&t, 3);
    let vp = pick(&t, 1);
    Scenario {
        tree: t,
        leads,
        checks,
        manager,
        vp,
    }
}

/// The zendesk-sell preset plus a no-access custom role (as bench/scenario.mjs does).
fn policy() -> String {
    let text = accord::presets::json("zendesk-sell").expect("preset");
    let at = text.find(r#""roles": {"#).expect("roles") + r#""roles": {"#.len();
    format!(
        r#"{}"none": {{"label": "No access (bench)", "custom": true, "rules": []}},{}"#,
        &text[..at],
        &text[at..]
    )
}

// ---------------------------------------------------------------- timing

struct Opts {
    runs: usize,
    warmup: usize,
}

fn median(xs: &[f64]) -> f64 {
    let mut s = xs.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    let m = s.len() / 2;
    if s.len() % 2 == 1 {
        s[m]
    } else {
        (s[m - 1] + s[m]) / 2.0
    }
}

fn fmt(secs: f64) -> String {
    let ns = secs * 1e9;
    if ns < 1_000.0 {
        format!("{ns:.1} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

fn cell(xs: &[f64], per: f64) -> String {
    let min = xs.iter().cloned().fold(f64::INFINITY, f64::min);
    let max = xs.iter().cloned().fold(0.0, f64::max);
    format!(
        "{} ({}–{})",
        fmt(median(xs) / per),
        fmt(min / per),
        fmt(max / per)
    )
}

/// Runs each task once per round, interleaved, `warmup` untimed rounds then `runs` timed ones.
/// A task shorter than this repeats inside one sample (the pass count is fixed from the
/// warm-up) and the sample is the mean pass: on a shared machine a 1 ms sample is either
/// preempted or not.
const MIN_SAMPLE_SECS: f64 = 0.03;

fn interleaved(o: &Opts, tasks: &mut [(&str, &mut dyn FnMut())]) -> Vec<Vec<f64>> {
    let mut times = vec![Vec::new(); tasks.len()];
    let mut passes = vec![1u32; tasks.len()];
    for round in 0..o.warmup + o.runs {
        for j in 0..tasks.len() {
            let k = (j + round) % tasks.len();
            let start = Instant::now();
            for _ in 0..passes[k] {
                (tasks[k].1)();
            }
            let secs = start.elapsed().as_secs_f64() / f64::from(passes[k]);
            if round >= o.warmup {
                times[k].push(secs);
            } else {
                passes[k] = (MIN_SAMPLE_SECS / secs.max(1e-6)).ceil().clamp(1.0, 200.0) as u32;
            }
        }
    }
    times
}

fn peak_rss_mb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|k| k.parse::<f64>().ok())
            })
        })
        .map(|kb| format!("{:.0} MB", kb / 1024.0))
        .unwrap_or_else(|| "n/a".into())
}

// ---------------------------------------------------------------- main

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let o = if quick {
        Opts { runs: 3, warmup: 1 }
    } else {
        Opts { runs: 7, warmup: 2 }
    };
    let mut ok = true;
    let engine = Arc::new(Engine::from_json(&policy()).expect("policy compiles"));
    assert!(
        engine.warnings().is_empty(),
        "policy warnings: {:?}",
        engine.warnings()
    );
    println!(
        "# accord native bench ({} runs after {} warm-up, medians (min–max)); {} × {}",
        o.runs,
        o.warmup,
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        cpu_model()
    );

    million(&engine, &o);
    depth(&engine, &o);
    ok &= hundred_k(&engine, &o);

    println!();
    if ok {
        println!("accord and the plain-Rust reference agree on every decision, count and sum");
    } else {
        println!("FAILED: accord and the plain-Rust reference disagree (see MISMATCH lines)");
        std::process::exit(1);
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "?".into())
}

/// 1. A 1,000,000-user directory (breadth-first tree, depth up to 10).
fn million(engine: &Arc<Engine>, o: &Opts) {
    let n = 1_000_000;
    let t = tree(n, 10, 1_000_003);
    let text = directory_text(&t);
    drop(t);
    let runs = o.runs.min(3);
    let (mut parse, mut compile, mut heap) = (Vec::new(), Vec::new(), 0);
    for _ in 0..runs {
        let a = Instant::now();
        let json = Json::parse(&text).expect("parses");
        let b = Instant::now();
        let tenant = Tenant::new(engine.clone(), &json).expect("compiles");
        let c = Instant::now();
        parse.push((b - a).as_secs_f64());
        compile.push((c - b).as_secs_f64());
        heap = tenant.heap_bytes();
        black_box(&tenant);
    }
    let total: Vec<f64> = parse.iter().zip(&compile).map(|(a, b)| a + b).collect();
    println!();
    println!("## 1. compiling a 1,000,000-user directory (median of {runs})");
    println!();
    println!("| | |\n|---|---|");
    println!(
        "| JSON input | {:.1} MB ({:.1} bytes/user) |",
        text.len() as f64 / 1e6,
        text.len() as f64 / n as f64
    );
    println!("| parse JSON text → `Json` | {} |", cell(&parse, 1.0));
    println!("| compile `Json` → `Tenant` | {} |", cell(&compile, 1.0));
    println!("| total (`Tenant::from_json`) | {} |", cell(&total, 1.0));
    println!(
        "| compiled tenant (`heap_bytes`) | {:.1} MB ({:.1} bytes/user) |",
        heap as f64 / 1e6,
        heap as f64 / n as f64
    );
    println!("| process peak RSS so far | {} |", peak_rss_mb());
}

/// 2. A chain c0 ← c1 ← … ← c1000: may c0 update a lead owned by c2, by c1000?
fn depth(engine: &Arc<Engine>, o: &Opts) {
    let mut text = String::from(r#"{"plan":"professional","users":[{"id":"c0","role":"limited"}"#);
    for i in 1..=1000 {
        text.push_str(&format!(
            r#",{{"id":"c{i}","role":"limited","managerId":"c{}"}}"#,
            i - 1
        ));
    }
    text.push_str("]}");
    let tenant = Tenant::from_json(engine.clone(), &text).expect("chain compiles");
    let lead = |owner: &str| {
        Json::parse(&format!(
            r#"{{"type":"lead","id":"L-{owner}","ownerId":"{owner}","amount":1}}"#
        ))
        .expect("lead")
    };
    let (near, far) = (lead("c2"), lead("c1000"));
    assert!(tenant.can("c0", "update", &near).expect("asks"));
    assert!(tenant.can("c0", "update", &far).expect("asks"));
    assert!(!tenant.can("c2", "update", &lead("c1")).expect("asks"));
    let iters = 1_000_000usize;
    let mut at2 = || {
        for _ in 0..iters {
            black_box(
                tenant
                    .can(black_box("c0"), "update", black_box(&near))
                    .unwrap_or(false),
            );
        }
    };
    let mut at1000 = || {
        for _ in 0..iters {
            black_box(
                tenant
                    .can(black_box("c0"), "update", black_box(&far))
                    .unwrap_or(false),
            );
        }
    };
    let t = interleaved(o, &mut [("depth 2", &mut at2), ("depth 1000", &mut at1000)]);
    let ratio = median(&t[1]) / median(&t[0]);
    println!();
    println!("## 2. subordinate check by depth (chain of 1,001 users; `can(c0, update, lead)`, {iters} calls per run)");
    println!();
    println!("| owner below the asking manager | per check |\n|---|---|");
    println!("| depth 2 | {} |", cell(&t[0], iters as f64));
    println!("| depth 1,000 | {} |", cell(&t[1], iters as f64));
    println!(
        "| ratio depth 1,000 ÷ depth 2 | {ratio:.2} ({} issue 3's ≤ 1.5) |",
        if ratio <= 1.5 { "meets" } else { "MISSES" }
    );
}

/// 3. The 100k scenario: accord's core through `Json` and through codes, and plain Rust.
fn hundred_k(engine: &Arc<Engine>, o: &Opts) -> bool {
    let mut ok = true;
    let mut mismatch = |what: &str, a: String, b: String| {
        if a != b {
            println!("MISMATCH {what}: accord {a} vs plain Rust {b}");
            ok = false;
        }
    };
    let sc = scenario(1000, 100_000, 10_000, 6);
    let t = &sc.tree;
    let n = t.manager.len();
    let dir = directory_text(t);
    let big = directory_text(&tree(100_000, 8, 66));
    let tenant = Tenant::from_json(engine.clone(), &dir).expect("directory compiles");
    let uid = |i: usize| format!("u{i}");
    let (mgr, vp) = (uid(sc.manager), uid(sc.vp));
    let leads: Vec<Json> = sc.leads.iter().map(|l| l.json.clone()).collect();
    let bulk = &leads[..10_000];

    // Plain Rust: each user's reporting line as a HashSet of user ids (self included).
    let mut line: Vec<HashSet<String>> = vec![HashSet::new(); n];
    for u in 0..n {
        let mut at = u as i64;
        while at >= 0 {
            line[at as usize].insert(uid(u));
            at = t.manager[at as usize];
        }
    }
    let users: HashMap<String, usize> = (0..n).map(|i| (uid(i), i)).collect();
    // Owner ids as strings once, like the JS records carry them.
    let owner_ids: Vec<String> = sc.leads.iter().map(|l| uid(l.owner)).collect();
    let plain_can = |u: &str, k: usize| -> bool {
        match users.get(u) {
            Some(&i) => match t.role[i] {
                "admin" | "full" => true,
                "limited" => line[i].contains(&owner_ids[k]),
                _ => false,
            },
            None => false,
        }
    };
    let plain_in = |i: usize, k: usize| -> bool {
        match t.role[i] {
            "admin" | "full" => true,
            "limited" => line[i].contains(&owner_ids[k]),
            _ => false,
        }
    };

    // The records resolved once, as a page holds its records: the plan path then reads their
    // fields (the JavaScript handle reads the objects' properties).
    let resources: Vec<Resource> = leads
        .iter()
        .map(|l| tenant.resolve(l, "").expect("lead resolves"))
        .collect();
    let lead_ty = tenant.type_index("lead", "").expect("lead type");
    let act = |a: &str| tenant.action_index(a, &resources[0]).expect("action");
    let plan = |user: &str, action: &str| -> Plan {
        tenant
            .plan_for(tenant.user_index(user), act(action), lead_ty)
            .expect("plan")
    };
    // Bulk's columns, as the binding hands them over: the fields `bulk_fields` names.
    let vp_ix = tenant.user_index(&vp).expect("vp");
    let reassign = u32::from(act("reassign"));
    let bulk_mask = tenant
        .bulk_fields(vp_ix, reassign, u32::from(lead_ty))
        .expect("bulk fields");
    let code = |v: Option<&Json>| -> (u8, f64) {
        match v {
            None => (0, 0.0),
            Some(Json::Null) => (1, 0.0),
            Some(Json::Bool(b)) => (2, f64::from(u8::from(*b))),
            Some(Json::Num(x)) => (3, *x),
            Some(Json::Str(s)) => match tenant.sym(s) {
                u32::MAX => (4, -1.0),
                sym => (4, f64::from(sym)),
            },
            Some(_) => (0, 0.0),
        }
    };
    let (mut bulk_tags, mut bulk_vals) = (Vec::new(), Vec::new());
    for l in bulk {
        for (slot, name) in engine.encoded_fields() {
            if bulk_mask & (1u64 << slot) != 0 {
                let (a, b) = code(l.get(name));
                bulk_tags.push(a);
                bulk_vals.push(b);
            }
        }
    }
    let bulk_columns = || {
        let mut out = vec![0u32; bulk.len()];
        let sentences = tenant
            .bulk_columns(
                &vp,
                reassign,
                Some(&mgr),
                u32::from(lead_ty),
                &bulk_tags,
                &bulk_vals,
                &mut out,
            )
            .expect("bulk columns");
        (out, sentences)
    };
    let (mgr_view, vp_view) = (plan(&mgr, "view"), plan(&vp, "view"));

    // ---- verification ----
    let checks_accord: Vec<bool> = sc
        .checks
        .iter()
        .map(|&(u, a, l)| tenant.can(&uid(u), a, &leads[l]).expect("can"))
        .collect();
    let checks_plain: Vec<bool> = sc
        .checks
        .iter()
        .map(|&(u, _, l)| plain_can(&uid(u), l))
        .collect();
    let allowed = checks_accord.iter().filter(|&&b| b).count();
    mismatch(
        "checks",
        format!("{checks_accord:?}"),
        format!("{checks_plain:?}"),
    );
    let f_accord = tenant.filter(&mgr, "view", &leads).expect("filter");
    let f_plain: Vec<usize> = (0..leads.len())
        .filter(|&k| plain_in(sc.manager, k))
        .collect();
    mismatch("filter", format!("{f_accord:?}"), format!("{f_plain:?}"));
    let f_plan: Vec<usize> = (0..leads.len())
        .filter(|&i| mgr_view.allows(&tenant, &resources[i]))
        .collect();
    mismatch(
        "filter (plan)",
        format!("{f_plan:?}"),
        format!("{f_plain:?}"),
    );

    let b_accord = tenant
        .bulk(&vp, "reassign", bulk, Some(&mgr))
        .expect("bulk");
    let b_plain: Vec<String> = (0..bulk.len())
        .filter(|&k| plain_in(sc.vp, k))
        .map(|k| sc.leads[k].id.clone())
        .collect();
    mismatch(
        "bulk",
        format!("{:?}", b_accord.allowed),
        format!("{b_plain:?}"),
    );
    let (b_out, b_sentences) = bulk_columns();
    let b_uniform: Vec<String> = (0..bulk.len())
        .filter(|&i| b_out[i] == 0)
        .map(|i| sc.leads[i].id.clone())
        .collect();
    mismatch(
        "bulk (columns)",
        format!("{b_uniform:?} in {} sentences", b_sentences.len()),
        format!("{b_plain:?} in 1 sentences"),
    );
    let tot = tenant.total(&vp, &leads, "amount", None).expect("total");
    let (mut ps, mut pc) = (0.0, 0u64);
    for k in 0..leads.len() {
        if plain_in(sc.vp, k) {
            ps += sc.leads[k].amount;
            pc += 1;
        }
    }
    mismatch(
        "total",
        format!("{}/{}", tot.total, tot.count),
        format!("{ps}/{pc}"),
    );

    // ---- timing ----
    let nc = sc.checks.len() as f64;
    let check_ids: Vec<String> = sc.checks.iter().map(|&(u, _, _)| uid(u)).collect();
    let mut c_json = || {
        for (k, &(_, a, l)) in sc.checks.iter().enumerate() {
            black_box(tenant.can(&check_ids[k], a, &leads[l]).unwrap_or(false));
        }
    };
    // The handle's loop: one plan per (user, action), compiled before timing (as a page holds
    // its signed-in user's handle); per check, the plan on the record.
    let mut plans: HashMap<(usize, &str), Plan> = HashMap::new();
    for &(u, a, _) in &sc.checks {
        plans.entry((u, a)).or_insert_with(|| plan(&uid(u), a));
    }
    let check_plans: Vec<&Plan> = sc.checks.iter().map(|&(u, a, _)| &plans[&(u, a)]).collect();
    let mut c_codes = || {
        for (k, &(_, _, l)) in sc.checks.iter().enumerate() {
            black_box(check_plans[k].allows(&tenant, &resources[l]));
        }
    };
    let mut c_plain = || {
        for (k, &(_, _, l)) in sc.checks.iter().enumerate() {
            black_box(plain_can(&check_ids[k], l));
        }
    };
    let tc = interleaved(
        o,
        &mut [
            ("json", &mut c_json),
            ("codes", &mut c_codes),
            ("plain", &mut c_plain),
        ],
    );

    let mut f_json = || {
        black_box(
            tenant
                .filter(&mgr, "view", &leads)
                .map(|v| v.len())
                .unwrap_or(0),
        );
    };
    let mut f_codes_t = || {
        let out: Vec<usize> = (0..leads.len())
            .filter(|&i| mgr_view.allows(&tenant, &resources[i]))
            .collect();
        black_box(out);
    };
    let mut f_plain_t = || {
        let s = &line[sc.manager];
        let out: Vec<usize> = (0..leads.len())
            .filter(|&k| s.contains(&owner_ids[k]))
            .collect();
        black_box(out);
    };
    let tf = interleaved(
        o,
        &mut [
            ("json", &mut f_json),
            ("codes", &mut f_codes_t),
            ("plain", &mut f_plain_t),
        ],
    );

    let mut b_json = || {
        black_box(
            tenant
                .bulk(&vp, "reassign", bulk, Some(&mgr))
                .map(|b| b.allowed.len())
                .unwrap_or(0),
        );
    };
    let mut b_codes = || {
        black_box(bulk_columns());
    };
    let mut b_plain = || {
        let s = &line[sc.vp];
        let (mut allowed, mut denied) = (Vec::new(), Vec::new());
        for (k, l) in sc.leads[..10_000].iter().enumerate() {
            if s.contains(&owner_ids[k]) {
                allowed.push(l.id.clone());
            } else {
                denied.push((
                    l.id.clone(),
                    "out_of_scope",
                    format!(
                        "Lead {} belongs to {}, who is not in your reporting line.",
                        l.id, owner_ids[k]
                    ),
                ));
            }
        }
        black_box((allowed, denied));
    };
    let tb = interleaved(
        o,
        &mut [
            ("json", &mut b_json),
            ("codes", &mut b_codes),
            ("plain", &mut b_plain),
        ],
    );

    let mut t_json = || {
        black_box(
            tenant
                .total(&vp, &leads, "amount", None)
                .map(|t| t.total)
                .unwrap_or(0.0),
        );
    };
    let mut t_codes = || {
        let (mut s, mut c) = (0.0, 0u64);
        for (i, r) in resources.iter().enumerate() {
            if vp_view.allows(&tenant, r) {
                s += sc.leads[i].amount;
                c += 1;
            }
        }
        black_box((s, c));
    };
    let mut t_plain = || {
        let set = &line[sc.vp];
        let (mut s, mut c) = (0.0, 0u64);
        for (k, l) in sc.leads.iter().enumerate() {
            if set.contains(&owner_ids[k]) {
                s += l.amount;
                c += 1;
            }
        }
        black_box((s, c));
    };
    let tt = interleaved(
        o,
        &mut [
            ("json", &mut t_json),
            ("codes", &mut t_codes),
            ("plain", &mut t_plain),
        ],
    );

    let mut k1 = || {
        black_box(
            Tenant::from_json(engine.clone(), &dir)
                .map(|t| t.user_count())
                .unwrap_or(0),
        );
    };
    let mut k100 = || {
        black_box(
            Tenant::from_json(engine.clone(), &big)
                .map(|t| t.user_count())
                .unwrap_or(0),
        );
    };
    let tk = interleaved(o, &mut [("1k", &mut k1), ("100k", &mut k100)]);
    let big_tenant = Tenant::from_json(engine.clone(), &big).expect("big");

    println!();
    println!(
        "## 3. the core alone on issue 6's scenario ({n} users; {} leads; depth-3 manager {mgr} with {} users in line, VP {vp} with {})",
        leads.len(),
        t.size[sc.manager],
        t.size[sc.vp]
    );
    println!(
        "decisions: {allowed} of {} checks allowed; filter {} visible; bulk {} allowed, {} denied; total {} over {}",
        sc.checks.len(),
        f_accord.len(),
        b_accord.allowed.len(),
        b_accord.denied.len(),
        tot.total,
        tot.count
    );
    println!();
    println!("| figure | accord core, `Json` records (public Rust API) | accord core, plans (the handle's loop: a plan per (user, action) on records held resolved; bulk through `bulk_columns`, the binding's loop) | plain Rust (`HashSet` of the line) |");
    println!("|---|---|---|---|");
    println!(
        "| single check, per op | {} | {} | {} |",
        cell(&tc[0], nc),
        cell(&tc[1], nc),
        cell(&tc[2], nc)
    );
    println!(
        "| filter 100k, depth-3 manager | {} | {} | {} |",
        cell(&tf[0], 1.0),
        cell(&tf[1], 1.0),
        cell(&tf[2], 1.0)
    );
    println!(
        "| bulk 10k reassign (columns: decisions and sentence indices; Json: decisions and messages) | {} | {} | {} |",
        cell(&tb[0], 1.0),
        cell(&tb[1], 1.0),
        cell(&tb[2], 1.0)
    );
    println!(
        "| total over the VP's leads of 100k | {} | {} | {} |",
        cell(&tt[0], 1.0),
        cell(&tt[1], 1.0),
        cell(&tt[2], 1.0)
    );
    println!();
    println!("| tenant construction (`Tenant::from_json`) | median (min–max) | compiled size |\n|---|---|---|");
    println!(
        "| 1,000 users | {} | {:.1} KB |",
        cell(&tk[0], 1.0),
        tenant.heap_bytes() as f64 / 1024.0
    );
    println!(
        "| 100,000 users | {} | {:.2} MB ({:.1} bytes/user) |",
        cell(&tk[1], 1.0),
        big_tenant.heap_bytes() as f64 / 1e6,
        big_tenant.heap_bytes() as f64 / 100_000.0
    );
    ok
}
