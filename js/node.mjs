// Node (ESM): instantiates the wasm module on import from bytes embedded in JavaScript, so the
// package survives any bundler (Next.js, webpack, esbuild) with no .wasm file to locate.
import { initSync } from "./accord.js";
import { wasmBytes } from "./accord_wasm_inline.js";

initSync(wasmBytes());

export * from "./accord.js";
export { default } from "./accord.js";
