// The corpus in headless Chromium through the package's browser entry (`await init()`).
import { readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { serve } from "./serve.mjs";
import { report } from "./corpus.mjs";

const root = new URL("../../", import.meta.url);
const require = createRequire(new URL(".ci/tools/", root));
const { chromium } = require("playwright-core");
mkdirSync(new URL("target/", root), { recursive: true });
writeFileSync(new URL("target/corpus-index.json", root), JSON.stringify(readdirSync(new URL("tests/corpus/", root)).filter((f) => f.endsWith(".json")).sort()));
const server = await serve(root.pathname);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let result;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`http://127.0.0.1:${server.address().port}/tests/js/browser.html`);
  await page.waitForFunction(() => window.result !== undefined, null, { timeout: 60000 });
  result = await page.evaluate(() => window.result);
  for (const e of errors) result.failures.push({ file: "-", case: "(console)", why: e });
  result.failed = result.failures.length;
} finally {
  await browser.close();
  server.close();
}
mkdirSync(new URL("target/transcripts/", root), { recursive: true });
writeFileSync(new URL("target/transcripts/chromium.txt", root), result.transcript.join("\n") + "\n");
if (result.runtime) writeFileSync(new URL("target/transcripts/chromium-runtime.txt", root), result.runtime.transcript.join("\n") + "\n");
console.log(`hostile-chromium: ${result.hostile?.passed ?? 0} passed, ${result.hostile?.failed ?? 1} failed`);
process.exitCode = report("chromium", result) | (result.runtime ? report("chromium snapshots from node (accord/runtime)", result.runtime) : (console.log("chromium: the snapshot run did not happen"), 1));
