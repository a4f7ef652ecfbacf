// Runs the shared corpus (tests/corpus/*.json) against the published JS API of accord, in
// whatever runtime imports this file: Node (ESM and CommonJS), Deno, workerd, Chromium.
// Returns the counts, the failures, and a transcript of every answer so that runtimes can be
// compared with one another, not only with the expectations.

function same(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => same(a[k], b[k]));
}

function records(file, spec) {
  return typeof spec === "string" ? file.records[spec] : spec;
}

function ask(tenant, file, c) {
  switch (c.call) {
    case "can":
      return tenant.can(c.user, c.action, c.resource);
    case "check":
      return c.plan === undefined ? tenant.check(c.user, c.action, c.resource) : tenant.check(c.user, c.action, c.resource, { plan: c.plan });
    case "permitted":
      return c.plan === undefined ? tenant.permitted(c.user, c.resource) : tenant.permitted(c.user, c.resource, { plan: c.plan });
    case "who":
      return tenant.who(c.action, c.resource);
    case "filter":
      return tenant.filter(c.user, c.action, records(file, c.records)).map((r) => r.id);
    case "total":
      return tenant.total(c.user, records(file, c.records), c.field, c.groupBy === undefined ? {} : { groupBy: c.groupBy });
    case "bulk":
      return tenant.bulk(c.user, c.action, records(file, c.records), c.to === undefined ? {} : { to: c.to });
    default:
      throw new Error(`unknown call ${c.call}`);
  }
}

function compare(c, got) {
  const want = c.expect;
  switch (c.call) {
    case "check":
      for (const [k, v] of Object.entries(want)) {
        if (v === null && k === "upgradeTo" ? got[k] !== undefined : !same(got[k], v)) return `${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify(got[k])}`;
      }
      return null;
    case "bulk": {
      if (!same(got.allowed, want.allowed)) return `allowed: expected ${JSON.stringify(want.allowed)}, got ${JSON.stringify(got.allowed)}`;
      if (got.denied.length !== want.denied.length) return `denied: expected ${want.denied.length}, got ${got.denied.length}`;
      for (let i = 0; i < want.denied.length; i++) {
        const w = want.denied[i];
        const g = got.denied[i];
        for (const k of Object.keys(w)) if (!same(g[k], w[k])) return `denied[${i}].${k}: expected ${JSON.stringify(w[k])}, got ${JSON.stringify(g[k])}`;
      }
      return null;
    }
    default:
      return same(got, want) ? null : `expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`;
  }
}

// A tenant-shaped view of `tenant.user(userId)`, so one `ask` serves both.
function handleAsTenant(tenant, userId) {
  const me = tenant.user(userId);
  return {
    can: (_u, a, r) => me.can(a, r),
    check: (_u, a, r, o) => me.check(a, r, o),
    permitted: (_u, r, o) => me.permitted(r, o),
    filter: (_u, a, rs) => me.filter(a, rs),
    total: (_u, rs, f, o) => me.total(rs, f, o),
    bulk: (_u, a, rs, o) => me.bulk(a, rs, o),
  };
}

// A plan (docs/plans.md) run on a record, written here from the documentation alone, so the
// package's own evaluator is checked against an independent one. `undefined` when the record
// is not one a plan judges (no id, a parent that is not a plain object, ...).
export function planSays(plan, rec) {
  if (rec === null || typeof rec !== "object") return undefined;
  const plainId = (x) => typeof x === "string" || typeof x === "number";
  const child = rec.parent !== undefined;
  if (child ? !(rec.parent && typeof rec.parent === "object" && plainId(rec.parent.id)) : !plainId(rec.id)) return undefined;
  if (plan.kind !== "where") return plan.kind === "always";
  const read = (name) => {
    const v = name.startsWith("parent.") ? rec.parent[name.slice(7)] : rec[name];
    if (typeof v === "string" && v.length > 300) return undefined;
    return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : null;
  };
  const holds = (p) => {
    if (p === true || p === false) return p;
    const [op] = Object.keys(p);
    const x = p[op];
    switch (op) {
      case "eq":
        return read(x[0]) === x[1];
      case "null":
        return read(x) === null;
      case "in":
        return plan.sets[x[1]].includes(read(x[0]));
      case "overlaps": {
        const list = x[0].startsWith("parent.") ? rec.parent[x[0].slice(7)] : rec[x[0]];
        return Array.isArray(list) && list.some((o) => typeof o === "string" && plan.sets[x[1]].includes(o));
      }
      case "not":
        return !holds(x);
      case "and":
        return x.every(holds);
      case "or":
        return x.some(holds);
      default:
        throw new Error(`unknown plan node ${op}`);
    }
  };
  return holds(plan.where);
}

/**
 * Runs every case of every file. `accord` is the package's namespace. `options.tenant(engine,
 * directory, file)` makes each tenant (by default `engine.tenant(directory)`): the snapshot
 * runs below load it from bytes instead.
 */
export function runCorpus(accord, files, options = {}) {
  const { Engine, presets, AccordError } = accord;
  const make = options.tenant ?? ((engine, dir) => engine.tenant(dir));
  const failures = [];
  const transcript = [];
  let passed = 0;
  for (const [fname, file] of files) {
    let engine;
    try {
      engine = new Engine(file.preset ? presets[file.preset]() : file.policy);
    } catch (e) {
      failures.push({ file: fname, case: "(engine)", why: `${e.code}: ${e.message}` });
      continue;
    }
    const tenants = new Map();
    const tenantOf = (dir) => {
      const key = JSON.stringify(dir);
      if (!tenants.has(key)) tenants.set(key, make(engine, dir, fname));
      return tenants.get(key);
    };
    for (const c of file.cases) {
      let got;
      let err = null;
      try {
        const tenant = tenantOf(c.directory ?? file.directory);
        got = c.call === "tenant" ? "built" : c.call === "describe" ? engine.describe() : ask(tenant, file, c);
        if (c.call === "describe" && JSON.stringify(tenant.describe()) !== JSON.stringify(got)) {
          failures.push({ file: fname, case: c.name, why: `tenant.describe() differs from engine.describe(): ${JSON.stringify(tenant.describe())}` });
        }
        if (c.call !== "tenant" && typeof c.user === "string") {
          // The same question through the per-user handle must give the same answer.
          const viaHandle = outcome(() => ask(handleAsTenant(tenant, c.user), file, c));
          if (JSON.stringify(viaHandle.ok) !== JSON.stringify(got)) failures.push({ file: fname, case: c.name, why: `tenant.user(${c.user}) says ${JSON.stringify(viaHandle)}, the tenant ${JSON.stringify(got)}` });
        }
      } catch (e) {
        if (!(e instanceof AccordError) || !(e instanceof Error)) {
          failures.push({ file: fname, case: c.name, why: `threw a non-AccordError: ${e}` });
          continue;
        }
        err = { code: e.code, path: e.path, message: e.message };
        if (c.call !== "tenant" && typeof c.user === "string") {
          const viaHandle = outcome(() => ask(handleAsTenant(tenantOf(c.directory ?? file.directory), c.user), file, c));
          if (viaHandle.err !== err.code) failures.push({ file: fname, case: c.name, why: `tenant.user(${c.user}) says ${JSON.stringify(viaHandle)}, the tenant ${err.code}` });
        }
      }
      transcript.push(`${fname}#${c.name} ${JSON.stringify(err ?? got)}`);
      let why;
      if (c.expectError) {
        if (!err) why = `expected error ${c.expectError.code}, got ${JSON.stringify(got)}`;
        else if (err.code !== c.expectError.code) why = `expected error ${c.expectError.code}, got ${err.code} (${err.message})`;
        else if (c.expectError.path !== undefined && err.path !== c.expectError.path) why = `expected path ${c.expectError.path}, got ${err.path}`;
      } else if (err) {
        why = `unexpected error ${err.code} at ${err.path}: ${err.message}`;
      } else {
        why = compare(c, got);
      }
      if (why) failures.push({ file: fname, case: c.name, why });
      else passed++;
    }
  }
  for (const [fname, file] of files) {
    const r = crossPaths(accord, fname, file, make);
    passed += r.passed;
    failures.push(...r.failures);
    transcript.push(...r.transcript);
  }
  return { passed, failed: failures.length, failures, transcript, digest: digest(transcript.join("\n")) };
}

// mulberry32: the same draws in every runtime.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function outcome(fn) {
  try {
    return { ok: fn() };
  } catch (e) {
    return { err: e.code ?? String(e) };
  }
}

/**
 * One engine, several paths: the batch calls (which take columnar fast paths when records
 * allow) must say exactly what asking `check` record by record says (the exact JSON path):
 * the same records, codes and messages, the same sums. Over each file's records, and over
 * copies whose fields are perturbed (other users, unknown names, null, numbers, absent).
 */
function crossPaths(accord, fname, file, make) {
  const { Engine, presets } = accord;
  const failures = [];
  const transcript = [];
  let passed = 0;
  let planned = 0;
  let engine;
  let tenant;
  try {
    engine = new Engine(file.preset ? presets[file.preset]() : file.policy);
    tenant = make(engine, file.directory, fname);
  } catch {
    return { passed, failures, transcript };
  }
  const users = file.directory.users.map((u) => u.id).concat(["nobody"]);
  const actions = [...new Set(file.cases.filter((c) => typeof c.action === "string").map((c) => c.action).concat(["view"]))];
  const rand = rng(fname.length * 7919 + 17);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const perturb = (rec) => {
    const r = { ...rec };
    for (const k of ["ownerId", "creatorId", "assigneeId", "teamId"]) {
      if (!(k in r) && rand() < 0.7) continue;
      const d = rand();
      if (d < 0.5) r[k] = pick(users);
      else if (d < 0.6) r[k] = "stranger";
      else if (d < 0.7) r[k] = null;
      else if (d < 0.8) r[k] = 7;
      else if (d < 0.9) delete r[k];
    }
    if (rand() < 0.3) r.amount = Math.floor(rand() * 1000);
    return r;
  };
  const lists = [];
  for (const [name, recs] of Object.entries(file.records ?? {})) {
    lists.push([name, recs]);
    lists.push([`${name}~`, recs.map(perturb)]);
  }
  for (const [name, recs] of lists) {
    for (const u of users) {
      for (const a of actions) {
        const where = `${name} ${u} ${a}`;
        const fail = (why) => failures.push({ file: fname, case: `(paths) ${where}`, why });
        const each = recs.map((r) => outcome(() => tenant.check(u, a, r)));
        const cans = recs.map((r) => outcome(() => tenant.can(u, a, r)));
        const me = tenant.user(u);
        for (let i = 0; i < recs.length; i++) {
          const viaHandle = outcome(() => me.can(a, recs[i]));
          if ((viaHandle.err ?? viaHandle.ok) !== (each[i].err ?? each[i].ok.allowed)) fail(`record ${i}: tenant.user(${u}).can ${JSON.stringify(viaHandle)} but check ${JSON.stringify(each[i])}`);
          const plan = outcome(() => tenant.plan(u, a, recs[i].type));
          const says = plan.ok && each[i].ok ? planSays(plan.ok, recs[i]) : undefined;
          if (says !== undefined && says !== each[i].ok.allowed) fail(`record ${i}: its plan ${JSON.stringify(plan.ok)} says ${says} but check ${JSON.stringify(each[i])}`);
          if (says !== undefined) planned++;
        }
        const bad = each.find((d) => d.err !== undefined);
        for (let i = 0; i < recs.length; i++) {
          if ((cans[i].err ?? cans[i].ok) !== (each[i].err ?? each[i].ok.allowed)) fail(`record ${i}: can ${JSON.stringify(cans[i])} but check ${JSON.stringify(each[i])}`);
        }
        const f = outcome(() => tenant.filter(u, a, recs));
        const fWant = bad ? { err: bad.err } : { ok: recs.filter((_, i) => each[i].ok.allowed) };
        if (f.err !== fWant.err || (f.ok && (f.ok.length !== fWant.ok.length || f.ok.some((r, i) => r !== fWant.ok[i])))) fail(`filter ${JSON.stringify(f.err ?? f.ok.length)} but check says ${JSON.stringify(fWant.err ?? fWant.ok.length)}`);
        const b = outcome(() => tenant.bulk(u, a, recs));
        if (bad) {
          if (b.err !== bad.err) fail(`bulk ${JSON.stringify(b)} but check says ${bad.err}`);
        } else if (b.ok) {
          const allowed = recs.filter((_, i) => each[i].ok.allowed).map((r) => r.id);
          const denied = recs.flatMap((r, i) => (each[i].ok.allowed ? [] : [{ id: r.id, code: each[i].ok.code, message: each[i].ok.message }]));
          if (JSON.stringify(b.ok) !== JSON.stringify({ allowed, denied })) fail(`bulk ${JSON.stringify(b.ok)} but check says ${JSON.stringify({ allowed, denied })}`);
        } else fail(`bulk failed with ${b.err}`);
        transcript.push(`(paths) ${fname} ${where} ${JSON.stringify(f.err ?? f.ok.length)} ${JSON.stringify(b)}`);
        passed++;
      }
      const t = outcome(() => tenant.total(u, recs, "amount"));
      const views = recs.map((r) => outcome(() => tenant.check(u, "view", r)));
      let want;
      const vbad = views.find((d) => d.err !== undefined);
      if (vbad) want = { err: vbad.err };
      else {
        let total = 0;
        let count = 0;
        for (let i = 0; i < recs.length && want === undefined; i++) {
          if (!views[i].ok.allowed) continue;
          const x = recs[i].amount;
          if (x === undefined || x === null) count++;
          else if (typeof x === "number" && Number.isFinite(x)) {
            total += x;
            count++;
          } else want = { err: "invalid_number" };
        }
        want ??= { ok: { total, count } };
      }
      if (JSON.stringify(t) !== JSON.stringify(want)) failures.push({ file: fname, case: `(paths) ${name} ${u} total`, why: `total ${JSON.stringify(t)} but check says ${JSON.stringify(want)}` });
      transcript.push(`(paths) ${fname} ${name} ${u} total ${JSON.stringify(t)}`);
    }
  }
  transcript.push(`(paths) ${fname} plans compared ${planned}`);
  return { passed, failures, transcript };
}

// Snapshots by file and directory, as base64 (JSON-friendly: written by one runtime, read by
// the others).
const snapshotKey = (fname, dir) => `${fname}\n${JSON.stringify(dir)}`;
function toBase64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
function fromBase64(text) {
  const s = atob(text);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/**
 * A `tenant` option for runCorpus: compiles each directory, saves it, and answers through
 * `runtime.Tenant.load(bytes)` (`runtime`: the "accord/runtime" namespace, or "accord"). Each
 * snapshot is kept in `store` (base64 by file and directory) for other runtimes to load.
 */
export function throughSnapshots(runtime, store = {}) {
  return (engine, dir, fname) => {
    const bytes = engine.tenant(dir).save();
    if (!(bytes instanceof Uint8Array)) throw new Error("tenant.save() must return a Uint8Array");
    store[snapshotKey(fname, dir)] = toBase64(bytes);
    return runtime.Tenant.load(bytes);
  };
}

/**
 * A `tenant` option for runCorpus: loads the snapshots another runtime wrote (`store`, from
 * throughSnapshots) with `runtime.Tenant.load`; a directory with none (one that does not
 * compile) is compiled, to give its error.
 */
export function fromSnapshots(runtime, store) {
  return (engine, dir, fname) => {
    const b = store[snapshotKey(fname, dir)];
    return b === undefined ? engine.tenant(dir) : runtime.Tenant.load(fromBase64(b));
  };
}

/** `accord` with an AccordError that also recognises `runtime`'s (its own class). */
export function withRuntime(accord, runtime) {
  const AccordError = { [Symbol.hasInstance]: (e) => e instanceof accord.AccordError || e instanceof runtime.AccordError };
  return { ...accord, AccordError };
}

/** FNV-1a over the transcript: equal digests mean identical answers, codes and messages. */
export function digest(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** Prints the outcome with the closing line test runners read, and returns the exit code. */
export function report(runtime, result, print = console.log) {
  for (const f of result.failures) print(`  FAIL [${runtime}] ${f.file} ${f.case}: ${f.why}`);
  print(`[${runtime}] corpus digest ${result.digest}`);
  print(`${runtime}: ${result.passed} passed, ${result.failed} failed`);
  return result.failed === 0 ? 0 : 1;
}
