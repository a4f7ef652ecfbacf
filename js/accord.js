// accord: the public API, one ES module for every runtime. The per-runtime entry points
// (node.mjs, node.cjs, workerd.mjs, deno.mjs) only load the wasm module and re-export this.
//
// This layer converts and nothing else: inputs become JSON text or typed-array columns, the
// wasm module decides, results become the caller's own objects. No rule logic lives here.
import wbgInit, { initSync as wbgInitSync, RawEngine } from "./accord_wasm.js";

export { presets } from "./presets.js";

let ready = false;
const MAX_FAST_STRING = 341; // longer strings take the exact path (1,024 UTF-8 bytes ≥ 341 × 3)
const QUESTION_USERS = 4096; // users whose question fields are kept (then forgotten at once)
const KEEP_COLUMN = 1 << 20; // longest batch column kept for the next call
const MEMO_BYTES = 8 << 20; // answers kept by field value, all questions together (see #remember)
const MARKS = /([\uFDD0-\uFDE1])/; // ids and field values in bulk refusals (see wasm.rs)

// Writes one field value in the compact encoding (a tag and a number, strings as tenant
// symbols, -1 when unknown) at `at`; false when the record must take the exact (JSON) path.
function put(v, syms, tags, vals, at) {
  switch (typeof v) {
    case "string": {
      if (v.length > MAX_FAST_STRING) return false;
      const sym = syms[v];
      tags[at] = 4;
      vals[at] = sym === undefined ? -1 : sym;
      return true;
    }
    case "number":
      if (!Number.isFinite(v)) return false;
      tags[at] = 3;
      vals[at] = v;
      return true;
    case "boolean":
      tags[at] = 2;
      vals[at] = v ? 1 : 0;
      return true;
    case "object":
      tags[at] = v === null ? 1 : 0;
      return true;
    case "bigint":
      return false;
    default:
      tags[at] = 0;
      return true;
  }
}

// The set bits of a field mask, lowest first.
function slots(mask) {
  const out = [];
  for (let k = 0; mask > 0; k++, mask = Math.floor(mask / 2)) if (mask % 2 === 1) out.push(k);
  return out;
}
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

// Adds the strings of `text` (cut at `ends`) to `table` as symbols base, base + 1, ...;
// a string already there keeps its symbol. The table is a null-prototype object: lookups of
// strings are faster than a Map's, and no key (`__proto__`, `constructor`) is special.
function addSymbols(table, text, ends, base) {
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const k = text.slice(start, ends[i]);
    if (table[k] === undefined) table[k] = base + i;
    start = ends[i];
  }
  return ends.length;
}

// Typed-array columns reused from one batch call to the next (the wasm module copies them
// in, so nothing keeps them); views of the requested length. Batches of over a million
// records get arrays of their own, which are not kept.
class Columns {
  #bytes = [new Uint8Array(0), new Uint8Array(0)];
  #numbers = [new Float64Array(0), new Float64Array(0)];

  bytes(k, n) {
    if (n > KEEP_COLUMN) return new Uint8Array(n);
    if (this.#bytes[k].length < n) this.#bytes[k] = new Uint8Array(Math.max(n, 2 * this.#bytes[k].length));
    return this.#bytes[k].subarray(0, n);
  }

  numbers(k, n) {
    if (n > KEEP_COLUMN) return new Float64Array(n);
    if (this.#numbers[k].length < n) this.#numbers[k] = new Float64Array(Math.max(n, 2 * this.#numbers[k].length));
    return this.#numbers[k].subarray(0, n);
  }
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
  #nSyms;
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
  // Per user index, per (action, type): the fields a question reads (see #question).
  #questions = [];
  #questionUsers = 0;
  #cols = new Columns();
  #encoding = false;
  #memoBytes = 0;
  #classes = new Map();
  #nTypes;
  #childTypes;

  constructor(raw, schema) {
    if (!(raw && typeof raw.can_codes === "function")) throw new AccordError("invalid_type", "use `engine.tenant(directory)` to make a tenant", "");
    this.#raw = raw;
    this.#s = schema;
    const syms = Object.create(null);
    this.#nUsers = addSymbols(syms, raw.user_text(), raw.user_ends(), 0);
    this.#nSyms = this.#nUsers + addSymbols(syms, raw.sym_text(), raw.sym_ends(), this.#nUsers);
    this.#syms = syms;
    this.#nf = schema.fields.length;
    // Fields no answer of this tenant depends on (e.g. `id` without grants) are not looked up.
    const unread = raw.unread_fields();
    this.#lookup = schema.fields.map((_, k) => (unread & (1 << k)) === 0);
    this.#scratchTags = new Uint8Array(4);
    this.#scratchVals = new Float64Array(4);
    this.#nTypes = schema.types.length;
    this.#childTypes = Uint8Array.from(schema.types, (t) => (t.child ? 1 : 0));
  }

  // What (user, action, records of type ty) reads, asked of the engine once and kept:
  // `{ reads, explains, h }` (field indices to encode for answers, and for refusals; `h` the
  // engine's prepared question for `can`, -1 until first used), or null when such records take
  // the general path. The engine decides every answer; this only says which fields it needs.
  #question(u, a, ty) {
    let row = this.#questions[u];
    if (row === undefined) {
      if (this.#questionUsers >= QUESTION_USERS) this.#forget();
      row = this.#questions[u] = [];
      this.#questionUsers++;
    }
    const k = a * this.#nTypes + ty;
    let q = row[k];
    if (q === undefined) {
      // -1, or the engine's index of the question + 4096 × (reads + 65536 × explains).
      const p = this.#raw.prepare(u, a, ty);
      if (p < 0) q = null;
      else {
        const m = Math.floor(p / 4096);
        const readNames = slots(m % 65536).map((i) => this.#s.fields[i]);
        q = { h: p % 4096, width: readNames.length, name0: readNames[0], memo: null, asks: 0, readNames, masks: m };
      }
      row[k] = q;
    }
    return q;
  }

  // Encodes the question's fields of every record into columns when all are records of one
  // non-child type with an id (the uniform path); null otherwise. `pick` chooses the
  // question's reads (0) or explains (1); `amount`, when given, is the field `total` sums,
  // read in the same pass (its kind and value, as `sum` in wasm.rs reads them). One pass over
  // the records, no object per record, columns reused from call to call.
  #uniform(u, a, records, pick, amount) {
    const n = records.length;
    const s = this.#s;
    if (u < 0 || n === 0 || s.readsOrgs) return null;
    const first = records[0];
    if (first === null || typeof first !== "object") return null;
    const tname = first.type;
    const ty = s.typeIx.get(tname);
    if (ty === undefined || s.types[ty].child) return null;
    const q = this.#question(u, a, ty);
    if (q === null) return null;
    const list = slots(pick === 1 ? Math.floor(q.masks / 65536) : q.masks % 65536);
    const w = list.length;
    const names = list.map((k) => s.fields[k]);
    // A getter on a record may call back into this tenant: such a call gets columns of its own.
    const cols = this.#encoding ? new Columns() : this.#cols;
    const tags = cols.bytes(0, n * w);
    const vals = cols.numbers(0, n * w);
    const sums = amount !== undefined;
    const kinds = cols.bytes(1, sums ? n : 0);
    const amounts = cols.numbers(1, sums ? n : 0);
    const outer = this.#encoding;
    this.#encoding = true;
    try {
      return this.#encodeUniform(records, ty, tname, names, tags, vals, sums ? amount : undefined, kinds, amounts);
    } finally {
      this.#encoding = outer;
    }
  }

  #encodeUniform(records, ty, tname, names, tags, vals, amount, kinds, amounts) {
    const n = records.length;
    const w = names.length;
    const name0 = names[0];
    const sums = amount !== undefined;
    const syms = this.#syms;
    for (let i = 0; i < n; i++) {
      const rec = records[i];
      if (rec === null || typeof rec !== "object" || rec.type !== tname) return null;
      const id = rec.id;
      if (typeof id !== "string" && typeof id !== "number") return null;
      if (w === 1) {
        // The common case (an owner, a team): the string path inline.
        const v = rec[name0];
        if (typeof v === "string" && v.length <= MAX_FAST_STRING) {
          const sym = syms[v];
          tags[i] = 4;
          vals[i] = sym === undefined ? -1 : sym;
        } else if (!put(v, syms, tags, vals, i)) return null;
      } else {
        for (let j = 0, at = i * w; j < w; j++, at++) if (!put(rec[names[j]], syms, tags, vals, at)) return null;
      }
      if (sums) {
        const x = rec[amount];
        if (typeof x === "number") {
          if (Number.isFinite(x)) {
            kinds[i] = 1;
            amounts[i] = x;
          } else kinds[i] = 2;
        } else kinds[i] = x === undefined || x === null ? 0 : typeof x === "string" ? 3 : typeof x === "boolean" ? 4 : 5;
      }
    }
    return { ty, tags, vals, kinds, amounts };
  }

  #user(userId) {
    // UIs ask many questions for one user in a row: remember the last one.
    if (userId === this.#lastUser) return this.#lastIx;
    const u = this.#syms[userId];
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
      if (!put(target[fields[k]], this.#syms, tags, vals, at + k)) return false;
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
        if (!put(rec[fields[k]], syms, tags, vals, at + k)) return null;
      }
    }
    return cols;
  }

  /** May `userId` do `action` on `resource`? The hot path: a boolean, no explanation. */
  can(userId, action, resource) {
    try {
      if (typeof userId !== "string") str(userId, "the user id");
      if (typeof action !== "string") str(action, "the action");
      let a = this.#lastA;
      if (action !== this.#lastAction) {
        a = this.#s.actionIx.get(action);
        this.#lastAction = action;
        this.#lastA = a;
      }
      if (a !== undefined && resource !== null && typeof resource === "object") {
        const r = this.#canPrepared(userId, a, resource);
        if (r >= 0) return r === 1;
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

  // A record of a non-child type with an id, through the engine's prepared question for
  // (user, action, type) with only the fields it reads: 1 allowed, 0 denied, -1 when the
  // record must take another path.
  #canPrepared(userId, a, rec) {
    const s = this.#s;
    if (s.readsOrgs) return -1;
    const tname = rec.type;
    if (tname !== this.#lastType) {
      const found = s.typeIx.get(tname);
      if (found === undefined) return -1;
      this.#lastType = tname;
      this.#lastTy = found;
    }
    const ty = this.#lastTy;
    const id = rec.id;
    if (id === undefined || id === null || this.#childTypes[ty] === 1) return -1;
    const u = this.#user(userId);
    if (u < 0) return -1;
    const q = this.#question(u, a, ty);
    if (q === null || q.width > 4) return -1;
    const t = this.#scratchTags;
    const v = this.#scratchVals;
    // An answer that depends on one field is kept per value of that field (absent, null, an
    // unknown string, each known name), and one that depends on none once: the engine's own
    // answer, asked once. Like the reporting-line sets an app would precompute per user,
    // filled only as questions come. Each field is read once (a getter may change its mind).
    let key = -1;
    if (q.width === 1) {
      const x = rec[q.name0];
      if (!put(x, this.#syms, t, v, 0)) return -1;
      const tag = t[0];
      key = tag <= 1 ? tag : tag === 4 ? v[0] + 3 : -1;
      if (key >= 0 && q.memo !== null) {
        // Two bits per value: 0 not asked yet, 1 denied, 2 allowed.
        const seen = (q.memo[key >> 2] >> ((key & 3) << 1)) & 3;
        if (seen !== 0) return seen - 1;
      }
    } else if (q.width === 0) {
      key = 0;
      if (q.memo !== null) return q.memo[0] - 1;
    } else {
      // Only the first `width` entries are read: the rest may hold older values.
      const names = q.readNames;
      for (let j = 0; j < names.length; j++) if (!put(rec[names[j]], this.#syms, t, v, j)) return -1;
    }
    for (let tries = 0; tries < 2; tries++) {
      if (q.h < 0) q.h = this.#raw.prepare(u, a, ty) % 4096;
      if (q.h < 0) return -1;
      const r = this.#raw.can_prepared(q.h, u, a, ty, t[0], v[0], t[1], v[1], t[2], v[2], t[3], v[3]);
      if (r === -2) {
        q.h = -1; // the engine forgot it: prepare it again
        continue;
      }
      if (key >= 0 && r >= 0) this.#remember(q, key, r, u, a, ty);
      return r;
    }
    return -1;
  }

  // Keeps answer `r` of question `q` (just asked: its index holds) for field value `key`,
  // within a memory budget. Questions of one class (e.g. view, update and delete by one user
  // under the same rules) answer every record alike and share one table; a question joins
  // its class's table on its 4th answer (one that reads no field, on its first), and when the
  // tables would pass MEMO_BYTES all questions are forgotten at once.
  #remember(q, key, r, u, a, ty) {
    if (q.memo === null) {
      if (q.width !== 0 && ++q.asks < 4) return;
      const id = this.#raw.question_class(q.h, u, a, ty);
      let c = id < 0 ? undefined : this.#classes.get(id);
      if (c === undefined) {
        let memo;
        if (q.width === 0) memo = Uint8Array.of(r + 1);
        else {
          const size = (this.#nSyms + 3 + 3) >> 2; // two bits per value
          if (this.#memoBytes + size > MEMO_BYTES) {
            this.#forget();
            return;
          }
          this.#memoBytes += size;
          memo = new Uint8Array(size);
        }
        c = { memo };
        if (id >= 0) this.#classes.set(id, c);
      }
      q.memo = c.memo;
      if (q.width === 0) return;
    }
    if (key >> 2 < q.memo.length) q.memo[key >> 2] |= (r + 1) << ((key & 3) << 1);
  }

  #forget() {
    this.#questions = [];
    this.#questionUsers = 0;
    this.#classes.clear();
    this.#memoBytes = 0;
  }


  /** The decision with its reason: `{ allowed, code, message, rule, upgradeTo? }`. */
  check(userId, action, resource) {
    try {
      return JSON.parse(this.#raw.check_json(str(userId, "the user id"), str(action, "the action"), jsonText(resource, "the resource")));
    } catch (e) {
      throw fail(e);
    }
  }

  /** The actions `userId` may do on `resource`, sorted (which buttons to show). */
  permitted(userId, resource) {
    try {
      return JSON.parse(this.#raw.permitted_json(str(userId, "the user id"), jsonText(resource, "the resource")));
    } catch (e) {
      throw fail(e);
    }
  }

  /** The question as SQL for records in a database: `{ where, params }` (see docs/sql.md). */
  sql(userId, action, type, options) {
    try {
      return JSON.parse(this.#raw.sql_json(str(userId, "the user id"), str(action, "the action"), str(type, "the type"), jsonText(options, "the SQL options")));
    } catch (e) {
      throw fail(e);
    }
  }

  /** The records `userId` may do `action` on: the caller's own objects, in order. */
  filter(userId, action, records) {
    try {
      return this.#filter(userId, action, records);
    } catch (e) {
      throw fail(e);
    }
  }

  #filter(userId, action, records) {
    str(userId, "the user id");
    str(action, "the action");
    array(records, "the records");
    const a = this.#s.actionIx.get(action);
    const u = this.#user(userId);
    const one = a === undefined ? null : this.#uniform(u, a, records, 0);
    const c = a === undefined || one !== null ? null : this.#encodeMany(records);
    const idx =
      one !== null
        ? this.#raw.filter_uniform(u, a, one.ty, records.length, one.tags, one.vals)
        : c !== null
          ? this.#raw.filter_codes(u, a, c.ty, c.pty, c.lvl, c.tags, c.vals)
          : this.#raw.filter_json(userId, action, jsonText(records, "the records"));
    const out = new Array(idx.length);
    for (let k = 0; k < idx.length; k++) out[k] = records[idx[k]];
    return out;
  }

  /** Sum and count of `field` over the records `userId` may view; `groupBy` splits by a field. */
  total(userId, records, field, options = {}) {
    try {
      return this.#total(userId, records, field, options);
    } catch (e) {
      throw fail(e);
    }
  }

  #total(userId, records, field, options) {
    str(userId, "the user id");
    array(records, "the records");
    str(field, "the field");
    const groupBy = options == null ? undefined : options.groupBy;
    if (groupBy !== undefined) str(groupBy, "groupBy");
    const view = this.#s.actionIx.get("view");
    const u = this.#user(userId);
    const one = view === undefined ? null : this.#uniform(u, view, records, 0, field);
    const c = view === undefined || one !== null ? null : this.#encodeMany(records);
    if (one === null && c === null) return JSON.parse(this.#raw.total_json(userId, jsonText(records, "the records"), field, groupBy));
    const n = records.length;
    let kinds = one === null ? null : one.kinds;
    let amounts = one === null ? null : one.amounts;
    if (one === null) {
      kinds = new Uint8Array(n);
      amounts = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = records[i][field];
        if (typeof v === "number") {
          if (Number.isFinite(v)) {
            kinds[i] = 1;
            amounts[i] = v;
          } else kinds[i] = 2;
        } else kinds[i] = v === undefined || v === null ? 0 : typeof v === "string" ? 3 : typeof v === "boolean" ? 4 : 5;
      }
    }
    const groups = new Uint32Array(groupBy === undefined ? 0 : n);
    const keys = new Map();
    if (groupBy !== undefined) {
      for (let i = 0; i < n; i++) {
        const key = String(records[i][groupBy]);
        let g = keys.get(key);
        if (g === undefined) keys.set(key, (g = keys.size));
        groups[i] = g;
      }
    }
    const res =
      one !== null
        ? this.#raw.total_uniform(u, view, one.ty, n, one.tags, one.vals, kinds, amounts, groups, keys.size, field)
        : this.#raw.total_codes(u, view, c.ty, c.pty, c.lvl, c.tags, c.vals, kinds, amounts, groups, keys.size, field);
    const out = { total: res[0], count: res[1] };
    if (groupBy !== undefined) {
      const list = [];
      for (const [key, g] of keys) if (res[3 + 3 * g] > 0) list.push([res[4 + 3 * g], key, res[2 + 3 * g], res[3 + 3 * g]]);
      list.sort((x, y) => x[0] - y[0]);
      out.groups = {};
      // Defined, not assigned: a group named `__proto__` is a group, not the prototype.
      for (const [, key, total, count] of list) Object.defineProperty(out.groups, key, { value: { total, count }, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  /** Per-record decisions of a bulk action: `{ allowed: id[], denied: { id, code, message }[] }`. */
  bulk(userId, action, records, options = {}) {
    try {
      return this.#bulk(userId, action, records, options);
    } catch (e) {
      throw fail(e);
    }
  }

  #bulk(userId, action, records, options) {
    str(userId, "the user id");
    str(action, "the action");
    array(records, "the records");
    const to = options == null ? undefined : options.to;
    if (to !== undefined) str(to, "`to`");
    const a = this.#s.actionIx.get(action);
    const u = this.#user(userId);
    const one = a === undefined ? null : this.#uniform(u, a, records, 1);
    let c = a === undefined || one !== null ? null : this.#encodeMany(records);
    // Records without a usable id take the exact path (which reports them).
    for (let i = 0; c !== null && i < records.length; i++) {
      const id = records[i].id;
      if (typeof id !== "string" && typeof id !== "number" && typeof id !== "bigint") c = null;
    }
    if (one === null && c === null) {
      const res = JSON.parse(this.#raw.bulk_json(userId, action, jsonText(records, "the records"), to));
      return {
        allowed: res.allowed.map((i) => records[i].id),
        denied: res.denied.map((d) => ({ id: records[d.i].id, code: d.code, message: d.message })),
      };
    }
    const n = records.length;
    const out = new Uint32Array(n);
    const text =
      one !== null
        ? this.#raw.bulk_uniform(userId, a, to, one.ty, n, one.tags, one.vals, out)
        : this.#raw.bulk_codes(userId, a, to, c.ty, c.pty, c.lvl, c.tags, c.vals, out);
    // Each distinct refusal comes worded once, with marks where the record's own values go:
    // U+FDD0 its id, U+FDD1 its parent's id, U+FDD2 + k the value of field k (a user or team
    // the engine knows). Put back the caller's own values, exactly as the engine prints them.
    const fields = this.#s.fields;
    const templates = JSON.parse(text).map(([code, message]) => [
      code,
      message.split(MARKS).map((p, j) => (j % 2 === 0 ? p : p.charCodeAt(0) - 0xfdd2)),
    ]);
    const allowed = [];
    const denied = [];
    for (let i = 0; i < n; i++) {
      const r = records[i];
      const o = out[i];
      if (o === 0) {
        allowed.push(r.id);
        continue;
      }
      const [code, pieces] = templates[o - 1];
      let message = pieces[0];
      for (let j = 1; j < pieces.length; j += 2) {
        const m = pieces[j];
        let x;
        if (m === -2) x = r.id;
        else if (m === -1) x = r.parent == null ? "" : r.parent.id;
        else x = (one === null && r.parent != null && this.#s.types[c.ty[i]].child ? r.parent : r)[fields[m]];
        message += (x == null ? "" : String(x)) + pieces[j + 1];
      }
      denied.push({ id: r.id, code, message });
    }
    return { allowed, denied };
  }
}
