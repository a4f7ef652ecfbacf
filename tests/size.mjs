// What users download, gzip -9, against the budgets of issue 15: the full "accord" entry
// (its wasm module + accord.js + the wasm-bindgen glue) at most 64 KB, "accord/runtime"
// (its own module + JS) at most 40 KB; KB = 1,000 bytes. Run by .ci/build-pkg (`--print`:
// prints, never fails) and by the pkg stage of .ci/test (fails above a budget).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const gz = (files) => execFileSync("gzip", ["-9", "-c"], { input: Buffer.concat(files.map((f) => readFileSync(f))), maxBuffer: 1 << 28 }).length;
const raw = (files) => files.reduce((n, f) => n + readFileSync(f).length, 0);
const entries = [
  { name: "accord        ", dir: "pkg", budget: 64_000 },
  { name: "accord/runtime", dir: "pkg/runtime", budget: 40_000 },
];
let over = 0;
for (const e of entries) {
  const wasm = [`${e.dir}/accord_wasm_bg.wasm`];
  const js = [`${e.dir}/accord.js`, `${e.dir}/accord_wasm.js`];
  // wasm and JS are separate downloads: each compressed on its own.
  const total = gz(wasm) + gz(js);
  const ok = total <= e.budget;
  if (!ok) over++;
  console.log(`  ${e.name}: ${total} bytes gzip -9 (wasm ${gz(wasm)} + JS ${gz(js)}; raw ${raw(wasm)} + ${raw(js)}), budget ${e.budget}: ${ok ? "ok" : `OVER by ${total - e.budget}`}`);
}
if (over && !process.argv.includes("--print")) process.exit(1);
