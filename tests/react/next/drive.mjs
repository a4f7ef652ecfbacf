// Runs `next start` on the built app and checks, in headless Chromium, that the Server
// Component page renders the client component: on the server without a tenant (placeholders,
// no answer), then hydrated, accord loaded, with the tenant's answers; no console error.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { createRequire } from "node:module";

const tools = createRequire(`${process.env.ACCORD_ROOT}/.ci/tools/`);
const { chromium } = tools("playwright-core");
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});
const next = spawn("node_modules/.bin/next", ["start", "-p", String(port), "-H", "127.0.0.1"], { detached: true, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
const failures = [];
const check = (ok, what) => (ok ? console.log(`  ok  ${what}`) : failures.push(what));
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const url = `http://127.0.0.1:${port}/`;
  let html = "";
  for (let i = 0; i < 100 && !html; i++) html = await fetch(url).then((r) => r.text(), () => new Promise((r) => setTimeout(() => r(""), 200)));
  const main = html.match(/<main>.*<\/main>/s)?.[0] ?? "";
  check(main.includes('<li id="L1">') && main.includes("…") && main.includes(">loading</p>") && !main.includes("out_of_scope"), `server render: the list, no tenant yet (${main.slice(0, 160)})`);
  const page = await browser.newPage();
  const problems = [];
  page.on("console", (m) => ["error", "warning"].includes(m.type()) && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById("buttons")?.textContent !== "loading", null, { timeout: 20000 }).catch(() => {});
  const text = await page.evaluate(() => document.querySelector("main").innerText.replace(/\s+/g, " ").trim());
  check(text === "Leads L1 update L2 no:out_of_scope communicate,convert,reassign,update,view", `hydrated, accord loaded: the rep may update L1, not its manager's L2 (${text})`);
  check(problems.length === 0, `no console error or warning${problems.length ? `: ${problems.join(" | ")}` : ""}`);
} finally {
  await browser.close();
  process.kill(-next.pid); // its process group: `next start` runs the server as a child
}
for (const f of failures) console.log(`FAIL ${f}`);
console.log(`react/next: ${failures.length ? `${failures.length} failed` : "all passed"}`);
process.exitCode = failures.length ? 1 : 0;
