// Conversions between JavaScript values and what the engine reads: JSON text, symbol tables,
// and engine errors turned into AccordErrors.
import { AccordError, fail, kind } from "./errors.js";

/** Runs `fn`, any failure as an AccordError. */
export function guard(fn) {
  try {
    return fn();
  } catch (e) {
    throw fail(e);
  }
}

// JSON cannot carry NaN, Infinity or bigints: keep them visible as strings (sums then refuse
// them, and a bigint id reads as its digits on every path, fast or exact).
export const keepNonFinite = (_k, v) => ((typeof v === "number" && !Number.isFinite(v)) || typeof v === "bigint" ? String(v) : v);

export function jsonText(value, what) {
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
export function addSymbols(table, text, ends, base) {
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const k = text.slice(start, ends[i]);
    if (table[k] === undefined) table[k] = base + i;
    start = ends[i];
  }
  return ends.length;
}
