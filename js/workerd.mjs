// Cloudflare workerd: the .wasm is imported as a compiled module (wrangler uploads it as a
// module of its own) and instantiated synchronously on import.
import wasm from "./accord_wasm_bg.wasm";
import { initSync } from "./accord.js";

initSync(wasm);

export * from "./accord.js";
export { default } from "./accord.js";
