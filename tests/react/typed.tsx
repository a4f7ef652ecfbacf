// accord/react under `tsc --strict`, its types resolved through the package's exports map:
// it must compile, and each `@ts-expect-error` line must be an error.
import { useMemo } from "react";
import { Engine, definePolicy, presets, type Decision } from "accord";
import { AccordProvider, Can, createAccordStore, useAccord, useCan, useCheck, usePermitted, type UserHandle } from "accord/react";

const policy = definePolicy({ plans: ["team"], types: { lead: { actions: ["view", "update"] } }, roles: { rep: { rules: [{ actions: "view", types: "lead" }] } } });
const typed = new Engine(policy).tenant({ plan: "team", users: [{ id: "u1", role: "rep" }] });
const untyped = new Engine(presets.crm()).tenant({ plan: "standard", users: [] });
const lead = { type: "lead", id: "L1", ownerId: "u1" } as const;

function Row() {
  const ok: boolean = useCan("view", lead);
  const why: Decision | null = useCheck("update", lead);
  const actions: string[] = usePermitted({ type: "lead" });
  const snapshot = useAccord();
  const { tenant, user, handle } = snapshot;
  const n = useMemo(() => handle?.filter?.("view", [lead]).length ?? 0, [snapshot]);
  const id: string | UserHandle | null = user;
  console.log(tenant?.can("u1", "view", lead), handle?.can("view", lead), n, id);
  return (
    <li>
      {ok ? "yes" : why?.message} {actions.join(",")}
      <Can do="update" on={lead} fallback={(d) => <span title={d?.message}>{d?.upgradeTo ?? "no"}</span>}>
        <button>Edit</button>
      </Can>
      <Can do="view" on={lead}>{(allowed) => (allowed ? "view" : "hidden")}</Can>
      <Can do="add" on={{ type: "lead" }} fallback="no">
        add
      </Can>
    </li>
  );
}

const handle: UserHandle = { can: () => true, check: (a) => ({ allowed: true, code: "allowed", message: a, rule: null, reasons: [] }), permitted: () => [] };
const store = createAccordStore(typed, "u1");
store.set(untyped, "u2");
store.setUser(handle);
store.setUser(typed.user("u1"));
store.set(typed, typed.user("u1"));
export const pages = [
  <AccordProvider tenant={typed} user="u1"><Row /></AccordProvider>,
  <AccordProvider tenant={untyped} user={null}><Row /></AccordProvider>,
  <AccordProvider tenant={null} user={null}><Row /></AccordProvider>,
  <AccordProvider user={handle}><Row /></AccordProvider>,
  <AccordProvider store={store}><Row /></AccordProvider>,
  // A handle of a tenant typed by its policy.
  <AccordProvider user={typed.user("u1")}><Row /></AccordProvider>,
  // @ts-expect-error a user id needs its tenant
  <AccordProvider user="u1"><Row /></AccordProvider>,
  // @ts-expect-error a handle needs no tenant
  <AccordProvider tenant={typed} user={handle}><Row /></AccordProvider>,
  // @ts-expect-error a store comes alone
  <AccordProvider store={store} tenant={typed} user="u1"><Row /></AccordProvider>,
  // @ts-expect-error <Can> needs an action
  <Can on={lead}>x</Can>,
  // @ts-expect-error a record needs a type
  <Can do="view" on={{ id: "L1" }}>x</Can>,
  // @ts-expect-error the action is a string
  <Can do={42} on={lead}>x</Can>,
];
// @ts-expect-error a handle answers can(action, resource)
const notAHandle: UserHandle = { can: (user: string, action: string) => true, check: () => null, permitted: () => [] };
console.log(notAHandle);
