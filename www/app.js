// The demo page: loads the lean `accord/runtime` entry (no policy compiler), fetches the
// product's data from the worker and the tenant snapshot the worker compiled
// (`/api/snapshot`: the bytes of `tenant.save()`), loads it with `Tenant.load`, and renders the
// product's view from accord's answers. The full module (the compiler) is imported only when
// the policy editor is opened (lib/policy-panel.js). Nothing here decides a permission: every
// shown/hidden control, list, total and bulk result comes from `tenant.check / filter /
// total / bulk`.
import init, { Tenant } from "./pkg/runtime/accord.js";
import { PRODUCT_INFO, label } from "./shared/products.js";
import { h, fill, toast, planLabel, closePopover, initials, useDescription, roleLabelOf } from "./lib/ui.js";
import { call, mountLog } from "./lib/api.js";
import { renderRecords, preselectZs9 } from "./lib/records-view.js";
import { renderReport } from "./lib/report.js";
import { renderSlack } from "./lib/slack-view.js";
import { renderBoard } from "./lib/board-view.js";
import { mountPolicy, refreshPolicy } from "./lib/policy-panel.js";
import { renderTamper, force } from "./lib/tamper.js";

const $ = (id) => document.getElementById(id);

/** The page's whole state; views read it and call its helpers. */
export const S = {
  product: "zendesk-sell",
  info: PRODUCT_INFO["zendesk-sell"],
  user: "",
  policyVersion: 0,
  snapshot: null, // { version, sha256, size } of the snapshot the tenant was loaded from
  tenant: null,
  directory: null,
  records: {},
  users: new Map(),
  tab: {},
  hidden: [],
  view: {},
  userName: (id) => (id == null ? "Unassigned" : S.users.get(id)?.name ?? id),
  dataVersion: 0,
  rerender: () => render(),
  act,
  merge,
  loadSnapshot,
};

// ------------------------------------------------------------------ loading
async function boot() {
  const t0 = performance.now();
  await init();
  S.runtimeMs = performance.now() - t0;
  status();
  mountLog($("log"));
  const q = new URLSearchParams(location.search);
  const product = PRODUCT_INFO[q.get("product")] ? q.get("product") : "zendesk-sell";
  fillProducts();
  $("product").addEventListener("change", (e) => loadProduct(e.target.value));
  $("plan").addEventListener("change", (e) => setAccount({ plan: e.target.value }));
  $("user").addEventListener("change", (e) => setUser(e.target.value));
  $("reset").addEventListener("click", resetDemo);
  renderScenarios();
  await loadProduct(product, { user: q.get("user"), plan: q.get("plan") });
  window.accordDemo = { S, force, ready: true };
}

/**
 * Loads the tenant from the worker's snapshot `snap` ({ version, sha256 }): the bytes by
 * digest (an immutable URL the browser may cache), then `Tenant.load`. False when the worker
 * has replaced that snapshot meanwhile (the caller reads the state again).
 */
async function loadSnapshot(product, snap) {
  const t0 = performance.now();
  const res = await fetch(`/api/snapshot?product=${encodeURIComponent(product)}&v=${snap.sha256}`);
  if (res.status === 404) return false;
  if (!res.ok) throw new Error(`GET /api/snapshot: HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const t1 = performance.now();
  S.tenant = Tenant.load(bytes);
  S.snapshot = { ...snap, size: bytes.length, fetchMs: t1 - t0, loadMs: performance.now() - t1 };
  S.tenantFrom = "snapshot";
  // Plan, role, type and setting labels, each type's actions and states: from the snapshot
  // too (the page has no Engine to describe the policy).
  S.description = S.tenant.describe();
  useDescription(S.description);
  return true;
}

/** The header's status line: which accord module the page runs and what it loaded. */
function status() {
  const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
  const snap = S.snapshot;
  fill(
    $("status"),
    h("span.dot.ok"),
    h("span", { "data-testid": "runtime-status" }, `accord/runtime in ${S.runtimeMs.toFixed(0)} ms`),
    snap ? h("span", { "data-testid": "snapshot-status", title: `SHA-256 ${snap.sha256}` }, ` · snapshot v${snap.version} (${kb(snap.size)}) loaded in ${snap.loadMs.toFixed(1)} ms`) : null,
    S.full ? h("span", { "data-testid": "compiler-status" }, " · compiler loaded (policy editor)") : null,
  );
}
S.status = status;

function fillProducts() {
  $("product").replaceChildren(...Object.entries(PRODUCT_INFO).map(([k, v]) => h("option", { value: k }, v.label)));
}

async function loadProduct(product, { user, plan, attempt = 0 } = {}) {
  busy(true);
  closePopover();
  const res = await call("GET", `/state?product=${product}`, { quiet: true });
  if (!res.ok) {
    toast(`Could not load ${product}: ${res.body.message}`, "err");
    busy(false);
    return;
  }
  const st = res.body;
  if (!(await loadSnapshot(product, st.snapshot))) {
    // Replaced between the two requests (someone changed the account): start again.
    busy(false);
    if (attempt < 3) return loadProduct(product, { user, plan, attempt: attempt + 1 });
    toast(`Could not load ${product}: its snapshot keeps changing`, "err");
    return;
  }
  S.product = product;
  S.info = PRODUCT_INFO[product];
  S.policyVersion = st.policyVersion;
  S.directory = st.directory;
  S.records = st.records;
  S.users = new Map(st.directory.users.map((u) => [u.id, u]));
  S.view = {};
  const wanted = user && S.users.has(user) ? user : S.users.has(S.info.defaultUser) ? S.info.defaultUser : st.directory.users[0].id;
  S.user = wanted;
  $("product").value = product;
  if (plan && plan !== S.directory.plan && S.description.plans.some((p) => p.name === plan)) await setAccount({ plan }, { silent: true });
  fillControls();
  await mountPolicy($("policy"), S);
  render();
  status();
  busy(false);
}

function fillControls() {
  $("plan").replaceChildren(...S.description.plans.map((p) => h("option", { value: p.name }, p.label)));
  $("plan").value = S.directory.plan;
  const groups = [
    [1, "VP"],
    [2, "Directors"],
    [3, "Team leads & analysts"],
    [4, "Account executives"],
    [0, "Other organisations"],
  ];
  $("user").replaceChildren(
    ...groups
      .map(([lvl, name]) => {
        const us = S.directory.users.filter((u) => (u.level ?? 0) === lvl);
        if (!us.length) return null;
        return h(
          "optgroup",
          { label: name },
          us.map((u) => h("option", { value: u.id }, `${u.name} · ${roleLabel(u.role)}${u.systemRoles ? ` + ${u.systemRoles.map(roleLabel).join(", ")}` : ""}`)),
        );
      })
      .filter(Boolean),
  );
  $("user").value = S.user;
  $("settings").replaceChildren(
    ...S.description.settings.map(({ name, label: text, default: def }) => {
      const on = S.directory.settings?.[name] ?? def;
      const box = h("input", { type: "checkbox", checked: on, dataset: { testid: `setting-${name}` } });
      box.addEventListener("change", () => setAccount({ settings: { ...S.directory.settings, [name]: box.checked } }));
      return h("label.setting", { title: `Account setting ${name}` }, box, text);
    }),
  );
}

export function roleLabel(role) {
  return roleLabelOf(role);
}

// The upgrade hint: what the next plan adds for this user, asked as if the account were on it
// (check/permitted with { plan }), over the type-level actions of every record type.
function upsell() {
  const plans = S.description.plans;
  const at = plans.findIndex((p) => p.name === S.directory.plan);
  const next = plans[at + 1];
  if (!next) return null;
  const adds = [];
  for (const t of S.description.types) {
    if (t.parents) continue;
    const now = new Set(S.tenant.permitted(S.user, { type: t.name }));
    for (const a of S.tenant.permitted(S.user, { type: t.name }, { plan: next.name })) {
      if (!now.has(a)) adds.push(S.tenant.check(S.user, a, { type: t.name }, { plan: next.name }).message.replace(/^You may /, "").replace(/\.$/, ""));
    }
  }
  if (!adds.length) return null;
  return h("span.upsell", { "data-testid": "upsell", title: adds.join("\n") }, `${next.label} adds for you: ${adds.slice(0, 3).join(", ")}${adds.length > 3 ? ` and ${adds.length - 3} more` : ""}`);
}

function renderWho() {
  const u = S.users.get(S.user);
  if (!u) return $("who").replaceChildren();
  const reports = S.directory.users.filter((x) => x.managerId === u.id).length;
  fill($("who"), 
    h("span.avatar", {}, initials(u.name)),
    h(
      "span",
      {},
      h("b", {}, u.name),
      ` · ${u.title ?? ""} · role `,
      h("code", {}, u.role),
      u.systemRoles ? [" + ", ...u.systemRoles.map((r) => h("code", {}, r))] : null,
      u.managerId ? ` · reports to ${S.userName(u.managerId)}` : "",
      reports ? ` · ${reports} direct report${reports > 1 ? "s" : ""}` : "",
      u.org && u.org !== S.directory.org ? h("span.ext", {}, ` external: ${u.org}`) : null,
      u.outOfOffice ? h("span.ext", {}, " out of office") : null,
    ),
    h("span.plan-side", {}, h("span.plan-badge", { "data-testid": "plan-badge" }, `${S.info.label} · ${planLabel(S.directory.plan)} plan`), upsell()),
  );
}


// ------------------------------------------------------------------ rendering
function render() {
  closePopover();
  S.hidden = [];
  renderWho();
  const view = $("view");
  view.dataset.product = S.product;
  if (S.info.view === "records") renderRecords(view, S);
  else if (S.info.view === "slack") renderSlack(view, S);
  else renderBoard(view, S);
  renderReport($("report"), S);
  renderTamper($("tamper"), S);
  refreshPolicy(S);
}

function busy(on) {
  document.body.dataset.ready = on ? "0" : "1";
}

async function setUser(id) {
  S.user = id;
  $("user").value = id;
  render();
}

/**
 * Changes plan or settings: the worker compiles the account anew and stores its snapshot;
 * the page loads that snapshot (it never compiles).
 */
async function setAccount(change, { silent } = {}) {
  busy(true);
  const res = await call("POST", `/account?product=${S.product}`, {
    body: change,
    summary: (s, b) => (s === 200 ? `plan ${planLabel(b.plan)}` : b.code),
  });
  if (!res.ok) {
    toast(res.body.message, "err");
    $("plan").value = S.directory.plan;
    busy(false);
    return;
  }
  // The worker compiled the account anew: load its new snapshot (no compiling here).
  await loadSnapshot(S.product, res.body.snapshot);
  S.directory = { ...S.directory, plan: res.body.plan, settings: res.body.settings };
  status();
  $("plan").value = S.directory.plan;
  if (!silent) render();
  busy(false);
}

/** Applies a worker answer's changes to the page's copy of the records. */
export function merge({ changed = [], removed = [], created = [] }) {
  S.dataVersion++;
  for (const r of changed) {
    const list = S.records[r.type];
    const i = list.findIndex((x) => x.id === r.id);
    if (i >= 0) list[i] = r;
  }
  for (const id of removed) {
    for (const list of Object.values(S.records)) {
      const i = list.findIndex((x) => x.id === id);
      if (i >= 0) list.splice(i, 1);
    }
  }
  for (const r of created) S.records[r.type].unshift(r);
}

/**
 * Sends one action to the worker. The page only offers it when accord allowed it; the worker
 * asks accord again and applies it, or refuses with the decision's code.
 */
async function act(action, type, record, extra = {}) {
  const res = await call("POST", `/act?product=${S.product}`, {
    user: S.user,
    body: { action, type, id: record?.id ?? null, ...extra },
    summary: (s, b) => (s === 200 ? `${action}${record ? ` ${record.id}` : ""}: ${b.note}` : `${b.code}: ${b.message}`),
  });
  if (res.ok) {
    merge(res.body);
    toast(res.body.note, "ok");
    render();
  } else {
    toast(`Refused by the worker: ${res.body.message}`, "err");
  }
  return res;
}

async function resetDemo() {
  await call("POST", "/reset", { summary: () => "data regenerated" });
  await loadProduct(S.product, { user: S.user });
  toast("Demo data regenerated.", "ok");
}

// ------------------------------------------------------------------ guided scenarios
const SCENARIOS = [
  {
    id: "zs9",
    label: "ZS-9 bulk reassign",
    product: "zendesk-sell",
    plan: "professional",
    user: "bruno.costa",
    story:
      "Bruno (custom role “Sales rep”) may view every lead his manager Marc may view, but reassign only his own and his team's. 20 leads are selected: press “Reassign” and the worker applies the 10 that qualify and refuses the other 10, with reasons.",
    after: () => preselectZs9(S),
  },
  {
    id: "zs1",
    label: "ZS-1 plan gating",
    product: "zendesk-sell",
    plan: "growth",
    user: "bruno.costa",
    story:
      "On Growth there is no user hierarchy and no custom roles: Bruno's “Sales rep” role gives nothing until the account upgrades, so his controls are greyed with “Upgrade to Professional”. Switch the plan back to Professional.",
  },
  {
    id: "zs11",
    label: "ZS-11 own totals",
    product: "zendesk-sell",
    plan: "professional",
    user: "mia.novak",
    story: "Mia has Limited access: the Total sales card sums only the deals she may view. Switch to Ana (admin) to see the whole company's.",
  },
  {
    id: "cs5",
    label: "CS-5 member vs owner",
    product: "crm",
    plan: "standard",
    user: "mia.novak",
    story: "A Member sees only the leads, opportunities and cases she created; the Owner (Ana) sees all of them and configures the app.",
  },
  {
    id: "se6",
    label: "SE-6 Sales tab",
    product: "slack",
    plan: "business_plus",
    user: "ana.ribeiro",
    story: "Only Sales Admins see the Sales tab. Ana holds it by default as primary owner; Bruno holds the system role; other members do not see the tab at all.",
  },
  {
    id: "se5",
    label: "SE-5 upgrade hint",
    product: "slack",
    plan: "pro",
    user: "ana.ribeiro",
    story: "The Sales Admin role exists only on Business+ and Enterprise Grid: on Pro the Sales tab is greyed with “Upgrade to Business+”.",
  },
  {
    id: "so4",
    label: "SO-4 out of office",
    product: "sales-ops",
    plan: "standard",
    user: "tom.becker",
    story: "Tom may pick up unassigned requests and work his own; Omar is out of office, so any Sales Ops member may move Omar's requests forward.",
  },
];

function renderScenarios() {
  $("scenarios").replaceChildren(
    h("span.try", {}, "Try:"),
    ...SCENARIOS.map((sc) => h("button.chip", { dataset: { testid: `scenario-${sc.id}` }, onclick: () => runScenario(sc) }, sc.label)),
  );
}

async function runScenario(sc) {
  await loadProduct(sc.product, { user: sc.user, plan: sc.plan });
  if (S.directory.plan !== sc.plan) await setAccount({ plan: sc.plan });
  $("story").hidden = false;
  $("story").replaceChildren(h("b", {}, `${sc.label}: `), sc.story, h("button.pop-close", { onclick: () => ($("story").hidden = true), "aria-label": "Close" }, "×"));
  if (sc.after) sc.after();
  render();
  $("story").scrollIntoView({ block: "nearest" });
}

boot().catch((e) => {
  console.error(e);
  $("status").replaceChildren(h("span.dot.err"), `failed to start: ${e.message}`);
});
