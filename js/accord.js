// accord: the public API, one ES module for every runtime. The per-runtime entry points
// (node.mjs, node.cjs, workerd.mjs, deno.mjs) only load the wasm module and re-export this.
//
// This layer converts and runs the plans the engine compiles (plan.js, user.js), nothing
// else: inputs become JSON text or typed-array columns, the wasm module decides or compiles,
// results become the caller's own objects. No rule logic lives here.
import wbgInit, { initSync as wbgInitSync, RawEngine } from "./accord_wasm.js";
import { AccordError, fail, kind, str, array, under } from "./errors.js";
import { compile } from "./plan.js";
import { User } from "./user.js";
import { MAX_FAST_STRING, TAG_ABSENT, TAG_NULL, TAG_BOOL, TAG_NUM, TAG_STR, MARK_ID, MARK_PARENT, MARK_FIELD } from "./protocol.js";

export { presets } from "./presets.js";
export { AccordError };

/** Returns `policy` unchanged: TypeScript reads its names (accord.d.ts), so typos fail to compile. */
export const definePolicy = (policy) => policy;

let ready = false;
const KEEP_COLUMN = 1 << 20; // longest batch column kept for the next call
// Marks in bulk refusals: MARK_ID, MARK_PARENT, then MARK_FIELD + one per field slot.
const MARKS = new RegExp(`([${String.fromCharCode(MARK_ID)}-${String.fromCharCode(MARK_FIELD + 15)}])`);
const HANDLES = 4096; // users whose handles `tenant.can(userId, …)` keeps (then forgotten at once)

// Writes one field value in the compact encoding (a tag and a number, strings as tenant
// symbols, -1 when unknown) at `at`; false when the record must take the exact (JSON) path.
function put(v, syms, tags, vals, at) {
  switch (typeof v) {
    case "string": {
      if (v.length > MAX_FAST_STRING) return false;
      const sym = syms[v];
      tags[at] = TAG_STR;
      vals[at] = sym === undefined ? -1 : sym;
      return true;
    }
    case "number":
      if (!Number.isFinite(v)) return false;
      tags[at] = TAG_NUM;
      vals[at] = v;
      return true;
    case "boolean":
      tags[at] = TAG_BOOL;
      vals[at] = v ? 1 : 0;
      return true;
    case "object":
      tags[at] = v === null ? TAG_NULL : TAG_ABSENT;
      return true;
    case "bigint":
      return false;
    default:
      tags[at] = TAG_ABSENT;
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

// Loading. The per-runtime entries (node.mjs, deno.mjs, edge.mjs, workerd.mjs) call initSync
// when imported; browsers and bundlers call `await init()`. Every failure is an AccordError
// (`load_failed`) that names where the module was looked for and what came back instead.
const WASM = "accord_wasm_bg.wasm";
let loading = null; // the one load in flight: concurrent init() calls share it

const loadFailed = (message) => new AccordError("load_failed", message, "");
const MAGIC = [0x00, 0x61, 0x73, 0x6d]; // "\0asm"
function isWasm(bytes) {
  return bytes.length >= 4 && MAGIC.every((b, i) => bytes[i] === b);
}
// What came back instead of a wasm module, for the error: its type and its first characters.
function describe(bytes, type) {
  const head = Array.from(bytes.subarray(0, 24), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
  return `${type ? `${type} ` : ""}${bytes.length === 0 ? "(empty)" : `starting \`${head}\``}`;
}
function viewOf(x) {
  if (x instanceof ArrayBuffer) return new Uint8Array(x);
  if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  return null;
}

// Fetches the module at `url`; returns the Response (streaming compile) or its checked bytes.
async function fetchWasm(url) {
  let response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw loadFailed(`fetching the wasm module at ${url} failed: ${e && e.message ? e.message : e}`);
  }
  return checkResponse(response, url);
}
async function checkResponse(response, url) {
  url = response.url || url; // absolute, after redirects
  if (!response.ok) throw loadFailed(`expected a WebAssembly module at ${url}, got HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`);
  const type = (response.headers.get("content-type") ?? "").split(";")[0].trim();
  if (type === "application/wasm") return response;
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (!isWasm(bytes)) throw loadFailed(`expected a WebAssembly module at ${url}, got ${describe(bytes, type || "no content type")}`);
  return bytes;
}

// Vite's dev server pre-bundles dependencies into node_modules/.vite/deps/ without copying the
// .wasm next to them (Vite 7; vitejs/vite#8427): there, the package's own copy is two levels up.
// Built from the first URL, not a literal, so no bundler mistakes it for an asset to emit.
function viteDepsFallback(url) {
  return /\/\.vite\/deps(_[^/]*)?\/[^/]*$/.test(url.pathname) ? new URL(["..", "..", "accord", WASM].join("/"), url) : null;
}

async function load(input) {
  let source = input;
  if (source && typeof source === "object" && !ArrayBuffer.isView(source) && "module_or_path" in source) source = source.module_or_path;
  if (source && typeof source.then === "function") source = await source;
  let where = "the given module";
  if (source === undefined) {
    // The literal form `new URL("…", import.meta.url)` is what bundlers recognise and emit.
    const url = new URL("accord_wasm_bg.wasm", import.meta.url);
    where = String(url);
    try {
      source = await fetchWasm(url);
    } catch (e) {
      const other = viteDepsFallback(url);
      if (!other) throw e;
      where = String(other);
      source = await fetchWasm(other).catch((e2) => {
        throw loadFailed(`${e.message}; also looked at ${other}: ${e2.message.replace(/^.*?, got /, "got ")}`);
      });
    }
  } else if (typeof source === "string" || source instanceof URL || (typeof Request === "function" && source instanceof Request)) {
    where = String(source instanceof URL || typeof source === "string" ? source : source.url);
    source = await fetchWasm(source);
  } else if (typeof Response === "function" && source instanceof Response) {
    where = source.url || "the given Response";
    source = await checkResponse(source, where);
  } else {
    const bytes = viewOf(source);
    if (bytes && !isWasm(bytes)) throw loadFailed(`expected the bytes of a WebAssembly module, got ${bytes.length} bytes ${describe(bytes)}`);
  }
  try {
    await wbgInit({ module_or_path: source });
  } catch (e) {
    throw loadFailed(`instantiating the wasm module from ${where} failed: ${e && e.message ? e.message : e}`);
  }
}

/**
 * Loads the wasm module (browsers, bundlers): `await init()` before the first use. Idempotent;
 * concurrent calls share one load, and a failed load may be retried.
 */
export default function init(input) {
  if (ready) return Promise.resolve();
  loading ??= load(input).then(
    () => {
      ready = true;
    },
    (e) => {
      loading = null;
      throw e instanceof AccordError ? e : loadFailed(`loading the wasm module failed: ${e && e.message ? e.message : e}`);
    },
  );
  return loading;
}

/** Loads the wasm module synchronously from bytes or a `WebAssembly.Module`. */
export function initSync(module) {
  if (ready) return;
  const source = module && typeof module === "object" && Object.getPrototypeOf(module) === Object.prototype && "module" in module ? module.module : module;
  const bytes = viewOf(source);
  if (bytes && !isWasm(bytes)) throw loadFailed(`expected the bytes of a WebAssembly module, got ${bytes.length} bytes ${describe(bytes)}`);
  try {
    wbgInitSync({ module: source });
  } catch (e) {
    throw loadFailed(`instantiating the wasm module failed: ${e && e.message ? e.message : e}`);
  }
  ready = true;
}

// The what-if plan of a `check` or `permitted` call's options (undefined: the account's own).
function planOption(options) {
  const plan = options == null ? undefined : options.plan;
  return plan === undefined ? undefined : str(plan, "`plan`");
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

// A refusal worded once by the engine, with marks where each record's own values go (its id,
// its parent's id, a field's value: see MARKS), as a function of the record: the engine's
// words with the caller's own values, exactly as the engine prints them.
// `person`, when the tenant's users have display names, turns a user id into the name the
// engine words it with (the marks of user fields then read the name, as the engine does).
function sentence(message, fields, person) {
  const pieces = message.split(MARKS);
  const text = (x) => (x == null ? "" : String(x));
  const reader = (mark) => {
    const m = mark.charCodeAt(0);
    if (m === MARK_ID) {
      return (r) => {
        const x = r.id;
        return typeof x === "string" ? x : text(x);
      };
    }
    if (m === MARK_PARENT) return (r) => (r.parent == null ? "" : text(r.parent.id));
    const name = fields[m - MARK_FIELD];
    if (person !== null) {
      return (r) => {
        const x = r[name];
        return typeof x === "string" ? person(x) : text(x);
      };
    }
    return (r) => {
      const x = r[name];
      return typeof x === "string" ? x : text(x);
    };
  };
  if (pieces.length === 1) return () => message;
  if (pieces.length === 3) {
    const [a, m, b] = pieces;
    const g = reader(m);
    return (r) => a + g(r) + b;
  }
  if (pieces.length === 5) {
    const [a, m1, b, m2, c] = pieces;
    const g1 = reader(m1);
    const g2 = reader(m2);
    return (r) => a + g1(r) + b + g2(r) + c;
  }
  const parts = pieces.map((p, j) => (j % 2 === 0 ? p : reader(p)));
  return (r) => {
    let out = parts[0];
    for (let j = 1; j < parts.length; j += 2) out += parts[j](r) + parts[j + 1];
    return out;
  };
}

/** A compiled policy. `new Engine(policy)` validates and compiles it once. */
export class Engine {
  #raw;
  #schema;
  #description = null;

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

  /**
   * The policy as a UI reads it: `{ plans: [{ name, label }], roles: [{ name, label, system }],
   * types: [{ name, label, actions, typeActions, parents? }], settings: [{ name, label, default }] }`
   * (plans lowest first, everything else in declaration order). A fresh object each call.
   */
  describe() {
    this.#description ??= this.#raw.describe_json();
    return JSON.parse(this.#description);
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
  #lastUser = null;
  #lastIx = -1;
  // Per user index, per (action, type): the fields a bulk question reads (see #question).
  #questions = [];
  #maskNames = new Map();
  #cols = new Columns();
  #encoding = false;
  #nTypes;
  // Handles of the users `can`, `filter` and `total` were asked about, by id.
  #handles = new Map();
  #lastHandleId = null;
  #lastHandle = null;
  #host;
  // Users' display names by index: undefined until first needed, null when none has one.
  #nameList = undefined;

  constructor(raw, schema) {
    if (!(raw && typeof raw.plan_json === "function")) throw new AccordError("invalid_type", "use `engine.tenant(directory)` to make a tenant", "");
    this.#raw = raw;
    this.#s = schema;
    const syms = Object.create(null);
    this.#nUsers = addSymbols(syms, raw.user_text(), raw.user_ends(), 0);
    addSymbols(syms, raw.sym_text(), raw.sym_ends(), this.#nUsers);
    this.#syms = syms;
    this.#nTypes = schema.types.length;
    // What the handles need of this tenant: the engine's plans, and its exact answers for the
    // records a plan cannot judge.
    let pre = null;
    const symbols = { syms, users: this.#nUsers, pre: () => (pre ??= raw.user_pre()), fields: schema.fields, readsOrgs: schema.readsOrgs };
    const parents = Object.create(null);
    for (const t of schema.types) parents[t.name] = t.child ? t.parents.map((k) => schema.types[k].name) : null;
    this.#host = {
      tenant: this,
      knowsAction: (a) => typeof a === "string" && schema.actionIx.has(a),
      knowsType: (t) => schema.typeIx.has(t),
      recordActions: (t) => (typeof t === "string" && schema.typeIx.has(t) ? schema.types[schema.typeIx.get(t)].recordActions : null),
      judge: (userId, action, tname) => {
        let plan;
        try {
          plan = JSON.parse(raw.plan_indexed(userId, action, tname));
        } catch {
          return null; // the engine answers (and reports) every record of this question
        }
        return compile(plan, parents[tname], symbols);
      },
      canExact: (userId, action, rec, i) => {
        try {
          return raw.can_json(userId, action, jsonText(rec, "the resource"));
        } catch (e) {
          throw i < 0 ? fail(e) : under(e, i);
        }
      },
    };
  }

  /**
   * The handle of one user: the tenant's questions without the user argument, each
   * (action, type) compiled once into a plan that answers in JavaScript.
   */
  user(userId) {
    str(userId, "the user id");
    return new User(this.#host, userId);
  }

  // The handle `can`, `filter` and `total` use for `userId`: kept for the next call (UIs ask
  // many questions for one user in a row), at most HANDLES of them.
  #handle(userId) {
    if (userId === this.#lastHandleId) return this.#lastHandle;
    if (typeof userId !== "string") str(userId, "the user id");
    let h = this.#handles.get(userId);
    if (h === undefined) {
      if (this.#handles.size >= HANDLES) this.#handles.clear();
      h = new User(this.#host, userId);
      this.#handles.set(userId, h);
    }
    this.#lastHandleId = userId;
    this.#lastHandle = h;
    return h;
  }

  /** What remains of (userId, action, type) once the user is known: `{ kind, … }` (docs/plans.md). */
  plan(userId, action, type) {
    try {
      return JSON.parse(this.#raw.plan_json(str(userId, "the user id"), str(action, "the action"), str(type, "the type")));
    } catch (e) {
      throw fail(e);
    }
  }

  // The fields a bulk refusal of (user, action, records of type ty) reads, asked of the
  // engine once and kept (a bit set over the engine's fields), or -1 when such records take
  // the general path.
  #question(u, a, ty) {
    let row = this.#questions[u];
    if (row === undefined) {
      if (this.#questions.length > 4 * HANDLES) this.#questions = [];
      row = this.#questions[u] = [];
    }
    const k = a * this.#nTypes + ty;
    let q = row[k];
    if (q === undefined) q = row[k] = this.#raw.bulk_fields(u, a, ty);
    return q;
  }

  // The field names of a bit set over the engine's fields, in slot order (kept).
  #fieldNames(mask) {
    let names = this.#maskNames.get(mask);
    if (names === undefined) {
      names = slots(mask).map((i) => this.#s.fields[i]);
      this.#maskNames.set(mask, names);
    }
    return names;
  }

  // Encodes the refusal fields of every record into columns when all are records of one
  // non-child type with an id (the uniform path); null otherwise. One pass over the records,
  // no object per record, columns reused from call to call.
  // `to` (a user index, or -1) is the new owner of a reassignment: the fields their `view`
  // question reads go along, so the engine can tell whether they may receive each record.
  #uniform(u, a, records, to) {
    const n = records.length;
    const s = this.#s;
    if (u < 0 || n === 0 || s.readsOrgs) return null;
    const first = records[0];
    if (first === null || typeof first !== "object") return null;
    const tname = first.type;
    const ty = s.typeIx.get(tname);
    if (ty === undefined || s.types[ty].child) return null;
    let mask = this.#question(u, a, ty);
    if (mask < 0) return null;
    const view = s.actionIx.get("view");
    if (to >= 0 && view !== undefined) {
      const theirs = this.#question(to, view, ty);
      if (theirs > 0) mask |= theirs;
    }
    const names = this.#fieldNames(mask);
    // A getter on a record may call back into this tenant: such a call gets columns of its own.
    const cols = this.#encoding ? new Columns() : this.#cols;
    const w = names.length;
    const tags = cols.bytes(0, n * w);
    const vals = cols.numbers(0, n * w);
    const outer = this.#encoding;
    this.#encoding = true;
    try {
      return this.#encodeUniform(records, ty, tname, names, tags, vals);
    } finally {
      this.#encoding = outer;
    }
  }

  #encodeUniform(records, ty, tname, names, tags, vals) {
    const n = records.length;
    const w = names.length;
    const name0 = names[0];
    const syms = this.#syms;
    for (let i = 0; i < n; i++) {
      const rec = records[i];
      if (rec === null || typeof rec !== "object" || rec.type !== tname) return null;
      const id = rec.id;
      if (typeof id !== "string" && typeof id !== "number") return null;
      if (w === 1) {
        // The common case (an owner, a team): the string path inline, one fixed key.
        const v = rec[name0];
        if (typeof v === "string" && v.length <= MAX_FAST_STRING) {
          const sym = syms[v];
          tags[i] = TAG_STR;
          vals[i] = sym === undefined ? -1 : sym;
        } else if (!put(v, syms, tags, vals, i)) return null;
        continue;
      }
      for (let j = 0, at = i * w; j < w; j++, at++) if (!put(rec[names[j]], syms, tags, vals, at)) return null;
    }
    return { ty, tags, vals };
  }

  #user(userId) {
    // UIs ask many questions for one user in a row: remember the last one.
    if (userId === this.#lastUser) return this.#lastIx;
    const u = this.#syms[userId];
    this.#lastUser = userId;
    this.#lastIx = u !== undefined && u < this.#nUsers ? u : -1;
    return this.#lastIx;
  }

  // Display names by user index (null when no user has one), read from the engine once.
  #names() {
    if (this.#nameList === undefined) {
      const ends = this.#raw.name_ends();
      if (ends.length === 0) this.#nameList = null;
      else {
        const text = this.#raw.name_text();
        const list = new Array(ends.length);
        for (let i = 0, start = 0; i < ends.length; start = ends[i], i++) list[i] = text.slice(start, ends[i]);
        this.#nameList = list;
      }
    }
    return this.#nameList;
  }

  // How the engine words a user id in a sentence: the user's name when it has one.
  #person() {
    const names = this.#names();
    if (names === null) return null;
    const syms = this.#syms;
    const n = this.#nUsers;
    return (x) => {
      const k = syms[x];
      return k !== undefined && k < n && names[k] !== "" ? names[k] : x;
    };
  }

  /** May `userId` do `action` on `resource`? The hot path: a boolean, no explanation. */
  can(userId, action, resource) {
    return this.#handle(userId).can(action, resource);
  }

  /**
   * The decision with its reason: `{ allowed, code, message, rule, upgradeTo?, reasons }`;
   * `{ plan }` answers as if the account were on that plan (an upgrade preview).
   */
  check(userId, action, resource, options) {
    try {
      return JSON.parse(this.#raw.check_json(str(userId, "the user id"), str(action, "the action"), jsonText(resource, "the resource"), planOption(options)));
    } catch (e) {
      throw fail(e);
    }
  }

  /** The actions `userId` may do on `resource`, sorted (which buttons to show); `{ plan }` as for `check`. */
  permitted(userId, resource, options) {
    try {
      return JSON.parse(this.#raw.permitted_json(str(userId, "the user id"), jsonText(resource, "the resource"), planOption(options)));
    } catch (e) {
      throw fail(e);
    }
  }

  /** The ids of the users who may do `action` on `resource`, sorted (assignee pickers). */
  who(action, resource) {
    try {
      // The engine lists them in directory order; sorted here, in JavaScript's own order.
      return JSON.parse(this.#raw.who_json(str(action, "the action"), jsonText(resource, "the resource"))).sort();
    } catch (e) {
      throw fail(e);
    }
  }

  /** The records `userId` may do `action` on: the caller's own objects, in order. */
  filter(userId, action, records) {
    try {
      return this.#handle(userId).filter(action, records);
    } catch (e) {
      throw fail(e);
    }
  }

  /** Sum and count of `field` over the records `userId` may view; `groupBy` splits by a field. */
  total(userId, records, field, options = {}) {
    try {
      return this.#handle(userId).total(records, field, options);
    } catch (e) {
      throw fail(e);
    }
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
    let toIx = -1;
    if (to !== undefined) {
      const k = this.#syms[to];
      toIx = k !== undefined && k < this.#nUsers ? k : -1;
    }
    const one = a === undefined ? null : this.#uniform(u, a, records, toIx);
    if (one === null) {
      const res = JSON.parse(this.#raw.bulk_json(userId, action, jsonText(records, "the records"), to));
      return {
        allowed: res.allowed.map((i) => records[i].id),
        denied: res.denied.map((d) => ({ id: records[d.i].id, code: d.code, message: d.message })),
      };
    }
    const n = records.length;
    const out = new Uint32Array(n);
    const text = this.#raw.bulk_uniform(userId, a, to, one.ty, n, one.tags, one.vals, out);
    // Each distinct refusal comes worded once, with marks where the record's own values go:
    // U+FDD0 its id, U+FDD1 its parent's id, U+FDD2 + k the value of field k (a user or team
    // the engine knows). Put back the caller's own values, exactly as the engine prints them.
    const fields = this.#s.fields;
    const person = this.#person();
    const templates = JSON.parse(text).map(([code, message]) => ({ code, build: sentence(message, fields, person) }));
    const allowed = [];
    const denied = [];
    for (let i = 0; i < n; i++) {
      const r = records[i];
      const o = out[i];
      if (o === 0) {
        allowed.push(r.id);
        continue;
      }
      const t = templates[o - 1];
      denied.push({ id: r.id, code: t.code, message: t.build(r) });
    }
    return { allowed, denied };
  }
}
