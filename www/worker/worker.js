// The edge worker: serves www/ as static files and an /api that enforces every change with the
// same accord module the page runs. The data lives here, in memory, generated deterministically
// at start (and on POST /api/reset). The acting user comes from the `x-demo-user` header (the
// demo's stand-in for a session); plan, settings and policy are account state held here.
//
// Every mutation is asked to accord first: `check` for one record or a type-level action, `bulk`
// for a bulk reassignment (applying only the allowed records). A refusal is a 403 carrying the
// decision's `code`, `message`, `rule` (and `upgradeTo`): the same answer the page computed.

import { Engine, presets, AccordError } from "../pkg/workerd.mjs";
import { dataset, PRODUCTS } from "../shared/data.js";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};

/** product → { policy, engine, directory, records, tenant, policyVersion, log } */
const accounts = new Map();

function fresh(product) {
  const { directory, records } = dataset(product);
  const policy = presets[product]();
  const engine = new Engine(policy);
  return { product, policy, engine, directory, records, tenant: null, policyVersion: 1, nextId: 90001 };
}

function account(product) {
  if (!PRODUCTS.includes(product)) throw httpError(404, "unknown_product", `no product \`${product}\`; expected one of ${PRODUCTS.join(", ")}`);
  let a = accounts.get(product);
  if (!a) {
    a = fresh(product);
    accounts.set(product, a);
  }
  return a;
}

function tenant(a) {
  if (!a.tenant) a.tenant = a.engine.tenant(a.directory);
  return a.tenant;
}

function httpError(status, code, message, extra = {}) {
  const e = new Error(message);
  e.http = { status, body: { code, message, ...extra } };
  return e;
}

const json = (body, status = 200, headers = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });

/** An AccordError (bad input) as a 400 with its code, message, path and full list. */
function accordError(e, where) {
  if (e instanceof AccordError) {
    const errors = Array.isArray(e.errors) ? e.errors.map(({ code, message, path }) => ({ code, message, path })) : [{ code: e.code, message: e.message, path: e.path }];
    return json({ code: e.code, message: e.message, path: e.path, errors, where }, 400);
  }
  return null;
}

function findRecord(a, type, id) {
  const list = a.records[type];
  if (!list) throw httpError(404, "unknown_type", `no records of type \`${type}\` in this product`);
  const rec = list.find((r) => r.id === id);
  if (!rec) throw httpError(404, "not_found", `no ${type} \`${id}\``);
  return rec;
}

function newId(a, type) {
  const prefix = { lead: "L", deal: "D", opportunity: "OP", case: "CS", notification: "N", access_request: "AR-" }[type] ?? "X";
  return `${prefix}${a.nextId++}`;
}

/** What an allowed action does to the data. Permission was already granted by accord. */
function apply(a, user, action, type, rec, body) {
  const out = { changed: [], removed: [], created: [], note: "" };
  const touch = (r) => out.changed.push(r);
  const transitions = a.policy.types?.[type]?.transitions ?? {};
  if (!rec) {
    // Type-level actions.
    if (action === "add" || action === "create") {
      const r = { type, id: newId(a, type), name: body.name || `New ${type.replace(/_/g, " ")}`, ownerId: user, creatorId: user };
      if (type === "lead") Object.assign(r, { company: "Acme Sports", status: "new", amount: 5000 });
      if (type === "deal" || type === "opportunity") Object.assign(r, { stage: type === "deal" ? "incoming" : "prospecting", amount: 10000 });
      if (type === "notification") Object.assign(r, { createdByAdmin: false, connect: false, enabled: true });
      if (type === "access_request") Object.assign(r, { title: body.name || "Onboarding: new hire — Salesforce", state: "action_needed", assigneeId: null, holdReason: null, requesterId: user });
      a.records[type].unshift(r);
      out.created.push(r);
      out.note = `Created ${type.replace(/_/g, " ")} ${r.id}.`;
    } else if (action === "import") {
      for (let i = 0; i < 5; i++) {
        const r = { type, id: newId(a, type), name: `Imported ${type} ${i + 1}`, company: "Imported Co", ownerId: user, creatorId: user, status: "new", amount: 1000 * (i + 1) };
        a.records[type].unshift(r);
        out.created.push(r);
      }
      out.note = `Imported 5 ${type}s.`;
    } else {
      out.note = `Done: ${action.replace(/_/g, " ")} (the demo changes nothing here).`;
    }
    return out;
  }
  switch (action) {
    case "reassign": {
      if (!body.to) throw httpError(400, "missing_field", "a reassignment needs `to`, the new owner");
      if (!a.directory.users.some((u) => u.id === body.to)) throw httpError(400, "unknown_user", `the new owner \`${body.to}\` is not a user of this account`);
      rec.ownerId = body.to;
      touch(rec);
      out.note = `${rec.id} now belongs to ${body.to}.`;
      break;
    }
    case "update":
    case "edit": {
      const patch = body.patch ?? {};
      for (const k of ["name", "status", "stage", "amount"]) if (k in patch) rec[k] = patch[k];
      touch(rec);
      out.note = `Updated ${rec.id}.`;
      break;
    }
    case "delete": {
      const list = a.records[type];
      list.splice(list.indexOf(rec), 1);
      out.removed.push(rec.id);
      out.note = `Deleted ${rec.id}.`;
      break;
    }
    case "convert":
      rec.status = "converted";
      touch(rec);
      out.note = `Converted ${rec.id} to a contact.`;
      break;
    case "communicate":
      out.note = `E-mail to ${rec.name} logged on ${rec.id}.`;
      break;
    case "disable":
      rec.enabled = false;
      touch(rec);
      out.note = `Disabled ${rec.id}.`;
      break;
    case "add_member":
      rec.members = (rec.members ?? 0) + 1;
      touch(rec);
      out.note = `Added a colleague to ${rec.name}.`;
      break;
    case "approve_invite":
      rec.pendingInvite = false;
      touch(rec);
      out.note = `Approved the invitation for ${rec.name}.`;
      break;
    case "disconnect":
    case "archive":
      rec.status = action === "archive" ? "archived" : "disconnected";
      touch(rec);
      out.note = `${rec.name}: ${rec.status}.`;
      break;
    case "disable_dms":
      rec.dms = false;
      touch(rec);
      out.note = `Direct messages with ${rec.name} disabled.`;
      break;
    default:
      if (transitions[action]) {
        rec.state = transitions[action].to;
        if (action === "pick_up") rec.assigneeId = user;
        if (rec.state === "on_hold") rec.holdReason = body.reason || "Waiting on SFDC License";
        else rec.holdReason = null;
        touch(rec);
        out.note = `${rec.id} → ${rec.state.replace(/_/g, " ")}.`;
      } else {
        out.note = `Done: ${action}.`;
      }
  }
  return out;
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

async function api(request, url) {
  const path = url.pathname.replace(/^\/api/, "");
  const user = request.headers.get("x-demo-user") ?? "";
  const method = request.method;

  if (path === "/reset" && method === "POST") {
    accounts.clear();
    return json({ ok: true });
  }
  if (path === "/health") return json({ ok: true, products: PRODUCTS });

  const product = url.searchParams.get("product") ?? "zendesk-sell";
  const a = account(product);

  if (path === "/state" && method === "GET") {
    return json({
      product,
      policy: a.policy,
      policyVersion: a.policyVersion,
      directory: a.directory,
      records: a.records,
    });
  }

  if (path === "/account" && method === "POST") {
    const b = await body(request);
    const directory = { ...a.directory };
    if (b.plan !== undefined) directory.plan = b.plan;
    if (b.settings !== undefined) directory.settings = b.settings;
    let t;
    try {
      t = a.engine.tenant(directory);
    } catch (e) {
      const r = accordError(e, "directory");
      if (r) return r;
      throw e;
    }
    a.directory = directory;
    a.tenant = t;
    return json({ ok: true, plan: directory.plan, settings: directory.settings });
  }

  if (path === "/policy" && method === "PUT") {
    let policy;
    try {
      policy = JSON.parse(await request.text());
    } catch (e) {
      return json({ code: "invalid_json", message: `the policy is not valid JSON: ${e.message}`, path: "", errors: [], where: "policy" }, 400);
    }
    let engine, t;
    try {
      engine = new Engine(policy);
    } catch (e) {
      const r = accordError(e, "policy");
      if (r) return r;
      throw e;
    }
    try {
      t = engine.tenant(a.directory);
    } catch (e) {
      const r = accordError(e, "directory");
      if (r) return r;
      throw e;
    }
    Object.assign(a, { policy, engine, tenant: t, policyVersion: a.policyVersion + 1 });
    return json({ ok: true, policyVersion: a.policyVersion });
  }

  if (path === "/policy/reset" && method === "POST") {
    const policy = presets[product]();
    Object.assign(a, { policy, engine: new Engine(policy), tenant: null, policyVersion: a.policyVersion + 1 });
    return json({ ok: true, policy, policyVersion: a.policyVersion });
  }

  const t = tenant(a);

  if (path === "/visible" && method === "GET") {
    const type = url.searchParams.get("type");
    const list = a.records[type];
    if (!list) throw httpError(404, "unknown_type", `no records of type \`${type}\``);
    const visible = t.filter(user, "view", list);
    return json({ type, user, count: visible.length, of: list.length });
  }

  if (path === "/act" && method === "POST") {
    const b = await body(request);
    const { action, type, id } = b;
    if (typeof action !== "string" || typeof type !== "string") throw httpError(400, "missing_field", "an action needs `action` and `type`");
    const rec = id == null ? null : findRecord(a, type, String(id));
    const d = t.check(user, action, rec ?? { type });
    if (!d.allowed) return refused(d);
    const out = apply(a, user, action, type, rec, b);
    return json({ ok: true, decision: d, ...out });
  }

  if (path === "/bulk" && method === "POST") {
    const b = await body(request);
    const { action, type, ids, to } = b;
    if (!Array.isArray(ids) || typeof action !== "string" || typeof type !== "string") throw httpError(400, "missing_field", "a bulk action needs `action`, `type` and `ids`");
    const recs = ids.map((id) => findRecord(a, type, String(id)));
    const res = t.bulk(user, action, recs, to === undefined ? {} : { to });
    const allowed = new Set(res.allowed);
    const changed = [];
    const removed = [];
    for (const rec of recs) {
      if (!allowed.has(rec.id)) continue;
      const out = apply(a, user, action, type, rec, b);
      changed.push(...out.changed);
      removed.push(...out.removed);
    }
    return json({ ok: true, allowed: res.allowed, denied: res.denied, changed, removed });
  }

  if (path === "/export" && method === "GET") {
    const type = url.searchParams.get("type");
    if (!a.records[type]) throw httpError(404, "unknown_type", `no records of type \`${type}\``);
    const d = t.check(user, "export", { type });
    if (!d.allowed) return refused(d);
    const rows = t.filter(user, "view", a.records[type]);
    const cols = ["id", "name", "company", "ownerId", "creatorId", "status", "stage", "amount"].filter((c) => rows.some((r) => c in r));
    const csv = [cols.join(","), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(","))].join("\n") + "\n";
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${product}-${type}s.csv"`,
        "x-accord-rule": d.rule ?? "",
        "x-accord-count": String(rows.length),
      },
    });
  }

  throw httpError(404, "not_found", `no route ${method} ${url.pathname}`);
}

async function asset(request, env, url) {
  let path = decodeURIComponent(url.pathname);
  if (path.endsWith("/")) path += "index.html";
  if (path.includes("..") || /^\/(worker|node_modules)\//.test(path) || /\/\./.test(path)) {
    return new Response("not found", { status: 404 });
  }
  const res = await env.ASSETS.fetch(new URL(path, "http://assets.local"), { method: "GET" });
  if (!res.ok) return new Response("not found", { status: 404, headers: { "content-type": "text/plain" } });
  const ext = path.slice(path.lastIndexOf("."));
  return new Response(res.body, {
    headers: { "content-type": TYPES[ext] ?? "application/octet-stream", "cache-control": "no-cache" },
  });
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    try {
      if (url.pathname.startsWith("/api/")) return await api(request, url);
      return await asset(request, env, url);
    } catch (e) {
      if (e.http) return json(e.http.body, e.http.status);
      const r = accordError(e, "question");
      if (r) return r;
      return json({ code: "internal", message: String(e?.message ?? e) }, 500);
    }
  },
};
