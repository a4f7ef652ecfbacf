// Deno: instantiates the wasm module on import from embedded bytes (no --allow-read needed,
// and `deno compile` or a bundle carries it along).
import { initSync } from "./accord.js";
import { wasmBytes } from "./accord_wasm_inline.js";

initSync(wasmBytes());

export * from "./accord.js";
export { default } from "./accord.js";
