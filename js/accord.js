// accord: the public API, one ES module for every runtime. The per-runtime entry points
// (node.mjs, node.cjs, workerd.mjs, deno.mjs) only load the wasm module and re-export this.
//
// This layer converts and nothing else: inputs become JSON text or typed-array columns, the
// wasm module decides, results become the caller's own objects. No rule logic lives here.
import wbgInit, { initSync as wbgInitSync, RawEngine } from "./accord_wasm.js";

export { presets } from "./presets.js";

let ready = false;
const MAX_FAST_STRING = 341; // longer strings take the exact path (1,024 UTF-8 bytes ≥ 341 × 3)
const NOTHING = Symbol("nothing");

/** Every failure of accord: a real Error with a stable `code`, a `message` and a JSON `path`. */
export class AccordError extends Error {
  constructor(code, message, path = "", errors) {
    super(message);
    this.name = "AccordError";
    this.code = code;
    this.path = path;
    this.errors = errors ?? [{ code, message, path }];
  }
}

/** Loads the wasm module (browsers, bundlers, Deno): `await init()` before the first use. */
export default async function init(input) {
  if (ready) return;
  const arg = input === undefined || (input && typeof input === "object" && "module_or_path" in input) ? input : { module_or_path: input };
  await wbgInit(arg);
  ready = true;
}

/** Loads the wasm module synchronously from bytes or a `WebAssembly.Module`. */
export function initSync(module) {
  if (ready) return;
  const arg = module && typeof module === "object" && "module" in module ? module : { module };
  wbgInitSync(arg);
  ready = true;
}

function kind(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return { string: "a string", number: "a number", boolean: "a boolean", undefined: "undefined", object: "an object", function: "a function", bigint: "a bigint", symbol: "a symbol" }[typeof v];
}

function fail(e) {
  if (e instanceof AccordError) return e;
  if (typeof e === "string" && e.startsWith('{"code"')) {
    try {
      const o = JSON.parse(e);
      return new AccordError(o.code, o.message, o.path, o.errors);
    } catch {
      /* fall through */
    }
  }
  if (typeof WebAssembly !== "undefined" && e instanceof WebAssembly.RuntimeError) {
    return new AccordError("internal", `accord failed unexpectedly: ${e.message}`, "");
  }
  const message = e && typeof e === "object" && "message" in e ? String(e.message) : String(e);
  return new AccordError("invalid_input", `reading the input failed: ${message}`, "");
}

function guard(fn) {
  try {
    return fn();
  } catch (e) {
    throw fail(e);
  }
}

function need() {
  if (!ready) throw new AccordError("not_initialized", "the wasm module is not loaded yet: call `await init()` (or `initSync(bytes)`) first", "");
}

// JSON cannot carry NaN, Infinity or bigints: keep them visible as strings (sums then refuse
// them, and a bigint id reads as its digits on every path, fast or exact).
const keepNonFinite = (_k, v) => ((typeof v === "number" && !Number.isFinite(v)) || typeof v === "bigint" ? String(v) : v);

function jsonText(value, what) {
  if (typeof value === "string") return value;
  if (value === null || typeof value !== "object") {
    throw new AccordError("invalid_type", `${what} must be an object or JSON text, found ${kind(value)}`, "");
  }
  let text;
  try {
    text = JSON.stringify(value, keepNonFinite);
  } catch (e) {
    throw new AccordError("invalid_input", `${what} cannot be read as JSON: ${e && e.message}`, "");
  }
  if (text === undefined) throw new AccordError("invalid_input", `${what} cannot be read as JSON`, "");
  return text;
}

function str(v, what) {
  if (typeof v !== "string") throw new AccordError("invalid_type", `${what} must be a string, found ${kind(v)}`, "");
  return v;
}

function array(v, what) {
  if (!Array.isArray(v)) throw new AccordError("invalid_type", `${what} must be an array, found ${kind(v)}`, "");
  return v;
}

function splitTable(text, ends, base) {
  const map = new Map();
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    map.set(text.slice(start, ends[i]), base + i);
    start = ends[i];
  }
  return map;
}

/** A compiled policy. `new Engine(policy)` validates and compiles it once. */
export class Engine {
  #raw;
  #schema;

  constructor(policy) {
    need();
    const text = jsonText(policy, "the policy");
    this.#raw = guard(() => new RawEngine(text));
    const s = JSON.parse(this.#raw.schema());
    this.#schema = {
      ...s,
      typeIx: new Map(s.types.map((t, i) => [t.name, i])),
      actionIx: new Map(s.actions.map((a, i) => [a, i])),
    };
  }

  /** Warnings found while validating (rules that can never apply). */
  get warnings() {
    return this.#schema.warnings;
  }

  /** Plan names, lowest first. */
  get plans() {
    return [...this.#schema.plans];
  }

  /** Compiles one account's directory (plan, settings, users) against this policy. */
  tenant(directory) {
    need();
    let raw = directory !== null && typeof directory === "object" ? tenantInParts(this.#raw, directory) : null;
    if (raw === null) {
      const text = jsonText(directory, "the directory");
      raw = guard(() => this.#raw.tenant(text));
    }
    return new Tenant(raw, this.#schema);
  }
}

const PART = 4096; // users per part: wasm memory holds one part of the directory text at a time
const utf8 = new TextEncoder();

// The text of some users: what JSON.stringify with keepNonFinite gives, without paying for a
// replacer call per value unless a value may need it (NaN and Infinity read as null without
// it, a bigint throws).
function partText(part) {
  let text;
  try {
    text = JSON.stringify(part);
  } catch {
    text = undefined;
  }
  return text === undefined || text.includes("null") ? JSON.stringify(part, keepNonFinite) : text;
}

// Compiles a directory object without ever copying its whole text into wasm memory: the
// directory with `users` emptied, then the users PART at a time, each part dropped once read.
// The text is the one `jsonText` would give, so are the tenant and the errors; null when that
// cannot be vouched for this way (a `toJSON` that would see a different key, a syntax, size or
// depth problem, which is then reported from the whole text).
function tenantInParts(engine, directory) {
  if (typeof Array.prototype.toJSON === "function") return null;
  let root = NOTHING;
  let users = null;
  let head;
  try {
    head = JSON.stringify(directory, function (k, v) {
      if (root === NOTHING) root = v;
      else if (this === root && k === "users" && users === null && Array.isArray(v)) {
        users = v;
        return [];
      }
      return keepNonFinite(k, v);
    });
  } catch {
    return null;
  }
  if (head === undefined || users === null) return null;
  const n = users.length;
  const parts = engine.tenant_parts(n);
  let open = true;
  try {
    if (!parts.head(utf8.encode(head))) return null;
    for (let i = 0; i < n; i += PART) {
      const part = new Array(Math.min(PART, n - i));
      for (let j = 0; j < part.length; j++) {
        const u = users[i + j];
        if (u != null && typeof u.toJSON === "function") return null;
        part[j] = u;
      }
      let text;
      try {
        text = partText(part);
      } catch {
        return null;
      }
      if (!parts.users(utf8.encode(text))) return null;
    }
    open = false;
    return guard(() => parts.finish());
  } finally {
    if (open) parts.free();
  }
}

/** One account: answers questions about its users and records. Made by `engine.tenant()`. */
export class Tenant {
  #raw;
  #s;
  #syms;
  #nUsers;
  #nf;
  #scratchTags;
  #scratchVals;
  #lookup;
  #lastUser = null;
  #lastIx = -1;
  #lastAction = null;
  #lastA;
  #lastType = NOTHING; // no record's `type` can equal it
  #lastTy = -1;
  #hTy = 0;
  #hPty = -1;
  #hLvl = 0;
  #hTarget = null;

  constructor(raw, schema) {
    if (!(raw && typeof raw.can_codes === "function")) throw new AccordError("invalid_type", "use `engine.tenant(directory)` to make a tenant", "");
    this.#raw = raw;
    this.#s = schema;
    const users = splitTable(raw.user_text(), raw.user_ends(), 0);
    this.#nUsers = users.size;
    const others = splitTable(raw.sym_text(), raw.sym_ends(), this.#nUsers);
    for (const [k, v] of others) if (!users.has(k)) users.set(k, v);
    this.#syms = users;
    this.#nf = schema.fields.length;
    // Fields no answer of this tenant depends on (e.g. `id` without grants) are not looked up.
    const unread = raw.unread_fields();
    this.#lookup = schema.fields.map((_, k) => (unread & (1 << k)) === 0);
    this.#scratchTags = new Uint8Array(4);
    this.#scratchVals = new Float64Array(4);
  }

  #user(userId) {
    // UIs ask many questions for one user in a row: remember the last one.
    if (userId === this.#lastUser) return this.#lastIx;
    const u = this.#syms.get(userId);
    this.#lastUser = userId;
    this.#lastIx = u !== undefined && u < this.#nUsers ? u : -1;
    return this.#lastIx;
  }

  // Encodes the fields the policy reads into tags[at..]/vals[at..]; false when the record
  // must take the exact (JSON) path instead.
  #fields(target, tags, vals, at) {
    const fields = this.#s.fields;
    const lookup = this.#lookup;
    for (let k = 0; k < fields.length; k++) {
      if (!lookup[k]) {
        tags[at + k] = 0;
        continue;
      }
      const v = target[fields[k]];
      switch (typeof v) {
        case "undefined":
        case "function":
        case "symbol":
          tags[at + k] = 0;
          break;
        case "boolean":
          tags[at + k] = 2;
          vals[at + k] = v ? 1 : 0;
          break;
        case "number":
          if (!Number.isFinite(v)) return false;
          tags[at + k] = 3;
          vals[at + k] = v;
          break;
        case "string": {
          if (v.length > MAX_FAST_STRING) return false;
          const sym = this.#syms.get(v);
          tags[at + k] = 4;
          vals[at + k] = sym === undefined ? -1 : sym;
          break;
        }
        case "bigint":
          return false;
        default:
          tags[at + k] = v === null ? 1 : 0;
      }
    }
    return true;
  }

  // The (type, parent type, type-level) of one record; null when it must take the exact path.
  // Reads a record's type, parent type and type-level flag into #hTy/#hPty/#hLvl/#hTarget
  // (no object per call: can() runs this on the hot path); false when the record must take
  // the exact (JSON) path.
  #head(rec) {
    if (rec === null || typeof rec !== "object" || this.#s.readsOrgs) return false;
    const tname = rec.type;
    let ty = this.#lastTy;
    if (tname !== this.#lastType) {
      ty = this.#s.typeIx.get(tname);
      if (ty === undefined) return false;
      this.#lastType = tname;
      this.#lastTy = ty;
    }
    const info = this.#s.types[ty];
    let target = rec;
    let pty = -1;
    if (info.child) {
      const p = rec.parent;
      if (p === null || typeof p !== "object") return false;
      pty = this.#s.typeIx.get(p.type);
      if (pty === undefined || !info.parents.includes(pty)) return false;
      target = p;
    }
    this.#hTy = ty;
    this.#hPty = pty;
    this.#hLvl = target.id === undefined || target.id === null ? 1 : 0;
    this.#hTarget = target;
    return true;
  }

  // Encodes a batch into columns: one tight loop, locals only, no object per record (the
  // common case: records of one non-child type). Anything unusual goes through #head/#fields.
  #encodeMany(records) {
    const n = records.length;
    const f = this.#nf;
    const s = this.#s;
    if (s.readsOrgs) return null;
    const cols = { ty: new Uint32Array(n), pty: new Int32Array(n), lvl: new Uint8Array(n), tags: new Uint8Array(n * f), vals: new Float64Array(n * f) };
    const { ty, pty, lvl, tags, vals } = cols;
    const typeIx = s.typeIx;
    const types = s.types;
    const fields = s.fields;
    const lookup = this.#lookup;
    const syms = this.#syms;
    let lastType;
    let lastTy = -1;
    for (let i = 0; i < n; i++) {
      const rec = records[i];
      if (rec === null || typeof rec !== "object") return null;
      const tname = rec.type;
      let t;
      if (tname === lastType && lastTy >= 0) t = lastTy;
      else {
        t = typeIx.get(tname);
        if (t === undefined) return null;
        lastType = tname;
        lastTy = t;
      }
      ty[i] = t;
      if (types[t].child) {
        // Child records: the slower, general encoder.
        if (!this.#head(rec) || !this.#fields(this.#hTarget, tags, vals, i * f)) return null;
        pty[i] = this.#hPty;
        lvl[i] = this.#hLvl;
        continue;
      }
      pty[i] = -1;
      const id = rec.id;
      lvl[i] = id === undefined || id === null ? 1 : 0;
      const at = i * f;
      for (let k = 0; k < f; k++) {
        if (!lookup[k]) continue; // tags are zero (absent) already
        const v = rec[fields[k]];
        switch (typeof v) {
          case "string": {
            if (v.length > MAX_FAST_STRING) return null;
            const sym = syms.get(v);
            tags[at + k] = 4;
            vals[at + k] = sym === undefined ? -1 : sym;
            break;
          }
          case "number":
            if (!Number.isFinite(v)) return null;
            tags[at + k] = 3;
            vals[at + k] = v;
            break;
          case "boolean":
            tags[at + k] = 2;
            vals[at + k] = v ? 1 : 0;
            break;
          case "object":
            if (v === null) tags[at + k] = 1;
            break;
          case "bigint":
            return null;
          default:
            break;
        }
      }
    }
    return cols;
  }

  /** May `userId` do `action` on `resource`? The hot path: a boolean, no explanation. */
  can(userId, action, resource) {
    try {
      str(userId, "the user id");
      str(action, "the action");
      let a = this.#lastA;
      if (action !== this.#lastAction) {
        a = this.#s.actionIx.get(action);
        this.#lastAction = action;
        this.#lastA = a;
      }
      if (a !== undefined && this.#nf <= 4 && this.#head(resource) && this.#fields(this.#hTarget, this.#scratchTags, this.#scratchVals, 0)) {
        const t = this.#scratchTags;
        const v = this.#scratchVals;
        const r = this.#raw.can_codes(this.#user(userId), a, this.#hTy, this.#hPty, this.#hLvl === 1, t[0], v[0], t[1], v[1], t[2], v[2], t[3], v[3]);
        if (r >= 0) return r === 1;
      }
      return this.#raw.can_json(userId, action, jsonText(resource, "the resource"));
    } catch (e) {
      throw fail(e);
    }
  }

  /** The decision with its reason: `{ allowed, code, message, rule, upgradeTo? }`. */
  check(userId, action, resource) {
    return guard(() => JSON.parse(this.#raw.check_json(str(userId, "the user id"), str(action, "the action"), jsonText(resource, "the resource"))));
  }

  /** The actions `userId` may do on `resource`, sorted (which buttons to show). */
  permitted(userId, resource) {
    return guard(() => JSON.parse(this.#raw.permitted_json(str(userId, "the user id"), jsonText(resource, "the resource"))));
  }

  /** The records `userId` may do `action` on: the caller's own objects, in order. */
  filter(userId, action, records) {
    return guard(() => {
      str(userId, "the user id");
      str(action, "the action");
      array(records, "the records");
      const a = this.#s.actionIx.get(action);
      const c = a === undefined ? null : this.#encodeMany(records);
      const idx = c !== null ? this.#raw.filter_codes(this.#user(userId), a, c.ty, c.pty, c.lvl, c.tags, c.vals) : this.#raw.filter_json(userId, action, jsonText(records, "the records"));
      const out = new Array(idx.length);
      for (let k = 0; k < idx.length; k++) out[k] = records[idx[k]];
      return out;
    });
  }

  /** Sum and count of `field` over the records `userId` may view; `groupBy` splits by a field. */
  total(userId, records, field, options = {}) {
    return guard(() => {
      str(userId, "the user id");
      array(records, "the records");
      str(field, "the field");
      const groupBy = options == null ? undefined : options.groupBy;
      if (groupBy !== undefined) str(groupBy, "groupBy");
      const view = this.#s.actionIx.get("view");
      const c = view === undefined ? null : this.#encodeMany(records);
      if (c === null) return JSON.parse(this.#raw.total_json(userId, jsonText(records, "the records"), field, groupBy));
      const n = records.length;
      const kinds = new Uint8Array(n);
      const amounts = new Float64Array(n);
      const groups = new Uint32Array(groupBy === undefined ? 0 : n);
      const keys = new Map();
      for (let i = 0; i < n; i++) {
        const r = records[i];
        const v = r[field];
        if (typeof v === "number") {
          if (Number.isFinite(v)) {
            kinds[i] = 1;
            amounts[i] = v;
          } else kinds[i] = 2;
        } else if (v === undefined || v === null) kinds[i] = 0;
        else kinds[i] = typeof v === "string" ? 3 : typeof v === "boolean" ? 4 : 5;
        if (groupBy !== undefined) {
          const key = String(r[groupBy]);
          let g = keys.get(key);
          if (g === undefined) keys.set(key, (g = keys.size));
          groups[i] = g;
        }
      }
      const res = this.#raw.total_codes(this.#user(userId), view, c.ty, c.pty, c.lvl, c.tags, c.vals, kinds, amounts, groups, keys.size, field);
      const out = { total: res[0], count: res[1] };
      if (groupBy !== undefined) {
        const list = [];
        for (const [key, g] of keys) if (res[3 + 3 * g] > 0) list.push([res[4 + 3 * g], key, res[2 + 3 * g], res[3 + 3 * g]]);
        list.sort((x, y) => x[0] - y[0]);
        out.groups = {};
        for (const [, key, total, count] of list) out.groups[key] = { total, count };
      }
      return out;
    });
  }

  /** Per-record decisions of a bulk action: `{ allowed: id[], denied: { id, code, message }[] }`. */
  bulk(userId, action, records, options = {}) {
    return guard(() => {
      str(userId, "the user id");
      str(action, "the action");
      array(records, "the records");
      const to = options == null ? undefined : options.to;
      if (to !== undefined) str(to, "`to`");
      const a = this.#s.actionIx.get(action);
      const c = a === undefined ? null : this.#encodeMany(records);
      // Records without a usable id take the exact path (which reports them).
      let fast = c !== null;
      for (let i = 0; fast && i < records.length; i++) {
        const id = records[i].id;
        if (typeof id !== "string" && typeof id !== "number" && typeof id !== "bigint") fast = false;
      }
      if (!fast) {
        const res = JSON.parse(this.#raw.bulk_json(userId, action, jsonText(records, "the records"), to));
        return {
          allowed: res.allowed.map((i) => records[i].id),
          denied: res.denied.map((d) => ({ id: records[d.i].id, code: d.code, message: d.message })),
        };
      }
      const res = JSON.parse(this.#raw.bulk_codes(userId, a, to, c.ty, c.pty, c.lvl, c.tags, c.vals));
      // Each distinct refusal comes worded once, with U+FDD0/U+FDD1 where the record's and its
      // parent's ids go: fill in the caller's own ids (as text, exactly as Rust would print them).
      const parts = res.templates.map(([code, message]) => [code, message.split(/([\uFDD0\uFDD1])/)]);
      const denied = new Array(res.denied.length);
      for (let k = 0; k < res.denied.length; k++) {
        const r = records[res.denied[k]];
        const [code, pieces] = parts[res.reasons[k]];
        let message = "";
        for (const p of pieces) {
          if (p === "\uFDD0") message += String(r.id);
          else if (p === "\uFDD1") message += r.parent == null || r.parent.id == null ? "" : String(r.parent.id);
          else message += p;
        }
        denied[k] = { id: r.id, code, message };
      }
      const allowed = new Array(res.allowed.length);
      for (let k = 0; k < res.allowed.length; k++) allowed[k] = records[res.allowed[k]].id;
      return { allowed, denied };
    });
  }
}
