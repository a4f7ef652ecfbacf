// The page under test, shared by the server render (Node) and the browser (bundled): three
// providers (a tenant and a user id as props, a store switched from outside React, a user
// handle) over the same panel of <Can>, useCan, useCheck and usePermitted.
import { StrictMode, createElement as h, memo, useEffect, useMemo, useState } from "react";
import { AccordProvider, Can, createAccordStore, useAccord, useCan, useCheck, usePermitted } from "accord/react";

export const LEADS = [
  { type: "lead", id: "L1", ownerId: "r1" },
  { type: "lead", id: "L2", ownerId: "sm" },
  { type: "lead", id: "L3", ownerId: "l2" },
];
const DIRECTORY = {
  users: [
    { id: "ad", role: "admin" },
    { id: "sm", role: "limited" },
    { id: "r1", role: "rep", managerId: "sm" },
    { id: "l2", role: "limited" },
  ],
};

/** The tenants a test switches between: two plans of one policy, and a stricter policy. */
export function scenario({ Engine, presets }) {
  const zs = new Engine(presets["zendesk-sell"]());
  const strict = presets["zendesk-sell"]();
  strict.rules = [...(strict.rules ?? []), { id: "no-deletes", effect: "deny", actions: ["delete"], types: ["lead"] }];
  return {
    pro: zs.tenant({ ...DIRECTORY, plan: "professional" }),
    team: zs.tenant({ ...DIRECTORY, plan: "team" }),
    strict: new Engine(strict).tenant({ ...DIRECTORY, plan: "professional" }),
  };
}

/** A `tenant.user(id)` handle: the tenant's own when it has one, else the same shape built here. */
export function userHandle(tenant, id) {
  if (typeof tenant.user === "function") return tenant.user(id);
  return { can: (a, r) => tenant.can(id, a, r), check: (a, r) => tenant.check(id, a, r), permitted: (r) => tenant.permitted(id, r) };
}

/** What the panel must show, asked of the tenant directly (no React): the test's reference. */
export function expected(tenant, user) {
  const rows = LEADS.map((l) => {
    const u = tenant.check(user, "update", l);
    const d = tenant.check(user, "delete", l);
    const r = tenant.can(user, "reassign", l);
    return `${l.id} update:${u.allowed ? "yes" : `no(${u.code}${u.upgradeTo ? `>${u.upgradeTo}` : ""})`} delete:${d.allowed ? "yes" : "no"} reassign:${r ? "yes" : "no"} view:${tenant.can(user, "view", l) ? "yes" : "no"};`;
  });
  const add = tenant.check(user, "add", { type: "lead" });
  return `${rows.join("")}buttons:${tenant.permitted(user, { type: "lead" }).join(",")};add:${add.code};`;
}

function Row({ lead }) {
  const canView = useCan("view", lead);
  return h(
    "li",
    { "data-id": lead.id },
    `${lead.id} `,
    h(Can, { do: "update", on: lead, fallback: (d) => h("span", { className: "why" }, `update:no(${d.code}${d.upgradeTo ? `>${d.upgradeTo}` : ""})`) }, h("button", null, "update:yes")),
    " ",
    h(Can, { do: "delete", on: lead, fallback: "delete:no" }, h("button", null, "delete:yes")),
    " ",
    h(Can, { do: "reassign", on: lead }, (ok) => h("span", null, `reassign:${ok ? "yes" : "no"}`)),
    ` view:${canView ? "yes" : "no"};`,
  );
}

// Memoised: it re-renders only because the provider's value changed, never because a parent did.
const Buttons = memo(function Buttons() {
  const buttons = usePermitted({ type: "lead" });
  const add = useCheck("add", { type: "lead" });
  return h("p", { className: "buttons" }, `buttons:${buttons.join(",")};add:${add ? add.code : "none"};`);
});

// Local state and a mount count: a remount would reset the one and grow the other.
function Keeper({ name }) {
  const [clicks, setClicks] = useState(0);
  const { handle } = useAccord();
  useEffect(() => {
    globalThis.mounts = (globalThis.mounts ?? 0) + 1;
  }, []);
  return h("button", { className: "keeper", "data-name": name, "data-user": handle ? "yes" : "no", onClick: () => setClicks((c) => c + 1) }, `clicks:${clicks}`);
}

function Panel({ name }) {
  return h(
    "section",
    { id: name },
    h("ul", null, LEADS.map((lead) => h(Row, { key: lead.id, lead }))),
    h(Buttons),
    h(Keeper, { name }),
  );
}

/**
 * The page. `tenants` from `scenario`; `store` is switched from outside React. The buttons at
 * the top switch the tenant and user of the first panel (props) and of the third (a handle).
 */
export function App({ tenants, store, initial = { tenant: "pro", user: "r1" } }) {
  const [which, setWhich] = useState(initial.tenant);
  const [user, setUser] = useState(initial.user);
  const handle = useMemo(() => userHandle(tenants[which], user), [tenants, which, user]);
  return h(
    StrictMode,
    null,
    h(
      "nav",
      null,
      ["ad", "sm", "r1", "l2"].map((u) => h("button", { key: u, id: `user-${u}`, onClick: () => setUser(u) }, u)),
      Object.keys(tenants).map((t) => h("button", { key: t, id: `tenant-${t}`, onClick: () => setWhich(t) }, t)),
    ),
    h(AccordProvider, { tenant: tenants[which], user }, h(Panel, { name: "props" })),
    h(AccordProvider, { store }, h(Panel, { name: "store" })),
    h(AccordProvider, { user: handle }, h(Panel, { name: "handle" })),
  );
}

export { createAccordStore };
