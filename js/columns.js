// Bulk's columns: records of one type reduced to the fields their refusals read (the compact
// encoding of src/tenant/record.rs: a tag and a number per field), and the refusals the engine
// words once, with marks, filled with each record's own values.
import { MAX_FAST_STRING, TAG_ABSENT, TAG_NULL, TAG_BOOL, TAG_NUM, TAG_STR, MARK_ID, MARK_PARENT, MARK_FIELD } from "./protocol.js";

const KEEP_COLUMN = 1 << 20; // longest batch column kept for the next call
// Marks in bulk refusals: MARK_ID, MARK_PARENT, then MARK_FIELD + one per field slot.
const MARKS = new RegExp(`([${String.fromCharCode(MARK_ID)}-${String.fromCharCode(MARK_FIELD + 15)}])`);

// Writes one field value in the compact encoding (a tag and a number, strings as tenant
// symbols, -1 when unknown) at `at`; false when the record must take the exact (JSON) path.
export function put(v, syms, tags, vals, at) {
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
      // JSON text carries what `toJSON` returns (a Date, an ObjectId): only the engine reads it.
      if (v !== null && typeof v.toJSON === "function") return false;
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
export function slots(mask) {
  const out = [];
  for (let k = 0; mask > 0; k++, mask = Math.floor(mask / 2)) if (mask % 2 === 1) out.push(k);
  return out;
}
// Typed-array columns reused from one batch call to the next (the wasm module copies them
// in, so nothing keeps them); views of the requested length. Batches of over a million
// records get arrays of their own, which are not kept.
export class Columns {
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
export function sentence(message, fields, person = null) {
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

