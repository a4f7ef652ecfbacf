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
