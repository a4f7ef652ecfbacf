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
      return tenant.check(c.user, c.action, c.resource);
    case "permitted":
      return tenant.permitted(c.user, c.resource);
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

/** Runs every case of every file. `accord` is the package's namespace. */
export function runCorpus(accord, files) {
  const { Engine, presets, AccordError } = accord;
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
      if (!tenants.has(key)) tenants.set(key, engine.tenant(dir));
      return tenants.get(key);
    };
    for (const c of file.cases) {
      let got;
      let err = null;
      try {
        const tenant = tenantOf(c.directory ?? file.directory);
        got = c.call === "tenant" ? "built" : ask(tenant, file, c);
      } catch (e) {
        if (!(e instanceof AccordError) || !(e instanceof Error)) {
          failures.push({ file: fname, case: c.name, why: `threw a non-AccordError: ${e}` });
          continue;
        }
        err = { code: e.code, path: e.path, message: e.message };
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
  return { passed, failed: failures.length, failures, transcript, digest: digest(transcript.join("\n")) };
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
