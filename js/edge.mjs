// Edge runtimes without a file system or a base URL to fetch from (Vercel and Next.js
// `runtime = "edge"`, the `edge-light` condition): instantiates from embedded bytes on import.
import { initSync } from "./accord.js";
import { wasmBytes } from "./accord_wasm_inline.js";

initSync(wasmBytes());

export * from "./accord.js";
export { default } from "./accord.js";
