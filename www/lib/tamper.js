// The tamper check: take a control the page hid (or greyed), send its request to the worker
// anyway, and compare the worker's refusal with the code the page computed. Also exposed as
// `accordDemo.force(action, type, id)` for the browser console.
import { h, fill, codeBadge } from "./ui.js";
import { call } from "./api.js";

let last = null;

/** Forces one request. Returns { client, worker, same }. */
export async function force(action, type, id, S = window.accordDemo.S) {
  const record = id == null ? { type } : S.records[type]?.find((r) => r.id === id);
  if (!record) throw new Error(`no ${type} ${id}`);
  const client = S.tenant.check(S.user, action, record);
  const res =
    action === "export" && id == null
      ? await call("GET", `/export?product=${S.product}&type=${type}`, { user: S.user, summary: (s, b) => (s === 403 ? `tamper refused: ${b.code}` : "tamper: exported?!") })
      : await call("POST", `/act?product=${S.product}`, {
          user: S.user,
          body: { action, type, id: id ?? null, to: S.user },
          summary: (s, b) => (s === 403 ? `tamper refused: ${b.code}` : `tamper ${s}: ${b.code ?? "ok"}`),
        });
  const worker = { status: res.status, code: res.ok ? "allowed" : res.body.code, message: res.body.message ?? "", rule: res.body.rule ?? null };
  return { action, type, id, client, worker, same: client.code === worker.code && res.status === (client.allowed ? 200 : 403) };
}

export function renderTamper(root, S) {
  const cands = S.hidden.slice(0, 40);
  const sel = h(
    "select",
    { "data-testid": "tamper-select", "aria-label": "Hidden control to force" },
    cands.map((c, i) => h("option", { value: String(i) }, `${c.title}${c.record.id ? ` · ${c.record.id}` : ""} (${c.decision.code})`)),
  );
  const out = h("div.tamper-out", { "data-testid": "tamper-out" }, last && last.product === S.product ? outcome(last.r) : null);
  const btn = h(
    "button.danger",
    {
      "data-testid": "tamper-go",
      disabled: !cands.length,
      onclick: async () => {
        const c = cands[Number(sel.value)];
        const r = await force(c.action, c.record.type, c.record.id ?? null, S);
        last = { product: S.product, r };
        out.replaceChildren(outcome(r));
      },
    },
    "Force it",
  );
  fill(root, 
    h("h3", {}, "Tamper test"),
    h(
      "p.muted.small",
      {},
      "Pick a control the page hid or greyed for this user and send its request anyway, as an attacker would from the console ",
      h("code", {}, "accordDemo.force(action, type, id)"),
      ". The worker must refuse it with the code the page computed.",
    ),
    cands.length ? h("div.tamper-row", {}, sel, btn) : h("p.muted.small", {}, "Nothing is hidden from this user here."),
    out,
  );
}

function outcome(r) {
  return h(
    `div.tamper-result.${r.same ? "ok" : "bad"}`,
    {},
    h("div", {}, "Page (wasm) computed: ", codeBadge(r.client.code)),
    h("div", {}, `Worker answered ${r.worker.status}: `, codeBadge(r.worker.code)),
    h("div.small", {}, r.worker.message),
    h("div", { "data-testid": "tamper-verdict" }, r.same ? "✓ same decision: the request was refused at the edge" : "✗ the worker disagreed"),
  );
}
