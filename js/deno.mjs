// Deno: reads the .wasm next to this file (needs read access to the package directory).
import { initSync } from "./accord.js";

initSync(Deno.readFileSync(new URL("./accord_wasm_bg.wasm", import.meta.url)));

export * from "./accord.js";
export { default } from "./accord.js";
