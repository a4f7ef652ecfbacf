// Types of the public API of accord (see API.md). No `any` in the public surface.

/** A JSON value as policies, directories and records hold them. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A plan window: the lowest plan that allows, and optionally the highest. */
export type PlanRequirement = string | { min?: string; max?: string };

/** An operand of a condition: a literal, a record field, an attribute of the user (or of the user a field names). */
export type Operand = string | number | boolean | null | { record: string } | { user: string; of?: string };

/** A rule condition: data, never code. */
export type Condition =
  | boolean
  | { eq: [Operand, Operand] }
  | { in: [Operand, Array<string | number | boolean | null>] }
  | { not: Condition }
  | { and: Condition[] }
  | { or: Condition[] };

export type Scope = "all" | "own" | "created" | "subordinates" | "team" | "manager" | "assignee" | "org" | "granted";

export interface Rule {
  id?: string;
  seed?: string;
  effect?: "allow" | "deny";
  actions: string | string[];
  types?: string | string[];
  scope?: Scope;
  plan?: PlanRequirement;
  setting?: string;
  external?: boolean;
  when?: Condition;
  explain?: string;
  note?: string;
}

export interface Role {
  label?: string;
  inherits?: string | string[];
  plan?: PlanRequirement;
  custom?: boolean;
  rules?: Rule[];
  seed?: string;
}

export interface SystemRole {
  label?: string;
  plan?: PlanRequirement;
  defaultFor?: string | string[];
  rules?: Rule[];
  seed?: string;
}

export interface RecordType {
  label?: string;
  actions?: string[];
  typeActions?: string[];
  parents?: string[];
  follows?: { [childAction: string]: string };
  states?: string[];
  transitions?: { [action: string]: { from?: string | string[]; to?: string; seed?: string } };
  seed?: string;
}

/** A policy document (see docs/policy.md and schema/policy.schema.json). */
export interface Policy {
  /** Keys starting with `$` are ignored by the engine: `$schema`, `$comment`, … */
  [key: `$${string}`]: unknown;
  name?: string;
  description?: string;
  plans: string[];
  /** How a plan is named in messages, by plan (`{ business_plus: "Business+" }`); else "the business plus plan". */
  planLabels?: { [plan: string]: string };
  customRolePlan?: string;
  settings?: { [name: string]: { default?: boolean; plan?: PlanRequirement; label?: string; seed?: string } };
  implies?: { [action: string]: string | string[] };
  /** How an action reads in a decision's message, by action name (`"add_member": "add a member to"`). */
  phrases?: { [name: string]: string };
  types: { [name: string]: RecordType };
  roles?: { [name: string]: Role };
  systemRoles?: { [name: string]: SystemRole };
  rules?: Rule[];
}

export interface User {
  id: string;
  role: string;
  /** How messages name this user ("Lead L7 belongs to Elias Costa, …"); the id when absent. */
  name?: string | null;
  managerId?: string | null;
  teams?: string[];
  org?: string;
  systemRoles?: string[];
  outOfOffice?: boolean;
  /** Records an admin shared with this user, by type (ZS-3). */
  grants?: { [type: string]: string[] };
  [attribute: string]: JsonValue | undefined;
}

/** One account or workspace: its plan, settings and users. */
export interface Directory {
  plan: string;
  org?: string;
  settings?: { [name: string]: boolean };
  users: User[];
}

/**
 * A record; only the fields rules read matter, the rest pass through untouched. The methods
 * are generic over the caller's own record types, so `interface Lead { type: "lead"; id: string;
 * amount: number }` is accepted as it is and `filter` returns `Lead[]`.
 */
export interface AccordRecord {
  type: string;
  id?: string | number;
  ownerId?: string;
  creatorId?: string;
  assigneeId?: string | null;
  teamId?: string;
  state?: string;
  orgs?: string[];
  parent?: AccordRecord;
}

export type ReasonCode =
  | "allowed"
  | "no_permission"
  | "out_of_scope"
  | "plan_required"
  | "setting_disabled"
  | "external_org"
  | "invalid_state"
  | "condition_failed"
  | "forbidden"
  | "unknown_user";

/** One check a refused question fails, in words. */
export interface Reason {
  code: Exclude<ReasonCode, "allowed">;
  /** A sentence a UI can show as it is. */
  message: string;
}

export interface Decision {
  allowed: boolean;
  code: ReasonCode;
  /** A sentence a UI can show as it is. */
  message: string;
  /** The id of the rule that decided, or null. */
  rule: string | null;
  /** The lowest plan that would allow it, present only when the plan is what denies. */
  upgradeTo?: string;
  /**
   * Every check the deciding rule fails, most fundamental first: `external_org`, then
   * `no_permission`, `out_of_scope`, `invalid_state`, `condition_failed`, `setting_disabled`,
   * then `plan_required`. The first is `code` and `message`; absent when allowed.
   */
  reasons?: Reason[];
}

export interface Denial<Id> {
  id: Id;
  code: ReasonCode;
  message: string;
}

export interface BulkResult<Id = string | number> {
  allowed: Id[];
  denied: Denial<Id>[];
}

export interface GroupTotal {
  total: number;
  count: number;
}

export interface TotalResult {
  total: number;
  count: number;
  groups?: { [value: string]: GroupTotal };
}

export interface ErrorDetail {
  code: string;
  message: string;
  path: string;
}

/** Every failure of accord. */
export class AccordError extends Error {
  readonly name: "AccordError";
  /** Stable snake_case code, e.g. `unknown_role`. */
  readonly code: string;
  /** JSON pointer into the offending input, e.g. `/users/17/managerId`. */
  readonly path: string;
  /** Every problem found (validation reports all at once); the first is this error. */
  readonly errors: ErrorDetail[];
}

declare const policyTypes: unique symbol;

/**
 * A policy whose names TypeScript knows, as `definePolicy` returns it. The brand exists only in
 * the types (`definePolicy` returns its argument unchanged): it selects the typed overload of
 * `new Engine`, so a policy written as a literal without `definePolicy` stays untyped, as before.
 */
export type TypedPolicy<P extends Policy = Policy> = P & { readonly [policyTypes]: P };

/** The names in a string-or-list field (`"view"` or `["view", "update"]`). */
type NamesIn<L> = L extends string ? L : L extends readonly (infer E extends string)[] ? E : never;

/** The record types a policy declares (`string` for an untyped policy). */
export type TypeName<P extends Policy = Policy> = keyof P["types"] & string;

/** The plans a policy declares (`string` for an untyped policy). */
export type PlanName<P extends Policy = Policy> = NamesIn<P["plans"]>;

/**
 * The actions declared on record type `T` (`actions` and `typeActions`), or on any type when
 * `T` is left out: what `can`, `check`, `filter` and `bulk` accept for a record of that type
 * (`string` for an untyped policy).
 */
export type ActionOf<P extends Policy = Policy, T extends string = TypeName<P>> = T extends keyof P["types"]
  ? P["types"][T] extends { actions?: infer A; typeActions?: infer B } ? NamesIn<A> | NamesIn<B> : never
  : never;

/** A record whose `type` (and its parent's) is one the policy declares. */
export type RecordOf<P extends Policy = Policy> = AccordRecord & { type: TypeName<P>; parent?: RecordOf<P> };

/**
 * Returns `policy` unchanged, typed: with it, `new Engine(definePolicy({...}))` gives an engine
 * whose tenants accept only declared record types and the actions declared on each, so a
 * misspelt action (`"veiw"`) or type is a compile error. Write the policy inline (or as a
 * `const` object) so its names keep their literal types.
 */
export function definePolicy<const P extends Policy>(policy: P): TypedPolicy<P>;

/** A compiled policy. `P` is the policy's type when it came from `definePolicy`, else `Policy`. */
export class Engine<P extends Policy = Policy> {
  constructor(policy: TypedPolicy<P>);
  constructor(policy: Policy | string);
  readonly warnings: ErrorDetail[];
  readonly plans: string[];
  /** The policy as a UI reads it (labels included), without parsing the policy document. */
  describe(): PolicyDescription;
  tenant(directory: Directory | string): Tenant<P>;
}

/** A name with the label messages use: the policy's own, else the name with `_` as spaces. */
export interface Labelled {
  name: string;
  label: string;
}

/** What `engine.describe()` returns. */
export interface PolicyDescription {
  /** Lowest first. */
  plans: Labelled[];
  roles: (Labelled & { system: boolean })[];
  /** `actions` are done on one record, `typeActions` on the type as a whole; `parents` only for a child type, `states` only with a workflow. */
  types: (Labelled & { actions: string[]; typeActions: string[]; parents?: string[]; states?: string[] })[];
  settings: (Labelled & { default: boolean })[];
}

/** Where one record field lives in SQL: an expression (used as given) and the one JSON type it holds. */
export type SqlColumn = string | { sql: string; type?: "text" | "number" | "boolean" | "list" };

export interface SqlOptions {
  /** `"postgres"` (`$1…` placeholders) or `"sqlite"` (`?`; the same SQL runs on Cloudflare D1). */
  dialect: "postgres" | "sqlite";
  /** Record field name (`ownerId`, `parent.ownerId`, `orgs`, …) → SQL column. */
  columns: { [field: string]: SqlColumn };
  /** PostgreSQL: the first placeholder is `$(paramOffset + 1)`. */
  paramOffset?: number;
}

/** A parameter: text, a number, a boolean (PostgreSQL), or a list of strings (a PostgreSQL `text[]`). */
export type SqlParam = string | number | boolean | string[];

export interface SqlResult {
  /** A boolean SQL expression, never NULL, to put after `WHERE`. */
  where: string;
  /** Its parameters, in placeholder order. */
  params: SqlParam[];
}

/** A record field a plan reads: `ownerId`, or `parent.ownerId` for a child type (ZS-6). */
export type PlanField = string;

/** A plan's predicate over one record (docs/plans.md). */
export type PlanPredicate =
  | { eq: [PlanField, string | number | boolean] }
  | { null: PlanField }
  | { in: [PlanField, number] }
  | { overlaps: [PlanField, number] }
  | { not: PlanPredicate }
  | { and: PlanPredicate[] }
  | { or: PlanPredicate[] };

interface PlanHead {
  user: string;
  action: string;
  type: string;
}

/** What remains of (user, action, type) once the user is known (docs/plans.md). */
export type Plan =
  | (PlanHead & { kind: "always"; rule: string })
  | (PlanHead & { kind: "never"; code: ReasonCode; message: string; rule: string | null; upgradeTo?: string })
  | (PlanHead & { kind: "where"; where: PlanPredicate; sets: string[][] });

/** Options of `check` and `permitted`: answer as if the account were on `plan` (`unknown_plan` if it is not one). */
export interface WhatIf<P extends Policy = Policy> {
  plan?: PlanName<P>;
}

/** One signed-in user: the tenant's questions without the user argument. */
export class UserHandle<P extends Policy = Policy> {
  private constructor();
  readonly id: string;
  can<R extends RecordOf<P>>(action: ActionOf<P, R["type"]>, resource: R): boolean;
  check<R extends RecordOf<P>>(action: ActionOf<P, R["type"]>, resource: R, options?: WhatIf<P>): Decision;
  permitted<R extends RecordOf<P>>(resource: R, options?: WhatIf<P>): ActionOf<P, R["type"]>[];
  filter<R extends RecordOf<P>>(action: ActionOf<P, R["type"]>, records: readonly R[]): R[];
  total<R extends RecordOf<P>>(records: readonly R[], field: (keyof R & string) | (string & {}), options?: { groupBy?: (keyof R & string) | (string & {}) }): TotalResult;
  bulk<R extends RecordOf<P>>(action: ActionOf<P, R["type"]>, records: readonly R[], options?: { to?: string }): BulkResult<R["id"] & (string | number)>;
  plan<T extends TypeName<P>>(action: ActionOf<P, T>, type: T): Plan;
  /** The question as SQL over records of `type` kept in PostgreSQL, SQLite or D1 (docs/sql.md). */
  sql<T extends TypeName<P>>(action: ActionOf<P, T>, type: T, options: SqlOptions): SqlResult;
}

/** A compiled account. With a typed policy (`P`), actions and record types are checked by TypeScript. */
export class Tenant<P extends Policy = Policy> {
  private constructor();
  /**
   * A tenant from the bytes `save()` wrote, answering every question as the saved one did
   * (no policy compiler needed: `accord/runtime` has this too). Throws `AccordError`
   * `invalid_snapshot` (not a whole, unaltered snapshot) or `snapshot_version` (another format).
   */
  static load<P extends Policy = Policy>(bytes: ArrayBufferLike | ArrayBufferView): Tenant<P>;
  /** The compiled policy and directory as bytes for `Tenant.load`: compile once, load anywhere. */
  save(): Uint8Array;
  /** The tenant's policy as a UI reads it (what `engine.describe()` gives): also on a tenant loaded with `accord/runtime`. */
  describe(): PolicyDescription;
  /** A handle bound to one user; each (action, type) compiles once into a plan run in JavaScript. */
  user(userId: string): UserHandle<P>;
  /** What remains of (userId, action, type) once the user is known. */
  plan<T extends TypeName<P>>(userId: string, action: ActionOf<P, T>, type: T): Plan;
  /**
   * The ids of the users who may do `action` on `resource`, sorted as JavaScript sorts strings
   * (a "Reassign to…" picker, who may approve an invite). Computed by inverting each rule's
   * scope, then checking each candidate: exactly the users for whom `can` is true.
   */
  who<R extends RecordOf<P>>(action: ActionOf<P, R["type"]>, resource: R): string[];
  can<R extends RecordOf<P>>(userId: string, action: ActionOf<P, R["type"]>, resource: R): boolean;
  /** The decision; with `{ plan }`, as if the account were on that plan (an upgrade preview). */
  check<R extends RecordOf<P>>(userId: string, action: ActionOf<P, R["type"]>, resource: R, options?: WhatIf<P>): Decision;
  /** The actions `userId` may do, sorted; with `{ plan }`, as if the account were on that plan. */
  permitted<R extends RecordOf<P>>(userId: string, resource: R, options?: WhatIf<P>): ActionOf<P, R["type"]>[];
  filter<R extends RecordOf<P>>(userId: string, action: ActionOf<P, R["type"]>, records: readonly R[]): R[];
  total<R extends RecordOf<P>>(userId: string, records: readonly R[], field: (keyof R & string) | (string & {}), options?: { groupBy?: (keyof R & string) | (string & {}) }): TotalResult;
  bulk<R extends RecordOf<P>>(userId: string, action: ActionOf<P, R["type"]>, records: readonly R[], options?: { to?: string }): BulkResult<R["id"] & (string | number)>;
  /** The question as SQL over records of `type` kept in PostgreSQL, SQLite or D1 (docs/sql.md). */
  sql<T extends TypeName<P>>(userId: string, action: ActionOf<P, T>, type: T, options: SqlOptions): SqlResult;
}

export type PresetName = "zendesk-sell" | "crm" | "slack" | "sales-ops";

/** Each preset as a function returning a fresh, editable policy object. */
export const presets: { readonly [name in PresetName]: () => Policy };

// Loading. The types below are declared here rather than taken from the DOM lib (`Response`,
// `BufferSource`, `WebAssembly.Module`), so the package compiles in Node, workerd and Deno
// projects whose `lib` has no DOM.

/** A compiled `WebAssembly.Module` (opaque here; any real one is accepted). */
export type WasmModule = object;

/** The bytes of the wasm module. */
export type WasmBytes = ArrayBuffer | ArrayBufferView;

/** The parts of a fetch `Response` that loading reads. */
export interface WasmResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Where `init` finds the wasm module: a URL (string or `URL`), a `Response` (or a promise of one), its bytes, or a compiled module. */
export type WasmSource = string | { readonly href: string } | WasmResponse | PromiseLike<WasmResponse> | WasmBytes | WasmModule;

/**
 * Loads the wasm module (browsers and bundlers): await it before the first use. Without an
 * argument it fetches `accord_wasm_bg.wasm` next to the package's code. Idempotent; concurrent
 * calls share one load. Rejects with an `AccordError` (`load_failed`) naming the URL and what
 * came back instead. Resolves at once where the runtime entry already loaded the module (Node,
 * Deno, workerd, edge).
 */
export default function init(input?: WasmSource | { module_or_path: WasmSource }): Promise<void>;

/** Loads the wasm module synchronously from its bytes or a compiled module; throws `AccordError` (`load_failed`). */
export function initSync(module: WasmBytes | WasmModule | { module: WasmBytes | WasmModule }): void;
