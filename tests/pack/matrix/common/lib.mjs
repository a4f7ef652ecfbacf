// Shared by the matrix cases (copied next to each case's test): a static server, headless
// Chromium through playwright-core (from .ci/tools), and the one-.wasm check on build outputs.
import { createRequire } from "node:module";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export const root = process.env.ACCORD_ROOT;
const require = createRequire(`${root}/.ci/tools/`);
export const { serve } = await import(`${root}/tests/js/serve.mjs`);

/** Opens `url` in headless Chromium and returns what the page put in `window.result`. */
export async function inChromium(url, { timeout = 60000 } = {}) {
  const { chromium } = require("playwright-core");
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    const wasm = []; // where the page looked for the module, and what it got
    page.on("response", (r) => /\.wasm(\?|$)/.test(r.url()) && wasm.push(`${r.status()} ${r.headers()["content-type"] ?? "-"} ${new URL(r.url()).pathname}`));
    await page.goto(url);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout }).catch(() => {});
    const result = await page.evaluate(() => window.result);
    return { result, errors, wasm };
  } finally {
    await browser.close();
  }
}

/** Every .wasm file under `dir` (recursively). */
export function wasmFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...wasmFiles(p));
    else if (name.endsWith(".wasm")) out.push(p);
  }
  return out;
}

/** Records one assertion: prints it and sets a failing exit code when it does not hold. */
export function expect(name, ok, detail) {
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail === undefined ? "" : `: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`}`);
  if (!ok) process.exitCode = 1;
  return ok;
}

/** A browser result is right when the ZS-9 decision holds and the console stayed clean. */
export function decided({ result, errors }) {
  return Boolean(result && result.ok && errors.length === 0);
}
