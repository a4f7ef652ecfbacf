"use client";
// accord/react: a provider, hooks and <Can> over a tenant (or a tenant.user(id) handle). It
// asks the tenant the caller passes and imports nothing of accord itself, so it works with any
// entry (Node, browser, workerd) and never loads a second copy of the wasm module.
//
// What the components see is one immutable snapshot: the tenant, the user and a handle bound
// to that user. The provider builds it from its props, or subscribes to a store
// (useSyncExternalStore) that code outside React switches; either way a new snapshot reaches
// every consumer through context (memoised components included), so they re-render in place,
// with their state, instead of remounting.
import { createContext, createElement, useContext, useMemo, useSyncExternalStore } from "react";

const Context = createContext(null);
Context.displayName = "Accord";

/**
 * A handle bound to one user: the tenant's methods with the user's id, or a handle given alone
 * as it is. A handle given with a tenant (a store switched to another tenant: another plan, a
 * recompiled policy) names the user, and that tenant answers for them.
 */
function bind(tenant, user) {
  if (user !== null && typeof user === "object") {
    if (tenant == null || typeof user.id !== "string") return user; // tenant.user(id)
    user = user.id;
  }
  if (tenant == null || user == null) return null;
  return {
    can: (action, resource) => tenant.can(user, action, resource),
    check: (action, resource) => tenant.check(user, action, resource),
    permitted: (resource) => tenant.permitted(user, resource),
    filter: (action, records) => tenant.filter(user, action, records),
    total: (records, field, options) => tenant.total(user, records, field, options),
    bulk: (action, records, options) => tenant.bulk(user, action, records, options),
  };
}

function snapshot(tenant, user) {
  return Object.freeze({ tenant: tenant ?? null, user: user ?? null, handle: bind(tenant, user) });
}

/**
 * A store holding the tenant and the user, for code outside React: `store.set(tenant, user)`
 * (or `setTenant`, `setUser`) re-renders every component under `<AccordProvider store={store}>`.
 */
export function createAccordStore(tenant = null, user = null) {
  let current = snapshot(tenant, user);
  const listeners = new Set();
  const set = (t, u) => {
    if (t === current.tenant && u === current.user) return;
    current = snapshot(t, u);
    for (const listener of [...listeners]) listener();
  };
  return {
    get: () => current,
    set,
    setTenant: (t) => set(t, current.user),
    setUser: (u) => set(current.tenant, u),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const none = () => () => {};
const nothing = () => null;

/**
 * Makes a tenant and a user available below it. Either `tenant` and `user` (a user id), or
 * `user` alone as a `tenant.user(id)` handle, or `store` (from `createAccordStore`).
 */
export function AccordProvider({ tenant = null, user = null, store = null, children }) {
  const fromStore = useSyncExternalStore(store ? store.subscribe : none, store ? store.get : nothing, store ? store.get : nothing);
  const fromProps = useMemo(() => (store ? null : snapshot(tenant, user)), [store, tenant, user]);
  return createElement(Context.Provider, { value: fromStore ?? fromProps }, children);
}

function use(hook) {
  const s = useContext(Context);
  if (s === null) throw new Error(`accord/react: ${hook} needs an <AccordProvider> above it`);
  return s;
}

/**
 * The current snapshot `{ tenant, user, handle }` (`handle` null until there are a tenant and a
 * user): a new object whenever either changes, so it is a `useMemo` dependency for `filter`,
 * `total` and `bulk` through `handle`.
 */
export function useAccord() {
  return use("useAccord");
}

/** Whether the current user may do `action` on `resource`; false while there is no tenant or user. */
export function useCan(action, resource) {
  const { handle } = use("useCan");
  return handle ? handle.can(action, resource) : false;
}

/** The decision (`{ allowed, code, message, rule, upgradeTo? }`); null while there is no tenant or user. */
export function useCheck(action, resource) {
  const { handle } = use("useCheck");
  return handle ? handle.check(action, resource) : null;
}

/** The actions the current user may do on `resource`, sorted; empty while there is no tenant or user. */
export function usePermitted(resource) {
  const { handle } = use("usePermitted");
  return handle ? handle.permitted(resource) : [];
}

/**
 * `<Can do="update" on={record} fallback={…}>children</Can>`: the children when the current
 * user may, else the fallback (a node, or a function of the decision, e.g. to say why).
 * Children may be a function of the answer: `{(allowed) => …}`.
 */
export function Can({ do: action, on: resource, fallback = null, children = null }) {
  const { handle } = use("<Can>");
  const allowed = handle ? handle.can(action, resource) : false;
  if (typeof children === "function") return children(allowed);
  if (allowed) return children;
  return typeof fallback === "function" ? fallback(handle ? handle.check(action, resource) : null) : fallback;
}
