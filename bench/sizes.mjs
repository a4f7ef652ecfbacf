// Figure (6): the bytes a browser downloads per library: its JS as a bundler ships it (the
// entry a browser app imports, bundled and minified by esbuild for the browser, only the names
// the bench uses) plus every .wasm file that JS fetches, raw / gzip -9 / brotli (quality 11).
// Node only (esbuild, zlib); the Chromium run prints the same table.

import { build } from "esbuild";
import { readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));

const ENTRIES = [
  { key: "hand", name: "hand-written JS", code: `export { HandTenant } from "./libs/hand.mjs";` },
  { key: "casl", name: "@casl/ability", code: `export { createMongoAbility } from "@casl/ability";` },
  {
    key: "cedar",
    name: "cedar-wasm",
    code: `export { default, preparsePolicySet, statefulIsAuthorized } from "@cedar-policy/cedar-wasm/web";`,
  },
  { key: "accord", name: "accord", code: `export { default, Engine, AccordError } from "accord";` },
  // The bench also imports `presets` (the four preset policies as JS, tree-shaken when unused).
  { key: "accordPresets", name: "accord + presets", code: `export { default, Engine, presets, AccordError } from "accord";` },
];

const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
const br = (b) =>
  zlib.brotliCompressSync(b, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length },
  }).length;
const kb = (n) => (n / 1024).toFixed(n < 10240 ? 2 : 1);

async function measure(entry) {
  const out = await build({
    stdin: { contents: entry.code, resolveDir: here, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const js = Buffer.from(out.outputFiles[0].contents);
  // .wasm files the bundle fetches: names referenced in the code, found next to the inputs.
  const names = new Set([...js.toString().matchAll(/["'`]([\w.-]+\.wasm)["'`]/g)].map((m) => m[1]));
  const wasm = [];
  for (const input of Object.keys(out.metafile.inputs)) {
    for (const n of names) {
      const f = join(here, dirname(input), n);
      if (existsSync(f) && !wasm.some((w) => w.file === f)) wasm.push({ file: f, bytes: readFileSync(f) });
    }
  }
  const parts = [{ what: "JS (esbuild --minify)", bytes: js }, ...wasm.map((w) => ({ what: w.file.split("/").pop(), bytes: w.bytes }))];
  const sum = (f) => parts.reduce((s, x) => s + f(x.bytes), 0);
  return { parts: parts.map((x) => ({ what: x.what, raw: x.bytes.length, gz: gz(x.bytes), br: br(x.bytes) })), raw: sum((b) => b.length), gz: sum(gz), br: sum(br) };
}

/** { lines, bytes: { key: { raw, gz, br } }, targets: [label, value, pass][] } */
export async function sizes() {
  const bytes = {};
  const lines = ["### shipped bytes (JS bundle + wasm a browser downloads): raw / gzip -9 / brotli, KB", ""];
  lines.push("| library | parts | raw | gzip -9 | brotli |", "|---|---|---|---|---|");
  for (const e of ENTRIES) {
    let m;
    try {
      m = await measure(e);
    } catch (err) {
      lines.push(`| ${e.name} | not available: ${(err.errors?.[0]?.text ?? err.message).split("\n")[0]} | | | |`);
      continue;
    }
    bytes[e.key] = m;
    const parts = m.parts.map((x) => `${x.what} ${kb(x.raw)}/${kb(x.gz)}/${kb(x.br)}`).join(" + ");
    lines.push(`| ${e.name} | ${parts} | ${kb(m.raw)} | ${kb(m.gz)} | ${kb(m.br)} |`);
  }
  const targets = [];
  if (bytes.accord) {
    targets.push(["wasm + JS glue ≤ 64 KB gzipped", kb(bytes.accord.gz) + " KB", bytes.accord.gz <= 64 * 1024]);
    if (bytes.cedar) {
      const r = bytes.cedar.gz / bytes.accord.gz;
      targets.push(["≥ 20× smaller than cedar-wasm (gzip)", r.toFixed(1) + "×", r >= 20]);
    }
  }
  return { lines, bytes, targets };
}

// The resolved version of each package, for the report header.
export function versions() {
  const require = createRequire(join(here, "package.json"));
  const v = (name) => {
    for (const p of [join(here, "node_modules", name, "package.json")]) {
      if (existsSync(p)) return JSON.parse(readFileSync(p, "utf8")).version;
    }
    try {
      return require(name + "/package.json").version;
    } catch {
      return "missing";
    }
  };
  return { casl: v("@casl/ability"), cedar: v("@cedar-policy/cedar-wasm"), accord: v("accord") };
}

/** Which accord build was measured: the package's wasm (size, hash, time) and the repo HEAD. */
export async function accordBuild() {
  const { createHash } = await import("node:crypto");
  const { execFileSync } = await import("node:child_process");
  const { readdirSync, statSync } = await import("node:fs");
  let head = "?";
  try {
    head = execFileSync("git", ["-C", here, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    /* not a git checkout */
  }
  // The package as installed (node_modules/accord links to ../pkg), wherever it resolves.
  const { realpathSync } = await import("node:fs");
  const link = join(here, "node_modules", "accord");
  const pkg = existsSync(link) ? realpathSync(link) : join(here, "..", "pkg");
  if (!existsSync(join(pkg, "package.json"))) return `accord package: not built (repo HEAD ${head})`;
  const wasm = readdirSync(pkg).filter((f) => f.endsWith(".wasm"));
  const parts = wasm.map((f) => {
    const b = readFileSync(join(pkg, f));
    const st = statSync(join(pkg, f));
    return `${f} ${b.length} B sha256:${createHash("sha256").update(b).digest("hex").slice(0, 12)} built ${st.mtime.toISOString().slice(0, 16)}Z`;
  });
  return `accord package ${pkg}: ${parts.join(", ")}; repo HEAD ${head}`;
}
