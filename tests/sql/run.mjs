// The SQL differential (issue 13): the cases tests/sqlcases.rs wrote (random worlds: policy,
// directory, records; every (user, action, type) with its SQL and the engine's answers) are
// loaded into PostgreSQL, SQLite and D1; each question's SQL must return exactly the ids of
// filter() (= per-record can()), and count(*), sum(amount) and GROUP BY stage exactly total()'s
// { total, count, groups }. A sample of the SQL is also asked of the built package (pkg/) and
// must be the same text and parameters as the Rust core's.
//
//   node tests/sql/run.mjs target/sql/cases.jsonl [--d1-worlds N] [--no-pg]
//
// PostgreSQL comes from tests/sql/with-pg.sh (PGHOST...). Prints
// "N compared, 0 disagreements" per database; exits 1 on any disagreement, printing the
// question, its plan, its SQL and the records that differ.
import { readFileSync } from "node:fs";
import { postgres, sqlite, d1 } from "./db.mjs";

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--")) ?? "target/sql/cases.jsonl";
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i < 0 ? dflt : Number(args[i + 1]);
};
const d1Worlds = opt("--d1-worlds", 25);
const usePg = !args.includes("--no-pg");

const FIELDS = ["id", "owner_id", "creator_id", "assignee_id", "team_id", "state", "region", "level", "flag"];
const COLUMNS = ["world", "rid", "type", "amount", "stage", "p_type", "orgs", "p_orgs"];
for (const p of ["", "p_"]) for (const f of FIELDS) for (const s of ["t", "n", "b"]) COLUMNS.push(`${p}${f}_${s}`);

// The same table in each database; each column holds one JSON type. SQLite's text columns are
// COLLATE NOCASE on purpose: accord's SQL must stay exact on them (it says COLLATE BINARY).
function schema(dialect) {
  const pg = dialect === "postgres";
  const type = (c) => {
    if (c === "world" || c === "rid") return "integer NOT NULL";
    if (c === "amount" || c.endsWith("_n")) return pg ? "float8" : "REAL";
    if (c.endsWith("_b")) return pg ? "boolean" : "INTEGER";
    if (c === "orgs" || c === "p_orgs") return pg ? "text[]" : "TEXT";
    return pg ? "text" : "TEXT COLLATE NOCASE";
  };
  return [`CREATE TABLE recs (${COLUMNS.map((c) => `${c} ${type(c)}`).join(", ")})`, "CREATE INDEX recs_world ON recs (world, type)"];
}

const worlds = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
const t0 = Date.now();

function sameIds(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// SQL sums may add in any order; the generated amounts are quarters, exact in any order.
function sameTotals(rows, groups, want) {
  const got = { total: rows[0].s, count: Number(rows[0].n) };
  if (got.total !== want.total || got.count !== want.count) return `total ${JSON.stringify(got)} != ${JSON.stringify({ total: want.total, count: want.count })}`;
  const g = new Map(groups.map((r) => [r.stage, [r.s, Number(r.n)]]));
  if (g.size !== want.groups.length) return `${g.size} groups != ${want.groups.length}`;
  for (const [key, total, count] of want.groups) {
    const x = g.get(key);
    if (x === undefined || x[0] !== total || x[1] !== count) return `group ${JSON.stringify(key)}: ${JSON.stringify(x)} != ${JSON.stringify([total, count])}`;
  }
  return null;
}

const failures = [];
function fail(db, w, q, sql, why, got) {
  if (failures.length >= 5) return;
  const want = new Set(q.ids);
  const gotSet = new Set(got ?? []);
  const differ = w.records.filter(([rid, r]) => r.type === q.type && want.has(rid) !== gotSet.has(rid)).slice(0, 3);
  failures.push(
    [
      `DISAGREEMENT (${db.name}, world ${w.world}): user ${JSON.stringify(q.user)} ${q.action} ${q.type}: ${why}`,
      `  plan:   ${JSON.stringify(q.plan).slice(0, 2000)}`,
      `  where:  ${sql.where}`,
      `  params: ${JSON.stringify(sql.params).slice(0, 1000)}`,
      `  expected ids ${JSON.stringify(q.ids)}, SQL returned ${JSON.stringify(got)}`,
      ...differ.map(([rid, r]) => `  record ${rid} (${want.has(rid) ? "allowed" : "denied"} by the engine): ${JSON.stringify(r)}`),
    ].join("\n"),
  );
}

// The statements of one question: its ids, and for `view` its totals and groups.
function statements(db, w, q) {
  const sql = db.dialect === "postgres" ? q.pg : q.sqlite;
  const head = db.dialect === "postgres" ? "world = $1 AND type = $2" : "world = ? AND type = ?";
  const params = [w.world, q.type, ...sql.params];
  const from = `FROM recs WHERE ${head} AND ${sql.where}`;
  const list = [[`SELECT rid ${from} ORDER BY rid`, params]];
  if (q.total) {
    // GROUP BY uses the column's collation: the NOCASE column would merge "Stage" and "stage".
    const by = db.dialect === "postgres" ? "stage" : "stage COLLATE BINARY";
    list.push([`SELECT count(*) AS n, COALESCE(sum(amount), 0) AS s ${from}`, params]);
    list.push([`SELECT stage, count(*) AS n, COALESCE(sum(amount), 0) AS s ${from} GROUP BY ${by}`, params]);
  }
  return list;
}

// Compares one question's results with the engine's answers.
function judge(db, w, q, results) {
  const sql = db.dialect === "postgres" ? q.pg : q.sqlite;
  const ids = results[0].map((r) => r.rid);
  const want = [...q.ids].sort((a, b) => a - b);
  if (!sameIds(ids, want)) {
    fail(db, w, q, sql, "ids differ", ids);
    return false;
  }
  if (q.total) {
    const why = sameTotals(results[1], results[2], q.total);
    if (why !== null) {
      fail(db, w, q, sql, `totals differ: ${why}`, ids);
      return false;
    }
  }
  return true;
}

// Runs the questions `part` (pairs [world, question]) and judges each.
async function askMany(db, part) {
  const lists = part.map(([w, q]) => statements(db, w, q));
  let results;
  try {
    if (db.many) {
      const flat = await db.many(lists.flat());
      let k = 0;
      results = lists.map((l) => l.map(() => flat[k++]));
    } else {
      results = await Promise.all(lists.map(async (l) => {
        const out = [];
        for (const [sql, params] of l) out.push(await db.query(sql, params));
        return out;
      }));
    }
  } catch (e) {
    // Find the question whose SQL fails, one by one.
    return Promise.all(part.map(async ([w, q]) => {
      try {
        const out = [];
        for (const [sql, params] of statements(db, w, q)) out.push(await db.query(sql, params));
        return judge(db, w, q, out);
      } catch (err) {
        fail(db, w, q, db.dialect === "postgres" ? q.pg : q.sqlite, `the SQL failed: ${err.message}`, null);
        return false;
      }
    }));
  }
  return part.map(([w, q], k) => judge(db, w, q, results[k]));
}

async function load(db, list) {
  for (const s of schema(db.dialect)) await db.exec(s);
  const rows = [];
  for (const w of list) for (const r of w.rows) rows.push({ world: w.world, ...r });
  await db.insert("recs", rows, COLUMNS);
  return rows.length;
}

async function run(db, list, window) {
  const t = Date.now();
  const rows = await load(db, list);
  const tl = Date.now();
  let compared = 0;
  let disagreements = 0;
  let totals = 0;
  const jobs = [];
  for (const w of list) for (const q of w.questions) jobs.push([w, q]);
  for (let i = 0; i < jobs.length; i += window) {
    const part = jobs.slice(i, i + window);
    const ok = await askMany(db, part);
    for (let k = 0; k < ok.length; k++) {
      compared++;
      if (part[k][1].total) totals++;
      if (!ok[k]) disagreements++;
    }
  }
  const s = ((Date.now() - t) / 1000).toFixed(1);
  console.log(`sql ${db.name}: ${compared} compared (${totals} with count/sum/groups), ${disagreements} disagreements; ${list.length} worlds, ${rows} rows loaded in ${((tl - t) / 1000).toFixed(1)} s, ${s} s in all`);
  return [compared, disagreements];
}

// The package's tenant.sql must write what the Rust core wrote: the binding converts only.
async function binding(list) {
  const { Engine } = await import("../../pkg/node.mjs");
  let checked = 0;
  let bad = 0;
  for (const w of list) {
    const tenant = new Engine(w.policy).tenant(w.directory);
    for (const q of w.questions.filter((_, i) => i % 25 === 0)) {
      for (const [dialect, want, extra] of [["postgres", q.pg, { paramOffset: 2 }], ["sqlite", q.sqlite, {}]]) {
        const got = tenant.sql(q.user, q.action, q.type, { dialect, columns: w.columns, ...extra });
        checked++;
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          bad++;
          if (bad <= 3) console.log(`binding: ${dialect} ${q.user} ${q.action} ${q.type}:\n  package ${JSON.stringify(got)}\n  core    ${JSON.stringify(want)}`);
        }
      }
    }
  }
  console.log(`sql binding: ${checked} questions asked of pkg/ gave the core's SQL, ${bad} differ`);
  return bad;
}

let compared = 0;
let disagreements = 0;
const add = ([c, d]) => {
  compared += c;
  disagreements += d;
};
const bad = await binding(worlds);
{
  const db = await sqlite();
  add(await run(db, worlds, 1));
  await db.close();
}
if (usePg) {
  const db = await postgres({ connections: 4 });
  add(await run(db, worlds, 16));
  await db.close();
}
if (d1Worlds > 0) {
  const db = await d1();
  add(await run(db, worlds.slice(0, d1Worlds), 256));
  await db.close();
}
for (const f of failures) console.log(f);
console.log(`sql: ${compared} compared, ${disagreements} disagreements (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
process.exit(disagreements === 0 && bad === 0 ? 0 : 1);
