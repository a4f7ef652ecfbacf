// Loading the wasm module, in every runtime: `init()` fetches or compiles it once (concurrent
// calls share one load), `initSync()` instantiates bytes or a compiled module; every failure
// is an AccordError (`load_failed`) naming where the module was looked for and what came back.
import wbgInit, * as glue from "./accord_wasm.js";
import { AccordError } from "./errors.js";

let ready = false;

const WASM = "accord_wasm_bg.wasm";
// Each entry has its own module, beside its own glue: the full one compiles policies (`RawEngine`),
// accord/runtime's does not. Both files have one name, so a module is checked to be this entry's.
const FULL = "RawEngine" in glue;
const ENTRY = FULL ? "accord" : "accord/runtime";
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
  return /\/\.vite\/deps(_[^/]*)?\/[^/]*$/.test(url.pathname) ? new URL(["..", "..", ENTRY, WASM].join("/"), url) : null;
}

// The module compiled (a Response streams), and checked to be this entry's: the other entry's
// module, or any other, would fail later, at the first call, with a message about its exports.
async function compiled(source, where) {
  let module = source;
  if (!(source instanceof WebAssembly.Module)) {
    try {
      module = typeof Response === "function" && source instanceof Response ? await WebAssembly.compileStreaming(source) : await WebAssembly.compile(source);
    } catch (e) {
      throw loadFailed(`compiling the wasm module from ${where} failed: ${e && e.message ? e.message : e}`);
    }
  }
  return ours(module, where);
}
function ours(module, where) {
  const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  if (names.has("rawtenant_load") && names.has("rawengine_new") === FULL) return module;
  const what = names.has("rawtenant_load") ? `the module of ${FULL ? "accord/runtime" : "accord (the full entry)"}` : "not an accord module";
  throw loadFailed(`the wasm module from ${where} is ${what}; ${ENTRY} needs its own ${WASM}, the one beside its accord.js`);
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
  const module = await compiled(source, where);
  try {
    await wbgInit({ module_or_path: module });
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
  let compiledModule = source;
  if (!(source instanceof WebAssembly.Module)) {
    try {
      compiledModule = new WebAssembly.Module(bytes ?? source);
    } catch (e) {
      throw loadFailed(`compiling the wasm module failed: ${e && e.message ? e.message : e}`);
    }
  }
  ours(compiledModule, "the given module");
  try {
    glue.initSync({ module: compiledModule });
  } catch (e) {
    throw loadFailed(`instantiating the wasm module failed: ${e && e.message ? e.message : e}`);
  }
  ready = true;
}

/** Throws `not_initialized` until the module is loaded. */
export function need() {
  if (!ready) throw new AccordError("not_initialized", "the wasm module is not loaded yet: call `await init()` (or `initSync(bytes)`) first", "");
}
