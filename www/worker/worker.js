// The edge worker (Cloudflare Workers; `wrangler dev` runs it locally with KV and D1): the
// /api behind the demo page, enforcing every change with accord. Static files are served by
// wrangler's asset server (wrangler.jsonc); only /api reaches this code.
//
// Each account (one per product) lives in D1: its policy, its directory (plan, settings,
// users) and its records, one table per record type. Its compiled tenant is a snapshot in KV,
// compiled only when the policy or the directory changes and loaded once per isolate
// (snapshots.js). A request asks the loaded tenant:
//  - lists, counts, totals and exports go to D1 as SQL: `tenant.sql(user, action, type,
//    { dialect: "sqlite", columns })` gives `{ where, params }`, so only the rows the user may
//    see leave the database;
//  - a change is asked first (`check` for one record or a type-level action, `bulk` for many),
//    then written with the same question as SQL in the UPDATE's WHERE, so a row that changed
//    meanwhile is not written. A refusal is a 403 with the decision's `code`, `message`, `rule`
//    (and `upgradeTo`): the answer the page computed from the same snapshot.
// The acting user is the `x-demo-user` header (the demo's stand-in for a session).

import { PRODUCTS, PRODUCT_TYPES } from "../shared/data.js";
import { account, current, publish, resetAll, presetPolicy, snapshotBytes, snapshotOf, isolate, isAccordError, httpError } from "./snapshots.js";
import { columns, select, record, stored, hasTable, numeric, groupable, column, table, insertAll, update, remove, before } from "./tables.js";
import { apply, creates } from "./apply.js";

const json = (body, status = 200, headers = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });

/** An AccordError (bad input) as a 400 with its code, message, path and full list. */
function accordError(e, where) {
  if (!isAccordError(e)) return null;
  const errors = Array.isArray(e.errors) ? e.errors.map(({ code, message, path }) => ({ code, message, path })) : [{ code: e.code, message: e.message, path: e.path }];
  return json({ code: e.code, message: e.message, path: e.path, errors, where: e.where ?? where }, 400);
}

function refused(d) {
  const body = { allowed: false, code: d.code, message: d.message, rule: d.rule ?? null };
  if (d.upgradeTo) body.upgradeTo = d.upgradeTo;
  return json(body, 403);
}

async function body(request) {
  const text = await request.text();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw httpError(400, "invalid_json", "the request body is not valid JSON");
  }
}

function csvCell(v) {
  const s = v == null ? "" : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The product's record type named in the query, or a 404. */
function recordType(product, type) {
  if (!PRODUCT_TYPES[product].includes(type) || !hasTable(type)) throw httpError(404, "unknown_type", `no records of type \`${type}\` in this product`);
  return type;
}

/** accord's question as SQLite for D1 (docs/sql.md): `{ where, params }`. */
const sqlOf = (tenant, user, action, type) => tenant.sql(user, action, type, { dialect: "sqlite", columns: columns(type) });

async function rows(env, product, type, q = { where: "1", params: [] }) {
  const { results } = await env.DB.prepare(select(type, q.where)).bind(product, ...q.params).all();
  return results.map((r) => record(type, r));
}

/** The records with these ids, in the order given; a 404 names the first one missing. */
async function findRecords(env, product, type, ids) {
  const found = await rows(env, product, type, { where: "id IN (SELECT value FROM json_each(?))", params: [JSON.stringify(ids.map(String))] });
  const byId = new Map(found.map((r) => [r.id, r]));
  return ids.map((id) => {
    const rec = byId.get(String(id));
    if (!rec) throw httpError(404, "not_found", `no ${type} \`${id}\``);
    return rec;
  });
}

/** Reserves `n` record numbers of the account (its `next_id` counter). */
async function reserveIds(env, product, n) {
  if (!n) return [];
  const row = await env.DB.prepare("UPDATE accounts SET next_id = next_id + ? WHERE product = ? RETURNING next_id").bind(n, product).first();
  return Array.from({ length: n }, (_, i) => row.next_id - n + i);
}

/**
 * Writes what `apply` did, each change guarded by `guard` (the action as SQL on the row as it
 * is now). Returns how many guarded writes did not happen (the row had changed meanwhile).
 */
async function write(env, product, type, out, guard) {
  const stmts = [];
  for (const r of out.changed) stmts.push(update(env.DB, product, r, guard));
  for (const id of out.removed) stmts.push(remove(env.DB, product, type, id, guard));
  const guarded = stmts.length;
  if (out.created.length) {
    const { pos } = await before(env.DB, product, type).first();
    stmts.push(insertAll(env.DB, product, type, out.created, pos, -1));
  }
  if (!stmts.length) return 0;
  const res = await env.DB.batch(stmts);
  return res.slice(0, guarded).filter((r) => r.meta.changes !== 1).length;
}

/** The policy's workflow of a type and the account's user ids: what `apply` needs. */
async function applyContext(env, product, type) {
  const row = await account(env, product, "policy, directory");
  const transitions = JSON.parse(row.policy).types?.[type]?.transitions ?? {};
  const users = new Set(JSON.parse(row.directory).users.map((u) => u.id));
  return { transitions, isUser: (id) => users.has(id) };
}

async function api(request, env, ctx, url) {
  const path = url.pathname.replace(/^\/api/, "");
  const user = request.headers.get("x-demo-user") ?? "";
  const method = request.method;

  if (path === "/reset" && method === "POST") {
    await resetAll(env);
    return json({ ok: true });
  }
  if (path === "/health") {
    isolate.id ??= crypto.randomUUID(); // not at module scope: Workers refuse randomness there
    return json({ ok: true, products: PRODUCTS, isolate });
  }

  const product = url.searchParams.get("product") ?? "zendesk-sell";
  if (!PRODUCTS.includes(product)) throw httpError(404, "unknown_product", `no product \`${product}\`; expected one of ${PRODUCTS.join(", ")}`);

  // ---- account state and the snapshot (what the page loads)
  if (path === "/state" && method === "GET") {
    const row = await account(env, product, "directory, policy_version, version, sha256, size");
    const types = PRODUCT_TYPES[product];
    const lists = await env.DB.batch(types.map((t) => env.DB.prepare(select(t)).bind(product)));
    const records = Object.fromEntries(types.map((t, i) => [t, lists[i].results.map((r) => record(t, r))]));
    return json({
      product,
      policyVersion: row.policy_version,
      directory: JSON.parse(row.directory),
      snapshot: snapshotOf(row),
      records,
    });
  }

  if (path === "/snapshot" && method === "GET") {
    // The bytes the worker answers from, for a page to load with `Tenant.load` (accord/runtime).
    // With `?v=<sha256>` that exact snapshot, cacheable for good; without, the current one.
    const row = await account(env, product);
    const want = url.searchParams.get("v");
    const digest = want ?? row.sha256;
    const tag = `"${digest}"`;
    const headers = {
      etag: tag,
      "x-accord-snapshot-version": String(row.sha256 === digest ? row.version : ""),
      "cache-control": want ? "private, max-age=31536000, immutable" : "no-cache",
    };
    if (request.headers.get("if-none-match") === tag) return new Response(null, { status: 304, headers });
    const bytes = await snapshotBytes(env, want ? `snapshot/${product}/${want.replace(/[^0-9a-f]/g, "")}` : row.snapshot_key);
    if (bytes === null) throw httpError(404, "snapshot_replaced", "this snapshot was replaced by a newer one: read /api/state again");
    return new Response(bytes, { headers: { ...headers, "content-type": "application/octet-stream", "content-length": String(bytes.byteLength) } });
  }

  if (path === "/policy" && method === "GET") {
    const row = await account(env, product, "policy, policy_version");
    return json({ policy: JSON.parse(row.policy), policyVersion: row.policy_version });
  }

  // ---- changes of the account: compiled, stored, published
  if (path === "/account" && method === "POST") {
    const b = await body(request);
    try {
      const res = await publish(env, ctx, product, ({ directory }) => {
        const next = { ...directory };
        if (b.plan !== undefined) next.plan = b.plan;
        if (b.settings !== undefined) next.settings = b.settings;
        return { directory: next };
      });
      return json({ ok: true, plan: res.directory.plan, settings: res.directory.settings, snapshot: res.snapshot });
    } catch (e) {
      const r = accordError(e, "directory");
      if (r) return r;
      throw e;
    }
  }

  if (path === "/policy" && method === "PUT") {
    let policy;
    try {
      policy = JSON.parse(await request.text());
    } catch (e) {
      return json({ code: "invalid_json", message: `the policy is not valid JSON: ${e.message}`, path: "", errors: [], where: "policy" }, 400);
    }
    try {
      const res = await publish(env, ctx, product, (cur) => ({ policy, policyVersion: cur.policyVersion + 1 }));
      return json({ ok: true, policyVersion: res.policyVersion, snapshot: res.snapshot });
    } catch (e) {
      const r = accordError(e, "policy");
      if (r) return r;
      throw e;
    }
  }

  if (path === "/policy/reset" && method === "POST") {
    const res = await publish(env, ctx, product, (cur) => ({ policy: presetPolicy(product), policyVersion: cur.policyVersion + 1 }));
    return json({ ok: true, policy: res.policy, policyVersion: res.policyVersion, snapshot: res.snapshot });
  }

  // ---- questions and changes: answered by the loaded tenant, records in D1
  const { tenant } = await current(env, product);

  if (path === "/visible" && method === "GET") {
    // The page's "worker agrees" count: the same filter as SQL.
    const type = recordType(product, url.searchParams.get("type"));
    const q = sqlOf(tenant, user, "view", type);
    const row = await env.DB.prepare(`SELECT count(*) AS count, (SELECT count(*) FROM ${table(type)} WHERE account = ?) AS "of" FROM ${table(type)} WHERE account = ? AND ${q.where}`)
      .bind(product, product, ...q.params)
      .first();
    return json({ type, user, count: row.count, of: row.of });
  }

  if (path === "/list" && method === "GET") {
    // `filter(user, action, records)` as SQL: the ids of the rows, in list order.
    const type = recordType(product, url.searchParams.get("type"));
    const action = url.searchParams.get("action") ?? "view";
    const q = sqlOf(tenant, user, action, type);
    const { results } = await env.DB.prepare(`SELECT id FROM ${table(type)} WHERE account = ? AND ${q.where} ORDER BY pos`).bind(product, ...q.params).all();
    return json({ type, action, user, ids: results.map((r) => r.id), where: q.where });
  }

  if (path === "/total" && method === "GET") {
    // `total(user, records, field, { groupBy })` as SQL: count and sum over the rows the user may view.
    const type = recordType(product, url.searchParams.get("type"));
    const field = url.searchParams.get("field") ?? "amount";
    const groupBy = url.searchParams.get("groupBy");
    if (!numeric(type, field)) throw httpError(400, "invalid_field", `\`${field}\` is not a number field of ${type}`);
    if (groupBy !== null && !groupable(type, groupBy)) throw httpError(400, "invalid_field", `\`${groupBy}\` is not a field of ${type} to group by`);
    const q = sqlOf(tenant, user, "view", type);
    const sum = `count(*) AS count, COALESCE(sum(${column(field)}), 0) AS total`;
    if (groupBy === null) {
      const row = await env.DB.prepare(`SELECT ${sum} FROM ${table(type)} WHERE account = ? AND ${q.where}`).bind(product, ...q.params).first();
      return json({ total: row.total, count: row.count });
    }
    const { results } = await env.DB.prepare(`SELECT ${column(groupBy)} AS g, ${sum} FROM ${table(type)} WHERE account = ? AND ${q.where} GROUP BY g`)
      .bind(product, ...q.params)
      .all();
    const groups = {};
    for (const r of results) groups[String(r.g)] = { total: r.total, count: r.count };
    return json({ total: results.reduce((s, r) => s + r.total, 0), count: results.reduce((s, r) => s + r.count, 0), groups });
  }

  if (path === "/act" && method === "POST") {
    const b = await body(request);
    const { action, type, id } = b;
    if (typeof action !== "string" || typeof type !== "string") throw httpError(400, "missing_field", "an action needs `action` and `type`");
    if (id != null) recordType(product, type);
    const rec = id == null ? null : (await findRecords(env, product, type, [id]))[0];
    const d = tenant.check(user, action, rec ?? { type });
    if (!d.allowed) return refused(d);
    const ctxApply = await applyContext(env, product, type);
    const ids = await reserveIds(env, product, creates(action, type, rec));
    const out = apply({ user, action, type, rec, body: b, ids, ...ctxApply, httpError });
    const lost = await write(env, product, type, out, rec ? sqlOf(tenant, user, action, type) : null);
    if (lost) throw httpError(409, "conflict", `${rec.id} changed meanwhile: nothing was written; reload and try again`);
    return json({ ok: true, decision: d, ...out, changed: out.changed.map(stored), created: out.created.map(stored) });
  }

  if (path === "/bulk" && method === "POST") {
    const b = await body(request);
    const { action, type, ids, to } = b;
    if (!Array.isArray(ids) || typeof action !== "string" || typeof type !== "string") throw httpError(400, "missing_field", "a bulk action needs `action`, `type` and `ids`");
    recordType(product, type);
    const recs = await findRecords(env, product, type, ids);
    const res = tenant.bulk(user, action, recs, to === undefined ? {} : { to });
    const allowed = new Set(res.allowed);
    const ctxApply = await applyContext(env, product, type);
    const total = { changed: [], removed: [], created: [] };
    for (const rec of recs) {
      if (!allowed.has(rec.id)) continue;
      const out = apply({ user, action, type, rec, body: b, ids: [], ...ctxApply, httpError });
      total.changed.push(...out.changed);
      total.removed.push(...out.removed);
    }
    const lost = await write(env, product, type, total, sqlOf(tenant, user, action, type));
    if (lost) throw httpError(409, "conflict", `${lost} of the records changed meanwhile; reload and try again`);
    return json({ ok: true, allowed: res.allowed, denied: res.denied, changed: total.changed.map(stored), removed: total.removed });
  }

  if (path === "/export" && method === "GET") {
    const type = recordType(product, url.searchParams.get("type"));
    const d = tenant.check(user, "export", { type });
    if (!d.allowed) return refused(d);
    const list = await rows(env, product, type, sqlOf(tenant, user, "view", type));
    const cols = ["id", "name", "company", "ownerId", "creatorId", "status", "stage", "amount"].filter((c) => list.some((r) => c in r));
    const csv = [cols.join(","), ...list.map((r) => cols.map((c) => csvCell(r[c])).join(","))].join("\n") + "\n";
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${product}-${type}s.csv"`,
        "x-accord-rule": d.rule ?? "",
        "x-accord-count": String(list.length),
      },
    });
  }

  throw httpError(404, "not_found", `no route ${method} ${url.pathname}`);
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    try {
      if (url.pathname.startsWith("/api/")) return await api(request, env, ctx, url);
      return json({ code: "not_found", message: `no file or route ${url.pathname}` }, 404);
    } catch (e) {
      if (e.http) return json(e.http.body, e.http.status);
      const r = accordError(e, "question");
      if (r) return r;
      return json({ code: "internal", message: String(e?.message ?? e) }, 500);
    }
  },
};
