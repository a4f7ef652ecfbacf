// Snapshots (issue 15): what an edge isolate pays for its first answer. Compiles the bench's
// 100,000-user directory (the zendesk-sell preset plus a no-access role, 8 levels of managers),
// saves it, and loads it with "accord" and with "accord/runtime"; prints medians of 7 runs
// after 2 warm-ups, the snapshot's bytes per user, and whether a load meets the 10 ms target.
// Every loaded tenant must answer a sample of questions as the compiled one does.
// `node --expose-gc bench/snapshot.mjs [--quick]`
import { performance } from "node:perf_hooks";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import * as runtime from "accord/runtime";

// `--child FILE USER`: what a fresh isolate pays, in a process of its own: accord/runtime is
// loaded (its module instantiated on import), then the snapshot, then USER's first answer.
if (process.argv[2] === "--child") {
  const bytes = readFileSync(process.argv[3]);
  const t0 = performance.now();
  const t = runtime.Tenant.load(bytes);
  const t1 = performance.now();
  t.can(process.argv[4], "update", { type: "lead", id: "L1", ownerId: "u1" });
  const t2 = performance.now();
  console.log(JSON.stringify({ load: t1 - t0, first: t2 - t0 }));
  process.exit(0);
}
const accord = await import("accord");
const { bigDirectory, withNoAccessRole, tree } = await import("./scenario.mjs");

const quick = process.argv.includes("--quick");
const runs = quick ? 3 : 7;
const warm = quick ? 1 : 2;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ms = (x) => `${x.toFixed(2)} ms`;
// Between runs the previous result is collected (with --expose-gc; its wasm memory freed by
// the finalizer, which runs after a turn of the event loop), so each run starts alike.
async function time(fn) {
  const out = [];
  let value;
  for (let i = 0; i < warm + runs; i++) {
    value = undefined;
    if (globalThis.gc) {
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 0));
    }
    const t0 = performance.now();
    value = fn();
    const dt = performance.now() - t0;
    if (i >= warm) out.push(dt);
  }
  return { value, median: median(out), low: Math.min(...out) };
}

const dir = bigDirectory();
const n = dir.users.length;
const engine = new accord.Engine(withNoAccessRole(accord.presets["zendesk-sell"]()));
const compiled = await time(() => engine.tenant(dir));
const tenant = compiled.value;
const saved = await time(() => tenant.save());
const bytes = saved.value;
const loadFull = await time(() => accord.Tenant.load(bytes));
const loadLean = await time(() => runtime.Tenant.load(bytes));
// A fresh isolate's path: load, then its first answer.
const lead = { type: "lead", id: "L1", ownerId: `u${n - 1}` };
const first = await time(() => runtime.Tenant.load(bytes).can("u0", "update", lead));

// A fresh process per load: the first load of an isolate also grows its wasm memory.
mkdirSync(new URL("../target/", import.meta.url), { recursive: true });
const file = new URL("../target/bench-snapshot-100k.bin", import.meta.url).pathname;
writeFileSync(file, bytes);
// Whose first answer: a rep (a line of one), a manager (about 200 below), a VP (the largest
// line under the top), all `update` on a lead (ZS-9: their reporting line).
const shape = tree(n, 8, 66);
const within = (lo, hi) => {
  let best = -1;
  for (let i = 1; i < n; i++) {
    const size = shape.size[i];
    if (size >= lo && size <= hi && (best < 0 || size > shape.size[best])) best = i;
  }
  return `u${best}`;
};
const whom = { rep: within(1, 1), manager: within(100, 300), vp: within(1000, n / 2) };
const sizeOf = (u) => shape.size[Number(u.slice(1))];
const fresh = {};
for (const [role, u] of Object.entries(whom)) {
  fresh[role] = [];
  for (let i = 0; i < runs; i++) fresh[role].push(JSON.parse(execFileSync(process.execPath, [new URL(import.meta.url).pathname, "--child", file, u], { encoding: "utf8" })));
}
const freshLoad = median(Object.values(fresh).flat().map((f) => f.load));

// Same answers: a sample of (user, action, owner) questions, through both loads.
let disagree = 0;
for (const t of [loadFull.value, loadLean.value]) {
  for (let i = 0; i < 2000; i++) {
    const u = `u${(i * 7919) % n}`;
    const rec = { type: "lead", id: `L${i}`, ownerId: `u${(i * 104729) % n}` };
    for (const a of ["view", "update", "reassign"]) {
      if (t.check(u, a, rec).message !== tenant.check(u, a, rec).message) disagree++;
    }
  }
}

console.log(`snapshot of a ${n.toLocaleString("en")}-user tenant (Node ${process.versions.node}; median of ${runs} after ${warm} warm-up)`);
console.log(`  compile  (engine.tenant)         : ${ms(compiled.median)} (fastest ${ms(compiled.low)})`);
console.log(`  save     (tenant.save)           : ${ms(saved.median)} (fastest ${ms(saved.low)})`);
console.log(`  load     (accord Tenant.load)    : ${ms(loadFull.median)} (fastest ${ms(loadFull.low)})`);
console.log(`  load     (accord/runtime)        : ${ms(loadLean.median)} (fastest ${ms(loadLean.low)})`);
console.log(`  load + first answer (runtime)    : ${ms(first.median)}`);
console.log(`  fresh process: load (runtime)    : ${ms(freshLoad)} (median of ${3 * runs} processes)`);
for (const [role, u] of Object.entries(whom)) {
  console.log(`  fresh process: load + first answer, a ${role} (${u}, a line of ${sizeOf(u).toLocaleString("en")}): ${ms(median(fresh[role].map((f) => f.first)))}`);
}
console.log(`  snapshot : ${bytes.length.toLocaleString("en")} bytes, ${(bytes.length / n).toFixed(1)} bytes per user`);
console.log(`  compile / load: ${(compiled.median / loadLean.median).toFixed(1)}x`);
const met = freshLoad <= 10;
console.log(`  target: a 100,000-user tenant loads in ≤ 10 ms in Node (fresh process): ${met ? "met" : "MISSED"} (${ms(freshLoad)})`);
if (disagree) console.log(`  DISAGREE: ${disagree} answers differ between the loaded and the compiled tenant`);
process.exitCode = disagree ? 1 : 0;
