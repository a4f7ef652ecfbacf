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

/** A policy document (see docs/policy.md). */
export interface Policy {
  name?: string;
  description?: string;
  plans: string[];
  customRolePlan?: string;
  settings?: { [name: string]: { default?: boolean; plan?: PlanRequirement; label?: string; seed?: string } };
  implies?: { [action: string]: string | string[] };
  types: { [name: string]: RecordType };
  roles?: { [name: string]: Role };
  systemRoles?: { [name: string]: SystemRole };
  rules?: Rule[];
}

export interface User {
  id: string;
  role: string;
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

export interface Decision {
  allowed: boolean;
  code: ReasonCode;
  /** A sentence a UI can show as it is. */
  message: string;
  /** The id of the rule that decided, or null. */
  rule: string | null;
  /** The lowest plan that would allow it, present only when the plan is what denies. */
  upgradeTo?: string;
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

export class Engine {
  constructor(policy: Policy | string);
  readonly warnings: ErrorDetail[];
  readonly plans: string[];
  tenant(directory: Directory | string): Tenant;
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

export class Tenant {
  private constructor();
  can<R extends AccordRecord>(userId: string, action: string, resource: R): boolean;
  check<R extends AccordRecord>(userId: string, action: string, resource: R): Decision;
  permitted<R extends AccordRecord>(userId: string, resource: R): string[];
  filter<R extends AccordRecord>(userId: string, action: string, records: readonly R[]): R[];
  total<R extends AccordRecord>(userId: string, records: readonly R[], field: (keyof R & string) | (string & {}), options?: { groupBy?: (keyof R & string) | (string & {}) }): TotalResult;
  bulk<R extends AccordRecord>(userId: string, action: string, records: readonly R[], options?: { to?: string }): BulkResult<R["id"] & (string | number)>;
  /** The question as SQL over records of `type` kept in PostgreSQL, SQLite or D1 (see docs/sql.md). */
  sql(userId: string, action: string, type: string, options: SqlOptions): SqlResult;
}

export type PresetName = "zendesk-sell" | "crm" | "slack" | "sales-ops";

/** Each preset as a function returning a fresh, editable policy object. */
export const presets: { readonly [name in PresetName]: () => Policy };

/** Loads the wasm module (browsers, bundlers): await it before the first use. */
export default function init(input?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module | { module_or_path: RequestInfo | URL | Response | BufferSource | WebAssembly.Module }): Promise<void>;

/** Loads the wasm module synchronously. */
export function initSync(module: BufferSource | WebAssembly.Module | { module: BufferSource | WebAssembly.Module }): void;
