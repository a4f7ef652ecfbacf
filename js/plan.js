// Runs the plans the engine compiles (see docs/plans.md): a plan is data (`{ kind, where,
// sets }`), turned here into closures over a record's values. No rule logic lives here and
// nothing is evaluated as code (no eval, no new Function: pages under a strict CSP work).
//
// A judge answers one record of the plan's type: ALLOWED, DENIED, or EXACT when the record is
// not a plain case the plan can judge (no id: a question about the type as a whole; a long
// string, a Date, a broken parent, ...) and the engine must answer it from its JSON.
import { MAX_FAST_STRING, MAX_RECORD_ORGS } from "./protocol.js";

export const DENIED = 0;
export const ALLOWED = 1;
export const EXACT = 2;
/** A record without an id: a question about its type as a whole, answered once per type. */
export const TYPE_LEVEL = 3;

// A value as the engine reads it from the record's JSON text; EXACT_VALUE when only the
// engine can say (strings it may refuse as too long, objects with a `toJSON`).
const EXACT_VALUE = Symbol("exact");
function value(v) {
  switch (typeof v) {
    case "string":
      return v.length <= MAX_FAST_STRING ? v : EXACT_VALUE;
    case "number":
      // JSON text cannot carry NaN or Infinity: the engine reads them as their names.
      return Number.isFinite(v) ? v : String(v);
    case "boolean":
      return v;
    case "bigint":
      return String(v);
    case "object":
      if (v === null) return null;
      return typeof v.toJSON === "function" ? EXACT_VALUE : null;
    default:
      return null; // undefined, functions and symbols are absent from JSON
  }
}

// The value of a record field the plan names: `parent.x` reads the parent's `x`.
function reader(name) {
  if (name.startsWith("parent.")) {
    const key = name.slice(7);
    return (rec) => rec.parent[key];
  }
  return (rec) => rec[name];
}

// Compiles a predicate into a closure over `vals` (the record's values, by field index).
function predicate(p, fields, sets) {
  if (p === true || p === false) return () => p;
  const field = (name) => {
    let i = fields.indexOf(name);
    if (i < 0) i = fields.push(name) - 1;
    return i;
  };
  const [op] = Object.keys(p);
  const arg = p[op];
  switch (op) {
    case "eq": {
      const i = field(arg[0]);
      const v = arg[1];
      return (vals) => vals[i] === v;
    }
    case "null": {
      const i = field(arg);
      return (vals) => vals[i] === null;
    }
    case "in": {
      const i = field(arg[0]);
      const has = sets[arg[1]];
      return (vals) => has(vals[i]);
    }
    case "overlaps": {
      const i = field(arg[0]);
      const has = sets[arg[1]];
      return (vals) => {
        const list = vals[i];
        for (let k = 0; k < list.length; k++) if (has(list[k])) return true;
        return false;
      };
    }
    case "not": {
      const inner = predicate(arg, fields, sets);
      return (vals) => !inner(vals);
    }
    case "and":
    case "or": {
      const items = arg.map((q) => predicate(q, fields, sets));
      if (items.length === 2) {
        const [a, b] = items;
        return op === "and" ? (vals) => a(vals) && b(vals) : (vals) => a(vals) || b(vals);
      }
      return op === "and" ? (vals) => items.every((f) => f(vals)) : (vals) => items.some((f) => f(vals));
    }
    default:
      throw new Error(`unknown plan operator ${op}`);
  }
}

// A record's `orgs` as the engine reads them: the strings of an array; EXACT_VALUE when the
// engine may refuse the list (too long, a long string, an object with `toJSON`).
function orgs(v) {
  if (!Array.isArray(v)) return v !== null && typeof v === "object" && typeof v.toJSON === "function" ? EXACT_VALUE : [];
  if (v.length > MAX_RECORD_ORGS) return EXACT_VALUE;
  const out = [];
  for (let k = 0; k < v.length; k++) {
    const x = value(v[k]);
    if (x === EXACT_VALUE) return EXACT_VALUE;
    if (typeof x === "string") out.push(x);
  }
  return out;
}

/**

/**
 * A plan's set as a membership test. A set is a list of strings (`tenant.plan()`, and the
 * smaller sets the engine hands the handles), or, for the larger ones (`plan_indexed`),
 * `{ syms: [...] }` (tenant symbols) or
 * `{ line: [pre, end] }` (a reporting line: the users whose pre-order number falls in the
 * range). `tenant` gives what the indexed forms need: `syms` (string → symbol), `users` (how
 * many symbols are users) and `pre()` (each user's pre-order number).
 */
function membership(set, tenant) {
  if (Array.isArray(set)) {
    const s = new Set(set);
    return (v) => s.has(v);
  }
  const syms = tenant.syms;
  if (set.line !== undefined) {
    const [lo, hi] = set.line;
    const pre = tenant.pre();
    const users = tenant.users;
    return (v) => {
      if (typeof v !== "string") return false;
      const i = syms[v];
      if (i === undefined || i >= users) return false;
      const p = pre[i];
      return p >= lo && p < hi;
    };
  }
  const s = new Set(set.syms);
  return (v) => typeof v === "string" && s.has(syms[v]);
}

/**
 * Compiles a plan for records of one type into a judge: `judge(record)` → ALLOWED, DENIED,
 * EXACT or TYPE_LEVEL. `parents` (for a child type) lists the types its records may hang
 * under; `tenant` is as for `membership`.
 */
export function compile(plan, parents, tenant) {
  const child = parents !== null;
  const guard = guardOf(plan, tenant);
  const shape = guarded(child ? parentShape(parents) : ownShape, guard, child);
  if (plan.kind !== "where") {
    const answer = plan.kind === "always" ? ALLOWED : DENIED;
    return (rec) => {
      const sh = shape(rec);
      return sh === OK ? answer : sh;
    };
  }
  const one = child ? null : oneField(plan, tenant, guard);
  if (one !== null) return one;
  const sets = plan.sets.map((s) => membership(s, tenant));
  const fields = [];
  const test = predicate(plan.where, fields, sets);
  const reads = fields.map(reader);
  const isOrgs = fields.map((f) => f === "orgs" || f === "parent.orgs");
  const n = fields.length;
  if (n === 1 && !isOrgs[0]) {
    // The common case (an owner, a team): one field, read once, no array per record.
    const read = reads[0];
    const vals = [null];
    return (rec) => {
      const sh = shape(rec);
      if (sh !== OK) return sh;
      const v = value(read(rec));
      if (v === EXACT_VALUE) return EXACT;
      vals[0] = v;
      return test(vals) ? ALLOWED : DENIED;
    };
  }
  return (rec) => {
    const sh = shape(rec);
    if (sh !== OK) return sh;
    // Each field read once: a getter that changes its mind cannot split one answer.
    const vals = new Array(n);
    for (let k = 0; k < n; k++) {
      const v = isOrgs[k] ? orgs(reads[k](rec)) : value(reads[k](rec));
      if (v === EXACT_VALUE) return EXACT;
      vals[k] = v;
    }
    return test(vals) ? ALLOWED : DENIED;
  };
}

// The fields of a plan's predicate, as the record names them (without `parent.`).
function planFields(p, out) {
  if (p === true || p === false) return out;
  const [op] = Object.keys(p);
  const arg = p[op];
  if (op === "not") planFields(arg, out);
  else if (op === "and" || op === "or") for (const q of arg) planFields(q, out);
  else out.add((op === "null" ? arg : arg[0]).replace(/^parent\./, ""));
  return out;
}

// A string, an object with `toJSON` or a bigint only the engine can vouch for: it refuses
// strings over its byte limit in every field the policy reads, even those a plan does not.
function risky(v) {
  switch (typeof v) {
    case "string":
      return v.length > MAX_FAST_STRING;
    case "object":
      return v !== null && typeof v.toJSON === "function";
    case "bigint":
      return String(v).length > MAX_FAST_STRING;
    default:
      return false;
  }
}

// The check of the fields the policy reads that the plan does not (the id aside: the shape
// reads it), so a record the engine would refuse goes to the engine: null when there are none.
function guardOf(plan, tenant) {
  const read = plan.kind === "where" ? planFields(plan.where, new Set()) : new Set();
  const names = tenant.fields.filter((f) => f !== "id" && !read.has(f));
  const orgs = tenant.readsOrgs && !read.has("orgs");
  if (names.length === 0 && !orgs) return null;
  return (target) => {
    for (let k = 0; k < names.length; k++) if (risky(target[names[k]])) return true;
    if (orgs) {
      const list = target.orgs;
      if (Array.isArray(list)) {
        if (list.length > MAX_RECORD_ORGS) return true;
        for (let k = 0; k < list.length; k++) if (risky(list[k])) return true;
      } else if (risky(list)) return true;
    }
    return false;
  };
}

// `shape` with the guard applied to the record the rules read (the parent, for a child).
function guarded(shape, guard, child) {
  if (guard === null) return shape;
  return (rec) => {
    const sh = shape(rec);
    if (sh !== OK) return sh;
    return guard(child ? rec.parent : rec) ? EXACT : OK;
  };
}

// What a record's id says, as its JSON text would: OK when it has one; TYPE_LEVEL without
// (absent, null, a function: a question about the type as a whole); EXACT for an object with
// `toJSON`, which only the engine reads as the page wrote it.
const OK = 1;
function idShape(id) {
  switch (typeof id) {
    case "string":
      return id.length <= MAX_FAST_STRING ? OK : EXACT;
    case "number":
    case "boolean":
      return OK;
    case "bigint":
      return String(id).length <= MAX_FAST_STRING ? OK : EXACT;
    case "object":
      if (id === null) return TYPE_LEVEL;
      return typeof id.toJSON === "function" ? EXACT : OK;
    default:
      return TYPE_LEVEL;
  }
}

function ownShape(rec) {
  return idShape(rec.id);
}

// A child record follows a parent of one of `parents`, with an id (ZS-6); anything else
// (no parent, another type, a parent without an id) the engine answers or reports.
function parentShape(parents) {
  return (rec) => {
    const p = rec.parent;
    if (p === null || typeof p !== "object" || Array.isArray(p)) return EXACT;
    if (!parents.includes(p.type)) return EXACT;
    const shape = idShape(p.id);
    return shape === OK ? OK : EXACT;
  };
}

// The commonest plan, a scope over one field of the record (`ownerId ∈` my reporting line,
// `teamId ∈` my teams), as one closure with the test inline: the hot path of a page.
function oneField(plan, tenant, guard) {
  const w = plan.where;
  if (w.in === undefined) return null;
  const [name, at] = w.in;
  if (name === "orgs" || name.startsWith("parent.")) return null;
  const set = plan.sets[at];
  // Anything but a plain id, and the guard of the other fields, off the hot path.
  const slow = (rec, id) => {
    const sh = idShape(id);
    if (sh !== OK) return sh;
    return guard !== null && guard(rec) ? EXACT : EXACT_VALUE;
  };
  if (set.line !== undefined) {
    const [lo, hi] = set.line;
    const pre = tenant.pre();
    const syms = tenant.syms;
    const users = tenant.users;
    return (rec) => {
      const id = rec.id;
      if (guard !== null || typeof id !== "number" && (typeof id !== "string" || id.length > MAX_FAST_STRING)) {
        const sh = slow(rec, id);
        if (sh !== EXACT_VALUE) return sh;
      }
      let v = rec[name];
      if (typeof v !== "string") {
        v = value(v);
        if (v === EXACT_VALUE) return EXACT;
        if (typeof v !== "string") return DENIED;
      } else if (v.length > MAX_FAST_STRING) return EXACT;
      const i = syms[v];
      if (i === undefined || i >= users) return DENIED;
      const p = pre[i];
      return p >= lo && p < hi ? ALLOWED : DENIED;
    };
  }
  const has = membership(set, tenant);
  return (rec) => {
    const id = rec.id;
    if (guard !== null || typeof id !== "number" && (typeof id !== "string" || id.length > MAX_FAST_STRING)) {
      const sh = slow(rec, id);
      if (sh !== EXACT_VALUE) return sh;
    }
    const v = value(rec[name]);
    if (v === EXACT_VALUE) return EXACT;
    return has(v) ? ALLOWED : DENIED;
  };
}
