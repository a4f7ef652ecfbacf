// The Chromium bench: bundled by chromium.mjs (esbuild) into dist/bench.js and run in a page
// served from 127.0.0.1. Same harness, same scenario, same adapters as node.mjs; the browser
// builds of the wasm libraries (cedar-wasm's `web`, accord's browser ESM with `await init()`).
import { spyWasm } from "./spy.mjs";
const spy = spyWasm(); // before any library is instantiated

import { run } from "./harness.mjs";
import { hand } from "./libs/hand.mjs";
import { casl } from "./libs/casl.mjs";
import { cedar } from "./libs/cedar.mjs";
import { accord } from "./libs/accord.mjs";
import * as casl_ from "@casl/ability";
import initCedar, * as cedar_ from "@cedar-policy/cedar-wasm/web";
import * as accord_ from "accord";

const params = new URLSearchParams(location.search);
const quick = params.has("quick");

async function main() {
  const sizes = await fetch("./sizes.json").then((r) => (r.ok ? r.json() : null)).catch(() => null);
  console.log(
    `# accord bench, ${navigator.userAgent.match(/(Headless)?Chrom(e|ium)\/[\d.]+/)?.[0] ?? navigator.userAgent}, ` +
      `${navigator.hardwareConcurrency} threads, crossOriginIsolated=${self.crossOriginIsolated}`,
  );
  const loaders = [
    { key: "hand", name: "hand-written JS", load: async () => hand() },
    { key: "casl", name: "@casl/ability", load: async () => casl(casl_) },
    {
      key: "cedar",
      name: "cedar-wasm",
      load: async () => {
        await initCedar({ module_or_path: new URL("./cedar_wasm_bg.wasm", import.meta.url) });
        return cedar(cedar_);
      },
    },
    {
      key: "accord",
      name: "accord",
      load: async () => {
        await accord_.default(); // init(): fetches accord's .wasm (the stub throws if unbuilt)
        return accord(accord_);
      },
    },
  ];
  return run(
    {
      platform: "chromium",
      now: () => performance.now(),
      gc: typeof self.gc === "function" ? () => self.gc() : () => {},
      heap: () => (performance.memory ? performance.memory.usedJSHeapSize : 0),
      spy,
      print: (line) => console.log(line),
      progress: (line) => console.info("progress: " + line),
      sizes: sizes?.lines,
      sizeTargets: sizes?.targets,
    },
    loaders,
    quick ? { runs: 3, warmup: 1, cedarSample: { check: 100, filter: 300, bulk: 200, total: 300 } } : {},
  );
}

window.__bench = main().then(
  (r) => ({ ok: r.ok }),
  (e) => ({ ok: false, error: String(e && e.stack ? e.stack : e) }),
);
