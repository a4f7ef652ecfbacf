// Browser tests of the demo in real headless Chromium (playwright-core), against the worker
// `wrangler dev` runs for tests/demo/run.sh (DEMO_URL), with its local KV and D1. Each test gets a fresh page; any console
// error or page error fails it, except the browser's own "Failed to load resource: … 403"
// line for a refusal the test provoked on purpose (tests that do set `t.refusals = true`).
// Screenshots of every view at 1280×800 and 390×844 go to target/screenshots/.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { register as edgeDocs } from "./edge-docs.mjs";

const BASE = process.env.DEMO_URL ?? "http://127.0.0.1:8787";
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SHOTS = join(ROOT, "target", "screenshots");
mkdirSync(SHOTS, { recursive: true });

const SIZES = [
  [1280, 800],
  [390, 844],
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// ------------------------------------------------------------------ tiny runner
const tests = [];
const test = (name, fn) => tests.push({ name, fn });

class Failure extends Error {}
function assert(cond, message) {
  if (!cond) throw new Failure(message);
}
function eq(actual, expected, message) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Failure(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

async function api(method, path, { user, body } = {}) {
  const headers = {};
  if (user) headers["x-demo-user"] = user;
  const res = await fetch(`${BASE}/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const type = res.headers.get("content-type") ?? "";
  return { status: res.status, body: type.includes("json") ? await res.json() : await res.text() };
}

/** The worker's answer and headers (for the snapshot's ETag and version). */
async function snapshotHead(product) {
  const res = await fetch(`${BASE}/api/snapshot?product=${product}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get("content-type"), etag: res.headers.get("etag"), version: Number(res.headers.get("x-accord-snapshot-version")), size: bytes.length };
}

/** What the worker's isolate did so far: { id, compiles, loads, cacheHits }. */
async function isolate() {
  return (await api("GET", "/health")).body.isolate;
}

/**
 * A fresh page watched for console errors; `t.refusals` allows provoked 403 lines. Every URL
 * it requests is kept in `t.requests`.
 */
async function open(t, query = "", [width, height] = SIZES[0]) {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on("request", (r) => t.requests.push(new URL(r.url()).pathname));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const text = m.text();
    const url = m.location()?.url ?? "";
    if (t.refusals && /status of 403/.test(text) && /\/api\/(act|export|bulk)/.test(url)) return;
    t.errors.push(`console error: ${text} ${url}`);
  });
  page.on("pageerror", (e) => t.errors.push(`page error: ${e.message}`));
  t.pages.push(page);
  await page.goto(`${BASE}/${query}`);
  await ready(page);
  return page;
}

async function ready(page) {
  await page.waitForSelector("body[data-ready='1']", { timeout: 20000 });
  await page.waitForTimeout(50);
}

async function selectOption(page, testid, value) {
  await page.selectOption(`[data-testid=${testid}]`, value);
  await ready(page);
}

async function visibleCount(page) {
  return Number((await page.textContent("[data-testid=visible-count]")).replace(/,/g, ""));
}

async function workerAgrees(page) {
  await page.waitForFunction(() => /worker agrees/.test(document.querySelector("[data-testid=agree]")?.textContent ?? ""), null, { timeout: 10000 });
}

async function noOverflow(page, label) {
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert(sw <= iw, `${label}: horizontal overflow (${sw}px wide content in a ${iw}px window)`);
}

async function shot(page, name) {
  const { width, height } = page.viewportSize();
  const file = join(SHOTS, `${name}-${width}x${height}.png`);
  await page.screenshot({ path: file });
  return file;
}

// ------------------------------------------------------------------ the tests
test("zs9_bulk_reassign_10_of_20", async (t) => {
  t.refusals = false;
  await api("POST", "/reset");
  const page = await open(t, "?product=zendesk-sell&plan=professional&user=bruno.costa");
  await workerAgrees(page);
  // Pick 20 leads Bruno can see: 10 whose row offers Reassign, 10 whose row does not.
  let yes = [];
  let no = [];
  for (let guard = 0; guard < 40 && (yes.length < 10 || no.length < 10); guard++) {
    const rows = await page.$$eval("[data-testid=row]", (rs) => rs.map((r) => ({ id: r.dataset.id, can: r.dataset.permitted.split(" ").includes("reassign") })));
    for (const r of rows) {
      const list = r.can ? yes : no;
      if (list.length >= 10) continue;
      await page.check(`[data-testid=row][data-id="${r.id}"] input[type=checkbox]`);
      list.push(r.id);
    }
    if (yes.length < 10 || no.length < 10) await page.click('button[aria-label="Next page"]');
  }
  eq([yes.length, no.length], [10, 10], "rows picked");
  await page.selectOption("[data-testid=bulk-to]", "mia.novak");
  const preview = await page.textContent("[data-testid=bulk-preview]");
  assert(/10 may move, 10 refused/.test(preview), `page preview: ${preview}`);
  await page.click("[data-testid=bulk-apply]");
  await page.waitForSelector("[data-testid=bulk-summary]");
  eq(await page.textContent("[data-testid=bulk-summary]"), "10 reassigned, 10 refused", "bulk summary");
  const confirmed = await page.textContent("[data-testid=bulk-confirmed]");
  assert(/confirmed by the edge worker/.test(confirmed), `worker confirmation: ${confirmed}`);
  const refused = await page.$$eval("[data-testid=refused]", (ls) => ls.map((l) => ({ id: l.dataset.id, text: l.textContent })));
  eq(refused.map((r) => r.id).sort(), [...no].sort(), "refused ids");
  for (const r of refused) assert(/out_of_scope/.test(r.text) && /not to you|reporting line/.test(r.text), `refusal reason of ${r.id}: ${r.text}`);
  // The worker really applied only the 10 permitted ones.
  const st = (await api("GET", "/state?product=zendesk-sell")).body;
  const owner = new Map(st.records.lead.map((l) => [l.id, l.ownerId]));
  for (const id of yes) eq(owner.get(id), "mia.novak", `owner of reassigned ${id}`);
  for (const id of no) assert(owner.get(id) !== "mia.novak", `refused ${id} must keep its owner`);
  for (const size of SIZES) {
    await page.setViewportSize({ width: size[0], height: size[1] });
    await page.locator("[data-testid=bulk-result]").scrollIntoViewIfNeeded();
    await shot(page, "zs9-bulk-result");
    await noOverflow(page, `bulk result ${size.join("x")}`);
  }
});

test("zs9_guided_scenario_selects_20_and_worker_confirms", async (t) => {
  await api("POST", "/reset");
  const page = await open(t);
  await page.click("[data-testid=scenario-zs9]");
  await ready(page);
  const rows = await page.$$eval("[data-testid=row]", (rs) => rs.map((r) => r.dataset.permitted.split(" ").includes("reassign")));
  eq([rows.length, rows.filter(Boolean).length], [20, 10], "the scenario shows 20 selected rows, 10 reassignable");
  await page.click("[data-testid=bulk-apply]");
  await page.waitForSelector("[data-testid=bulk-summary]");
  eq(await page.textContent("[data-testid=bulk-summary]"), "10 reassigned, 10 refused", "bulk summary");
});

test("zs1_se5_plan_switch_shows_upgrade_hint", async (t) => {
  await api("POST", "/reset");
  // Slack: Sales Admin exists only on Business+ (SE-5).
  const page = await open(t, "?product=slack&plan=business_plus&user=ana.ribeiro");
  assert(await page.isVisible("[data-testid=nav-sales]"), "Ana sees the Sales tab on Business+");
  await selectOption(page, "plan", "pro");
  assert(!(await page.isVisible("[data-testid=nav-sales]")), "no usable Sales tab on Pro");
  const gated = page.locator("[data-testid=slack-nav] [data-testid=gated-view_sales_tab]");
  eq(await gated.count(), 1, "a greyed Sales tab on Pro");
  assert(/Upgrade to Business\+/.test(await gated.textContent()), `hint: ${await gated.textContent()}`);
  assert(await gated.locator("button").isDisabled(), "the greyed tab is disabled");
  await gated.click();
  const why = await page.textContent("#popover");
  assert(/Business\+/.test(why) && /SE-6\.sales_admin\.tab/.test(why), `why popover: ${why}`);
  await shot(page, "slack-pro-why-popover");
  await page.keyboard.press("Escape");
  for (const size of SIZES) {
    await page.setViewportSize({ width: size[0], height: size[1] });
    await shot(page, "slack-pro-upgrade-hint");
    await noOverflow(page, `slack pro ${size.join("x")}`);
  }
  await selectOption(page, "plan", "business_plus");
  assert(await page.isVisible("[data-testid=nav-sales]"), "the Sales tab is back on Business+");

  // Zendesk Sell: custom roles and the hierarchy need Professional (ZS-1).
  const zs = await open(t, "?product=zendesk-sell&plan=professional&user=bruno.costa");
  assert((await visibleCount(zs)) > 0, "Bruno sees leads on Professional");
  await selectOption(zs, "plan", "growth");
  eq(await visibleCount(zs), 0, "Bruno's custom role gives nothing on Growth");
  const empty = await zs.textContent("[data-testid=empty]");
  assert(/Upgrade to Professional/.test(empty), `empty state hint: ${empty}`);
  await shot(zs, "zendesk-growth-upgrade-hint");
  // A Limited director keeps his own leads on Growth; his team's are greyed behind the upgrade.
  await selectOption(zs, "user", "marc.dubois");
  const team = zs.locator("[data-testid=gated-team]");
  assert(/Upgrade to Professional/.test(await team.textContent()), "team leads greyed with the upgrade hint");
  await team.click();
  assert(/ZS-9\.limited\.subordinates/.test(await zs.textContent("#popover")), "why: the subordinates rule needs Professional");
  await zs.keyboard.press("Escape");
  const onGrowth = await visibleCount(zs);
  await selectOption(zs, "plan", "professional");
  assert((await visibleCount(zs)) > onGrowth, "his team's leads appear on Professional");
  eq(await zs.locator("[data-testid=gated-team]").count(), 0, "no hint on Professional");
});

test("zs9_picker_upsell_and_reasons_from_the_package", async (t) => {
  await api("POST", "/reset");
  // The "Reassign to…" picker lists the people the lead may go to, and who may reassign it.
  const zs = await open(t, "?product=zendesk-sell&plan=professional&user=marc.dubois");
  await zs.locator("[data-testid=act-reassign]").first().click();
  const picker = zs.locator("#popover [data-testid=new-owner] option");
  assert((await picker.count()) > 0, "the picker lists people");
  const may = await zs.textContent("#popover [data-testid=who-may-reassign]");
  assert(/May reassign it: .*Marc Dubois/.test(may), `who may reassign: ${may}`);
  await shot(zs, "zendesk-reassign-picker");
  await zs.click("#popover button:has-text('Cancel')");
  // The upgrade hint says what the next plan adds for this user (what-if plans): Bruno's
  // custom role works from Professional on (ZS-4).
  await selectOption(zs, "user", "bruno.costa");
  await selectOption(zs, "plan", "growth");
  const upsell = await zs.textContent("[data-testid=upsell]");
  assert(/^Professional adds for you: /.test(upsell), `upsell on Growth: ${upsell}`);
  await shot(zs, "zendesk-growth-upsell");
  await selectOption(zs, "plan", "professional");
  // A "why?" popover lists every check the deciding rule fails, most fundamental first.
  const sl = await open(t, "?product=slack&plan=business_plus&user=kim.lee@globex");
  await sl.click("[data-testid=slack-nav] [data-testid=why]");
  const why = await sl.textContent("#popover");
  assert(/another organisation/.test(why), `why for an outsider: ${why}`);
  const second = await sl.textContent("#popover [data-testid=why-reasons] li");
  assert(/no_permission/.test(second), `the next reason, after the organisation: ${second}`);
  await shot(sl, "slack-outsider-why-reasons");
});

test("cs5_member_sees_only_created_owner_sees_all", async (t) => {
  await api("POST", "/reset");
  const st = (await api("GET", "/state?product=crm")).body;
  const created = st.records.lead.filter((r) => r.creatorId === "mia.novak").length;
  const page = await open(t, "?product=crm&user=mia.novak");
  await workerAgrees(page);
  eq(await visibleCount(page), created, "Mia (member) sees the leads she created");
  const creators = await page.$$eval("[data-testid=row] .c-creatorId", (cs) => [...new Set(cs.map((c) => c.textContent))]);
  eq(creators, ["Mia Novak"], "every row was created by Mia");
  assert(/0 of 5 available/.test(await page.textContent("[data-testid=admin] summary")), "a member configures nothing (CS-6)");
  for (const size of SIZES) {
    await page.setViewportSize({ width: size[0], height: size[1] });
    await shot(page, "crm-member");
    await noOverflow(page, `crm member ${size.join("x")}`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await selectOption(page, "user", "ana.ribeiro");
  await workerAgrees(page);
  eq(await visibleCount(page), st.records.lead.length, "Ana (owner) sees every lead");
  assert(/5 of 5 available/.test(await page.textContent("[data-testid=admin] summary")), "the owner configures the app (CS-3)");
  await page.click("[data-testid=tab-opportunity]");
  await ready(page);
  await workerAgrees(page);
  eq(await visibleCount(page), st.records.opportunity.length, "Ana sees every opportunity");
  await shot(page, "crm-owner");
});

test("se6_sales_tab_only_for_sales_admins", async (t) => {
  await api("POST", "/reset");
  const page = await open(t, "?product=slack&plan=business_plus&user=ana.ribeiro");
  await page.click("[data-testid=nav-sales]");
  await ready(page);
  assert(await page.isVisible("[data-testid=sales-tab-content]"), "Ana (primary owner, Sales Admin by default) opens the Sales tab");
  for (const size of SIZES) {
    await page.setViewportSize({ width: size[0], height: size[1] });
    await shot(page, "slack-sales-tab");
    await noOverflow(page, `slack sales ${size.join("x")}`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await selectOption(page, "user", "bruno.costa");
  assert(await page.isVisible("[data-testid=nav-sales]"), "Bruno holds the Sales Admin system role");
  await selectOption(page, "user", "mia.novak");
  eq(await page.locator("[data-testid=nav-sales]").count(), 0, "a member has no Sales tab");
  eq(await page.locator("[data-testid=gated-view_sales_tab]").count(), 0, "not even greyed");
  await page.click("[data-testid=slack-nav] [data-testid=why]");
  const why = await page.textContent("#popover");
  assert(/no_permission/.test(why) && /member/.test(why), `why: ${why}`);
  // SE-8: Mia may disable a notification an admin created, but not edit it.
  await page.click("[data-testid=nav-home]");
  await ready(page);
  const items = await page.$$eval("[data-testid=notification]", (ls) =>
    ls.map((l) => ({ id: l.dataset.id, admin: /admin/.test(l.textContent), acts: [...l.querySelectorAll("button.act")].map((b) => b.dataset.action) })),
  );
  const byAdmin = items.filter((i) => i.admin);
  assert(byAdmin.length > 0, "there are admin-created notifications");
  for (const i of byAdmin) eq(i.acts, ["disable"], `actions on admin notification ${i.id}`);
  for (const size of SIZES) {
    await page.setViewportSize({ width: size[0], height: size[1] });
    await shot(page, "slack-home-member");
    await noOverflow(page, `slack home ${size.join("x")}`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.click("[data-testid=nav-connect]");
  await ready(page);
  assert((await page.locator("[data-testid=channel]").count()) > 0, "shared channels listed");
  for (const size of SIZES) {
    await page.setViewportSize({ width: size[0], height: size[1] });
    await shot(page, "slack-connect");
    await noOverflow(page, `slack connect ${size.join("x")}`);
  }
});

test("policy_edit_error_listed_with_path_previous_policy_in_force", async (t) => {
  await api("POST", "/reset");
  const page = await open(t, "?product=zendesk-sell&plan=professional&user=mia.novak");
  await workerAgrees(page);
  const before = await visibleCount(page);
  await page.click("[data-testid=policy-open]");
  const ta = page.locator("[data-testid=policy-text]");
  await ta.waitFor();
  const text = await ta.inputValue();
  const broken = text.replace('"scope": "own"', '"scope": "everywhere"');
  assert(broken !== text, "the preset has a scope to break");
  await ta.fill(broken);
  await page.waitForSelector("[data-testid=policy-errors] li");
  const errors = await page.$$eval("[data-testid=policy-errors] li", (ls) => ls.map((l) => ({ path: l.dataset.path, code: l.dataset.code, text: l.textContent })));
  const hit = errors.find((e) => e.path === "/roles/limited/rules/0/scope");
  assert(hit, `an error at /roles/limited/rules/0/scope: ${JSON.stringify(errors)}`);
  const mark = await page.textContent("[data-testid=error-mark]");
  assert(/"scope": "everywhere"/.test(mark), `highlighted text: ${mark}`);
  assert(/stays in force/.test(await page.textContent("[data-testid=policy-status]")), "the previous policy stays in force");
  eq(await visibleCount(page), before, "the page still answers with the previous policy");
  await page.locator("[data-testid=policy]").scrollIntoViewIfNeeded();
  for (const size of SIZES) {
    await page.setViewportSize({ width: size[0], height: size[1] });
    await page.locator("[data-testid=policy-errors]").scrollIntoViewIfNeeded();
    await shot(page, "policy-error");
    await noOverflow(page, `policy error ${size.join("x")}`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  // A valid edit recompiles live, in the page and in the worker: export for everyone (ZS-5).
  eq(await page.locator("[data-testid=act-export]").count(), 0, "no Export for Mia by default");
  const open_ = text.replace(/("export_for_all": \{ "default": )false/, "$1true").replace(/("export_for_all":\s*\{\s*"default":\s*)false/, "$1true");
  assert(open_ !== text, "the preset declares export_for_all");
  await ta.fill(open_);
  await page.waitForFunction(() => /version 2, in force in the page and in the worker/.test(document.querySelector("[data-testid=policy-status]").textContent), null, { timeout: 10000 });
  await ready(page);
  eq(await page.locator("[data-testid=act-export]").count(), 1, "Export appears once the setting defaults to on");
  const exp = await api("GET", "/export?product=zendesk-sell&type=lead", { user: "mia.novak" });
  eq(exp.status, 200, "the worker exports too, with the same policy");
  await page.click("[data-testid=policy-reset]");
  // The worker compiles the preset and the page loads that snapshot: wait for the status.
  await page.waitForFunction(() => /\(the preset\), in force in the page and in the worker \(snapshot v/.test(document.querySelector("[data-testid=policy-status]").textContent), null, { timeout: 10000 });
  await ready(page);
  eq(await page.locator("[data-testid=act-export]").count(), 0, "the preset is back");
});

test("tamper_forced_hidden_action_refused_with_client_code", async (t) => {
  t.refusals = true;
  await api("POST", "/reset");
  const page = await open(t, "?product=zendesk-sell&plan=professional&user=bruno.costa");
  await workerAgrees(page);
  // Through the page's tamper card: the first hidden control.
  await page.click("[data-testid=tamper-go]");
  await page.waitForSelector("[data-testid=tamper-verdict]");
  assert(/same decision/.test(await page.textContent("[data-testid=tamper-verdict]")), "tamper card verdict");
  // From the console, on a lead Bruno may view but not delete, and on export.
  const id = await page.$$eval("[data-testid=row]", (rs) => rs.find((r) => !r.dataset.permitted.includes("delete"))?.dataset.id);
  assert(id, "a row without Delete");
  const forced = await page.evaluate((id) => window.accordDemo.force("delete", "lead", id), id);
  eq(forced.worker.status, 403, "the worker refuses the forced delete");
  eq(forced.worker.code, forced.client.code, "same code as the page computed");
  assert(forced.client.allowed === false, "the page had hidden it");
  const exported = await page.evaluate(() => window.accordDemo.force("export", "lead", null));
  eq([exported.worker.status, exported.worker.code], [403, exported.client.code], "forced export refused with the page's code");
  eq(exported.client.code, "setting_disabled", "export is admin-only unless export_for_all (ZS-5)");
  // Without the page at all: the worker alone still refuses.
  const raw = await api("POST", "/act?product=zendesk-sell", { user: "bruno.costa", body: { action: "delete", type: "lead", id } });
  eq([raw.status, raw.body.code], [403, forced.client.code], "raw request refused");
  const still = (await api("GET", "/state?product=zendesk-sell")).body.records.lead.some((l) => l.id === id);
  assert(still, "the lead was not deleted");
  for (const size of SIZES) {
    await page.setViewportSize({ width: size[0], height: size[1] });
    await page.locator("[data-testid=tamper]").scrollIntoViewIfNeeded();
    await shot(page, "tamper");
    await noOverflow(page, `tamper ${size.join("x")}`);
  }
});

test("views_render_at_both_sizes_without_overflow", async (t) => {
  t.refusals = false;
  await api("POST", "/reset");
  const views = [
    ["zendesk-leads", "?product=zendesk-sell&plan=professional&user=bruno.costa", null],
    ["zendesk-deals-limited", "?product=zendesk-sell&plan=professional&user=marc.dubois", "[data-testid=tab-deal]"],
    ["zendesk-admin", "?product=zendesk-sell&plan=professional&user=ana.ribeiro", null],
    ["crm-cases", "?product=crm&user=mia.novak", "[data-testid=tab-case]"],
    ["slack-admin", "?product=slack&plan=enterprise_grid&user=priya.nair", "[data-testid=nav-admin]"],
    ["slack-external", "?product=slack&plan=business_plus&user=kim.lee@globex", "[data-testid=nav-connect]"],
    ["sales-ops-board", "?product=sales-ops&user=tom.becker", null],
  ];
  for (const size of SIZES) {
    const page = await open(t, "", size);
    for (const [name, query, click] of views) {
      await page.goto(`${BASE}/${query}`);
      await ready(page);
      if (click) {
        await page.click(click);
        await ready(page);
      }
      if (name.startsWith("zendesk") || name.startsWith("crm")) await workerAgrees(page);
      await shot(page, name);
      await noOverflow(page, `${name} ${size.join("x")}`);
    }
    // One full-page picture of the main view, for the record.
    await page.goto(`${BASE}/?product=zendesk-sell&plan=professional&user=bruno.costa`);
    await ready(page);
    await workerAgrees(page);
    await page.screenshot({ path: join(SHOTS, `zendesk-full-${size[0]}x${size[1]}.png`), fullPage: true });
  }
});

test("so4_board_offers_only_allowed_transitions", async (t) => {
  await api("POST", "/reset");
  const st = (await api("GET", "/state?product=sales-ops")).body;
  const page = await open(t, "?product=sales-ops&user=tom.becker");
  const cards = await page.$$eval("[data-testid=ar]", (cs) => cs.map((c) => ({ id: c.dataset.id, acts: c.dataset.permitted.split(" ").filter(Boolean) })));
  const byId = new Map(st.records.access_request.map((r) => [r.id, r]));
  for (const c of cards) {
    const r = byId.get(c.id);
    if (r.state === "completed") eq(c.acts, [], `${c.id} completed: no transition`);
    if (r.state === "action_needed") eq(c.acts, ["pick_up"], `${c.id} unassigned: pick up only`);
    if (r.state === "in_progress" && r.assigneeId !== "tom.becker" && r.assigneeId !== "omar.haddad") eq(c.acts, [], `${c.id} someone else's`);
    if (r.state === "in_progress" && r.assigneeId === "omar.haddad") eq(c.acts.sort(), ["complete", "hold"], `${c.id} Omar is out of office`);
  }
  // Pick one up: the worker assigns it to Tom and moves it to In progress (SO-3).
  const first = cards.find((c) => c.acts.includes("pick_up"));
  await page.click(`[data-testid=ar][data-id="${first.id}"] [data-testid=act-pick_up]`);
  await page.waitForSelector(`[data-state=in_progress] [data-testid=ar][data-id="${first.id}"]`);
  const after = (await api("GET", "/state?product=sales-ops")).body.records.access_request.find((r) => r.id === first.id);
  eq([after.state, after.assigneeId], ["in_progress", "tom.becker"], "picked up");
  // A member may only create requests.
  await selectOption(page, "user", "mia.novak");
  const memberActs = await page.$$eval("[data-testid=ar] button.act", (bs) => bs.length);
  eq(memberActs, 0, "a member moves no card");
  assert(await page.isVisible("[data-testid=act-create]"), "a member may create a request (SO-5)");
});

test("changes_are_asked_then_written_to_d1_in_the_pages_order", async (t) => {
  await api("POST", "/reset");
  const page = await open(t, "?product=zendesk-sell&plan=professional&user=ana.ribeiro");
  await workerAgrees(page);
  const before = (await api("GET", "/state?product=zendesk-sell")).body.records.lead.map((r) => r.id);
  // Import (type-level, ZS-8): five new leads, written to D1 at the top of the list.
  await page.click("[data-testid=act-import]");
  await page.waitForFunction(() => document.querySelector("[data-testid=row]")?.dataset.id.startsWith("L9"));
  const after = (await api("GET", "/state?product=zendesk-sell")).body.records.lead.map((r) => r.id);
  eq(after.length, before.length + 5, "five leads imported into D1");
  eq(after.slice(5), before, "the old leads follow, in their order");
  const shown = await page.$$eval("[data-testid=row]", (rs) => rs.slice(0, 5).map((r) => r.dataset.id));
  eq(shown, after.slice(0, 5), "the page shows the new leads first, as D1 orders them");
  eq((await api("GET", "/list?product=zendesk-sell&type=lead", { user: "ana.ribeiro" })).body.ids.slice(0, 6), after.slice(0, 6), "and the worker's SQL list too");
  // Delete one (allowed for the admin): gone from D1, and from the page.
  const victim = after[0];
  await page.click(`[data-testid=row][data-id="${victim}"] [data-testid=act-delete]`);
  await page.waitForSelector(`[data-testid=row][data-id="${victim}"]`, { state: "detached" });
  const left = (await api("GET", "/state?product=zendesk-sell")).body.records.lead.map((r) => r.id);
  eq([left.length, left.includes(victim)], [after.length - 1, false], "deleted in D1");
  // Update a deal's stage: the row in D1 carries the new value.
  await page.click("[data-testid=tab-deal]");
  await ready(page);
  const deal = await page.$eval("[data-testid=row]", (r) => r.dataset.id);
  const stage0 = (await api("GET", "/state?product=zendesk-sell")).body.records.deal.find((d) => d.id === deal).stage;
  const cell = `[data-testid=row][data-id="${deal}"] .c-stage`;
  const label0 = await page.textContent(cell);
  await page.click(`[data-testid=row][data-id="${deal}"] [data-testid=act-update]`);
  await page.waitForFunction(([sel, l]) => document.querySelector(sel)?.textContent !== l, [cell, label0]);
  const stage1 = (await api("GET", "/state?product=zendesk-sell")).body.records.deal.find((d) => d.id === deal).stage;
  assert(stage1 !== stage0, `the deal's stage changed in D1 (${stage0} → ${stage1})`);
});

test("page_runs_accord_runtime_and_the_compiler_only_with_the_policy_editor", async (t) => {
  await api("POST", "/reset");
  const page = await open(t, "?product=zendesk-sell&plan=professional&user=bruno.costa");
  await workerAgrees(page);
  // Move around: another product, a plan switch (the worker recompiles, the page loads the new
  // snapshot), another person. None of it needs the compiler.
  await selectOption(page, "product", "slack");
  await selectOption(page, "plan", "pro");
  await selectOption(page, "user", "mia.novak");
  const has = (path) => t.requests.includes(path);
  assert(has("/pkg/runtime/accord.js") && has("/pkg/runtime/accord_wasm_bg.wasm"), `the runtime entry and its wasm were fetched: ${t.requests.filter((u) => u.startsWith("/pkg")).join(" ")}`);
  for (const full of ["/pkg/accord.js", "/pkg/accord_wasm_bg.wasm", "/pkg/presets.js", "/pkg/runtime/accord_wasm_inline.js"]) assert(!has(full), `${full} was fetched before the policy editor was opened`);
  const snapshots = t.requests.filter((u) => u === "/api/snapshot");
  eq(snapshots.length, 3, "snapshots fetched: zendesk-sell, slack, slack on Pro");
  // The page's tenant is the worker's current snapshot, byte for byte (its SHA-256 is the ETag).
  const head = await snapshotHead("slack");
  eq([head.status, head.type], [200, "application/octet-stream"], "GET /api/snapshot");
  const mine = await page.evaluate(() => ({ ...window.accordDemo.S.snapshot, from: window.accordDemo.S.tenantFrom }));
  eq([`"${mine.sha256}"`, mine.version, mine.size, mine.from], [head.etag, head.version, head.size, "snapshot"], "the page loaded the worker's current snapshot");
  const status = await page.textContent("[data-testid=status]");
  assert(/^accord\/runtime in \d+ ms · snapshot v\d+ \([\d.]+ kB\) loaded in [\d.]+ ms$/.test(status), `the header names the runtime and the snapshot: ${status}`);
  // Opening the policy editor imports the full module (the compiler) and its wasm.
  await page.click("[data-testid=policy-open]");
  await page.locator("[data-testid=policy-text]").waitFor();
  assert(has("/pkg/accord.js") && has("/pkg/accord_wasm_bg.wasm"), "the full entry and its wasm are fetched when the editor opens");
  assert(JSON.parse(await page.inputValue("[data-testid=policy-text]")).plans, "the editor shows the policy");
  assert(await page.isVisible("[data-testid=compiler-status]"), "the header says the compiler is loaded");
  await shot(page, "policy-editor-opened");
});

test("policy_edit_makes_a_new_snapshot_and_the_page_loads_it", async (t) => {
  await api("POST", "/reset");
  const page = await open(t, "?product=zendesk-sell&plan=professional&user=mia.novak");
  await workerAgrees(page);
  const before = await snapshotHead("zendesk-sell");
  const stats0 = await isolate();
  eq(await page.locator("[data-testid=act-export]").count(), 0, "no Export for Mia by default (ZS-5)");
  eq((await api("GET", "/export?product=zendesk-sell&type=lead", { user: "mia.novak" })).status, 403, "the worker refuses Mia's export");
  await page.click("[data-testid=policy-open]");
  const ta = page.locator("[data-testid=policy-text]");
  await ta.waitFor();
  const text = await ta.inputValue();
  const edited = text.replace(/("export_for_all":\s*\{[^}]*"default":\s*)false/, "$1true");
  assert(edited !== text, "the preset declares export_for_all");
  await ta.fill(edited);
  await page.waitForFunction(() => /in force in the page and in the worker \(snapshot v/.test(document.querySelector("[data-testid=policy-status]").textContent), null, { timeout: 10000 });
  await ready(page);
  // The worker compiled once and published a new snapshot; the page loaded exactly that one.
  const after = await snapshotHead("zendesk-sell");
  eq(after.version, before.version + 1, "snapshot version after the edit");
  assert(after.etag !== before.etag, "new bytes, new ETag");
  const mine = await page.evaluate(() => ({ ...window.accordDemo.S.snapshot, from: window.accordDemo.S.tenantFrom }));
  eq([`"${mine.sha256}"`, mine.version, mine.from], [after.etag, after.version, "snapshot"], "the page answers from the worker's new snapshot");
  // And the answers changed, in the page and in the worker.
  eq(await page.locator("[data-testid=act-export]").count(), 1, "Export appears in the page");
  eq(await page.evaluate(() => window.accordDemo.S.tenant.check("mia.novak", "export", { type: "lead" }).code), "allowed", "the page's check");
  eq((await api("GET", "/export?product=zendesk-sell&type=lead", { user: "mia.novak" })).status, 200, "the worker exports too");
  const stats1 = await isolate();
  eq(stats1.id, stats0.id, "one isolate throughout");
  eq(stats1.compiles - stats0.compiles, 1, "the worker compiled once, for the edit");
  eq(stats1.loads - stats0.loads, 1, "and loaded the new snapshot once");
});

test("worker_loads_each_snapshot_once_and_never_compiles_per_request", async (t) => {
  await api("POST", "/reset");
  await api("GET", "/state?product=zendesk-sell"); // creates the account: seeds D1, compiles once
  const lead = (await api("GET", "/list?product=zendesk-sell&type=lead", { user: "bruno.costa" })).body.ids[0]; // loads it
  const s0 = await isolate();
  for (const user of ["bruno.costa", "mia.novak", "ana.ribeiro", "marc.dubois"]) {
    eq((await api("GET", "/visible?product=zendesk-sell&type=lead", { user })).status, 200, "visible");
    eq((await api("GET", "/total?product=zendesk-sell&type=deal&field=amount&groupBy=stage", { user })).status, 200, "total");
    eq((await api("GET", "/list?product=zendesk-sell&type=deal&action=update", { user })).status, 200, "list");
    const act = await api("POST", "/act?product=zendesk-sell", { user, body: { action: "communicate", type: "lead", id: lead } });
    assert(act.status === 200 || (act.status === 403 && act.body.code !== "allowed"), `act: ${act.status} ${JSON.stringify(act.body)}`);
  }
  const s1 = await isolate();
  eq(s1.id, s0.id, "one isolate throughout");
  eq([s1.compiles, s1.loads], [s0.compiles, s0.loads], "16 requests: no compile, no load");
  assert(s1.cacheHits - s0.cacheHits >= 16, `answered from the loaded tenant: ${s1.cacheHits - s0.cacheHits} cache hits`);
  // A change of the directory (the plan) compiles once; the next request loads it once.
  const v0 = (await snapshotHead("zendesk-sell")).version;
  eq((await api("POST", "/account?product=zendesk-sell", { body: { plan: "growth" } })).status, 200, "plan change");
  const s2 = await isolate();
  eq([s2.compiles - s1.compiles, s2.loads - s1.loads], [1, 0], "the change compiled once, loaded nothing yet");
  eq((await snapshotHead("zendesk-sell")).version, v0 + 1, "new snapshot version");
  for (let i = 0; i < 3; i++) eq((await api("GET", "/visible?product=zendesk-sell&type=lead", { user: "bruno.costa" })).body.count, 0, "Bruno sees nothing on Growth (ZS-1)");
  const s3 = await isolate();
  eq([s3.compiles - s2.compiles, s3.loads - s2.loads], [0, 1], "three requests later: one load, no compile");
  // A policy the compiler refuses changes nothing: the same snapshot stays in force.
  const bad = await fetch(`${BASE}/api/policy?product=zendesk-sell`, { method: "PUT", body: JSON.stringify({ plans: 7 }) });
  eq(bad.status, 400, "a broken policy is refused");
  eq((await snapshotHead("zendesk-sell")).version, v0 + 1, "the snapshot in force is unchanged");
});

test("worker_sql_on_d1_equals_page_filter_and_total_for_every_user", async (t) => {
  await api("POST", "/reset");
  const actionsChecked = {};
  for (const product of ["zendesk-sell", "crm", "slack", "sales-ops"]) {
    const page = await open(t, `?product=${product}`);
    // The page's answers: filter for every user, type and record action, from the snapshot it loaded.
    const mine = await page.evaluate(() => {
      const S = window.accordDemo.S;
      const out = { users: S.directory.users.map((u) => u.id), lists: {}, totals: {} };
      for (const [type, records] of Object.entries(S.records)) {
        const actions = S.description.types.find((x) => x.name === type).actions;
        for (const action of actions) for (const u of out.users) out.lists[`${type}|${action}|${u}`] = S.tenant.filter(u, action, records).map((r) => r.id);
        if (records.some((r) => typeof r.amount === "number" && "stage" in r)) {
          for (const u of out.users) {
            out.totals[`${type}|${u}|stage`] = S.tenant.total(u, records, "amount", { groupBy: "stage" });
            out.totals[`${type}|${u}`] = S.tenant.total(u, records, "amount");
          }
        }
      }
      return out;
    });
    // The worker's: the same questions as SQL on D1.
    const keys = Object.keys(mine.lists);
    const strict = { some: 0, none: 0 };
    for (let i = 0; i < keys.length; i += 16) {
      await Promise.all(
        keys.slice(i, i + 16).map(async (key) => {
          const [type, action, user] = key.split("|");
          const res = await api("GET", `/list?product=${product}&type=${type}&action=${action}`, { user });
          eq(res.status, 200, `${product} list ${key}`);
          eq(res.body.ids, mine.lists[key], `${product}: the worker's SQL list of ${key} equals the page's filter`);
          if (res.body.ids.length === 0) strict.none++;
          else strict.some++;
        }),
      );
    }
    actionsChecked[product] = keys.length;
    assert(strict.some > 0 && strict.none > 0, `${product}: some questions allow records and some allow none (${JSON.stringify(strict)})`);
    for (const [key, total] of Object.entries(mine.totals)) {
      const [type, user, by] = key.split("|");
      const res = await api("GET", `/total?product=${product}&type=${type}&field=amount${by ? "&groupBy=stage" : ""}`, { user });
      const norm = (x) => ({ total: x.total, count: x.count, groups: x.groups ? Object.entries(x.groups).sort() : undefined });
      eq(norm(res.body), norm(total), `${product}: the worker's SQL total of ${key} equals the page's total()`);
    }
    await page.close();
  }
  // The filter is real: a CRM member sees exactly the leads she created (CS-5).
  const st = (await api("GET", "/state?product=crm")).body;
  const created = st.records.lead.filter((r) => r.creatorId === "mia.novak").map((r) => r.id);
  eq((await api("GET", "/list?product=crm&type=lead", { user: "mia.novak" })).body.ids, created, "Mia's leads from D1");
  assert(created.length > 0 && created.length < st.records.lead.length, "Mia created some leads, not all");
  console.log(`     lists compared: ${JSON.stringify(actionsChecked)}`);
});

// The code of docs/edge.md (Node and Deno), run as written.
edgeDocs(test, { assert, eq, ROOT });

// ------------------------------------------------------------------ run
// DEMO_TESTS=regex runs only the tests whose names match.
const only = process.env.DEMO_TESTS ? new RegExp(process.env.DEMO_TESTS) : null;
let passed = 0;
let failed = 0;
for (const tc of tests.filter((x) => !only || only.test(x.name))) {
  const t = { errors: [], pages: [], refusals: false, requests: [], cleanup: [] };
  const t0 = Date.now();
  try {
    await tc.fn(t);
    if (t.errors.length) throw new Failure(t.errors.join("\n    "));
    passed++;
    console.log(`ok   ${tc.name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${tc.name} (${Date.now() - t0} ms)\n    ${e instanceof Failure ? e.message : e.stack}`);
    if (t.errors.length && !(e instanceof Failure && e.message.startsWith("console"))) console.log(`    also: ${t.errors.join("\n    ")}`);
  } finally {
    for (const p of t.pages) await p.close().catch(() => {});
    for (const stop of t.cleanup) stop();
  }
}
await browser.close();
console.log(`screenshots: ${SHOTS}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
