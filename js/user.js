// The per-user handle: `tenant.user(id)`, one signed-in user. Each (action, type) question is
// compiled once into a judge from the engine's plan (plan.js) and answered in JavaScript:
// `can`, `filter` and `total` cross into wasm only for records a plan cannot judge (see
// plan.js); `check`, `permitted` and `bulk` take their words from the engine.
import { ALLOWED, EXACT, TYPE_LEVEL } from "./plan.js";
import { AccordError, fail, kind, str, array, pointerSegment } from "./errors.js";

const NOTHING = Symbol("nothing"); // no record's `type` equals it

/** One user of a tenant: the tenant's questions without the user argument. */
export class User {
  #host;
  #id;
  // action → type name → judge (null: the engine answers every record of it)
  #judges = Object.create(null);
  // action → type name → the answer about the type as a whole (`{ type }`, no id)
  #typeLevel = Object.create(null);
  #lastAction = NOTHING;
  #lastType = NOTHING;
  #lastJudge = null;
  #batchAction = NOTHING;
  #batchType = NOTHING;
  #batchJudgeFn;

  // `host` is the tenant's internals (see Tenant in accord.js).
  constructor(host, id) {
    this.#host = host;
    this.#id = id;
  }

  /** The user's id. */
  get id() {
    return this.#id;
  }

  // The judge of (action, records of type `tname`); undefined when the engine must answer
  // (an unknown action or type: it reports them) or the question is not compiled yet.
  #judge(action, tname) {
    let row = this.#judges[action];
    if (row === undefined) {
      if (!this.#host.knowsAction(action)) return undefined;
      row = this.#judges[action] = Object.create(null);
    }
    let j = row[tname];
    if (j === undefined) {
      if (typeof tname !== "string" || !this.#host.knowsType(tname)) return undefined;
      j = row[tname] = this.#host.judge(this.#id, action, tname);
    }
    return j;
  }

  // The judge of `rec` in a batch: records of one type in a row share it (a getter calling
  // back into this handle mid-batch only moves the cache to its own question).
  #batchJudge(action, rec) {
    if (rec === null || typeof rec !== "object") return undefined;
    const tname = rec.type;
    if (tname !== this.#batchType || action !== this.#batchAction) {
      this.#batchJudgeFn = this.#judge(action, tname);
      this.#batchType = tname;
      this.#batchAction = action;
    }
    return this.#batchJudgeFn;
  }

  // One element `i` of a list: ALLOWED or DENIED, through the plan when it can judge the
  // record. An element without an id is still a record (a list asks nothing about a type as a
  // whole): the engine judges it on its fields.
  #decide(action, rec, judge, i) {
    let r = judge ? judge(rec) : EXACT;
    if (r === TYPE_LEVEL) r = EXACT;
    if (r === EXACT) r = this.#host.canExact(this.#id, action, rec, i) ? ALLOWED : 0;
    return r;
  }

  #typeLevelAnswer(action, rec) {
    const tname = rec.type;
    let row = this.#typeLevel[action];
    if (row === undefined) row = this.#typeLevel[action] = Object.create(null);
    let r = row[tname];
    if (r === undefined) r = row[tname] = this.#host.canExact(this.#id, action, rec, -1) ? ALLOWED : 0;
    return r;
  }

  /** May this user do `action` on `resource`? The hot path: a boolean, no explanation. */
  can(action, resource) {
    try {
      let judge;
      if (resource !== null && typeof resource === "object") {
        const tname = resource.type;
        if (action === this.#lastAction && tname === this.#lastType) judge = this.#lastJudge;
        else {
          judge = this.#judge(action, tname);
          if (judge !== undefined) {
            this.#lastAction = action;
            this.#lastType = tname;
            this.#lastJudge = judge;
          }
        }
      }
      if (judge) {
        const r = judge(resource);
        if (r < EXACT) return r === ALLOWED;
        if (r === TYPE_LEVEL) return this.#typeLevelAnswer(action, resource) === ALLOWED;
      }
      return this.#host.canExact(this.#id, action, resource, -1);
    } catch (e) {
      throw fail(e);
    }
  }

  /** The decision with its reason: `{ allowed, code, message, rule, upgradeTo?, reasons? }`. */
  check(action, resource, options) {
    return this.#host.tenant.check(this.#id, action, resource, options);
  }

  /** The actions this user may do on `resource`, sorted (which buttons to show). */
  permitted(resource, options) {
    const plain = options == null || Object.keys(options).length === 0;
    const fast = plain && resource !== null && typeof resource === "object" ? this.#permittedByPlans(resource) : null;
    return fast ?? this.#host.tenant.permitted(this.#id, resource, options);
  }

  // `permitted` on a record through the plans of its type's record actions (in the engine's
  // order); null when a plan cannot judge it (no id: every action of the type is listed then).
  #permittedByPlans(rec) {
    try {
      const tname = rec.type;
      const actions = this.#host.recordActions(tname);
      // No record action: only a question about the type as a whole lists anything.
      if (actions === null || actions.length === 0) return null;
      const out = [];
      for (let k = 0; k < actions.length; k++) {
        const judge = this.#judge(actions[k], tname);
        const r = judge ? judge(rec) : EXACT;
        if (r >= EXACT) return null;
        if (r === ALLOWED) out.push(actions[k]);
      }
      return out;
    } catch (e) {
      throw fail(e);
    }
  }

  /** Per-record decisions of a bulk action: `{ allowed: id[], denied: { id, code, message }[] }`. */
  bulk(action, records, options) {
    return this.#host.tenant.bulk(this.#id, action, records, options);
  }

  /** The plan of (this user, `action`, `type`) as SQL: `{ where, params }` (docs/sql.md). */
  sql(action, type, options) {
    return this.#host.tenant.sql(this.#id, action, type, options);
  }

  /** The plan of (this user, `action`, `type`): `{ kind: "always" | "never" | "where", … }`. */
  plan(action, type) {
    return this.#host.tenant.plan(this.#id, action, type);
  }

  /** The records this user may do `action` on: the caller's own objects, in order. */
  filter(action, records) {
    try {
      str(action, "the action");
      array(records, "the records");
      // Each record reports an action its type does not declare; an empty list, one the
      // policy does not declare at all.
      if (records.length === 0 && !this.#host.knowsAction(action)) throw this.#host.unknownAction(action);
      const out = [];
      for (let i = 0; i < records.length; i++) {
        const rec = records[i];
        if (this.#decide(action, rec, this.#batchJudge(action, rec), i) === ALLOWED) out.push(rec);
      }
      return out;
    } catch (e) {
      throw fail(e);
    }
  }

  /** Sum and count of `field` over the records this user may view; `groupBy` splits by a field. */
  total(records, field, options = {}) {
    try {
      array(records, "the records");
      str(field, "the field");
      const groupBy = options == null ? undefined : options.groupBy;
      if (groupBy !== undefined) str(groupBy, "groupBy");
      let total = 0;
      let count = 0;
      // Group names are the records' own values: a null-prototype object keeps every one an
      // own property (`__proto__` included).
      const groups = groupBy === undefined ? undefined : Object.create(null);
      for (let i = 0; i < records.length; i++) {
        const rec = records[i];
        if (this.#decide("view", rec, this.#batchJudge("view", rec), i) !== ALLOWED) continue;
        const v = rec[field];
        let amount = 0;
        if (typeof v === "number" && Number.isFinite(v)) amount = v;
        else if (v !== undefined && v !== null) {
          const found = typeof v === "number" ? "a number that is not finite" : kind(v);
          throw new AccordError("invalid_number", `expected a finite number to sum, found ${found}`, `/${i}/${pointerSegment(field)}`);
        }
        total += amount;
        count++;
        if (groups !== undefined) {
          const key = String(rec[groupBy]);
          const g = groups[key];
          if (g === undefined) groups[key] = { total: amount, count: 1 };
          else {
            g.total += amount;
            g.count++;
          }
        }
      }
      return groups === undefined ? { total, count } : { total, count, groups };
    } catch (e) {
      throw fail(e);
    }
  }
}
