// The handle's property test: random policies, directories and records written by the Rust
// property generators (`cargo test --test differential -- --ignored write_handle_cases`), each
// question asked through `tenant.user(id)` (the plan compiled into JavaScript) and through
// `tenant.plan` with the evaluator written in tests/js/corpus.mjs, against the engine's own
// answers: `can`, and `check`'s code and message on every refusal.
// Usage: node tests/js/handle-cases.mjs CASES.jsonl
import { readFileSync } from "node:fs";
import { Engine } from "../../pkg/node.mjs";
import { planSays } from "./corpus.mjs";

const file = process.argv[2] ?? "target/handle-cases.jsonl";
const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
let cases = 0;
let questions = 0;
let planned = 0;
const failures = [];
const outcome = (fn) => {
  try {
    return { ok: fn() };
  } catch (e) {
    return { err: e.code ?? String(e), path: e.path };
  }
};
for (const line of lines) {
  const c = JSON.parse(line);
  let tenant;
  try {
    tenant = new Engine(c.policy).tenant(c.directory);
  } catch (e) {
    failures.push(`case ${cases}: the engine refused what it accepted natively: ${e.code} ${e.message}`);
    continue;
  }
  cases++;
  for (const q of c.questions) {
    questions++;
    // A JavaScript string is JSON text to accord: a record that is a JSON string is its text.
    if (typeof q.record === "string") q.record = JSON.stringify(q.record);
    const me = tenant.user(q.user);
    const a = q.answer;
    const where = () => `case ${cases - 1}: ${q.user} ${q.action} ${JSON.stringify(q.record).slice(0, 300)}`;
    const can = outcome(() => me.can(q.action, q.record));
    // filter judges its elements as records, with an id or not (the engine's can_record).
    const listed = q.listed;
    if (listed.error !== undefined) {
      const f = outcome(() => me.filter(q.action, [q.record]));
      if (f.err !== listed.error || f.path !== `/0${listed.path}`) failures.push(`${where()}: handle.filter ${JSON.stringify(f)}, engine error ${listed.error} at /0${listed.path}`);
    } else {
      const f = outcome(() => me.filter(q.action, [q.record]).length === 1);
      if (f.ok !== listed.can) failures.push(`${where()}: handle.filter ${JSON.stringify(f)}, engine ${listed.can}`);
    }
    if (a.error !== undefined) {
      if (can.err !== a.error) failures.push(`${where()}: handle.can ${JSON.stringify(can)}, engine error ${a.error}`);
      continue;
    }
    if (can.ok !== a.can) failures.push(`${where()}: handle.can ${JSON.stringify(can)}, engine ${a.can}`);
    if (!a.can) {
      const d = outcome(() => me.check(q.action, q.record));
      if (!d.ok || d.ok.code !== a.code || d.ok.message !== a.message) failures.push(`${where()}: handle.check ${JSON.stringify(d)}, engine ${a.code}: ${a.message}`);
    }
    if (typeof q.record?.type === "string") {
      const plan = outcome(() => tenant.plan(q.user, q.action, q.record.type));
      const says = plan.ok ? planSays(plan.ok, q.record) : undefined;
      if (says !== undefined) {
        planned++;
        if (says !== a.can) failures.push(`${where()}: its plan ${JSON.stringify(plan.ok).slice(0, 400)} says ${says}, engine ${a.can}`);
      }
    }
  }
}
for (const f of failures.slice(0, 20)) console.log(`  FAIL ${f}`);
console.log(`handle cases: ${cases} cases, ${questions} questions through tenant.user(id), ${planned} through tenant.plan`);
console.log(`handle-cases: ${cases - new Set(failures.map((f) => f.split(":")[0])).size} passed, ${failures.length} failed`);
process.exit(failures.length === 0 && cases > 0 ? 0 : 1);
