// The side card: "Total sales" (ZS-11) from `tenant.total(user, deals, "amount", { groupBy:
// "stage" })`, a bar per stage. For products without a sales report, a short summary of what
// accord decides there.
import { h, fill, money, int, showWhy, planLabel, typeInfo } from "./ui.js";
import { label } from "../shared/products.js";

export function renderReport(root, S) {
  const rep = S.info.report;
  if (!rep) return renderSummary(root, S);
  const records = S.records[rep.type] ?? [];
  const t0 = performance.now();
  const t = S.tenant.total(S.user, records, rep.field, { groupBy: rep.groupBy });
  const ms = performance.now() - t0;
  const groups = t.groups ?? {};
  const keys = [...rep.order.filter((k) => k in groups), ...Object.keys(groups).filter((k) => !rep.order.includes(k))];
  const max = Math.max(1, ...keys.map((k) => groups[k].total));
  let why = null;
  let reason = null;
  if (t.count === 0) {
    const d = S.tenant.check(S.user, "view", { type: rep.type });
    why = h("button.why", { "data-testid": "report-why" }, "why?");
    why.addEventListener("click", () => showWhy(why, [{ title: `View ${rep.type}s`, decision: d }]));
    reason = h("p.reason", {}, d.message, d.code === "plan_required" ? [" ", h("span.upgrade", {}, `Upgrade to ${planLabel(d.upgradeTo)}`)] : null);
  }
  fill(root, 
    h("h3", {}, rep.label, h("span.seed", {}, rep.seed)),
    h("div.big", { "data-testid": "total" }, money(t.total)),
    h(
      "p.muted.small",
      {},
      `${int(t.count)} of ${int(records.length)} ${rep.type === "deal" ? "deals" : "opportunities"} that ${S.userName(S.user)} may view, by stage · `,
      h("code", {}, "total()"),
      ` ${ms.toFixed(1)} ms`,
      why ? [" · ", why] : null,
    ),
    keys.length
      ? h(
          "div.bars",
          { "data-testid": "bars" },
          keys.map((k) =>
            h(
              "div.bar-row",
              { dataset: { stage: k } },
              h("span.bar-label", {}, label(k)),
              h("span.bar-track", {}, h(`span.bar.b-${k}`, { style: `width:${Math.max(1.5, (groups[k].total / max) * 100).toFixed(1)}%` })),
              h("span.bar-value", {}, money(groups[k].total), h("span.muted", {}, ` · ${groups[k].count}`)),
            ),
          ),
        )
      : reason ?? h("p.muted", {}, "No data you may view."),
  );
}

/** Slack and Sales Ops: what the user may do at the workspace / board level, at a glance. */
function renderSummary(root, S) {
  const type = S.info.view === "slack" ? "workspace" : "access_request";
  const acts = typeInfo(type).typeActions;
  const rows = acts.map((a) => [a, S.tenant.check(S.user, a, { type })]);
  fill(root, 
    h("h3", {}, S.info.view === "slack" ? "Workspace permissions" : "What you may start"),
    h("p.muted.small", {}, `${S.userName(S.user)} on ${planLabel(S.directory.plan)}: `, h("code", {}, `check(user, action, { type: "${type}" })`)),
    h(
      "ul.perm-list",
      { "data-testid": "perm-list" },
      rows.map(([a, d]) => {
        const li = h(
          `li.${d.allowed ? "yes" : d.code === "plan_required" ? "gated" : "no"}`,
          { dataset: { action: a } },
          h("span.mark", {}, d.allowed ? "✓" : d.code === "plan_required" ? "⇡" : "✕"),
          h("span", {}, label(a)),
          d.code === "plan_required" ? h("span.upgrade", {}, `Upgrade to ${planLabel(d.upgradeTo)}`) : null,
        );
        li.addEventListener("click", () => showWhy(li, [{ title: label(a), decision: d }], label(a)));
        li.title = d.message;
        return li;
      }),
    ),
  );
}
