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
 * A plan's set as a membership test. A set is a list of strings (`tenant.plan()`), or, in the
 * form the engine hands the handles (`plan_indexed`), `{ syms: [...] }` (tenant symbols) or
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
  const shape = child ? parentShape(parents) : ownShape;
  if (plan.kind !== "where") {
    const answer = plan.kind === "always" ? ALLOWED : DENIED;
    return (rec) => {
      const sh = shape(rec);
      return sh === OK ? answer : sh;
    };
  }
  const one = child ? null : oneField(plan, tenant);
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

// What a record's id says, as its JSON text would: OK when it has one; TYPE_LEVEL without
// (absent, null, a function: a question about the type as a whole); EXACT for an object with
// `toJSON`, which only the engine reads as the page wrote it.
const OK = 1;
function idShape(id) {
  switch (typeof id) {
    case "string":
    case "number":
    case "boolean":
    case "bigint":
      return OK;
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
function oneField(plan, tenant) {
  const w = plan.where;
  if (w.in === undefined) return null;
  const [name, at] = w.in;
  if (name === "orgs" || name.startsWith("parent.")) return null;
  const set = plan.sets[at];
  const slow = (rec, id) => {
    const sh = idShape(id);
    if (sh !== OK) return sh;
    return EXACT_VALUE;
  };
  if (set.line !== undefined) {
    const [lo, hi] = set.line;
    const pre = tenant.pre();
    const syms = tenant.syms;
    const users = tenant.users;
    return (rec) => {
      const id = rec.id;
      if (typeof id !== "string" && typeof id !== "number") {
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
    if (typeof id !== "string" && typeof id !== "number") {
      const sh = slow(rec, id);
      if (sh !== EXACT_VALUE) return sh;
    }
    const v = value(rec[name]);
    if (v === EXACT_VALUE) return EXACT;
    return has(v) ? ALLOWED : DENIED;
  };
}
