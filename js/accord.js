// accord: the public API, one ES module for every runtime. The per-runtime entry points
// (node.mjs, node.cjs, workerd.mjs, deno.mjs) only load the wasm module and re-export this.
//
// This layer converts and runs the plans the engine compiles (plan.js, user.js), nothing
// else: inputs become JSON text or typed-array columns, the wasm module decides or compiles,
// results become the caller's own objects. No rule logic lives here.
// A namespace import: the runtime entry (runtime.js, bundled beside a wasm module without the
// compilers) shares this module, and its glue has no RawEngine to import by name.
import * as wasm from "./accord_wasm.js";
import { AccordError, fail, str, array, under, kind } from "./errors.js";
import { compile } from "./plan.js";
import { User } from "./user.js";
import { MAX_FAST_STRING, MAX_SNAPSHOT_BYTES, TAG_STR } from "./protocol.js";
import { need } from "./load.js";
import { guard, jsonText, addSymbols } from "./convert.js";
import { put, slots, Columns, sentence } from "./columns.js";
import { tenantInParts } from "./directory.js";

export { AccordError };
export { default, initSync } from "./load.js";

/** Returns `policy` unchanged: TypeScript reads its names (accord.d.ts), so typos fail to compile. */
export const definePolicy = (policy) => policy;

const HANDLES = 4096; // users whose handles `tenant.can(userId, …)` keeps (then forgotten at once)
const NO_HANDLE = Symbol("no handle");
// A loaded tenant without its table of ids yet has plans hand the handles sets of at least up
// to this many strings as the strings (no table needed to test them); larger sets, and every
// set once the table exists, by symbol or pre-order range, tested through the table.
const SMALL_SET = 256;

// The what-if plan of a `check` or `permitted` call's options (undefined: the account's own).
function planOption(options) {
  const plan = options == null ? undefined : options.plan;
  return plan === undefined ? undefined : str(plan, "`plan`");
}

// The engine's names in index order, with maps from name to index.
function schemaOf(text) {
  const s = JSON.parse(text);
  return {
    ...s,
    typeIx: new Map(s.types.map((t, i) => [t.name, i])),
    actionIx: new Map(s.actions.map((a, i) => [a, i])),
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
    this.#raw = guard(() => new wasm.RawEngine(text));
    this.#schema = schemaOf(this.#raw.schema());
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
   * types: [{ name, label, actions, typeActions, parents?, states? }], settings: [{ name, label, default }] }`
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

/** One account: answers questions about its users and records. Made by `engine.tenant()`. */
export class Tenant {
  #raw;
  #s;
  #syms = null;
  #nUsers = 0;
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
  #lastHandleId = NO_HANDLE; // no user id equals it, `null` included
  #lastHandle = null;
  #host;
  // Users' display names by index: undefined until first needed, null when none has one.
  #nameList = undefined;
  // Strings the handles' plans carried while this (loaded) tenant had no table yet.
  #listed = 0;

  constructor(raw, schema, loaded = false) {
    if (!(raw && typeof raw.plan_json === "function")) throw new AccordError("invalid_type", "use `engine.tenant(directory)` to make a tenant", "");
    this.#raw = raw;
    this.#s = schema;
    // A compiled tenant builds its symbol table now, as part of compiling; a loaded one on
    // first use (loading must stay O(bytes) and fast).
    if (!loaded) this.#table();
    this.#nTypes = schema.types.length;
    // What the handles need of this tenant: the engine's plans, and its exact answers for the
    // records a plan cannot judge.
    let pre = null;
    const tenant = this;
    const symbols = { get syms() { return tenant.#table(); }, get users() { tenant.#table(); return tenant.#nUsers; }, pre: () => (pre ??= raw.user_pre()), fields: schema.fields, readsOrgs: schema.readsOrgs };
    const parents = Object.create(null);
    for (const t of schema.types) parents[t.name] = t.child ? t.parents.map((k) => schema.types[k].name) : null;
    this.#host = {
      tenant: this,
      knowsAction: (a) => typeof a === "string" && schema.actionIx.has(a),
      // The engine's own error for an action the policy does not declare (Tenant::declared_action).
      unknownAction: (a) => new AccordError("unknown_action", `the action \`${a}\` is not declared by the policy; expected one of \`${schema.actions.join("`, `")}\``, ""),
      knowsType: (t) => schema.typeIx.has(t),
      recordActions: (t) => (typeof t === "string" && schema.typeIx.has(t) ? schema.types[schema.typeIx.get(t)].recordActions : null),
      judge: (userId, action, tname) => {
        // A loaded tenant has no table of ids until something needs one (it costs tens of
        // milliseconds for 100,000 users, several loads): until then plans carry their sets
        // as strings, so a fresh isolate's first answers do not wait for it, as long as the
        // strings listed stay under a quarter of the directory; past that (a set that large,
        // or many plans) the table has become the cheaper way.
        // With the table, symbols and ranges test fastest (a JavaScript Set of strings is
        // slower to ask than the table and a set of numbers): every set comes by symbol.
        const budget = this.#syms === null ? (raw.user_count() >> 2) - this.#listed : 0;
        let plan;
        try {
          plan = JSON.parse(raw.plan_indexed(userId, action, tname, budget > 0 ? Math.max(budget, SMALL_SET) : 0));
        } catch {
          return null; // the engine answers (and reports) every record of this question
        }
        if (budget > 0 && plan.sets !== undefined) for (const set of plan.sets) if (Array.isArray(set)) this.#listed += set.length;
        return compile(plan, parents[tname], symbols);
      },
      // `i`: the record's index in `filter`'s or `total`'s list (a record, id or not), or -1
      // for a question of its own (without an id, about its type as a whole).
      canExact: (userId, action, rec, i) => {
        try {
          return raw.can_json(userId, str(action, "the action"), jsonText(rec, "the resource"), i >= 0);
        } catch (e) {
          throw i < 0 ? fail(e) : under(e, i);
        }
      },
    };
  }

  // String → tenant symbol (user ids first). A loaded tenant builds it on first use: for
  // 100,000 users it costs tens of milliseconds, several times the load itself.
  #table() {
    if (this.#syms === null) {
      const syms = Object.create(null);
      const raw = this.#raw;
      this.#nUsers = addSymbols(syms, raw.user_text(), raw.user_ends(), 0);
      addSymbols(syms, raw.sym_text(), raw.sym_ends(), this.#nUsers);
      this.#syms = syms;
    }
    return this.#syms;
  }

  /**
   * A tenant from the bytes `tenant.save()` wrote (a `Uint8Array`, `ArrayBuffer` or view): it
   * answers every question as the saved tenant did. Bytes that are not a whole snapshot
   * throw `AccordError` `invalid_snapshot`; a snapshot of another format, `snapshot_version`.
   */
  static load(bytes) {
    need();
    const buffer = bytes instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && bytes instanceof SharedArrayBuffer);
    const view = buffer ? new Uint8Array(bytes) : ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null;
    if (view === null) throw new AccordError("invalid_type", `the snapshot must be a Uint8Array, an ArrayBuffer or a view of one, found ${kind(bytes)}`, "");
    // As the engine words it, before the bytes are copied into wasm memory.
    if (view.byteLength > MAX_SNAPSHOT_BYTES) throw new AccordError("invalid_snapshot", `the bytes are not a valid accord snapshot: it is larger than the limit of ${MAX_SNAPSHOT_BYTES} bytes`, "");
    const raw = guard(() => wasm.RawTenant.load(view));
    return new Tenant(raw, schemaOf(raw.schema()), true);
  }

  /**
   * The tenant's policy as a UI reads it, as `engine.describe()` gives it: labels, each type's
   * actions and states. A tenant loaded with `accord/runtime` has no engine to ask.
   */
  describe() {
    return JSON.parse(this.#raw.describe_json());
  }

  /** The compiled policy and directory as bytes for `Tenant.load`: compile once, load anywhere. */
  save() {
    return this.#raw.save();
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
    const syms = this.#table();
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
    const u = this.#table()[userId];
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
    const syms = this.#table();
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
    // Columns carry values as symbols, through the table of ids: a loaded tenant without one
    // yet sends a batch under a sixteenth of its directory as JSON text instead (a record as
    // JSON costs about what sixteen ids cost the table).
    const columns = a !== undefined && (this.#syms !== null || records.length * 16 >= this.#raw.user_count());
    let one = null;
    if (columns) {
      const u = this.#user(userId);
      let toIx = -1;
      if (to !== undefined) {
        const k = this.#table()[to];
        toIx = k !== undefined && k < this.#nUsers ? k : -1;
      }
      one = this.#uniform(u, a, records, toIx);
    }
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
