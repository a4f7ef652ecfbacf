// tenant.who on the bench's 100,000-user tenant (the zendesk-sell preset on professional, one
// manager tree of depth 8: bigDirectory in scenario.mjs), beside the naive answer it must equal
// (every user asked with `can`). `node bench/who.mjs [--quick]`; exits non-zero if they differ.
import { Engine, presets } from "accord";
import { bigDirectory, withNoAccessRole, PLAN } from "./scenario.mjs";

const quick = process.argv.includes("--quick");
const runs = quick ? 3 : 7;
const dir = bigDirectory();
dir.plan = PLAN;
const tenant = new Engine(withNoAccessRole(presets["zendesk-sell"]())).tenant(dir);
const ids = dir.users.map((u) => u.id);

// Owners at several depths of the tree (the root, a top-level manager, a leaf): `reassign`
// reaches the owner, the owner's managers (subordinates) and every admin (all).
const leads = ["u0", "u3", ids[ids.length - 1]].map((owner, i) => ({ type: "lead", id: `W${i}`, ownerId: owner }));
const questions = [
  ...leads.map((lead) => ["reassign", lead]),
  ["view", leads[2]],
  ["add", { type: "lead" }], // type-level: every holder of a role with the rule
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(fn) {
  fn(); // warm-up
  const ts = [];
  let out;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    out = fn();
    ts.push(performance.now() - t0);
  }
  return { ms: median(ts), out };
}

let bad = 0;
console.log(`who on ${ids.length.toLocaleString("en")} users (medians of ${runs} runs)\n`);
console.log("| question | users who may | who() | naive: every user can() |");
console.log("|---|---|---|---|");
for (const [action, rec] of questions) {
  const fast = time(() => tenant.who(action, rec));
  const naive = time(() => ids.filter((u) => tenant.can(u, action, rec)).sort());
  const same = JSON.stringify(fast.out) === JSON.stringify(naive.out);
  if (!same) bad++;
  const what = rec.id ? `${action} ${rec.id} (owner ${rec.ownerId})` : `${action} ${rec.type}s (type-level)`;
  console.log(`| ${what} | ${fast.out.length.toLocaleString("en")} | ${fast.ms.toFixed(2)} ms | ${naive.ms.toFixed(1)} ms${same ? "" : " MISMATCH"} |`);
}
process.exit(bad === 0 ? 0 : 1);
