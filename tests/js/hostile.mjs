// Hostile input from JavaScript (issue 7): every call must give a decision or an AccordError,
// never a crash, a wasm trap or a polluted Object.prototype, and the engine keeps answering.
// Runs in any runtime: pass the package namespace; returns { passed, failed, failures }.

export function runHostile(accord) {
  const { Engine, presets, AccordError } = accord;
  const failures = [];
  let passed = 0;
  const engine = new Engine(presets["zendesk-sell"]());
  const dir = { plan: "professional", users: [{ id: "sm", role: "limited" }, { id: "r1", role: "rep", managerId: "sm" }, { id: "r2", role: "limited", managerId: "sm" }] };
  const acme = engine.tenant(dir);
  const lead = { type: "lead", id: "L1", ownerId: "r1", amount: 10 };
  const sane = () => acme.can("r1", "update", lead) === true && acme.check("r2", "update", lead).code === "out_of_scope";

  // expect: "error" (an AccordError), "answer" (no throw), or a function judging the result.
  function probe(name, fn, expect) {
    let outcome;
    try {
      const value = fn();
      outcome = { value };
    } catch (e) {
      outcome = { error: e };
    }
    let why = null;
    if (outcome.error !== undefined) {
      const e = outcome.error;
      if (!(e instanceof AccordError) || !(e instanceof Error)) why = `threw a non-AccordError: ${e && e.name}: ${e && e.message}`;
      else if (typeof e.code !== "string" || typeof e.message !== "string" || typeof e.path !== "string") why = "AccordError without code/message/path";
      else if (expect === "answer") why = `expected an answer, got ${e.code}: ${e.message}`;
      else if (typeof expect === "string" && expect !== "error" && e.code !== expect) why = `expected ${expect}, got ${e.code}: ${e.message}`;
    } else if (expect !== "answer" && typeof expect !== "function") {
      why = `expected an error, got ${JSON.stringify(outcome.value)}`;
    } else if (typeof expect === "function" && !expect(outcome.value)) {
      why = `unexpected answer ${JSON.stringify(outcome.value)}`;
    }
    if (!why && ({}).polluted !== undefined) why = "Object.prototype was polluted";
    if (!why && !sane()) why = "the engine stopped answering correctly afterwards";
    if (why) failures.push({ name, why });
    else passed++;
  }

  // __proto__ / constructor keys: plain data, never prototype writes.
  const protoPolicy = JSON.parse('{"plans":["p"],"types":{"lead":{"actions":["view"]}},"roles":{"__proto__":{"rules":[{"actions":["view"]}]}, "constructor": {"rules":[]}},"__proto__":{"polluted":1}}');
  probe("policy with __proto__ and constructor keys", () => new Engine(protoPolicy), (e) => e instanceof Engine);
  probe("directory with __proto__ user fields", () => engine.tenant(JSON.parse('{"plan":"team","users":[{"id":"__proto__","role":"limited","__proto__":{"polluted":1}},{"id":"constructor","role":"full"}]}')).can("__proto__", "view", { type: "lead", id: "X", ownerId: "__proto__" }), (v) => v === true);
  probe("record with __proto__ key", () => acme.can("r1", "view", JSON.parse('{"type":"lead","id":"L1","ownerId":"r1","__proto__":{"polluted":1}}')), (v) => v === true);
  probe("type named __proto__", () => acme.can("r1", "view", { type: "__proto__", id: "x" }), "unknown_type");
  probe("action named constructor", () => acme.can("r1", "constructor", lead), "unknown_action");
  probe("user id toString", () => acme.can("toString", "view", lead), (v) => v === false);

  // Getters that throw, Proxies, cycles.
  const throwing = { type: "lead", id: "L1", get ownerId() { throw new Error("boom"); } };
  probe("getter that throws (can)", () => acme.can("r1", "view", throwing), "invalid_input");
  probe("getter that throws (filter)", () => acme.filter("r1", "view", [lead, throwing]), "invalid_input");
  probe("getter that throws in the policy", () => new Engine({ plans: ["p"], get types() { throw new Error("boom"); } }), "invalid_input");
  const trap = new Proxy({}, { get() { throw new Error("trap"); }, ownKeys() { throw new Error("trap"); } });
  probe("Proxy that throws", () => acme.check("r1", "view", trap), "invalid_input");
  // A getter that calls back into the tenant while a batch is being encoded: the inner call
  // must not disturb the outer one's columns (both answers stay exact).
  const others = Array.from({ length: 50 }, (_, i) => ({ type: "lead", id: `O${i}`, ownerId: i % 2 ? "r2" : "sm" }));
  let inner = null;
  const reentrant = { type: "lead", id: "R1", get ownerId() { inner = acme.filter("r2", "view", others).length; return "r2"; } };
  const batch = Array.from({ length: 40 }, (_, i) => (i === 20 ? reentrant : { type: "lead", id: `B${i}`, ownerId: i % 3 ? "r2" : "sm" }));
  const mine = batch.filter((r, i) => i === 20 || i % 3 !== 0);
  probe("getter that calls back into the tenant (filter)", () => acme.filter("r2", "view", batch).map((r) => r.id).join(","), (v) => inner === 25 && v === mine.map((r) => r.id).join(","));
  probe("getter that calls back into the tenant (total)", () => acme.total("r2", batch.concat([{ ...reentrant, amount: 5 }]), "amount"), (v) => inner === 25 && v.total === 5 && v.count === mine.length + 1);
  // A getter that changes its answer on every read: answers kept per owner (the memo of `can`)
  // must stay the engine's answers for that owner, whatever such a record did before.
  let flips = 0;
  const fickle = { type: "lead", id: "F1", get ownerId() { return flips++ % 2 ? "sm" : "r2"; } };
  const plain = (owner) => ({ type: "lead", id: "P1", ownerId: owner });
  probe("getter that changes its answer (can's kept answers)", () => {
    for (let i = 0; i < 40; i++) acme.can("r2", "update", fickle);
    return ["r2", "sm", "r1"].map((o) => acme.can("r2", "update", plain(o)) === acme.check("r2", "update", plain(o)).allowed);
  }, (v) => v.every(Boolean));
  const liar = new Proxy({ ...lead }, { get(t, k) { return k === "ownerId" ? "r1" : Reflect.get(t, k); } });
  probe("Proxy that answers", () => acme.can("r1", "update", liar), (v) => v === true);
  const cyclic = { type: "lead", id: "L1", ownerId: "r1" };
  cyclic.parent = cyclic;
  probe("cyclic record (check)", () => acme.check("r1", "view", cyclic), "invalid_input");
  const cyclicPolicy = presets["zendesk-sell"]();
  cyclicPolicy.self = cyclicPolicy;
  probe("cyclic policy", () => new Engine(cyclicPolicy), "invalid_input");
  const cyclicDir = { plan: "team", users: [] };
  cyclicDir.users.push(cyclicDir);
  probe("cyclic directory", () => engine.tenant(cyclicDir), "invalid_input");

  // Huge strings.
  const huge = "x".repeat(10 * 1024 * 1024);
  probe("10 MB owner id", () => acme.can("r1", "view", { type: "lead", id: "L1", ownerId: huge }), "string_too_long");
  probe("10 MB user id", () => acme.can(huge, "view", lead), (v) => v === false);
  probe("10 MB action", () => acme.can("r1", huge, lead), "unknown_action");
  probe("10 MB policy string", () => new Engine(huge), "invalid_json");
  probe("10 MB role name in a directory", () => engine.tenant({ plan: "team", users: [{ id: "a", role: huge }] }), "string_too_long");

  // Non-string ids and wrong types everywhere.
  probe("numeric user id", () => acme.can(1, "view", lead), "invalid_type");
  probe("numeric owner id", () => acme.can("r1", "view", { type: "lead", id: "L1", ownerId: 7 }), (v) => v === false);
  probe("numeric record id", () => acme.bulk("r1", "reassign", [{ type: "lead", id: 7, ownerId: "r1" }]), (v) => v.allowed[0] === 7);
  probe("record of the wrong type", () => acme.can("r1", "view", { type: 42, id: "L1" }), "invalid_type");
  probe("record that is a string", () => acme.can("r1", "view", "lead"), "error");
  probe("record that is an array", () => acme.can("r1", "view", [lead]), "error");
  probe("records that are not an array", () => acme.filter("r1", "view", { 0: lead, length: 1 }), "invalid_type");
  const big = { type: "lead", id: "L1", ownerId: "r1", amount: 10n };
  probe("bigint field (can)", () => acme.can("r1", "view", big), (v) => v === true);
  probe("bigint field (check agrees)", () => acme.check("r1", "view", big), (v) => v.allowed === true);
  probe("bigint id (bulk)", () => acme.bulk("r1", "reassign", [{ type: "lead", id: 7n, ownerId: "r1" }]), (v) => v.allowed[0] === 7n);
  probe("bigint amount", () => acme.total("r1", [big], "amount"), "invalid_number");
  probe("symbol and function fields", () => acme.can("r1", "view", { type: "lead", id: "L1", ownerId: "r1", s: Symbol("x"), f() {} }), (v) => v === true);
  probe("unknown `to`", () => acme.bulk("r1", "reassign", [lead], { to: "nobody" }), "unknown_user");
  probe("numeric `to`", () => acme.bulk("r1", "reassign", [lead], { to: 5 }), "invalid_type");

  // null / undefined everywhere.
  for (const [name, fn] of [
    ["new Engine(null)", () => new Engine(null)],
    ["new Engine(undefined)", () => new Engine(undefined)],
    ["tenant(null)", () => engine.tenant(null)],
    ["tenant(undefined)", () => engine.tenant(undefined)],
    ["can(null, ...)", () => acme.can(null, "view", lead)],
    ["can(..., undefined, ...)", () => acme.can("r1", undefined, lead)],
    ["can(..., null)", () => acme.can("r1", "view", null)],
    ["check(..., undefined)", () => acme.check("r1", "view", undefined)],
    ["permitted(..., null)", () => acme.permitted("r1", null)],
    ["filter(..., null)", () => acme.filter("r1", "view", null)],
    ["filter with null records", () => acme.filter("r1", "view", [null, undefined])],
    ["total(..., field undefined)", () => acme.total("r1", [lead], undefined)],
    ["bulk(..., undefined)", () => acme.bulk("r1", "reassign", undefined)],
    ["user with null role", () => engine.tenant({ plan: "team", users: [{ id: "a", role: null }] })],
    ["users: null", () => engine.tenant({ plan: "team", users: null })],
  ]) probe(name, fn, "error");
  probe("total with options null", () => acme.total("r1", [lead], "amount", null), (v) => v.total === 10);
  probe("bulk with options null", () => acme.bulk("r1", "reassign", [lead], null), (v) => v.allowed.length === 1);

  // Amounts in totals: NaN, Infinity and strings refuse with their path; null adds nothing.
  const amounts = (a) => [{ type: "lead", id: "L1", ownerId: "r1", amount: 5 }, { type: "lead", id: "L2", ownerId: "r1", amount: a }];
  for (const [name, a] of [["NaN", NaN], ["Infinity", Infinity], ["string", "12"], ["boolean", true], ["object", {}]]) {
    let got;
    try {
      acme.total("r1", amounts(a), "amount");
      got = "no error";
    } catch (e) {
      got = e instanceof AccordError ? `${e.code} ${e.path}` : `not an AccordError: ${e}`;
    }
    if (got === "invalid_number /1/amount") passed++;
    else failures.push({ name: `${name} amount`, why: got });
  }
  probe("null amount", () => acme.total("r1", amounts(null), "amount"), (v) => v.total === 5 && v.count === 2);
  probe("NaN amount on a record the user may not view", () => acme.total("r2", amounts(NaN), "amount"), (v) => v.total === 0 && v.count === 0);

  // The per-user handle runs plans in JavaScript: the same answers as the exact path, and
  // nothing thrown that is not an AccordError.
  const me = acme.user("r2");
  const exact = (u, a, r) => acme.check(u, a, r).allowed;
  probe("handle: getter that changes its answer", () => {
    const seen = [];
    for (let i = 0; i < 6; i++) seen.push(me.can("update", fickle));
    return ["r2", "sm", "r1"].map((o) => me.can("update", plain(o)) === exact("r2", "update", plain(o))).concat(seen.length === 6);
  }, (v) => v.every(Boolean));
  probe("handle: Proxy record", () => acme.user("r1").can("update", liar) === exact("r1", "update", liar), (v) => v === true);
  probe("handle: Proxy that throws", () => me.can("view", trap), "invalid_input");
  for (const [name, owner] of [["an object", { id: "r2" }], ["an array", ["r2"]], ["a Date", new Date(0)], ["a function", () => "r2"], ["a symbol", Symbol("r2")], ["NaN", NaN], ["a bigint", 7n]]) {
    const rec = { type: "lead", id: "H1", ownerId: owner };
    probe(`handle: owner that is ${name}`, () => me.can("view", rec) === exact("r2", "view", rec) && me.filter("view", [rec]).length === (exact("r2", "view", rec) ? 1 : 0), (v) => v === true);
  }
  probe("handle: 10 MB owner id", () => me.can("view", { type: "lead", id: "L1", ownerId: huge }), "string_too_long");
  probe("handle: 10 MB owner id in a filter", () => me.filter("view", [lead, { type: "lead", id: "L1", ownerId: huge }]), "string_too_long");
  probe("handle: __proto__ keys", () => me.can("view", JSON.parse('{"type":"lead","id":"L1","ownerId":"r2","__proto__":{"ownerId":"sm"}}')), (v) => v === true);
  probe("handle: id that is a function (a type-level question)", () => me.can("add", { type: "lead", id() {} }) === exact("r2", "add", { type: "lead" }), (v) => v === true);
  probe("plan of an unknown type", () => acme.plan("r2", "view", "ghost"), "unknown_type");
  probe("plan of an undeclared action", () => acme.plan("r2", "manage_users", "lead"), "unknown_action");
  probe("plan of an unknown user", () => acme.plan("ghost", "view", "lead"), (p) => p.kind === "never" && p.code === "unknown_user");
  // Group names are the records' own values: `__proto__` is a group like any other.
  const deals = [
    { type: "lead", id: "G1", ownerId: "r2", stage: "__proto__", amount: 5 },
    { type: "lead", id: "G2", ownerId: "r2", stage: "constructor", amount: 7 },
    { type: "lead", id: "G3", ownerId: "r2", stage: "toString", amount: 1 },
  ];
  for (const [name, fn] of [["tenant", () => acme.total("r2", deals, "amount", { groupBy: "stage" })], ["handle", () => me.total(deals, "amount", { groupBy: "stage" })]]) {
    probe(`groupBy __proto__ (${name})`, fn, (v) => Object.keys(v.groups).join() === "__proto__,constructor,toString" && v.groups.__proto__.total === 5 && Object.values(v.groups).reduce((a, g) => a + g.total, 0) === v.total);
  }

  // Atomicity: failed constructions change nothing; answers stay the same afterwards.
  const before = JSON.stringify([acme.check("r1", "update", lead), acme.permitted("r1", lead)]);
  probe("bad policy", () => new Engine({ plans: ["p"], types: { x: { actions: ["a"] } }, roles: { r: { inherits: "r", rules: [{ actions: ["nope"] }] } } }), "inheritance_cycle");
  probe("bad directory", () => engine.tenant({ plan: "team", users: [{ id: "a", role: "limited", managerId: "b" }, { id: "b", role: "limited", managerId: "a" }] }), "manager_cycle");
  const after = JSON.stringify([acme.check("r1", "update", lead), acme.permitted("r1", lead)]);
  if (before === after) passed++;
  else failures.push({ name: "answers unchanged after failures", why: `${before} vs ${after}` });
  const res = acme.bulk("r1", "reassign", [lead, { ...lead, id: "L2", ownerId: "sm" }, lead]);
  const both = res.allowed.filter((id) => res.denied.some((d) => d.id === id && id !== "L1"));
  if (both.length === 0 && res.allowed.length + res.denied.length === 3) passed++;
  else failures.push({ name: "bulk never reports a record both allowed and denied", why: JSON.stringify(res) });

  // A directory object is handed to wasm in parts of users: same tenant, same errors (all of
  // them, in order) as its JSON text, across part boundaries.
  const keep = (_k, v) => ((typeof v === "number" && !Number.isFinite(v)) || typeof v === "bigint" ? String(v) : v);
  const outcome = (fn) => {
    try {
      const t = fn();
      const ids = ["u0", "u1", "u4999", "u5000", "u9998", "u9999", "NaN", "7"];
      return JSON.stringify(ids.flatMap((u) => ids.map((o) => t.check(u, "update", { type: "lead", id: "L", ownerId: o }).code)));
    } catch (e) {
      return e instanceof AccordError ? JSON.stringify(e.errors) : `not an AccordError: ${e}`;
    }
  };
  const inParts = (edit) => {
    const users = [];
    // Managers come after their reports here: every reference crosses forward.
    for (let i = 0; i < 10000; i++) users.push({ id: `u${i}`, role: i % 7 ? "limited" : "rep", managerId: i === 9999 ? null : `u${i + 1}`, title: i % 3 ? NaN : 7n, teams: i % 1000 ? undefined : ["t", "u0"] });
    const d = { users, plan: "professional", org: "acme" };
    edit(d.users);
    return d;
  };
  const cases = {
    valid: () => {},
    errors: (u) => {
      u[4999].role = "nope";
      u[5000].id = "u3";
      u[9000].managerId = "ghost";
      u[9001].managerId = "u9001";
      u[100] = 5;
    },
    cycle: (u) => (u[9999].managerId = "u0"),
    toJSON: (u) => (u[6000] = { toJSON: (k) => ({ id: `k${k}`, role: "rep" }) }),
    surrogate: (u) => (u[7000].id = "\ud800"),
  };
  for (const [name, edit] of Object.entries(cases)) {
    const asObject = outcome(() => engine.tenant(inParts(edit)));
    const asText = outcome(() => engine.tenant(JSON.stringify(inParts(edit), keep)));
    if (asObject === asText && !asObject.startsWith("not")) passed++;
    else failures.push({ name: `directory in parts: ${name}`, why: `${asObject.slice(0, 300)} vs ${asText.slice(0, 300)}` });
  }

  // Snapshots (issue 15): bytes that are not a whole snapshot are an AccordError, never a trap.
  const { Tenant } = accord;
  const snap = acme.save();
  probe("snapshot: round trip", () => Tenant.load(snap).check("r2", "update", lead).code, (c) => c === "out_of_scope");
  probe("snapshot: an ArrayBuffer copy", () => Tenant.load(snap.slice().buffer).can("r1", "update", lead), (v) => v === true);
  probe("snapshot: empty", () => Tenant.load(new Uint8Array(0)), "invalid_snapshot");
  probe("snapshot: over 256 MiB", () => Tenant.load(new Uint8Array(256 * 1024 * 1024 + 1)), "invalid_snapshot");
  probe("snapshot: a wasm module", () => Tenant.load(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])), "invalid_snapshot");
  for (const cut of [1, 12, 20, 40, snap.length >> 1, snap.length - 1]) probe(`snapshot: cut at ${cut}`, () => Tenant.load(snap.subarray(0, cut)), "invalid_snapshot");
  for (let i = 0; i < snap.length; i += 97) {
    const b = snap.slice();
    b[i] ^= 1 << (i % 8);
    probe(`snapshot: bit flipped at ${i}`, () => Tenant.load(b), i >= 8 && i < 12 ? "snapshot_version" : "invalid_snapshot");
  }
  const foreign = snap.slice();
  foreign[8] += 1;
  probe("snapshot: another format", () => Tenant.load(foreign), "snapshot_version");
  for (const bad of ["text", 42, null, undefined, [1, 2, 3], { length: 3 }]) probe(`snapshot: ${JSON.stringify(bad)}`, () => Tenant.load(bad), "invalid_type");

  // Arguments of the wrong type on the fast paths: the same AccordError `check` gives, never
  // a trap inside the module, whatever the handle cache holds.
  for (const [what, bad] of [["a number", 5], ["a boolean", true], ["an object", {}], ["an array", []], ["null", null], ["undefined", undefined], ["NaN", NaN], ["a bigint", 5n], ["a symbol", Symbol("s")]]) {
    probe(`can: the action is ${what}`, () => acme.can("r1", bad, lead), "invalid_type");
    probe(`handle can: the action is ${what}`, () => acme.user("r1").can(bad, lead), "invalid_type");
    probe(`can on a fresh tenant: the user id is ${what}`, () => engine.tenant(dir).can(bad, "view", lead), "invalid_type");
    probe(`filter on a fresh tenant: the user id is ${what}`, () => engine.tenant(dir).filter(bad, "view", [lead]), "invalid_type");
    probe(`total on a fresh tenant: the user id is ${what}`, () => engine.tenant(dir).total(bad, [lead], "amount"), "invalid_type");
  }
  // Values with toJSON (a Date, an ObjectId): JSON text carries what toJSON returns, and bulk
  // reads them as can does, on the columns path too.
  const oid = (v) => ({ toJSON: () => v });
  const withOids = Array.from({ length: 40 }, (_, i) => ({ type: "lead", id: `J${i}`, ownerId: oid(i % 2 ? "r1" : "r2") }));
  probe("bulk: field values with toJSON are read as can reads them", () => acme.bulk("r1", "update", withOids), (b) =>
    b.allowed.join() === withOids.filter((r) => acme.can("r1", "update", r)).map((r) => r.id).join() && b.allowed.length === 20 && b.denied.every((d) => d.code === "out_of_scope" && d.message.includes("r2")));
  // A plan for a user the account does not have repeats the question.
  probe("plan of an unknown user names it", () => acme.plan("ghost", "view", "lead"), (p) =>
    p.kind === "never" && p.user === "ghost" && p.code === "unknown_user" && p.message === acme.check("ghost", "view", { type: "lead" }).message);

  return { passed, failed: failures.length, failures };
}
