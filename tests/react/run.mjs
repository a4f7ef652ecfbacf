// accord/react, as a user installs it (the packed pkg/ in node_modules/accord): tsc over a typed
// consumer, a server render in Node, then in headless Chromium hydrateRoot under StrictMode and
// switches of user, tenant (plan) and policy through props, a store and a user handle. Every
// panel is compared with the tenant's own answers; no console error, warning or recoverable
// error is allowed, and no component may remount.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createElement as h } from "react";
import { renderToString } from "react-dom/server";
import { Engine, presets } from "accord";
import { AccordProvider, Can, useCan, useCheck, usePermitted } from "accord/react";
import { App, createAccordStore, expected, scenario } from "./app.mjs";
import { serve } from "../js/serve.mjs";

const here = new URL("./", import.meta.url);
const root = new URL("../../", import.meta.url);
const tools = createRequire(new URL(".ci/tools/", root));
const out = new URL("target/react/", root);
mkdirSync(out, { recursive: true });
const failures = [];
const check = (ok, what) => (ok ? console.log(`  ok  ${what}`) : failures.push(what));

// 1. Types: accord/react's declarations, resolved through the package's exports map.
try {
  execFileSync(tools.resolve("typescript/bin/tsc"), ["-p", new URL("tsconfig.json", here).pathname], { stdio: "inherit" });
  check(true, "tsc --strict: typed.tsx (accord/react types, through the exports map)");
} catch {
  failures.push("tsc: typed.tsx does not type-check");
}
try {
  execFileSync(tools.resolve("typescript/bin/tsc"), ["-p", new URL("cjs/tsconfig.json", here).pathname], { stdio: "inherit" });
  check(true, "tsc --strict, CommonJS (node16): cjs/consumer.tsx (the .d.cts declarations)");
} catch {
  failures.push("tsc: cjs/consumer.tsx does not type-check");
}

// 2. In Node: the server render, and what happens without a provider or a tenant.
const tenants = scenario({ Engine, presets });
const entities = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&amp;": "&" };
const textOf = (html) => html.replace(/<[^>]*>/g, "").replace(/&(lt|gt|quot|#x27|amp);/g, (e) => entities[e]);
const html = renderToString(h(App, { tenants, store: createAccordStore(tenants.pro, "sm") }));
const ssr = textOf(html);
check(ssr.includes(expected(tenants.pro, "r1")) && ssr.includes(expected(tenants.pro, "sm")), "server render: the panels answer as the tenant does");
const probe = () => h("p", null, `${useCan("view", { type: "lead" })} ${useCheck("view", { type: "lead" })} [${usePermitted({ type: "lead" })}]`);
let thrown = "";
try {
  renderToString(h(probe));
} catch (e) {
  thrown = e.message;
}
check(thrown === "accord/react: useCan needs an <AccordProvider> above it", `a hook outside a provider throws (${thrown})`);
const empty = textOf(renderToString(h(AccordProvider, { tenant: null, user: "r1" }, h(probe), h(Can, { do: "view", on: { type: "lead" }, fallback: (d) => `fallback:${d}` }, "children"))));
check(empty === "false null []fallback:null", `no tenant yet: deny, null, [] and the fallback (${empty})`);
// A store holding a handle, switched to another tenant: that tenant answers for the handle's user.
const lead2 = { type: "lead", id: "L1", ownerId: "r1" }; // the rep's own lead: a custom role needs professional (ZS-4)
const asked = () => h("p", null, String(useCan("update", lead2)));
const handleStore = createAccordStore(null, tenants.pro.user("r1"));
const before = textOf(renderToString(h(AccordProvider, { store: handleStore }, h(asked))));
handleStore.setTenant(tenants.team);
const after = textOf(renderToString(h(AccordProvider, { store: handleStore }, h(asked))));
check(before === String(tenants.pro.can("r1", "update", lead2)) && after === String(tenants.team.can("r1", "update", lead2)) && before !== after, `a store's handle follows setTenant (${before} then ${after})`);
// accord/react reached through require() and through import: one module, one context.
const required = createRequire(import.meta.url)("accord/react");
const mixed = textOf(renderToString(h(AccordProvider, { tenant: tenants.pro, user: "sm" }, h(() => h("p", null, String(required.useCan("update", lead2)))))));
check(required.AccordProvider === AccordProvider && mixed === String(tenants.pro.can("sm", "update", lead2)), `require("accord/react") is the module import loads (${mixed})`);

// 3. In Chromium: the same page hydrated, then switched.
const esbuild = tools("esbuild");
await esbuild.build({
  entryPoints: [new URL("client.mjs", here).pathname],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  outfile: new URL("client.js", out).pathname,
  define: { "process.env.NODE_ENV": '"development"' }, // React's development build: every warning on
  logLevel: "warning",
});
copyFileSync(new URL("node_modules/accord/accord_wasm_bg.wasm", here), new URL("accord_wasm_bg.wasm", out));
writeFileSync(
  new URL("index.html", out),
  `<!doctype html><html><head><meta charset="utf-8"><title>accord/react</title></head><body><div id="root">${html}</div>` +
    `<script>window.serverRow = document.querySelector("#props li");</script><script type="module" src="client.js"></script></body></html>`,
);

const { chromium } = tools("playwright-core");
const server = await serve(out.pathname);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => failures.push(`page error: ${e.message}`));
  await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
  await page.waitForFunction(() => globalThis.accordTest && globalThis.mounts >= 3, null, { timeout: 30000 }).catch(async () => {
    throw new Error(`the page did not hydrate: ${JSON.stringify(await page.evaluate(() => [globalThis.mounts, globalThis.problems]))}`);
  });
  const mounts = await page.evaluate(() => globalThis.mounts);
  const panel = (name) => page.evaluate((n) => [...document.querySelectorAll(`#${n} li, #${n} p`)].map((e) => e.textContent).join(""), name);
  /** Waits until panel `name` shows what the tenant answers for `user`, then checks it. */
  async function shows(name, tenant, user, what) {
    const want = await page.evaluate(([t, u]) => globalThis.accordTest.expected(t, u), [tenant, user]);
    try {
      await page.waitForFunction(([n, w]) => [...document.querySelectorAll(`#${n} li, #${n} p`)].map((e) => e.textContent).join("") === w, [name, want], { timeout: 5000 });
    } catch {
      failures.push(`${what}: panel ${name} shows\n      ${await panel(name)}\n    the tenant (${tenant}, ${user}) says\n      ${want}`);
      return "";
    }
    check(true, `${what}: ${name} = ${tenant}/${user}`);
    return want;
  }

  // Hydrated: the server's nodes kept, the answers unchanged.
  await shows("props", "pro", "r1", "hydrated");
  await shows("store", "pro", "sm", "hydrated");
  await shows("handle", "pro", "r1", "hydrated");
  check(await page.evaluate(() => window.serverRow !== null && window.serverRow === document.querySelector("#props li")), "hydration kept the server's DOM nodes");
  const r1 = await panel("props");
  check(r1.includes("L1 update:yes") && r1.includes("L2 update:no(out_of_scope)"), "r1 (a rep) updates its own lead, not its manager's (ZS-9)");

  // Local state survives every switch below (no remount).
  for (let i = 0; i < 3; i++) await page.click('#props .keeper');
  await page.click('#handle .keeper');

  await page.click("#user-ad");
  const ad = await shows("props", "pro", "ad", "user switch (props)");
  await shows("handle", "pro", "ad", "user switch (handle)");
  await shows("store", "pro", "sm", "the store panel is untouched");
  check(ad !== r1 && ad.includes("L2 update:yes delete:yes"), "the admin's panel differs from the rep's");

  await page.click("#tenant-strict");
  const strict = await shows("props", "strict", "ad", "policy switch (props)");
  await shows("handle", "strict", "ad", "policy switch (handle)");
  check(strict.includes("L2 update:yes delete:no"), "the stricter policy's deny rule takes delete away from the admin");

  await page.click("#tenant-team");
  await page.click("#user-r1");
  const team = await shows("props", "team", "r1", "plan switch + user switch (props)");
  await shows("handle", "team", "r1", "plan switch + user switch (handle)");
  check(team.includes("no(plan_required>professional)"), "on team, the custom role rep needs professional: the fallback gets the decision");

  await page.evaluate(() => globalThis.accordTest.setStore("strict", "ad"));
  await shows("store", "strict", "ad", "store.set from outside React: policy + user");
  await page.evaluate(() => globalThis.accordTest.setStore("team", "l2"));
  await shows("store", "team", "l2", "store.set from outside React: plan + user");
  await shows("props", "team", "r1", "the props panel is untouched by the store");

  const kept = await page.evaluate(() => [...document.querySelectorAll(".keeper")].map((k) => k.textContent).join(" "));
  check(kept === "clicks:3 clicks:0 clicks:1", `state kept through every switch (${kept})`);
  check((await page.evaluate(() => globalThis.mounts)) === mounts, `no remount (${mounts} mount effects at hydration, none since)`);
  check(await page.evaluate(() => window.serverRow.isConnected), "the server-rendered row is still the one on screen");
  const problems = await page.evaluate(() => globalThis.problems);
  check(problems.length === 0, `no console error or warning, no recoverable (hydration) error${problems.length ? `:\n      ${problems.join("\n      ")}` : ""}`);
} finally {
  await browser.close();
  server.close();
}

for (const f of failures) console.log(`FAIL ${f}`);
console.log(`react: ${failures.length ? `${failures.length} failed` : "all passed"}`);
process.exitCode = failures.length ? 1 : 0;
