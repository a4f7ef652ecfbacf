// The Sales Ops board: access-request cards in their state's column, each offering only the
// transitions accord allows (SO-1, SO-3, SO-4); "New request" per SO-5.
import { h, fill, controls, whyLink, initials, typeInfo } from "./ui.js";
import { label } from "../shared/products.js";

export function renderBoard(root, S) {
  const type = "access_request";
  const def = typeInfo(type);
  const states = def.states ?? [];
  const acts = def.actions ?? [];
  const list = S.records[type] ?? [];
  const top = controls(S.tenant, S.user, [["create", { type }, "New access request"]], () =>
    S.act("create", type, null, { name: `Onboarding: new hire of ${S.userName(S.user)} — Salesforce` }),
  );
  top.hidden.forEach((x) => S.hidden.push(x));
  const ops = S.directory.users.filter((u) => u.role === "sales_ops");
  fill(root, 
    h("div.view-head", {}, h("h2", {}, S.info.label), h("p.muted", {}, S.info.tagline)),
    h(
      "div.toolbar",
      {},
      h("div.tools", {}, top.nodes, whyLink(top.hidden)),
      h(
        "div.team",
        {},
        "Sales Ops: ",
        ops.map((u) => h(`span.person${u.outOfOffice ? ".ooo" : ""}`, { title: u.outOfOffice ? `${u.name} is out of office` : u.name }, initials(u.name), u.outOfOffice ? " (out of office)" : "")),
      ),
    ),
    h(
      "div.board",
      { "data-testid": "board" },
      states.map((st) => {
        const cards = list.filter((r) => r.state === st);
        return h(
          "section.col",
          { dataset: { state: st } },
          h("h3", {}, label(st), h("span.n", {}, String(cards.length))),
          cards.map((r) => {
            const c = controls(S.tenant, S.user, acts.map((a) => [a, r, label(a)]), (a) => S.act(a, type, r), { small: true });
            c.hidden.forEach((x) => S.hidden.push(x));
            const assignee = r.assigneeId ? S.users.get(r.assigneeId) : null;
            return h(
              "article.card-ar",
              { dataset: { id: r.id, testid: "ar", permitted: c.nodes.filter((n) => n.tagName === "BUTTON").map((n) => n.dataset.action).join(" ") } },
              h("div.ar-id", {}, r.id),
              h("div.ar-title", {}, r.title),
              h(
                "div.muted.small",
                {},
                assignee ? ["Assignee: ", h("b", {}, assignee.name), assignee.outOfOffice ? h("span.tagx.warn", {}, "out of office") : null] : "Unassigned",
              ),
              r.holdReason ? h("div.hold", {}, `On hold: ${r.holdReason}`) : null,
              h("div.item-actions", {}, c.nodes, whyLink(c.hidden)),
            );
          }),
        );
      }),
    ),
  );
}
