// webpack 5, production build of the browser app (no loaders, no wasm experiments), served
// statically and asked in Chromium.
import { rmSync, copyFileSync } from "node:fs";
import webpack from "webpack";
import { inChromium, serve, wasmFiles, expect, decided } from "./lib.mjs";

rmSync("dist", { recursive: true, force: true });
const stats = await new Promise((resolve, reject) =>
  webpack({ mode: "production", entry: "./app.mjs", output: { path: `${process.cwd()}/dist`, filename: "app.mjs" } }, (err, s) => (err ? reject(err) : resolve(s))),
);
const name = `webpack ${webpack.version}`;
expect(`${name} build`, !stats.hasErrors(), stats.hasErrors() ? stats.toString("errors-only") : "no errors");
copyFileSync("index.html", "dist/index.html");
const wasm = wasmFiles("dist");
expect(`${name} build: one .wasm`, wasm.length === 1, wasm);
const server = await serve("dist");
try {
  const r = await inChromium(`http://127.0.0.1:${server.address().port}/index.html`);
  expect(name, decided(r), r);
} finally {
  server.close();
}
