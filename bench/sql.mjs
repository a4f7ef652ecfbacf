// Records in a database (issue 13): the bench's 1,000-user tree (scenario.mjs) and 1,000,000
// leads in PostgreSQL and in SQLite, indexed on owner_id. Two questions:
//   list — a depth-3 manager's leads (id, owner, amount), the `view` rows;
//   sum  — count(*) and sum(amount) of a VP's leads;
// each three ways: accord's SQL (`tenant.sql`, the time to make it included), a hand-written
// query (a recursive CTE over a `users` table), and fetch-all-then-filter() (every lead read
// into Node, then the handle's filter/total). Prints medians and ratios; checks that the
// three agree (a disagreement exits 1), never asserts on time.
//
//   bench/sql.sh [--leads N] [--runs N]       (starts its own PostgreSQL; see bench/README.md)
import { Engine, presets } from "../pkg/node.mjs";
import { scenario, withNoAccessRole } from "./scenario.mjs";
import { postgres, sqlite } from "../tests/sql/db.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i < 0 ? dflt : Number(args[i + 1]);
};
const LEADS = opt("--leads", 1_000_000);
const RUNS = opt("--runs", 15);
const FETCH_RUNS = opt("--fetch-runs", 3);

const s = scenario({ leads: LEADS });
const tenant = new Engine(withNoAccessRole(presets["zendesk-sell"]())).tenant(s.directory);
const columns = { id: "id", ownerId: "owner_id", teamId: "team_id" };
console.log(
  `bench/sql: ${LEADS.toLocaleString("en")} leads, ${s.tree.n} users; manager ${s.manager} (${s.managerSubtree} in line), VP ${s.vp} (${s.vpSubtree} in line); medians of ${RUNS} runs (fetch-all: ${FETCH_RUNS})`,
);

const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
};
async function time(runs, fn) {
  await fn(); // warm: plans cached, pages in the buffer cache
  const out = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    last = await fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms: median(out), result: last };
}

async function load(db) {
  const pg = db.dialect === "postgres";
  await db.exec(`CREATE TABLE users (id text PRIMARY KEY, manager_id text)`);
  await db.exec(`CREATE TABLE leads (id text PRIMARY KEY, owner_id text, team_id text, amount ${pg ? "bigint" : "INTEGER"})`);
  const users = s.directory.users.map((u) => ({ id: u.id, manager_id: u.managerId ?? null }));
  await db.insert("users", users, ["id", "manager_id"]);
  const rows = s.leads.map((l) => ({ id: l.id, owner_id: l.ownerId, team_id: l.teamId, amount: l.amount }));
  for (let i = 0; i < rows.length; i += 100_000) await db.insert("leads", rows.slice(i, i + 100_000), ["id", "owner_id", "team_id", "amount"]);
  await db.exec("CREATE INDEX users_manager ON users (manager_id)");
  // Indexed on owner_id, with the amount beside it so a sum reads the index alone (both the
  // hand-written query and accord's use it).
  await db.exec("CREATE INDEX leads_owner ON leads (owner_id, amount)");
  await db.exec(pg ? "ANALYZE" : "ANALYZE");
}

function cte(db, select) {
  const p = db.dialect === "postgres" ? "$1" : "?";
  return `WITH RECURSIVE line(id) AS (SELECT ${p} UNION ALL SELECT u.id FROM users u JOIN line ON u.manager_id = line.id)
    SELECT ${select} FROM leads WHERE owner_id IN (SELECT id FROM line)`;
}

async function bench(db) {
  const t0 = Date.now();
  await load(db);
  console.log(`\n${db.name}: loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const me = tenant.user(s.manager);
  const vp = tenant.user(s.vp);
  const records = (rows) => rows.map((r) => ({ type: "lead", id: r.id, ownerId: r.owner_id, teamId: r.team_id, amount: Number(r.amount) }));
  const list = {
    accord: await time(RUNS, async () => {
      const q = me.sql("view", "lead", { dialect: db.dialect, columns });
      return (await db.query(`SELECT id, owner_id, amount FROM leads WHERE ${q.where}`, q.params)).length;
    }),
    hand: await time(RUNS, async () => (await db.query(cte(db, "id, owner_id, amount"), [s.manager])).length),
    fetch: await time(FETCH_RUNS, async () => me.filter("view", records(await db.query("SELECT id, owner_id, team_id, amount FROM leads"))).length),
  };
  const sum = {
    accord: await time(RUNS, async () => {
      const q = vp.sql("view", "lead", { dialect: db.dialect, columns });
      const [r] = await db.query(`SELECT count(*) AS n, sum(amount) AS s FROM leads WHERE ${q.where}`, q.params);
      return `${Number(r.n)}/${Number(r.s)}`;
    }),
    hand: await time(RUNS, async () => {
      const [r] = await db.query(cte(db, "count(*) AS n, sum(amount) AS s"), [s.vp]);
      return `${Number(r.n)}/${Number(r.s)}`;
    }),
    fetch: await time(FETCH_RUNS, async () => {
      const t = vp.total(records(await db.query("SELECT id, owner_id, team_id, amount FROM leads")), "amount");
      return `${t.count}/${t.total}`;
    }),
  };
  let ok = true;
  for (const [name, q] of [["list", list], ["sum", sum]]) {
    const results = new Set(Object.values(q).map((x) => x.result));
    if (results.size !== 1) {
      ok = false;
      console.log(`  ${name}: the three disagree: ${JSON.stringify(Object.fromEntries(Object.entries(q).map(([k, v]) => [k, v.result])))}`);
    }
  }
  const row = (name, q, what) =>
    `  ${name.padEnd(5)} ${q.accord.ms.toFixed(2).padStart(9)} ${q.hand.ms.toFixed(2).padStart(9)} ${q.fetch.ms.toFixed(0).padStart(10)}   ${(q.accord.ms / q.hand.ms).toFixed(2).padStart(6)}x  ${(q.fetch.ms / q.accord.ms).toFixed(0).padStart(6)}x faster   ${what}`;
  console.log(`  query   accord ms   hand ms   fetch-all ms   accord/hand   fetch-all/accord   result`);
  console.log(row("list", list, `${list.accord.result} rows`));
  console.log(row("sum", sum, `count/sum ${sum.accord.result}`));
  return ok;
}

let ok = true;
for (const make of [() => postgres({ connections: 1 }), () => sqlite()]) {
  if (make === undefined) continue;
  const db = await make();
  ok = (await bench(db)) && ok;
  await db.close();
}
process.exit(ok ? 0 : 1);
