// The edge pattern (docs/edge.md): compile when the policy or the directory changes, store the
// bytes, load them once per isolate.
//
//  - compile: the full `accord` entry (`new Engine(policy).tenant(directory)`, then
//    `tenant.save()`), only when an account is created or its policy, plan or settings change;
//  - store: the bytes in KV under a key named after their SHA-256 (a key is written once and
//    never changes, so an eventually consistent read can be missing but never stale), and the
//    account's row in D1 pointing at it with a version number (D1 is consistent: every isolate
//    sees the new version on its next request);
//  - load: `Tenant.load(bytes)` from the lean `accord/runtime` entry, once per isolate and
//    snapshot, kept in a module-level cache keyed by the digest. A request costs one small D1
//    read of the account's row; no request compiles.
//
// The compiler and the runtime are two wasm modules here because this one worker does both
// jobs; a deployment may compile elsewhere (an admin worker, a queue consumer, CI) and ship
// only `accord/runtime` to the isolates that answer.
import { Engine, presets } from "../pkg/workerd.mjs";
import { Tenant, AccordError } from "../pkg/runtime/workerd.mjs";
import { dataset, PRODUCTS } from "../shared/data.js";
import { schema, clear, insertAll } from "./tables.js";

/** A fresh copy of a product's preset policy. */
export const presetPolicy = (product) => presets[product]();

// One error type across both entries (their classes share a brand): `instanceof` holds
// whichever module threw.
export const isAccordError = (e) => e instanceof AccordError;

/** What this isolate did: the demo's tests read it to tell a load from a compile. */
export const isolate = { id: null, compiles: 0, loads: 0, cacheHits: 0, kvMisses: 0 };

/** digest → loaded Tenant, for the snapshots this isolate has loaded (newest last). */
const loaded = new Map();
const KEEP = 8; // snapshots kept loaded per isolate (4 products, and one older each)

const ROW = "product, policy_version, version, snapshot_key, sha256, size";

async function sha256(bytes) {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** An HTTP error the router turns into a JSON answer. */
export function httpError(status, code, message, extra = {}) {
  const e = new Error(message);
  e.http = { status, body: { code, message, ...extra } };
  return e;
}

/**
 * Compiles a policy and a directory into snapshot bytes (labels and the rest of what
 * `describe()` says included). An `AccordError` gets `where` ("policy" or "directory") so the
 * answer says which input to fix.
 */
export function compile(policy, directory) {
  let engine;
  try {
    engine = new Engine(policy);
  } catch (e) {
    if (e instanceof AccordError) e.where = "policy";
    throw e;
  }
  let tenant;
  try {
    tenant = engine.tenant(directory);
  } catch (e) {
    if (e instanceof AccordError) e.where = "directory";
    throw e;
  }
  isolate.compiles++;
  return tenant.save();
}

/** Stores snapshot bytes in KV under their digest; returns { key, sha256, size }. */
async function store(env, product, bytes, version) {
  const digest = await sha256(bytes);
  const key = `snapshot/${product}/${digest}`;
  // The metadata says what the bytes are without reading them (e.g. `wrangler kv key list`).
  await env.SNAPSHOTS.put(key, bytes, { metadata: { product, version, sha256: digest, size: bytes.length } });
  return { key, sha256: digest, size: bytes.length };
}

let schemaReady = null;
/** Creates the tables once per isolate (`CREATE … IF NOT EXISTS`). */
function ensureSchema(env) {
  schemaReady ??= env.DB.batch(schema().map((s) => env.DB.prepare(s))).catch((e) => {
    schemaReady = null;
    throw e;
  });
  return schemaReady;
}

const seeding = new Map();

/**
 * Creates (or recreates) an account: the preset policy and the generated directory and
 * records, compiled and stored, records and account row written in one D1 batch (a
 * transaction). Deterministic data: two isolates racing here write the same rows.
 */
async function seed(env, product) {
  const { directory, records } = dataset(product);
  const policy = presets[product]();
  const bytes = compile(policy, directory);
  const prev = await env.DB.prepare("SELECT version FROM accounts WHERE product = ?").bind(product).first();
  const version = (prev?.version ?? 0) + 1;
  const snap = await store(env, product, bytes, version);
  await env.DB.batch([
    ...clear(env.DB, product),
    ...Object.entries(records).map(([type, list]) => insertAll(env.DB, product, type, list)),
    env.DB.prepare(
      `INSERT OR REPLACE INTO accounts (product, policy, directory, policy_version, version, snapshot_key, sha256, size, next_id)
       VALUES (?, ?, ?, 1, ?, ?, ?, ?, 90001)`,
    ).bind(product, JSON.stringify(policy), JSON.stringify(directory), version, snap.key, snap.sha256, snap.size),
  ]);
}

/** The account's row (the hot path: a few small columns), created on first use. */
export async function account(env, product, columns = ROW) {
  if (!PRODUCTS.includes(product)) throw httpError(404, "unknown_product", `no product \`${product}\`; expected one of ${PRODUCTS.join(", ")}`);
  await ensureSchema(env);
  const read = () => env.DB.prepare(`SELECT ${columns} FROM accounts WHERE product = ?`).bind(product).first();
  let row = await read();
  if (!row) {
    if (!seeding.has(product)) seeding.set(product, seed(env, product).finally(() => seeding.delete(product)));
    await seeding.get(product);
    row = await read();
  }
  return row;
}

/**
 * The account's row and tenant, loaded from its snapshot: from this isolate's cache when the
 * digest is the one D1 names, else read from KV and loaded (`Tenant.load`, no compiler).
 */
export async function current(env, product) {
  let row = await account(env, product);
  for (let attempt = 0; ; attempt++) {
    const hit = loaded.get(row.sha256);
    if (hit) {
      isolate.cacheHits++;
      return { row, tenant: hit };
    }
    // A key's bytes never change (it is their digest): KV may cache them at the edge for long.
    const bytes = await env.SNAPSHOTS.get(row.snapshot_key, { type: "arrayBuffer", cacheTtl: 86400 });
    if (bytes !== null) {
      const tenant = Tenant.load(bytes);
      isolate.loads++;
      loaded.set(row.sha256, tenant);
      if (loaded.size > KEEP) loaded.delete(loaded.keys().next().value);
      return { row, tenant };
    }
    // Missing: a change replaced (and deleted) this snapshot after the row was read, or KV,
    // eventually consistent, does not show a key just written elsewhere yet. Read the row
    // again; never answer from an older policy.
    isolate.kvMisses++;
    const again = await account(env, product);
    if (again.sha256 === row.sha256 && attempt >= 2) {
      throw httpError(503, "snapshot_unavailable", `the snapshot ${row.snapshot_key} is not readable yet; retry`, { retry: true });
    }
    if (again.sha256 === row.sha256) await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
    row = again;
  }
}

/** The bytes of a stored snapshot (for pages), or null when the key is gone. */
export function snapshotBytes(env, key) {
  return env.SNAPSHOTS.get(key, "arrayBuffer");
}

/**
 * Changes an account's policy or directory: `change(current)` returns what to store
 * (`{ policy?, directory?, policyVersion? }`), it is compiled, the bytes stored, and the row
 * updated only if no other change landed meanwhile (the version it read); otherwise it is
 * read again and retried. A policy or directory that does not compile throws its
 * `AccordError` (with `where`) and nothing changes.
 */
export async function publish(env, ctx, product, change) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const cur = await account(env, product, "*");
    const policy = JSON.parse(cur.policy);
    const directory = JSON.parse(cur.directory);
    const next = { policy, directory, policyVersion: cur.policy_version };
    Object.assign(next, change({ ...next }));
    const bytes = compile(next.policy, next.directory);
    const version = cur.version + 1;
    const snap = await store(env, product, bytes, version);
    const res = await env.DB.prepare(
      `UPDATE accounts SET policy = ?, directory = ?, policy_version = ?, version = ?, snapshot_key = ?, sha256 = ?, size = ?
       WHERE product = ? AND version = ?`,
    )
      .bind(JSON.stringify(next.policy), JSON.stringify(next.directory), next.policyVersion, version, snap.key, snap.sha256, snap.size, product, cur.version)
      .run();
    if (res.meta.changes === 1) {
      // The previous snapshot is no longer named by any account: drop it after answering.
      if (cur.snapshot_key !== snap.key) ctx.waitUntil(env.SNAPSHOTS.delete(cur.snapshot_key));
      return { policy: next.policy, directory: next.directory, policyVersion: next.policyVersion, snapshot: { version, sha256: snap.sha256, size: snap.size } };
    }
    ctx.waitUntil(env.SNAPSHOTS.delete(snap.key)); // lost the race: these bytes are nobody's
  }
  throw httpError(409, "busy", "the account kept changing while this change was compiled; try again");
}

/** Forgets every account (records, rows, snapshots): each is created afresh on next use. */
export async function resetAll(env) {
  await ensureSchema(env);
  const { results } = await env.DB.prepare("SELECT product, snapshot_key FROM accounts").all();
  await env.DB.batch([...results.flatMap((r) => clear(env.DB, r.product)), env.DB.prepare("DELETE FROM accounts")]);
  await Promise.all(results.map((r) => env.SNAPSHOTS.delete(r.snapshot_key)));
  loaded.clear();
}

/** The snapshot fields of an account row, as answers carry them. */
export const snapshotOf = (row) => ({ version: row.version, sha256: row.sha256, size: row.size });
