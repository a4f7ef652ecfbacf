// Starts workerd on 127.0.0.1 with the corpus worker, asks it over HTTP, compares, stops it.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { report } from "./corpus.mjs";

const root = new URL("../../", import.meta.url);
const work = new URL("target/workerd-corpus/", root);
mkdirSync(new URL("accord/", work), { recursive: true });
for (const f of ["workerd.mjs", "accord.js", "accord_wasm.js", "accord_wasm_bg.wasm", "presets.js"]) copyFileSync(new URL(`pkg/${f}`, root), new URL(`accord/${f}`, work));
// accord/runtime beside it, and the snapshots the Node ESM run wrote.
mkdirSync(new URL("accord-runtime/", work), { recursive: true });
for (const f of ["workerd.mjs", "accord.js", "accord_wasm.js", "accord_wasm_bg.wasm"]) copyFileSync(new URL(`pkg/runtime/${f}`, root), new URL(`accord-runtime/${f}`, work));
copyFileSync(new URL("target/snapshots.json", root), new URL("snapshots.json", work));
copyFileSync(new URL("tests/js/workerd/worker.js", root), new URL("worker.js", work));
copyFileSync(new URL("tests/js/corpus.mjs", root), new URL("corpus.mjs", work));
const dir = new URL("tests/corpus/", root);
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => [f, JSON.parse(readFileSync(new URL(f, dir), "utf8"))]);
writeFileSync(new URL("corpus.json", work), JSON.stringify(files));
const port = Number(process.env.WORKERD_TEST_PORT ?? 8799);
writeFileSync(
  new URL("config.capnp", work),
  `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (services = [(name = "main", worker = .w)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")]);
const w :Workerd.Worker = (compatibilityDate = "2025-01-01", modules = [
  (name = "worker.js", esModule = embed "worker.js"),
  (name = "corpus.mjs", esModule = embed "corpus.mjs"),
  (name = "corpus.json", json = embed "corpus.json"),
  (name = "snapshots.json", json = embed "snapshots.json"),
  (name = "accord-runtime/workerd.mjs", esModule = embed "accord-runtime/workerd.mjs"),
  (name = "accord-runtime/accord.js", esModule = embed "accord-runtime/accord.js"),
  (name = "accord-runtime/accord_wasm.js", esModule = embed "accord-runtime/accord_wasm.js"),
  (name = "accord-runtime/accord_wasm_bg.wasm", wasm = embed "accord-runtime/accord_wasm_bg.wasm"),
  (name = "accord/workerd.mjs", esModule = embed "accord/workerd.mjs"),
  (name = "accord/accord.js", esModule = embed "accord/accord.js"),
  (name = "accord/accord_wasm.js", esModule = embed "accord/accord_wasm.js"),
  (name = "accord/presets.js", esModule = embed "accord/presets.js"),
  (name = "accord/accord_wasm_bg.wasm", wasm = embed "accord/accord_wasm_bg.wasm")]);
`,
);
const bin = new URL(".ci/tools/node_modules/.bin/workerd", root).pathname;
const child = spawn(bin, ["serve", new URL("config.capnp", work).pathname], { stdio: ["ignore", "inherit", "inherit"] });
let result = null;
try {
  for (let i = 0; i < 100 && result === null; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/run`);
      result = await res.json();
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
} finally {
  child.kill();
}
if (result === null) {
  console.log("workerd: 0 passed, 1 failed (the worker did not answer on 127.0.0.1)");
  process.exit(1);
}
mkdirSync(new URL("target/transcripts/", root), { recursive: true });
writeFileSync(new URL("target/transcripts/workerd.txt", root), result.transcript.join("\n") + "\n");
writeFileSync(new URL("target/transcripts/workerd-runtime.txt", root), result.runtime.transcript.join("\n") + "\n");
process.exitCode = report("workerd", result) | report("workerd snapshots from node (accord/runtime)", result.runtime);
