// The worker's records in D1: one table per record type, one row per record, the account
// (the demo's product) in the key. Every record field is a column of its own, so the SQL
// that `tenant.sql(...)` writes runs on plain columns (and their indexes); `columns(type)` is
// the mapping it needs from the policy's field names to those columns.
//
// A record field absent or null is SQL NULL, read back as an absent field: accord reads both
// the same way, so the page (records from /api/state) and the worker (rows) agree.

/** Field → [column, SQLite type, accord's column type (docs/sql.md)]. */
const FIELDS = {
  name: ["name", "TEXT", "text"],
  company: ["company", "TEXT", "text"],
  ownerId: ["owner_id", "TEXT", "text"],
  creatorId: ["creator_id", "TEXT", "text"],
  teamId: ["team_id", "TEXT", "text"],
  status: ["status", "TEXT", "text"],
  stage: ["stage", "TEXT", "text"],
  source: ["source", "TEXT", "text"],
  amount: ["amount", "INTEGER", "number"],
  createdByAdmin: ["created_by_admin", "INTEGER", "boolean"],
  connect: ["connect", "INTEGER", "boolean"],
  enabled: ["enabled", "INTEGER", "boolean"],
  orgs: ["orgs", "TEXT", "list"],
  theirName: ["their_name", "TEXT", "text"],
  members: ["members", "INTEGER", "number"],
  pendingInvite: ["pending_invite", "INTEGER", "boolean"],
  channels: ["channels", "INTEGER", "number"],
  dms: ["dms", "INTEGER", "boolean"],
  title: ["title", "TEXT", "text"],
  requesterId: ["requester_id", "TEXT", "text"],
  state: ["state", "TEXT", "text"],
  assigneeId: ["assignee_id", "TEXT", "text"],
  holdReason: ["hold_reason", "TEXT", "text"],
};

/** The fields each record type stores (besides `type`, the table, and `id`). */
const TYPES = {
  lead: ["name", "company", "ownerId", "creatorId", "teamId", "status", "source", "amount"],
  deal: ["name", "company", "ownerId", "creatorId", "teamId", "stage", "amount"],
  opportunity: ["name", "company", "ownerId", "creatorId", "stage", "amount"],
  case: ["name", "company", "ownerId", "creatorId", "status"],
  notification: ["name", "creatorId", "createdByAdmin", "connect", "enabled"],
  shared_channel: ["name", "orgs", "theirName", "members", "pendingInvite", "status"],
  external_org: ["name", "channels", "dms", "status"],
  access_request: ["title", "requesterId", "creatorId", "state", "assigneeId", "holdReason"],
};

export const RECORD_TYPES = Object.keys(TYPES);

/** The quoted table name of a record type (`case` is an SQL keyword). */
export function table(type) {
  if (!TYPES[type]) throw new Error(`no table for type \`${type}\``);
  return `"${type}"`;
}

export const hasTable = (type) => Object.hasOwn(TYPES, type);

/** Does `type` store `field` as a number (what a total may sum)? */
export const numeric = (type, field) => hasTable(type) && TYPES[type].includes(field) && FIELDS[field][2] === "number";
/** Does `type` store `field` as a plain column (what a total may group by)? */
export const groupable = (type, field) => hasTable(type) && TYPES[type].includes(field) && FIELDS[field][2] !== "list";
/** The column of a field (after `numeric`/`groupable` said it exists). */
export const column = (field) => FIELDS[field][0];

/**
 * `tenant.sql`'s `columns` for a type: every field the policy may read, to its column. Only
 * the fields a question reads must be there (a missing one is an `unmapped_field` error);
 * mapping all of them keeps a policy edit that reads another field working.
 */
export function columns(type) {
  const out = { id: "id" };
  for (const f of TYPES[type]) {
    const [col, , kind] = FIELDS[f];
    out[f] = kind === "text" ? col : { sql: col, type: kind };
  }
  return out;
}

/** CREATE statements of the accounts table and every record table (idempotent). */
export function schema() {
  const out = [
    // One row per account: its policy and directory (the compiler's inputs, the source of
    // truth) and the snapshot they compile to (where it is stored, its digest, its version).
    `CREATE TABLE IF NOT EXISTS accounts (
      product TEXT PRIMARY KEY,
      policy TEXT NOT NULL,
      directory TEXT NOT NULL,
      policy_version INTEGER NOT NULL,
      version INTEGER NOT NULL,
      snapshot_key TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      size INTEGER NOT NULL,
      next_id INTEGER NOT NULL
    )`,
  ];
  for (const [type, fields] of Object.entries(TYPES)) {
    const cols = fields.map((f) => `${FIELDS[f][0]} ${FIELDS[f][1]}`).join(", ");
    // `pos` keeps the list order the page shows (new records first: negative positions).
    out.push(`CREATE TABLE IF NOT EXISTS ${table(type)} (account TEXT NOT NULL, id TEXT NOT NULL, pos INTEGER NOT NULL, ${cols}, PRIMARY KEY (account, id))`);
    out.push(`CREATE INDEX IF NOT EXISTS "${type}_pos" ON ${table(type)} (account, pos)`);
  }
  return out;
}

/** A record as a row's values, in `TYPES[type]` order: booleans 0/1, lists as JSON text. */
function values(type, rec) {
  return TYPES[type].map((f) => {
    const v = rec[f];
    if (v === undefined || v === null) return null;
    if (FIELDS[f][2] === "boolean") return v ? 1 : 0;
    if (FIELDS[f][2] === "list") return JSON.stringify(v);
    return v;
  });
}

/** A row back as the record the page and accord see. */
export function record(type, row) {
  const rec = { type, id: row.id };
  for (const f of TYPES[type]) {
    const [col, , kind] = FIELDS[f];
    const v = row[col];
    if (v === null || v === undefined) continue;
    rec[f] = kind === "boolean" ? v === 1 : kind === "list" ? JSON.parse(v) : v;
  }
  return rec;
}

/** A record as reading it back from its row gives it (unstored fields and nulls dropped). */
export function stored(rec) {
  const row = { id: rec.id };
  values(rec.type, rec).forEach((v, i) => (row[FIELDS[TYPES[rec.type][i]][0]] = v));
  return record(rec.type, row);
}

const selectList = (type) => ["id", ...TYPES[type].map((f) => FIELDS[f][0])].join(", ");

/** SELECT of the account's records of a type, in list order, filtered by `where` (SQL). */
export function select(type, where = "1") {
  return `SELECT ${selectList(type)} FROM ${table(type)} WHERE account = ? AND ${where} ORDER BY pos`;
}

/**
 * One statement that inserts every record of a list: the records travel as one JSON
 * parameter read with json_each (D1 caps a statement at 100 bound parameters; a JSON array
 * has no such limit). Positions follow the array: `first`, `first + step`, …; new records go
 * before the first one (`step` -1), as the page puts them at the top of its list.
 */
export function insertAll(db, account, type, records, first = 0, step = 1) {
  const fields = TYPES[type];
  const cols = fields.map((f) => FIELDS[f][0]);
  const rows = records.map((r) => [r.id, ...values(type, r)]);
  const picks = fields.map((_, i) => `json_extract(value, '$[${i + 1}]')`);
  return db
    .prepare(`INSERT INTO ${table(type)} (account, id, pos, ${cols.join(", ")}) SELECT ?, json_extract(value, '$[0]'), ? + ? * key, ${picks.join(", ")} FROM json_each(?)`)
    .bind(account, first, step, JSON.stringify(rows));
}

/**
 * UPDATE of one record's stored fields, only where `guard` (SQL with its own parameters)
 * still holds on the row: accord's question for this user and action as SQL, so the write
 * happens only if the row is still one the user may change (nothing changed it meanwhile).
 */
export function update(db, account, rec, guard) {
  const fields = TYPES[rec.type];
  const sets = fields.map((f) => `${FIELDS[f][0]} = ?`).join(", ");
  return db
    .prepare(`UPDATE ${table(rec.type)} SET ${sets} WHERE account = ? AND id = ? AND ${guard.where}`)
    .bind(...values(rec.type, rec), account, rec.id, ...guard.params);
}

/** DELETE of one record, under the same kind of guard as `update`. */
export function remove(db, account, type, id, guard) {
  return db.prepare(`DELETE FROM ${table(type)} WHERE account = ? AND id = ? AND ${guard.where}`).bind(account, id, ...guard.params);
}

/** The position before every record of the account's list of a type. */
export function before(db, account, type) {
  return db.prepare(`SELECT COALESCE(min(pos), 0) - 1 AS pos FROM ${table(type)} WHERE account = ?`).bind(account);
}

/** DELETE of every record of an account (a reset). */
export function clear(db, account) {
  return RECORD_TYPES.map((type) => db.prepare(`DELETE FROM ${table(type)} WHERE account = ?`).bind(account));
}
