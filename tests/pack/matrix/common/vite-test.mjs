// Vite, zero config: the dev server (dependency pre-bundling included) and a production build,
// each asked the ZS-9 question in headless Chromium.
import { rmSync } from "node:fs";
import { createServer, build, version } from "vite";
import { inChromium, serve, wasmFiles, expect, decided } from "./lib.mjs";

const name = `vite ${version}`;
rmSync("node_modules/.vite", { recursive: true, force: true });
const dev = await createServer({ root: ".", logLevel: "error", server: { host: "127.0.0.1", port: 0 } });
await dev.listen();
try {
  const r = await inChromium(dev.resolvedUrls.local[0]);
  expect(`${name} dev`, decided(r), r);
  // A page importing only accord/runtime gets only the runtime's module, pre-bundled or not
  // (Vite 7 answers the pre-bundled URL with its HTML page first: not a module).
  const rt = await inChromium(new URL("rt.html", dev.resolvedUrls.local[0]).href);
  const modules = rt.wasm.filter((w) => w.includes(" application/wasm "));
  expect(`${name} dev: accord/runtime loads its own module`, decided(rt) && modules.length === 1 && modules[0].endsWith("/accord/runtime/accord_wasm_bg.wasm"), rt);
} finally {
  await dev.close();
}

rmSync("dist", { recursive: true, force: true });
await build({ root: ".", logLevel: "error" });
const wasm = wasmFiles("dist");
expect(`${name} build: one .wasm`, wasm.length === 1, wasm);
const server = await serve("dist");
try {
  const r = await inChromium(`http://127.0.0.1:${server.address().port}/index.html`);
  expect(`${name} build`, decided(r), r);
} finally {
  server.close();
}
