// Cloudflare workerd: the .wasm is imported as a compiled module and instantiated synchronously.
import wasm from "./accord_wasm_bg.wasm";
import { initSync } from "./accord.js";

initSync(wasm);

export * from "./accord.js";
export { default } from "./accord.js";
