// The Slack view: a workspace sidebar whose "Sales" tab exists only for Sales Admins (SE-6,
// plan-gated by SE-5), Sales Elevate notifications with edit/disable per SE-8 (and SE-9 for
// Slack Connect ones), shared channels with other organisations (SC-*), connected
// organisations (SC-6, SC-9) and workspace administration (SE-3, SE-7, SE-8, SE-10).
import { h, fill, controls, whyLink, planLabel } from "./ui.js";
import { label } from "../shared/products.js";

const ORG_NAMES = { acme: "Acme", globex: "Globex", initech: "Initech", hooli: "Hooli" };

export function renderSlack(root, S) {
  const v = S.view;
  v.pane ??= "home";
  const ws = { type: "workspace" };
  const me = S.users.get(S.user);

  // The Sales tab: a UI element shown or hidden by permission (SE-6).
  const tab = S.tenant.check(S.user, "view_sales_tab", ws);
  if (v.pane === "sales" && !tab.allowed) v.pane = "home";
  const navItem = (pane, text, extra = {}) =>
    h(`button.nav${v.pane === pane ? ".active" : ""}`, { dataset: { testid: `nav-${pane}` }, onclick: () => { v.pane = pane; S.rerender(); }, ...extra }, text);
  const hiddenNav = [];
  let sales;
  if (tab.allowed) sales = navItem("sales", "Sales");
  else if (tab.code === "plan_required") {
    sales = controls(S.tenant, S.user, [["view_sales_tab", ws, "Sales"]], () => {}).nodes[0];
    sales.classList.add("nav-gated");
  } else hiddenNav.push({ title: "Sales tab", decision: tab, action: "view_sales_tab", record: ws });
  hiddenNav.forEach((x) => S.hidden.push(x));

  const sharedChannels = S.records.shared_channel ?? [];
  const sidebar = h(
    "nav.slack-side",
    { "data-testid": "slack-nav" },
    h("div.ws-name", {}, "Acme", h("span.ws-plan", {}, planLabel(S.directory.plan))),
    navItem("home", "Home"),
    sales,
    navItem("connect", "Slack Connect"),
    navItem("admin", "Administration"),
    whyLink(hiddenNav),
    h("div.side-label", {}, "Shared channels"),
    sharedChannels.map((c) =>
      h("div.chan", { title: c.name }, h("span.chan-name", {}, c.name), h("span.ext-orgs", {}, c.orgs.filter((o) => o !== S.directory.org).map((o) => ORG_NAMES[o] ?? o).join(", "))),
    ),
  );

  const pane = v.pane === "sales" ? salesPane(S) : v.pane === "connect" ? connectPane(S) : v.pane === "admin" ? adminPane(S) : homePane(S);
  fill(root, 
    h("div.view-head", {}, h("h2", {}, S.info.label), h("p.muted", {}, S.info.tagline)),
    me?.org && me.org !== S.directory.org
      ? h("p.note", {}, `${me.name} belongs to ${ORG_NAMES[me.org] ?? me.org}, another organisation: only what is open to external members is offered (SC-1, SC-2).`)
      : null,
    h("div.slack", {}, sidebar, h("section.slack-main", { "data-testid": `pane-${v.pane}` }, pane)),
  );
}

function section(title, seed, ...children) {
  return h("div.pane-section", {}, h("h3", {}, title, seed ? h("span.seed", {}, seed) : null), ...children);
}

function homePane(S) {
  const list = S.records.notification ?? [];
  const top = controls(S.tenant, S.user, [["create", { type: "notification" }, "New notification"]], () => S.act("create", "notification", null, { name: `New alert by ${S.userName(S.user)}` }));
  top.hidden.forEach((x) => S.hidden.push(x));
  return section(
    "Sales Elevate notifications",
    "SE-8 · SE-9",
    h("p.muted.small", {}, "Sales users create notifications, edit the ones they created, and may disable (not edit) the ones admins created."),
    h("div.toolbar", {}, h("div.tools", {}, top.nodes, whyLink(top.hidden))),
    h(
      "ul.items",
      { "data-testid": "notifications" },
      list.map((n) => {
        const c = controls(
          S.tenant,
          S.user,
          [["edit", n, "Edit"], ["disable", n, "Disable"]],
          (a) => (a === "edit" ? S.act("edit", "notification", n, { patch: { name: n.name.endsWith(" (edited)") ? n.name : `${n.name} (edited)` } }) : S.act("disable", "notification", n)),
          { small: true },
        );
        c.hidden.forEach((x) => S.hidden.push(x));
        return h(
          `li.item${n.enabled === false ? ".off" : ""}`,
          { dataset: { id: n.id, testid: "notification" } },
          h(
            "div.item-main",
            {},
            h("b", {}, n.name),
            h(
              "div.muted.small",
              {},
              `by ${S.userName(n.creatorId)}`,
              n.createdByAdmin ? h("span.tagx", {}, "admin") : null,
              n.connect ? h("span.tagx.ext", {}, "Slack Connect") : null,
              n.enabled === false ? h("span.tagx", {}, "disabled") : null,
            ),
          ),
          h("div.item-actions", {}, c.nodes, whyLink(c.hidden)),
        );
      }),
    ),
  );
}

function salesPane(S) {
  const ws = { type: "workspace" };
  const c = controls(
    S.tenant,
    S.user,
    [
      ["configure_sales_elevate", ws, "Configure Sales Elevate"],
      ["assign_sales_admin", ws, "Assign Sales Admin"],
      ["set_notification_destinations", ws, "Notification destinations"],
    ],
    (a) => S.act(a, "workspace", null),
  );
  c.hidden.forEach((x) => S.hidden.push(x));
  const admins = S.directory.users.filter((u) => (u.systemRoles ?? []).includes("sales_admin"));
  return section(
    "Sales",
    "SE-4 · SE-6 · SE-10",
    h("p", { "data-testid": "sales-tab-content" }, "The Sales tab: your CRM pipeline inside Slack. Only Sales Admins see it."),
    h("div.toolbar", {}, h("div.tools", {}, c.nodes, whyLink(c.hidden))),
    h("p.muted.small", {}, "Sales Admins by system role: ", admins.map((u) => u.name).join(", ") || "none", " (plus the primary owner by default)."),
    h(
      "div.mini-pipe",
      {},
      [["Incoming", 14], ["Qualified", 9], ["Quote", 6], ["Won", 4]].map(([s, n]) => h("div.mini-col", {}, h("b", {}, n), h("span", {}, s))),
    ),
  );
}

function connectPane(S) {
  const ws = { type: "workspace" };
  const share = controls(S.tenant, S.user, [["share_channel_external", ws, "Share a channel externally"]], (a) => S.act(a, "workspace", null));
  share.hidden.forEach((x) => S.hidden.push(x));
  const channels = (S.records.shared_channel ?? []).map((ch) => {
    const c = controls(
      S.tenant,
      S.user,
      ["add_member", "approve_invite", "disconnect", "archive"].map((a) => [a, ch, label(a)]),
      (a) => S.act(a, "shared_channel", ch),
      { small: true },
    );
    c.hidden.forEach((x) => S.hidden.push(x));
    const others = ch.orgs.filter((o) => o !== S.directory.org).map((o) => ORG_NAMES[o] ?? o);
    return h(
      `li.item${ch.status !== "connected" ? ".off" : ""}`,
      { dataset: { id: ch.id, testid: "channel" } },
      h(
        "div.item-main",
        {},
        h("b", {}, ch.name),
        h(
          "div.muted.small",
          {},
          `Connected with ${others.join(" and ")} (SC-10) · they call it ${ch.theirName} (SC-5) · ${ch.members} members`,
          ch.pendingInvite ? h("span.tagx", {}, "invite pending") : null,
          ch.status !== "connected" ? h("span.tagx", {}, ch.status) : null,
        ),
      ),
      h("div.item-actions", {}, c.nodes, whyLink(c.hidden)),
    );
  });
  const see = S.tenant.check(S.user, "view_connected_orgs", ws);
  let orgs;
  if (see.allowed) {
    orgs = h(
      "ul.items",
      { "data-testid": "orgs" },
      (S.records.external_org ?? []).map((o) => {
        const c = controls(S.tenant, S.user, [["disconnect", o, "Stop sharing"], ["disable_dms", o, "Disable DMs"]], (a) => S.act(a, "external_org", o), { small: true });
        c.hidden.forEach((x) => S.hidden.push(x));
        return h(
          `li.item${o.status !== "connected" ? ".off" : ""}`,
          { dataset: { id: o.id } },
          h("div.item-main", {}, h("b", {}, o.name), h("div.muted.small", {}, `${o.channels} shared channels · DMs ${o.dms ? "open" : "disabled"}`, o.status !== "connected" ? h("span.tagx", {}, o.status) : null)),
          h("div.item-actions", {}, c.nodes, whyLink(c.hidden)),
        );
      }),
    );
  } else {
    const gated = controls(S.tenant, S.user, [["view_connected_orgs", ws, "Connected organisations"]], () => {});
    gated.hidden.forEach((x) => S.hidden.push(x));
    orgs = h("div", {}, gated.nodes, whyLink(gated.hidden, "not available"));
  }
  return [
    section(
      "Shared channels",
      "SC-1 · SC-2 · SC-4 · SC-7",
      h("p.muted.small", {}, "Teams of different organisations share one channel, each from its own workspace."),
      h("div.toolbar", {}, h("div.tools", {}, share.nodes, whyLink(share.hidden))),
      h("ul.items", { "data-testid": "channels" }, channels),
    ),
    section("Connected organisations", "SC-6 · SC-8 · SC-9", orgs),
  ];
}

function adminPane(S) {
  const ws = { type: "workspace" };
  const acts = ["manage_workflow_permissions", "create_workflow", "set_notification_destinations", "toggle_connect_notifications", "assign_sales_admin", "configure_sales_elevate"];
  const c = controls(S.tenant, S.user, acts.map((a) => [a, ws, label(a)]), (a) => S.act(a, "workspace", null));
  c.hidden.forEach((x) => S.hidden.push(x));
  return section(
    "Workspace administration",
    "SE-1 · SE-3 · SE-7 · SE-9",
    h("p.muted.small", {}, "Which admin levels exist depends on the plan (SE-2); workflow creation is open to everyone but guests (SE-7)."),
    h("div.tools.wrap", { "data-testid": "admin-actions" }, c.nodes, whyLink(c.hidden, "not available")),
  );
}
