// Where a JSON pointer (`/roles/limited/rules/2/scope`) sits in a JSON text: a small
// position-keeping parser, so the policy editor can highlight the value an error names.

/**
 * Maps every pointer of `text` to { start, end, keyStart } (character offsets of the value,
 * and of its key when it is an object member). Returns null when the text is not JSON.
 */
export function pointerMap(text) {
  const map = new Map();
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const fail = () => {
    throw new SyntaxError(`bad JSON at ${i}`);
  };
  const str = () => {
    if (text[i] !== '"') fail();
    let out = "";
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") {
        const n = text[i + 1];
        if (n === "u") {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        out += { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" }[n] ?? n;
        i += 2;
        continue;
      }
      out += text[i++];
    }
    if (text[i] !== '"') fail();
    i++;
    return out;
  };
  const esc = (k) => k.replace(/~/g, "~0").replace(/\//g, "~1");
  const value = (ptr, keyStart) => {
    ws();
    const start = i;
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") i++;
      else
        for (;;) {
          ws();
          const ks = i;
          const k = str();
          ws();
          if (text[i] !== ":") fail();
          i++;
          value(`${ptr}/${esc(k)}`, ks);
          ws();
          if (text[i] === ",") {
            i++;
            continue;
          }
          if (text[i] === "}") {
            i++;
            break;
          }
          fail();
        }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") i++;
      else
        for (let n = 0; ; n++) {
          value(`${ptr}/${n}`, null);
          ws();
          if (text[i] === ",") {
            i++;
            continue;
          }
          if (text[i] === "]") {
            i++;
            break;
          }
          fail();
        }
    } else if (c === '"') str();
    else {
      const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
      if (!m) fail();
      i += m[0].length;
    }
    map.set(ptr, { start, end: i, keyStart });
  };
  try {
    value("", null);
    return map;
  } catch {
    return null;
  }
}

/**
 * The range to highlight for `pointer`: the member (key and value) when it exists, else its
 * nearest existing ancestor (a missing field is reported at the object that lacks it).
 */
export function locate(map, pointer) {
  if (!map) return null;
  let p = pointer ?? "";
  for (;;) {
    const hit = map.get(p);
    if (hit) return { start: hit.keyStart ?? hit.start, end: hit.end, exact: p === pointer, pointer: p };
    if (p === "") return null;
    p = p.slice(0, p.lastIndexOf("/"));
  }
}

/** Offset of "line L column C" (1-based) in text, as serde_json reports syntax errors. */
export function lineColumn(text, message) {
  const m = /line (\d+),? column (\d+)/.exec(message ?? "");
  if (!m) return null;
  const line = Number(m[1]);
  const col = Number(m[2]);
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf("\n", off);
    if (nl < 0) return null;
    off = nl + 1;
  }
  const start = Math.min(text.length, off + Math.max(0, col - 1));
  const lineEnd = text.indexOf("\n", off);
  return { start: Math.max(off, start - 1), end: Math.max(start + 1, lineEnd < 0 ? text.length : lineEnd) };
}

/** JSON on one line, spaced like a person writes it: `{ "a": [1, 2] }`. */
function inline(v) {
  if (Array.isArray(v)) return `[${v.map(inline).join(", ")}]`;
  if (v && typeof v === "object") {
    const e = Object.entries(v);
    return e.length ? `{ ${e.map(([k, x]) => `${JSON.stringify(k)}: ${inline(x)}`).join(", ")} }` : "{}";
  }
  return JSON.stringify(v);
}

/**
 * Pretty JSON that keeps short values on one line (lists of actions, small objects), so a
 * policy reads rule by rule instead of one word per line.
 */
export function pretty(v, indent = "", width = 100) {
  const one = inline(v);
  if (v === null || typeof v !== "object" || indent.length + one.length <= width) return one;
  const inner = `${indent}  `;
  if (Array.isArray(v)) return `[\n${v.map((x) => inner + pretty(x, inner, width)).join(",\n")}\n${indent}]`;
  const lines = Object.entries(v).map(([k, x]) => {
    const key = `${JSON.stringify(k)}: `;
    const flat = inline(x);
    return inner + key + (inner.length + key.length + flat.length <= width ? flat : pretty(x, inner, width));
  });
  return `{\n${lines.join(",\n")}\n${indent}}`;
}
