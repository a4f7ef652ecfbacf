// Types of accord/react: a provider, hooks and <Can> over a tenant or a tenant.user(id) handle.
import type { ReactNode } from "react";
import type { AccordRecord, BulkResult, Decision, Policy, Tenant, TotalResult, UserHandle as TenantUserHandle } from "./accord.js";

/** What a handle bound to one user answers: a tenant's questions without the user argument (`tenant.user(id)`). */
export interface UserHandle {
  can(action: string, resource: AccordRecord): boolean;
  check(action: string, resource: AccordRecord): Decision;
  permitted(resource: AccordRecord): string[];
  filter?<R extends AccordRecord>(action: string, records: readonly R[]): R[];
  total?<R extends AccordRecord>(records: readonly R[], field: string, options?: { groupBy?: string }): TotalResult;
  bulk?<R extends AccordRecord>(action: string, records: readonly R[], options?: { to?: string }): BulkResult<R["id"] & (string | number)>;
}

/** A `tenant.user(id)` handle (of a tenant typed by its policy `P`, or not), or an object answering as one. */
export type AccordHandle<P extends Policy = Policy> = UserHandle | TenantUserHandle<P>;

/** What the components below a provider see; a new object whenever the tenant or the user changes (a `useMemo` dependency). */
export interface AccordSnapshot {
  readonly tenant: Tenant | null;
  /** The user id, or the handle the provider was given. */
  readonly user: string | AccordHandle<any> | null;
  /** The handle bound to the user, or null while there is no tenant or no user. */
  readonly handle: UserHandle | null;
}

/** Holds the tenant and the user for code outside React; `set` re-renders the components below `<AccordProvider store>`. */
export interface AccordStore {
  get(): AccordSnapshot;
  set<P extends Policy = Policy>(tenant: Tenant<P> | null, user: string | AccordHandle<P> | null): void;
  setTenant<P extends Policy = Policy>(tenant: Tenant<P> | null): void;
  setUser<P extends Policy = Policy>(user: string | AccordHandle<P> | null): void;
  subscribe(listener: () => void): () => void;
}

export function createAccordStore<P extends Policy = Policy>(tenant?: Tenant<P> | null, user?: string | AccordHandle<P> | null): AccordStore;

export type AccordProviderProps<P extends Policy = Policy> = { children?: ReactNode } & (
  | { /** The account. */ tenant: Tenant<P> | null; /** The signed-in user's id. */ user: string | null; store?: never }
  | { tenant?: never; /** A handle from `tenant.user(id)`. */ user: AccordHandle<P> | null; store?: never }
  | { tenant?: never; user?: never; /** A store from `createAccordStore`, switched from outside React. */ store: AccordStore }
);

/** Makes a tenant and a user available to the hooks and `<Can>` below it. */
export function AccordProvider<P extends Policy = Policy>(props: AccordProviderProps<P>): ReactNode;

/** The current snapshot: tenant, user, handle. Throws outside an `<AccordProvider>`. */
export function useAccord(): AccordSnapshot;
/** Whether the current user may do `action` on `resource`; false while there is no tenant or user. */
export function useCan(action: string, resource: AccordRecord): boolean;
/** The decision, with its reason; null while there is no tenant or user. */
export function useCheck(action: string, resource: AccordRecord): Decision | null;
/** The actions the current user may do on `resource`, sorted; empty while there is no tenant or user. */
export function usePermitted(resource: AccordRecord): string[];

export interface CanProps {
  /** The action, e.g. `"update"`. */
  do: string;
  /** The record, or `{ type }` for a type-level action. */
  on: AccordRecord;
  /** Shown when the user may not: a node, or a function of the decision (null while there is no tenant or user). */
  fallback?: ReactNode | ((decision: Decision | null) => ReactNode);
  /** Shown when the user may; or a function of the answer, called either way. */
  children?: ReactNode | ((allowed: boolean) => ReactNode);
}

/** `<Can do="update" on={record} fallback={…}>…</Can>`. */
export function Can(props: CanProps): ReactNode;
