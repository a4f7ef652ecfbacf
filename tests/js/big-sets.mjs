// The handle's two ways of holding a plan's sets, on a directory large enough for both: by
// symbol or pre-order range through the tenant's table of ids (a compiled tenant, which has
// the table at once), or as the strings (a loaded tenant, which builds the table only when
// needed, while the strings listed stay under a quarter of its directory; a set of up to 256
// strings always). Each way must answer as the engine does (ZS-9 reporting lines, ZS-3 granted
// records): a compiled tenant, a freshly loaded one (strings, then the table for the largest
// line), and one loaded and asked about many managers (strings, then the table). Every answer
// is held to `check` (the engine's exact path).
// Usage: node tests/js/big-sets.mjs
import { Engine, Tenant, presets } from "../../pkg/node.mjs";

// A tree of 3,000 users, three reports each (lines of every size from 1 to 3,000), every
// fifth user a "limited" user with 300 granted leads (a granted set above 256 strings).
const N = 3000;
const users = [];
for (let i = 0; i < N; i++) {
  const u = { id: `u${i}`, role: i % 7 === 0 ? "full" : "limited" };
  if (i > 0) u.managerId = `u${Math.floor((i - 1) / 3)}`;
  if (i % 5 === 0) u.grants = { lead: Array.from({ length: 300 }, (_, k) => `L${(i * 31 + k) % 4000}`) };
  users.push(u);
}
const compiled = new Engine(presets["zendesk-sell"]()).tenant({ plan: "professional", users });
const bytes = compiled.save();
const leads = [];
for (let i = 0; i < 4000; i++) leads.push({ type: "lead", id: `L${i}`, ownerId: `u${(i * 7919) % (N + 50)}` });

let questions = 0;
const failures = [];
// Asks `who` through a fresh handle: `can` per lead and `filter` over all, against `check`.
function ask(tenant, label, who, action) {
  const me = tenant.user(who);
  const kept = new Set(me.filter(action, leads));
  for (const lead of leads) {
    const exact = tenant.check(who, action, lead).allowed;
    questions++;
    if (me.can(action, lead) !== exact || kept.has(lead) !== exact) {
      failures.push(`${label}: ${who} ${action} ${lead.id} (owner ${lead.ownerId}): handle ${me.can(action, lead)}, filter ${kept.has(lead)}, engine ${exact}`);
      if (failures.length > 20) return;
    }
  }
}

// The largest lines (u0: 3,000, u1: ~1,000), mid-size ones (~300, ~100) and small ones.
const askees = ["u0", "u1", "u2", "u4", "u13", "u40", "u121", "u365", "u1500", "u2999", "u10", "u25"];
for (const who of askees) for (const action of ["view", "update"]) ask(compiled, "compiled", who, action);

// Freshly loaded: lines of up to 750 ids (a quarter of the directory) arrive as lists; u1's
// (about 1,000) and u0's (3,000) by range, through the table they make the tenant build.
const fresh = Tenant.load(bytes);
for (const who of ["u4", "u13", "u10", "u1", "u0"]) ask(fresh, "loaded", who, "view");

// Loaded and asked about many managers: the listed strings pass the directory's size and
// the later plans come by symbol and range through the table.
const busy = Tenant.load(bytes);
for (let i = 0; i < 40; i++) ask(busy, "loaded, busy", `u${i}`, i % 2 ? "view" : "update");

// A loaded tenant's bulk below and above the size that builds the table, against `check`.
for (const [label, t, n] of [["loaded bulk, small", Tenant.load(bytes), 50], ["loaded bulk, large", Tenant.load(bytes), 4000]]) {
  const batch = leads.slice(0, n);
  const res = t.bulk("u1", "reassign", batch, { to: "u4" });
  const denied = new Map(res.denied.map((d) => [d.id, d]));
  for (const lead of batch) {
    questions++;
    const exact = compiled.bulk("u1", "reassign", [lead], { to: "u4" });
    const want = exact.denied[0];
    const got = denied.get(lead.id);
    if ((want === undefined) !== (got === undefined) || (want && (want.code !== got.code || want.message !== got.message))) {
      failures.push(`${label}: ${lead.id}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
    }
  }
}

for (const f of failures.slice(0, 20)) console.log("FAIL", f);
console.log(`big-sets: ${questions} questions (${N} users; lines and granted sets above and below 256), ${failures.length} failed`);
process.exitCode = failures.length ? 1 : 0;
