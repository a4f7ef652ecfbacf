// schema/policy.schema.json against the engine's own policy reader (src/policy/parse.rs, run
// through the built package): every preset validates, every hand-written document is judged
// alike, and so is every one-step mutation of every preset (a value replaced by each JSON kind,
// a key removed, a key added). The schema answers for structure only: where the engine's only
// complaints are about names (an unknown role, a duplicate rule id, …), the schema must accept.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv2020 from "ajv/dist/2020.js";

const root = new URL("../../", import.meta.url);
const pkg = process.env.ACCORD_PKG ? new URL(`file://${process.env.ACCORD_PKG}/`) : new URL("pkg/", root);
const accord = await import(new URL("node.mjs", pkg));
const { Engine, AccordError, definePolicy } = accord;
const schema = JSON.parse(readFileSync(new URL("schema/policy.schema.json", root), "utf8"));
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, strictTuples: false });
const valid = ajv.compile(schema);

// Codes the reader (parse.rs, json.rs) gives for a document of the wrong shape, plus the one
// shape rule validate.rs adds (`eq` between two record fields is `invalid_condition`).
const STRUCTURAL = new Set(["missing_field", "invalid_type", "unknown_field", "duplicate_key", "invalid_name", "invalid_effect", "unknown_scope", "invalid_condition"]);
// Bounds the schema leaves to the engine (docs/policy.md says why): never produced below.
const LIMITS = /^(too_|string_too_long|condition_too_deep|policy_too_large|input_too_large|invalid_json)/;

/** The engine's verdict on a document: accepted, or the codes of every error it reports. */
function engine(doc) {
  try {
    new Engine(JSON.stringify(doc));
    return { ok: true, codes: [] };
  } catch (e) {
    if (!(e instanceof AccordError)) throw e;
    return { ok: false, codes: [...new Set(e.errors.map((x) => x.code))], first: e.errors[0] };
  }
}

const failures = [];
let checked = 0;
/** Compares the schema with the engine on one document; `expect` is a code the engine must give. */
function judge(name, doc, expect) {
  checked++;
  const r = engine(doc);
  const schemaOk = valid(doc);
  if (expect === "accept" && !r.ok) return failures.push(`${name}: the engine refuses it (${r.first.code} at ${r.first.path}: ${r.first.message})`);
  if (expect && expect !== "accept" && !r.codes.includes(expect)) return failures.push(`${name}: the engine gives ${r.ok ? "no error" : r.codes.join(", ")}, not ${expect}`);
  if (r.codes.some((c) => LIMITS.test(c))) return failures.push(`${name}: a limit (${r.codes.join(", ")}); the sweep should not reach one`);
  const structural = r.codes.some((c) => STRUCTURAL.has(c));
  if (structural && schemaOk) failures.push(`${name}: the engine refuses its shape (${r.codes.join(", ")}: ${r.first.message} at ${r.first.path}) but the schema accepts it`);
  if (!structural && !schemaOk) failures.push(`${name}: the engine ${r.ok ? "accepts it" : `only names problems (${r.codes.join(", ")})`} but the schema refuses it: ${ajv.errorsText(valid.errors)}`);
}

// 1. The presets: they reference the schema, validate, and compile.
const presets = readdirSync(new URL("presets/", root)).filter((f) => f.endsWith(".json")).sort();
const docs = {};
for (const f of presets) {
  const doc = JSON.parse(readFileSync(new URL(`presets/${f}`, root), "utf8"));
  docs[f] = doc;
  if (doc.$schema !== "../schema/policy.schema.json") failures.push(`presets/${f}: "$schema" is ${JSON.stringify(doc.$schema)}, not "../schema/policy.schema.json"`);
  if (!valid(doc)) failures.push(`presets/${f}: the schema refuses it: ${ajv.errorsText(valid.errors)}`);
  judge(`presets/${f}`, doc, "accept");
}
if (presets.length !== 4) failures.push(`expected the four presets, found ${presets.join(", ")}`);

// 2. Hand-written documents: what the reader refuses, with the code it gives, and what it takes.
const base = () => ({ plans: ["free", "pro"], types: { lead: { actions: ["view", "update"], typeActions: "add", states: ["open", "won"], parents: [] } }, roles: { member: { rules: [] } } });
const withRule = (rule) => ({ ...base(), rules: [rule] });
const withWhen = (when) => withRule({ actions: "view", types: "lead", when });
const refused = [
  ["an unknown top-level key", { ...base(), role: {} }, "unknown_field"],
  ["an unknown key in a type", { ...base(), types: { lead: { actions: ["view"], action: ["x"] } } }, "unknown_field"],
  ["an unknown key in a role", { ...base(), roles: { member: { rule: [] } } }, "unknown_field"],
  ["defaultFor on a role (a system-role key)", { ...base(), roles: { member: { defaultFor: "member" } } }, "unknown_field"],
  ["custom on a system role (a role key)", { ...base(), systemRoles: { sa: { custom: true } } }, "unknown_field"],
  ["an unknown key in a rule", withRule({ actions: "view", type: "lead" }), "unknown_field"],
  ["an unknown key in a setting", { ...base(), settings: { s: { defualt: true } } }, "unknown_field"],
  ["an unknown key in a transition", { ...base(), types: { lead: { actions: ["close"], states: ["a", "b"], transitions: { close: { from: "a", into: "b" } } } } }, "unknown_field"],
  ["an unknown key in a plan window", withRule({ actions: "view", plan: { min: "pro", upTo: "pro" } }), "unknown_field"],
  ["an unknown key in an operand", withWhen({ eq: [{ record: "state", field: "x" }, "open"] }), "unknown_field"],
  ["the document is a list", [base()], "invalid_type"],
  ["plans is a number", { ...base(), plans: 3 }, "invalid_type"],
  ["a plan name is a number", { ...base(), plans: ["free", 2] }, "invalid_type"],
  ["types is a list", { ...base(), types: ["lead"] }, "invalid_type"],
  ["types is null", { ...base(), types: null }, "invalid_type"],
  ["a type is a string", { ...base(), types: { lead: "view" } }, "invalid_type"],
  ["actions is an object", { ...base(), types: { lead: { actions: { view: true } } } }, "invalid_type"],
  ["follows maps to a list", { ...base(), types: { lead: { actions: ["view"], follows: { view: ["view"] } } } }, "invalid_type"],
  ["roles is null", { ...base(), roles: null }, "invalid_type"],
  ["a role's rules is null", { ...base(), roles: { member: { rules: null } } }, "invalid_type"],
  ["rules is an object", { ...base(), rules: {} }, "invalid_type"],
  ["a rule is a string", { ...base(), rules: ["view"] }, "invalid_type"],
  ["custom is a string", { ...base(), roles: { member: { custom: "yes" } } }, "invalid_type"],
  ["external is a number", withRule({ actions: "view", external: 1 }), "invalid_type"],
  ["a setting's default is a string", { ...base(), settings: { s: { default: "false" } } }, "invalid_type"],
  ["a plan window is a number", withRule({ actions: "view", plan: 2 }), "invalid_type"],
  ["a plan window's min is a list", withRule({ actions: "view", plan: { min: ["pro"] } }), "invalid_type"],
  ["implies maps to a number", { ...base(), implies: { update: 1 } }, "invalid_type"],
  ["a phrase is null", { ...base(), phrases: { lead: null } }, "invalid_type"],
  ["name is a number", { ...base(), name: 1 }, "invalid_type"],
  ["explain is a list", withRule({ actions: "view", explain: ["no"] }), "invalid_type"],
  ["`eq` takes a string", withWhen({ eq: "state" }), "invalid_type"],
  ["no plans", { types: {} }, "missing_field"],
  ["no types", { plans: ["free"] }, "missing_field"],
  ["a rule without actions", withRule({ types: "lead" }), "missing_field"],
  ["an empty type name", { ...base(), types: { "": { actions: ["view"] } } }, "invalid_name"],
  ["an empty plan name", { ...base(), plans: ["free", ""] }, "invalid_name"],
  ["an empty action name", { ...base(), types: { lead: { actions: ["view", ""] } } }, "invalid_name"],
  ["an empty type action name", { ...base(), types: { lead: { actions: ["view"], typeActions: "" } } }, "invalid_name"],
  ["an empty state name", { ...base(), types: { lead: { actions: ["view"], states: [""] } } }, "invalid_name"],
  ["an unknown effect", withRule({ actions: "view", effect: "block" }), "invalid_effect"],
  ["an unknown scope", withRule({ actions: "view", scope: "mine" }), "unknown_scope"],
  ["a condition with two operators", withWhen({ eq: [{ record: "state" }, "open"], not: false }), "invalid_condition"],
  ["a condition with a $comment (conditions take exactly one key)", withWhen({ eq: [{ record: "state" }, "open"], $comment: "x" }), "invalid_condition"],
  ["an empty condition", withWhen({}), "invalid_condition"],
  ["an unknown operator", withWhen({ ne: [{ record: "state" }, "open"] }), "invalid_condition"],
  ["when is null", withWhen(null), "invalid_condition"],
  ["when is a string", withWhen("true"), "invalid_condition"],
  ["`eq` with three operands", withWhen({ eq: [{ record: "state" }, "a", "b"] }), "invalid_condition"],
  ["`eq` between two record fields", withWhen({ eq: [{ record: "ownerId" }, { record: "creatorId" }] }), "invalid_condition"],
  ["`in` without a list", withWhen({ in: [{ record: "state" }, "open"] }), "invalid_condition"],
  ["`in` with a list in its list", withWhen({ in: [{ record: "state" }, [["open"]]] }), "invalid_condition"],
  ["an operand that is a list", withWhen({ eq: [["open"], "open"] }), "invalid_condition"],
  ["an operand with record and user", withWhen({ eq: [{ record: "ownerId", user: "id" }, "x"] }), "invalid_condition"],
  ["an operand with record and of", withWhen({ eq: [{ record: "ownerId", of: "x" }, "x"] }), "invalid_condition"],
  ["an empty operand", withWhen({ eq: [{}, "x"] }), "invalid_condition"],
  ["`not` of a list", withWhen({ not: [true] }), "invalid_condition"],
  ["`and` of a string", withWhen({ and: "x" }), "invalid_type"],
];
for (const [name, doc, code] of refused) judge(name, doc, code);
const accepted = [
  ["$-keys in every object the reader opens", { $schema: "x", $comment: 1, ...base(), settings: { s: { $c: [], default: true } }, types: { lead: { $c: {}, actions: ["view", "close"], states: ["a", "b"], transitions: { close: { $c: 1, from: "a", to: "b" } } } }, roles: { member: { $c: null, rules: [{ $c: 1, actions: "view", plan: { $c: 1, min: "pro" }, when: { eq: [{ $c: 1, record: "state" }, "a"] } }] } }, systemRoles: { sa: { $c: 2 } } }],
  ["a string where a list is accepted", { plans: "free", types: { lead: { actions: "view", typeActions: "add", states: "open", parents: [] } }, implies: { view: "view" }, roles: { a: { inherits: "b" }, b: {} }, systemRoles: { sa: { defaultFor: "a" } }, rules: [{ actions: "view", types: "lead" }] }],
  ["null where a value is optional", { name: null, plans: ["free"], customRolePlan: null, types: { lead: { label: null, actions: ["view"], typeActions: null, parents: null, states: null } }, settings: { s: { default: null, plan: null, label: null } }, roles: { member: { label: null, inherits: null, plan: null, custom: null, rules: [{ id: null, seed: null, effect: null, actions: "view", types: null, scope: null, plan: null, setting: null, external: null, explain: null }] } } }],
  ["wildcards", withRule({ actions: "*", types: "*" })],
  ["a null actions list (required, but may be null)", withRule({ actions: null, types: "lead" })],
  ["seed, note and description are free-form", { ...base(), description: { any: ["thing"] }, settings: { s: { seed: 1 } }, types: { lead: { actions: ["view"], seed: ["x"] } }, roles: { member: { seed: 2, rules: [{ actions: "view", note: { n: 1 } }] } } }],
  ["every scope and effect", { ...base(), rules: ["all", "own", "created", "subordinates", "team", "assignee", "org", "granted"].map((scope, i) => ({ id: `r${i}`, actions: "view", types: "lead", scope, effect: i % 2 ? "deny" : "allow" })).concat([{ id: "m", actions: "view", types: "lead", scope: "manager" }]) }],
  ["plan windows", { ...base(), rules: [{ id: "a", actions: "view", plan: "pro" }, { id: "b", actions: "view", plan: { min: "free", max: "pro" } }, { id: "c", actions: "view", plan: { max: "pro" } }, { id: "d", actions: "view", plan: { min: null } }] }],
  ["every condition", withWhen({ or: [true, false, { not: { and: [] } }, { eq: [{ user: "id" }, { record: "ownerId" }] }, { eq: [{ user: "outOfOffice", of: "ownerId" }, true] }, { eq: [{ user: "id", of: null }, 1.5] }, { eq: [{ record: "state", user: null, of: null }, null] }, { in: [{ record: "state" }, ["open", 1, true, null]] }, { eq: ["a", "b"] }] })],
];
for (const [name, doc] of accepted) judge(name, doc, "accept");
// Names the reader reads as names: `$` keys there are names too (a type called `$comment`).
judge("a $ key under `types` is a type name", { ...base(), types: { ...base().types, $comment: "a note" } }, "invalid_type");

// 3. Every one-step mutation of every preset.
const KINDS = [null, true, 7, "x", "*", [], ["x"], {}, { x: 1 }, { $x: 1 }];
const clone = (v) => JSON.parse(JSON.stringify(v));
function* mutations(node, path = []) {
  for (const k of KINDS) yield [`${"/" + path.join("/")} = ${JSON.stringify(k)}`, path, "set", k];
  if (Array.isArray(node)) for (let i = 0; i < node.length; i++) yield* mutations(node[i], [...path, i]);
  else if (node && typeof node === "object") {
    yield [`${"/" + path.join("/")} + zz_unknown`, [...path, "zz_unknown"], "set", 1];
    yield [`${"/" + path.join("/")} + $note`, [...path, "$note"], "set", "a"];
    for (const k of Object.keys(node)) {
      if (k === "$schema") continue;
      yield [`${"/" + [...path, k].join("/")} removed`, [...path, k], "delete"];
      yield* mutations(node[k], [...path, k]);
    }
  }
}
function apply(doc, path, op, value) {
  if (path.length === 0) return clone(value);
  const out = clone(doc);
  let at = out;
  for (const k of path.slice(0, -1)) at = at[k];
  if (op === "delete") delete at[path.at(-1)];
  else at[path.at(-1)] = clone(value);
  return out;
}
let swept = 0;
for (const [f, doc] of Object.entries(docs)) {
  for (const [name, path, op, value] of mutations(doc)) {
    judge(`presets/${f} ${name}`, apply(doc, path, op, value));
    swept++;
  }
}

// 4. The package ships the schema as `accord/policy.schema.json`.
const manifest = JSON.parse(readFileSync(new URL("package.json", pkg), "utf8"));
if (manifest.exports["./policy.schema.json"] !== "./policy.schema.json" || !manifest.files.includes("policy.schema.json")) failures.push("package.json does not export ./policy.schema.json");
if (readFileSync(new URL("policy.schema.json", pkg), "utf8") !== readFileSync(new URL("schema/policy.schema.json", root), "utf8")) failures.push("pkg/policy.schema.json differs from schema/policy.schema.json (rebuild with .ci/build-pkg)");

// 5. definePolicy is the identity at runtime, from ESM and from CommonJS.
const p = docs["crm.json"];
if (definePolicy(p) !== p) failures.push("definePolicy does not return its argument");
const cjs = createRequire(new URL("node.cjs", pkg))(new URL("node.cjs", pkg).pathname);
if (cjs.definePolicy(p) !== p || !new cjs.Engine(cjs.definePolicy(p)).tenant({ plan: "standard", users: [{ id: "o", role: "owner" }] }).can("o", "view", { type: "lead", id: "L", creatorId: "o" })) failures.push("definePolicy from require(): not the identity, or its engine does not answer");

for (const f of failures.slice(0, 40)) console.log(`FAIL ${f}`);
if (failures.length > 40) console.log(`… and ${failures.length - 40} more`);
console.log(`schema: ${checked} documents (${presets.length} presets, ${refused.length} refused and ${accepted.length + 1} accepted by hand, ${swept} mutations of the presets): ${failures.length} disagreements`);
process.exitCode = failures.length ? 1 : 0;
