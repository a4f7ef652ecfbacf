// The Kysely helper of docs/sql.md, as written there (read from the docs, so the two cannot
// drift), on PostgreSQL (the with-pg.sh cluster; skipped without PGHOST) and SQLite: inside a
// Kysely query with parameters of its own, the rows are those of filter().
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import { Engine } from "../../pkg/node.mjs";

const require = createRequire(import.meta.url);
const doc = readFileSync(new URL("../../docs/sql.md", import.meta.url), "utf8");
const block = doc.split("<!-- kysely-helper -->")[1].split("<!-- /kysely-helper -->")[0];
const code = block.replace(/^\s*```js\n/, "").replace(/```\s*$/, "").replace('from "kysely"', `from ${JSON.stringify(import.meta.resolve("kysely"))}`);
const { accordWhere } = await import(`data:text/javascript,${encodeURIComponent(code)}`);

const policy = {
  plans: ["std"],
  types: { lead: { actions: ["view"] } },
  roles: { rep: { rules: [{ actions: ["view"], types: ["lead"], scope: "subordinates" }, { effect: "deny", actions: ["view"], types: ["lead"], when: { eq: [{ record: "stage" }, "lost"] } }] } },
};
const users = ["boss", "u_1", "u%2", "O'Brien"].map((id, i) => ({ id, role: "rep", ...(i ? { managerId: "boss" } : {}) }));
users.push({ id: "other", role: "rep" });
const tenant = new Engine(policy).tenant({ plan: "std", users });
const leads = [];
for (const [i, owner] of ["boss", "u_1", "u%2", "O'Brien", "other", "uX1", "o'brien"].entries()) {
  for (const stage of ["open", "lost", null]) leads.push({ type: "lead", id: `L${i}-${stage}`, ownerId: owner, stage, account: i % 2 });
}

const dbs = [];
{
  const Database = require("better-sqlite3");
  dbs.push(["sqlite", new Kysely({ dialect: new SqliteDialect({ database: new Database(":memory:") }) })]);
}
if (process.env.PGHOST) {
  const pg = require("pg");
  dbs.push(["postgres", new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ max: 1 }) }) })]);
}
after(async () => {
  for (const [, db] of dbs) await db.destroy();
});

for (const [dialect, db] of dbs) {
  test(`${dialect}: accordWhere composes with Kysely's own parameters and selects filter()'s rows`, async () => {
    await db.schema.createTable("leads").addColumn("id", "text").addColumn("owner_id", "text").addColumn("stage", "text").addColumn("account", "integer").execute();
    await db.insertInto("leads").values(leads.map((l) => ({ id: l.id, owner_id: l.ownerId, stage: l.stage, account: l.account }))).execute();
    const q = tenant.sql("boss", "view", "lead", { dialect, columns: { ownerId: "owner_id", stage: "stage" } });
    const rows = await db.selectFrom("leads").select("id").where("account", "=", 1).where(accordWhere(q)).orderBy("id").execute();
    const want = tenant.filter("boss", "view", leads.filter((l) => l.account === 1)).map((l) => l.id).sort();
    assert.deepEqual(rows.map((r) => r.id), want);
    assert.ok(want.length > 0);
    // Kysely numbered accord's set after its own `account = $1`.
    const compiled = db.selectFrom("leads").select("id").where("account", "=", 1).where(accordWhere(q)).compile();
    if (dialect === "postgres") assert.match(compiled.sql, /ANY\(\$3::text\[\]\)/);
    assert.equal(compiled.parameters.length, 1 + q.params.length);
  });
}
