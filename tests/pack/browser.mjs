import init, * as accord from "accord";
import { zs9 } from "./zs9.mjs";

// Load failures first: each an AccordError that names the URL and what came back instead;
// concurrent init() calls share one load, and a failed load may be retried.
async function failure(promise) {
  try {
    await promise;
    return null;
  } catch (e) {
    return e;
  }
}
const first = init("./index.html");
const same = init();
const html = await failure(first);
const missing = await failure(init("./missing.wasm"));
// The other entry's module (both files are named accord_wasm_bg.wasm): refused before use.
const wrong = await failure(init("./runtime.wasm"));
const loads = {
  shared: first === same,
  html: html instanceof accord.AccordError && html.code === "load_failed" && /^expected a WebAssembly module at http:\/\/[^ ]+\/index\.html, got text\/html starting `<!doctype html>/.test(html.message),
  missing: missing instanceof accord.AccordError && missing.code === "load_failed" && /missing\.wasm, got HTTP 404/.test(missing.message),
  wrong: wrong instanceof accord.AccordError && wrong.code === "load_failed" && /runtime\.wasm is the module of accord\/runtime; accord needs its own accord_wasm_bg\.wasm/.test(wrong.message),
  messages: [html && html.message, missing && missing.message, wrong && wrong.message],
};
await Promise.all([init(), init()]);
const result = zs9(accord);
window.result = { ...result, loads, ok: result.ok && loads.shared && loads.html && loads.missing && loads.wrong };
