// Node (ESM): loads the wasm module synchronously, then exports the API.
import { readFileSync } from "node:fs";
import { initSync } from "./accord.js";

initSync(readFileSync(new URL("./accord_wasm_bg.wasm", import.meta.url)));

export * from "./accord.js";
export { default } from "./accord.js";
