// Runs browser.mjs in headless Chromium: bundles it with esbuild into dist/, serves dist/ from
// a static server on 127.0.0.1 (random port, cross-origin isolated so performance.now() has
// 5 µs resolution and wasm gets its MIME type), drives /usr/bin/chromium with playwright-core,
// prints the page's output, stops the server and the browser. Exit 1 on any disagreement.
// `node chromium.mjs [--quick]`.
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { createServer } from "node:http";
import { mkdirSync, readFileSync, writeFileSync, copyFileSync, existsSync, rmSync } from "node:fs";
import { dirname, join, extname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import os from "node:os";
import { sizes, accordBuild } from "./sizes.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const quick = process.argv.includes("--quick");

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

// "accord" resolves to the package's browser entry; if the package is not built yet the
// column is left empty (the module says why) rather than failing the whole bench.
const accordOrStub = {
  name: "accord-or-stub",
  setup(b) {
    b.onResolve({ filter: /^accord$/ }, async (args) => {
      if (args.pluginData === "inner") return undefined;
      const r = await b.resolve("accord", { kind: args.kind, resolveDir: args.resolveDir, pluginData: "inner" });
      if (r.errors.length === 0) return r;
      return { path: "accord", namespace: "stub" };
    });
    b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({
      contents: `export default async function init() { throw new Error("the accord package is not built (run make pkg)"); }`,
      loader: "js",
    }));
  },
};

const out = await build({
  entryPoints: [join(here, "browser.mjs")],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  outfile: join(dist, "bench.js"),
  metafile: true,
  logLevel: "warning",
  plugins: [accordOrStub],
});
// Copy the .wasm files the bundle fetches (by name, from the packages that reference them).
const js = readFileSync(join(dist, "bench.js"), "utf8");
const names = new Set([...js.matchAll(/["'`]([\w.-]+\.wasm)["'`]/g)].map((m) => m[1]));
for (const input of Object.keys(out.metafile.inputs)) {
  for (const n of names) {
    const f = resolve(here, dirname(input), n);
    if (existsSync(f) && !existsSync(join(dist, n))) copyFileSync(f, join(dist, n));
  }
}
for (const n of names) if (!existsSync(join(dist, n))) console.error(`warning: ${n} referenced by the bundle was not found`);
writeFileSync(join(dist, "sizes.json"), JSON.stringify(await sizes()));
writeFileSync(join(dist, "index.html"), `<!doctype html><meta charset="utf-8"><title>accord bench</title><link rel="icon" href="data:,"><script type="module" src="bench.js"></script>\n`);

const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };
const server = createServer((req, res) => {
  const path = new URL(req.url, "http://x").pathname;
  const file = join(dist, path === "/" ? "index.html" : path);
  if (!file.startsWith(dist) || !existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    "content-type": types[extname(file)] ?? "application/octet-stream",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-embedder-policy": "require-corp",
    "cache-control": "no-store",
  });
  res.end(readFileSync(file));
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const url = `http://127.0.0.1:${server.address().port}/${quick ? "?quick" : ""}`;

console.log(`# Chromium bench on 127.0.0.1; load average before launch ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
console.log("# " + (await accordBuild()));
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--js-flags=--expose-gc",
    "--enable-precise-memory-info",
  ],
});
let result;
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(0);
  page.on("console", (m) => {
    const t = m.text();
    if (t.startsWith("progress: ")) console.error(t.slice(10));
    else console.log(t);
  });
  page.on("pageerror", (e) => console.error("page error: " + e.message));
  await page.goto(url);
  result = await page.evaluate(() => window.__bench);
} finally {
  await browser.close();
  server.close();
}
if (result?.error) console.error(result.error);
process.exitCode = result?.ok ? 0 : 1;
