// A directory object handed to the engine in parts of users, so wasm memory never holds its
// whole text: the same tenant and the same errors as the text would give.
import { guard, keepNonFinite } from "./convert.js";

const NOTHING = Symbol("nothing");
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
export function tenantInParts(engine, directory) {
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

