// Errors and argument checks shared by the API modules: every failure reaches the caller as
// an AccordError with a stable code, a message and a JSON pointer.
import { MAX_RECORDS } from "./protocol.js";

// "accord" and "accord/runtime" are two bundles, each with its own copy of this class (and a
// bundler may duplicate a package): a registered symbol marks every copy's errors, so
// `e instanceof AccordError` holds whichever entry threw `e`.
const BRAND = Symbol.for("accord.AccordError");

/** Every failure of accord: a real Error with a stable `code`, a `message` and a JSON `path`. */
export class AccordError extends Error {
  constructor(code, message, path = "", errors) {
    super(message);
    this.name = "AccordError";
    this.code = code;
    this.path = path;
    this.errors = errors ?? [{ code, message, path }];
  }

  get [BRAND]() {
    return true;
  }

  static [Symbol.hasInstance](x) {
    // A subclass keeps the ordinary prototype test.
    if (this !== AccordError) return Function.prototype[Symbol.hasInstance].call(this, x);
    return x !== null && typeof x === "object" && x[BRAND] === true;
  }
}

export function kind(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return { string: "a string", number: "a number", boolean: "a boolean", undefined: "undefined", object: "an object", function: "a function", bigint: "a bigint", symbol: "a symbol" }[typeof v];
}

/** Any failure as an AccordError: the engine's errors arrive as JSON text. */
export function fail(e) {
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

/** `e` as an AccordError about the record at `/i` of a batch. */
export function under(e, i) {
  const err = fail(e);
  const prefix = `/${i}`;
  return new AccordError(
    err.code,
    err.message,
    prefix + err.path,
    err.errors.map((x) => ({ ...x, path: prefix + x.path })),
  );
}

export function str(v, what) {
  if (typeof v !== "string") throw new AccordError("invalid_type", `${what} must be a string, found ${kind(v)}`, "");
  return v;
}

export function array(v, what) {
  if (!Array.isArray(v)) throw new AccordError("invalid_type", `${what} must be an array, found ${kind(v)}`, "");
  if (v.length > MAX_RECORDS) throw new AccordError("too_many_records", `the number of records exceeds the limit of ${MAX_RECORDS}`, "");
  return v;
}

/** A field name as one JSON pointer segment. */
export function pointerSegment(name) {
  return name.replaceAll("~", "~0").replaceAll("/", "~1");
}
