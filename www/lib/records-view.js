// The CRM view (Zendesk Sell, CRM As A Service): record tabs, the type-level toolbar
// (Add / Import / Export, ZS-8, ZS-5), admin controls, the table filtered by accord (ZS-3,
// ZS-9, CS-5) with per-row buttons, and bulk reassign (ZS-9) previewed in the page and applied
// by the worker.
import { h, fill, controls, whyLink, showWhy, money, int, toast, planLabel, typeInfo } from "./ui.js";
import { label, COLUMN_LABELS } from "../shared/products.js";
import { call } from "./api.js";

const PAGE = 20;

function declared(S, type, kind) {
  return typeInfo(type)[kind] ?? [];
}

/** The view's local state for the current product. */
function state(S) {
  const v = S.view;
  v.tab ??= S.info.tabs[0].type;
  v.page ??= 0;
  v.search ??= "";
  v.selected ??= new Set();
  v.to ??= null;
  v.result ??= null;
  return v;
}

export function renderRecords(root, S) {
  const v = state(S);
  const tab = S.info.tabs.find((t) => t.type === v.tab) ?? S.info.tabs[0];
  const type = tab.type;
  const all = S.records[type] ?? [];

  // Which records may the user see? One call, in wasm.
  const t0 = performance.now();
  let visible;
  let viewDecision = null;
  visible = S.tenant.filter(S.user, "view", all);
  const ms = performance.now() - t0;
  if (!visible.length) viewDecision = S.tenant.check(S.user, "view", { type });

  const q = v.search.trim().toLowerCase();
  if (!v.selected.size) v.onlySelected = false;
  let shown = v.onlySelected ? visible.filter((r) => v.selected.has(r.id)) : visible;
  if (q) shown = shown.filter((r) => `${r.name} ${r.company ?? ""} ${r.id}`.toLowerCase().includes(q));
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  v.page = Math.min(v.page, pages - 1);
  const rows = shown.slice(v.page * PAGE, v.page * PAGE + PAGE);

  const rerender = () => S.rerender();

  // ---- tabs
  const tabs = h(
    "div.tabs",
    { role: "tablist" },
    S.info.tabs.map((t) =>
      h(
        `button.tab${t.type === type ? ".active" : ""}`,
        {
          role: "tab",
          dataset: { testid: `tab-${t.type}` },
          onclick: () => {
            v.tab = t.type;
            v.page = 0;
            v.selected.clear();
            v.result = null;
            rerender();
          },
        },
        t.label,
      ),
    ),
  );

  // ---- type-level toolbar: Add / Import / Export (ZS-8, ZS-5)
  const typeQs = S.info.typeActions
    .filter((a) => declared(S, type, "typeActions").includes(a))
    .map((a) => [a, { type }, `${label(a)} ${tab.label.toLowerCase()}`]);
  const tl = controls(S.tenant, S.user, typeQs, (a) => (a === "export" ? doExport(S, type) : S.act(a, type, null)));
  tl.hidden.forEach((x) => S.hidden.push(x));
  const search = h("input.search", {
    type: "search",
    placeholder: `Search ${tab.label.toLowerCase()}…`,
    value: v.search,
    "aria-label": "Search",
    oninput: (e) => {
      v.search = e.target.value;
      v.page = 0;
      clearTimeout(v.searchTimer);
      v.searchTimer = setTimeout(() => {
        rerender();
        const el = root.querySelector("input.search");
        el?.focus();
        el?.setSelectionRange(el.value.length, el.value.length);
      }, 200);
    },
  });
  // ZS-1: the hierarchy counts only on some plans. Ask accord about a record of a direct report
  // (a hypothetical question) and grey a "team" control when the plan is what denies it.
  const report = S.directory.users.find((u) => u.managerId === S.user);
  let team = null;
  if (report) {
    const d = S.tenant.check(S.user, "view", { type, id: "(a team record)", ownerId: report.id, creatorId: report.id });
    if (d.code === "plan_required") {
      team = h(
        "span.gated",
        { dataset: { testid: "gated-team" }, title: d.message },
        h("button.act", { disabled: true }, `My team's ${tab.label.toLowerCase()}`),
        h("span.upgrade", {}, `Upgrade to ${planLabel(d.upgradeTo)}`),
      );
      team.addEventListener("click", () => showWhy(team, [{ title: `View ${tab.label.toLowerCase()} of ${report.name} (your report)`, decision: d }], "Why greyed?"));
    }
  }
  const toolbar = h("div.toolbar", { "data-testid": "toolbar" }, h("div.tools", {}, tl.nodes, team, whyLink(tl.hidden)), search);

  // ---- admin controls (account / app type)
  const adminType = S.info.admin?.type;
  let admin = null;
  if (adminType) {
    const acts = declared(S, adminType, "typeActions");
    const ad = controls(S.tenant, S.user, acts.map((a) => [a, { type: adminType }, label(a)]), (a) => S.act(a, adminType, null), { small: true });
    ad.hidden.forEach((x) => S.hidden.push(x));
    admin = h(
      "details.admin",
      { open: ad.nodes.length > 0 && window.innerWidth > 700 ? true : null, "data-testid": "admin" },
      h("summary", {}, `${S.info.admin.label}: ${ad.nodes.length} of ${acts.length} available`),
      h("div.admin-actions", {}, ad.nodes, whyLink(ad.hidden, "not available")),
    );
  }

  // ---- bulk bar (ZS-9)
  const bulk = S.info.bulk && declared(S, type, "actions").includes(S.info.bulk.action) ? bulkBar(S, type, v) : null;

  // ---- table
  const cols = tab.columns;
  const rowActs = S.info.rowActions.filter((a) => declared(S, type, "actions").includes(a));
  const pageIds = rows.map((r) => r.id);
  const allOnPage = pageIds.length > 0 && pageIds.every((id) => v.selected.has(id));
  const head = h(
    "div.tr.th",
    {},
    bulk ? h("span.td.sel", {}, h("input", { type: "checkbox", checked: allOnPage, "aria-label": "Select page", onchange: (e) => { pageIds.forEach((id) => (e.target.checked ? v.selected.add(id) : v.selected.delete(id))); v.result = null; rerender(); } })) : null,
    cols.map((c) => h(`span.td.c-${c}`, {}, COLUMN_LABELS[c] ?? label(c))),
    h("span.td.actions", {}, "Actions"),
  );
  const body = rows.map((r) => {
    const q = rowActs.map((a) => [a, r, label(a)]);
    const c = controls(S.tenant, S.user, q, (a, rec, d, btn) => rowAction(S, a, rec, btn), { small: true });
    c.hidden.forEach((x) => S.hidden.push(x));
    const can = new Set(q.map(([a]) => a).filter((a) => c.nodes.some((n) => n.dataset.action === a && n.tagName === "BUTTON")));
    return h(
      `div.tr${v.selected.has(r.id) ? ".selected" : ""}`,
      { dataset: { id: r.id, testid: "row", permitted: [...can].join(" ") } },
      bulk
        ? h(
            "span.td.sel",
            {},
            h("input", {
              type: "checkbox",
              checked: v.selected.has(r.id),
              "aria-label": `Select ${r.id}`,
              onchange: (e) => {
                if (e.target.checked) v.selected.add(r.id);
                else v.selected.delete(r.id);
                v.result = null;
                rerender();
              },
            }),
          )
        : null,
      cols.map((col) => h(`span.td.c-${col}`, { dataset: { label: COLUMN_LABELS[col] ?? col } }, cell(S, r, col))),
      h("span.td.actions", {}, c.nodes, whyLink(c.hidden)),
    );
  });

  const empty = !visible.length
    ? h(
        "div.empty",
        { "data-testid": "empty" },
        h("p", {}, `No ${tab.label.toLowerCase()} for ${S.userName(S.user)}.`),
        viewDecision
          ? h(
              "p",
              {},
              viewDecision.message,
              " ",
              viewDecision.code === "plan_required" ? h("span.upgrade", {}, `Upgrade to ${planLabel(viewDecision.upgradeTo)}`) : null,
              " ",
              viewDecision.rule ? h("code", {}, viewDecision.rule) : null,
            )
          : null,
      )
    : null;

  const worker = h("span.agree", { "data-testid": "agree", title: "The worker's count(*) in D1, WHERE as tenant.sql(user, \"view\", type) wrote it" }, "worker: …");
  const pager = h(
    "div.pager",
    {},
    h("button.ghost", { disabled: v.page === 0, onclick: () => { v.page--; rerender(); }, "aria-label": "Previous page" }, "‹"),
    h("span", {}, shown.length ? `${int(v.page * PAGE + 1)}–${int(v.page * PAGE + rows.length)} of ${int(shown.length)}` : "0"),
    h("button.ghost", { disabled: v.page >= pages - 1, onclick: () => { v.page++; rerender(); }, "aria-label": "Next page" }, "›"),
  );

  fill(root, 
    h(
      "div.view-head",
      {},
      h("h2", {}, S.info.label),
      h("p.muted", {}, S.info.tagline),
    ),
    tabs,
    toolbar,
    admin,
    bulk,
    v.result ? bulkResult(v.result) : null,
    h(
      "div.count",
      { "data-testid": "count" },
      h("b", { "data-testid": "visible-count" }, int(visible.length)),
      ` of ${int(all.length)} ${tab.label.toLowerCase()} visible to ${S.userName(S.user)} · `,
      h("code", {}, `filter(user, "view", ${int(all.length)} records)`),
      ` in ${ms.toFixed(1)} ms · `,
      worker,
    ),
    h("div.table", { role: "table", "data-testid": "table", style: `--cols: ${gridCols(cols, !!bulk)}` }, head, body),
    empty,
    pager,
  );

  // The worker counts the same records in D1, with the same question as SQL: the counts must agree.
  const mine = visible.length;
  const key = [S.product, S.user, type, S.directory.plan, JSON.stringify(S.directory.settings), S.snapshot?.sha256, S.dataVersion, all.length].join("|");
  const show = (count) => {
    const ok = count === mine;
    worker.className = `agree ${ok ? "ok" : "bad"}`;
    worker.textContent = ok ? `worker agrees: ${int(count)} ✓` : `worker says ${int(count)} ✗`;
  };
  if (v.agree?.key === key) show(v.agree.count);
  else
    call("GET", `/visible?product=${S.product}&type=${type}`, { user: S.user, quiet: true }).then((res) => {
      if (!res.ok) return;
      v.agree = { key, count: res.body.count };
      if (worker.isConnected) show(res.body.count);
    });
}

const WIDTH = {
  name: "minmax(0, 1.7fr)",
  company: "minmax(0, 1fr)",
  ownerId: "minmax(0, 1.1fr)",
  creatorId: "minmax(0, 1.1fr)",
  status: "92px",
  stage: "92px",
  amount: "84px",
};

function gridCols(cols, sel) {
  return [sel ? "22px" : null, ...cols.map((c) => WIDTH[c] ?? "minmax(0, 1fr)"), "minmax(366px, 3fr)"].filter(Boolean).join(" ");
}

function cell(S, r, col) {
  const v = r[col];
  if (col === "amount") return v == null ? "" : money(v);
  if (col === "ownerId" || col === "creatorId") return S.userName(v);
  if (col === "status" || col === "stage") return h(`span.pill.p-${v}`, {}, label(v ?? ""));
  if (col === "name") return [h("div.nm", {}, h("span.rid", {}, r.id), " ", v), r.company && r.type !== "deal" && r.type !== "opportunity" ? h("div.sub", {}, r.company) : null];
  return v ?? "";
}

async function rowAction(S, action, rec, btn) {
  if (action === "reassign") return pickOwner(S, rec, btn);
  if (action === "delete" && !confirmDelete(rec)) return;
  if (action === "update") {
    const field = "stage" in rec ? "stage" : "status";
    const order = field === "stage" ? (S.info.report?.order ?? []) : ["new", "working", "qualified", "unqualified"];
    const next = order[(order.indexOf(rec[field]) + 1) % Math.max(1, order.length)] ?? rec[field];
    return S.act("update", rec.type, rec, { patch: { [field]: next } });
  }
  return S.act(action, rec.type, rec);
}

function confirmDelete() {
  return true; // the demo's data can be regenerated with "Reset demo"
}

function pickOwner(S, rec, btn) {
  // Only the people the record may go to: those who may view it once it is theirs (what bulk's
  // { to } checks, so the worker never refuses the pick).
  const receivers = S.directory.users.filter((u) => S.tenant.can(u.id, "view", { ...rec, ownerId: u.id }));
  const sel = h(
    "select",
    { "aria-label": "New owner", "data-testid": "new-owner" },
    receivers.map((u) => h("option", { value: u.id, selected: u.id === rec.ownerId }, u.name)),
  );
  // And who, today, may reassign it themselves (tenant.who): its owner, their managers, admins.
  const may = S.tenant.who("reassign", rec).map((id) => S.userName(id));
  const pop = document.getElementById("popover");
  pop.replaceChildren(
    h("div.pop-head", {}, h("strong", {}, `Reassign ${rec.id}`)),
    h("label.stack", {}, `New owner (${receivers.length} of ${S.directory.users.length} may receive it)`, sel),
    h("p.muted", { "data-testid": "who-may-reassign" }, `May reassign it: ${may.join(", ")}.`),
    h(
      "div.row-end",
      {},
      h("button.ghost", { onclick: () => (pop.hidden = true) }, "Cancel"),
      h("button.primary", { onclick: () => { pop.hidden = true; S.act("reassign", rec.type, rec, { to: sel.value }); } }, "Reassign"),
    ),
  );
  const r = btn.getBoundingClientRect();
  pop.hidden = false;
  pop.style.width = `${Math.min(320, window.innerWidth - 16)}px`;
  pop.style.left = `${Math.max(8, Math.min(window.scrollX + r.left - 150, window.scrollX + window.innerWidth - 330))}px`;
  pop.style.top = `${window.scrollY + r.bottom + 6}px`;
}

async function doExport(S, type) {
  const res = await call("GET", `/export?product=${S.product}&type=${type}`, {
    user: S.user,
    summary: (s, b, r) => (s === 200 ? `exported ${r.headers.get("x-accord-count")} ${type}s (rule ${r.headers.get("x-accord-rule")})` : `${b.code}: ${b.message}`),
  });
  if (res.ok) {
    const blob = new Blob([res.body], { type: "text/csv" });
    const a = h("a", { href: URL.createObjectURL(blob), download: `${S.product}-${type}s.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    toast(`Exported ${res.headers.get("x-accord-count")} ${type}s as CSV.`, "ok");
  } else toast(`Export refused: ${res.body.message}`, "err");
}

// ------------------------------------------------------------------ bulk reassign (ZS-9)
function bulkBar(S, type, v) {
  if (!v.selected.size) {
    return h("div.bulkbar.idle", { "data-testid": "bulkbar" }, "Select rows to reassign them in bulk: only the ones you may reassign will move (ZS-9).");
  }
  const records = [...v.selected].map((id) => S.records[type].find((r) => r.id === id)).filter(Boolean);
  const reports = S.directory.users.filter((u) => u.managerId === S.user);
  v.to ??= reports[0]?.id ?? S.user;
  const to = h(
    "select",
    { "data-testid": "bulk-to", "aria-label": "New owner", onchange: (e) => { v.to = e.target.value; v.result = null; S.rerender(); } },
    S.directory.users.map((u) => h("option", { value: u.id, selected: u.id === v.to }, u.name)),
  );
  // The page's own answer, before asking the worker.
  const preview = S.tenant.bulk(S.user, S.info.bulk.action, records, { to: v.to });
  const go = h(
    "button.primary",
    { "data-testid": "bulk-apply", onclick: () => applyBulk(S, type, v, records, preview) },
    `Reassign ${records.length} selected`,
  );
  return h(
    "div.bulkbar",
    { "data-testid": "bulkbar" },
    h("b", {}, `${records.length} selected`),
    h("label.inline", {}, "to ", to),
    go,
    h("span.preview", { "data-testid": "bulk-preview" }, `accord in this page: ${preview.allowed.length} may move, ${preview.denied.length} refused`),
    h(
      "label.inline.small",
      {},
      h("input", { type: "checkbox", checked: !!v.onlySelected, "data-testid": "only-selected", onchange: (e) => { v.onlySelected = e.target.checked; v.page = 0; S.rerender(); } }),
      " show selected only",
    ),
    h("button.ghost", { onclick: () => { v.selected.clear(); v.result = null; S.rerender(); } }, "Clear"),
  );
}

async function applyBulk(S, type, v, records, preview) {
  const res = await call("POST", `/bulk?product=${S.product}`, {
    user: S.user,
    body: { action: S.info.bulk.action, type, ids: records.map((r) => r.id), to: v.to },
    summary: (s, b) => (s === 200 ? `${b.allowed.length} reassigned, ${b.denied.length} refused` : `${b.code}: ${b.message}`),
  });
  if (!res.ok) {
    toast(res.body.message, "err");
    return;
  }
  const same =
    JSON.stringify(res.body.allowed) === JSON.stringify(preview.allowed) &&
    JSON.stringify(res.body.denied.map((d) => [d.id, d.code])) === JSON.stringify(preview.denied.map((d) => [d.id, d.code]));
  S.merge(res.body);
  v.result = { ...res.body, same, to: S.userName(v.to) };
  v.selected.clear();
  S.rerender();
}

function bulkResult(r) {
  return h(
    "div.bulk-result",
    { "data-testid": "bulk-result" },
    h(
      "div.bulk-head",
      {},
      h("strong", { "data-testid": "bulk-summary" }, `${r.allowed.length} reassigned, ${r.denied.length} refused`),
      h("span.muted", {}, ` → ${r.to}`),
      h(
        `span.agree.${r.same ? "ok" : "bad"}`,
        { "data-testid": "bulk-confirmed" },
        r.same ? "confirmed by the edge worker ✓ (same answer as the page)" : "the worker's answer differs from the page's ✗",
      ),
    ),
    r.denied.length
      ? h(
          "ul.refused",
          {},
          r.denied.map((d) => h("li", { dataset: { id: d.id, testid: "refused" } }, h("code", {}, d.id), " ", h(`span.code.code-${d.code}`, {}, d.code), " ", d.message)),
        )
      : null,
  );
}

/** ZS-9 guided scenario: select 10 leads Bruno may reassign and 10 he may only view. */
export function preselectZs9(S) {
  const v = state(S);
  v.tab = "lead";
  v.page = 0;
  v.search = "";
  v.result = null;
  v.selected = new Set();
  const visible = S.tenant.filter(S.user, "view", S.records.lead);
  const movable = new Set(S.tenant.filter(S.user, "reassign", visible).map((r) => r.id));
  const yes = visible.filter((r) => movable.has(r.id)).slice(0, 10);
  const no = visible.filter((r) => !movable.has(r.id)).slice(0, 10);
  // Interleave them so the selection looks like a person's pick from the list.
  const pick = [...yes, ...no].sort((a, b) => S.records.lead.indexOf(a) - S.records.lead.indexOf(b));
  pick.forEach((r) => v.selected.add(r.id));
  v.onlySelected = true;
  const reports = S.directory.users.filter((u) => u.managerId === S.user);
  v.to = reports[0]?.id ?? S.user;
  toast(`Selected 20 leads: ${yes.length} Bruno may reassign, ${no.length} he may only view.`, "info");
}
