// The semantics of accord's SQL (docs/sql.md, "Semantics"), each rule on real databases:
// PostgreSQL (the cluster of tests/sql/with-pg.sh; skipped without PGHOST) and SQLite
// (better-sqlite3). Every test compares the rows the SQL selects with the package's own
// filter() / total() on the same records, or pins the documented difference.
//
//   tests/sql/with-pg.sh node --test tests/sql/semantics.test.mjs
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { Engine, AccordError } from "../../pkg/node.mjs";
import { postgres, sqlite, sqliteValue } from "./db.mjs";

const dbs = [await sqlite()];
if (process.env.PGHOST) dbs.push(await postgres({ connections: 2 }));
after(async () => {
  for (const db of dbs) await db.close();
});

const POLICY = {
  plans: ["std"],
  types: { deal: { actions: ["view", "update", "delete", "export", "share"] } },
  roles: {
    rep: {
      rules: [
        { actions: ["view"], types: ["deal"], scope: "subordinates" },
        { actions: ["update"], types: ["deal"], when: { eq: [{ record: "region" }, null] } },
        { actions: ["delete"], types: ["deal"], when: { eq: [{ record: "level" }, 2] } },
        { actions: ["export"], types: ["deal"], when: { in: [{ record: "code" }, ["2", "x"]] } },
        { actions: ["share"], types: ["deal"], scope: "own" },
        { effect: "deny", actions: ["view"], types: ["deal"], when: { eq: [{ record: "hidden" }, true] } },
      ],
    },
  },
};

// Ids a sloppy comparison would confuse: LIKE wildcards, quotes, case, NFC/NFD, emoji, JS names.
const IDS = ["boss", "u_1", "u%2", "O'Brien \"3\"", "\u00fc4", "u\u03084", "Ab", "aB", "\u{1f600}", "__proto__", "back\\slash"];

function tenant(users = IDS.map((id, i) => ({ id, role: "rep", ...(i > 0 ? { managerId: "boss" } : {}) }))) {
  return new Engine(POLICY).tenant({ plan: "std", users });
}

let tables = 0;
// Creates a table of `cols` ({ name, field, pg, sqlite }) holding `records`, runs the question's
// SQL on it, and returns the ids it selects, sorted, beside filter()'s.
async function ask(db, t, user, action, cols, records) {
  const table = `t${++tables}`;
  const ty = (c) => (db.dialect === "postgres" ? c.pg : c.sqlite);
  await db.exec(`CREATE TABLE ${table} (rid integer, ${cols.map((c) => `${c.name} ${ty(c)}`).join(", ")})`);
  const rows = records.map((r, rid) => {
    const row = { rid };
    for (const c of cols) row[c.name] = r[c.field] === undefined ? null : r[c.field];
    return row;
  });
  if (db.dialect === "postgres") await db.insert(table, rows);
  else await db.insert(table, rows, ["rid", ...cols.map((c) => c.name)]);
  const columns = Object.fromEntries(cols.map((c) => [c.field, c.type ? { sql: c.name, type: c.type } : c.name]));
  const q = t.sql(user, action, "deal", { dialect: db.dialect, columns });
  const got = (await db.query(`SELECT rid FROM ${table} WHERE ${q.where} ORDER BY rid`, q.params)).map((r) => r.rid);
  // The expression is never NULL: selected as a column it is true or false on every row.
  const flags = await db.query(`SELECT (${q.where}) AS ok FROM ${table}`, q.params);
  for (const f of flags) assert.ok(f.ok === true || f.ok === false || f.ok === 1 || f.ok === 0, `NULL from ${q.where}`);
  const want = t.filter(user, action, records).map((r) => records.indexOf(r));
  return { got, want, q, table };
}

const text = (name, field = name) => ({ name, field, pg: "text", sqlite: "TEXT" });
const hidden = { name: "hidden", field: "hidden", pg: "boolean", sqlite: "INTEGER", type: "boolean" };
const deals = (list) => list.map((r, i) => ({ type: "deal", id: `D${i}`, ...r }));

for (const db of dbs) {
  test(`${db.name}: absent and null fields are both SQL NULL, and a null condition matches them`, async () => {
    const recs = deals([{ region: "eu" }, {}, { region: null }, { region: "" }]);
    const { got, want } = await ask(db, tenant(), "boss", "update", [text("region")], recs);
    assert.deepEqual(got, want);
    assert.deepEqual(got, [1, 2]);
  });

  test(`${db.name}: NOT is null-safe: a deny on hidden = true leaves NULL hidden visible`, async () => {
    const recs = deals([{ ownerId: "u_1", hidden: true }, { ownerId: "u_1", hidden: false }, { ownerId: "u_1" }, { ownerId: "u_1", hidden: null }]);
    const cols = [text("owner_id", "ownerId"), hidden];
    const { got, want, q } = await ask(db, tenant(), "boss", "view", cols, recs);
    assert.match(q.where, /NOT \(hidden IS NOT NULL AND hidden = /);
    assert.deepEqual(got, want);
    assert.deepEqual(got, [1, 2, 3]);
  });

  test(`${db.name}: numbers and numeric strings never equal each other`, async () => {
    const recs = deals([{ level: 2 }, { level: 2.0 }, { level: 3 }, { level: "2" }]);
    const num = { name: "level", field: "level", pg: "float8", sqlite: "REAL", type: "number" };
    const asNumbers = await ask(db, tenant(), "boss", "delete", [num], recs.slice(0, 3));
    assert.deepEqual(asNumbers.got, asNumbers.want);
    assert.deepEqual(asNumbers.got, [0, 1]);
    // A text column holding "2": the plan compares with the number 2, so no row (folded to false).
    const asText = await ask(db, tenant(), "boss", "delete", [text("level")], recs.slice(3));
    assert.deepEqual(asText.got, asText.want);
    assert.deepEqual(asText.got, []);
    assert.equal(asText.q.where, db.dialect === "postgres" ? "FALSE" : "0");
    // The other way: `code in ["2", "x"]` on a number column holding 2.
    const codes = await ask(db, tenant(), "boss", "export", [{ name: "code", field: "code", pg: "float8", sqlite: "REAL", type: "number" }], deals([{ code: 2 }]));
    assert.deepEqual([codes.got, codes.want], [[], []]);
  });

  test(`${db.name}: PostgreSQL numeric and bigint columns compare as doubles, as JavaScript does`, { skip: db.dialect !== "postgres" }, async () => {
    const recs = deals([{ level: 2 }, { level: 2.5 }]);
    for (const pg of ["numeric", "bigint", "integer", "real"]) {
      const rows = pg === "bigint" || pg === "integer" ? recs.slice(0, 1) : recs;
      const { got, want } = await ask(db, tenant(), "boss", "delete", [{ name: "level", field: "level", pg, type: "number" }], rows);
      assert.deepEqual(got, want, pg);
    }
  });

  test(`${db.name}: string equality is exact: case, accents, %, _, quotes, backslashes, emoji`, async () => {
    // Every owner is a near miss of some user id, or the id itself.
    const owners = [...IDS, "U_1", "uX1", "u%2 and more", "u%", "o'brien \"3\"", "AB", "ab", "\u00dc4", "u\u0308", "__PROTO__", "back\\\\slash", "\u{1f600} "];
    const recs = deals(owners.map((ownerId) => ({ ownerId })));
    for (const user of IDS.slice(1)) {
      const { got, want } = await ask(db, tenant(), user, "share", [text("owner_id", "ownerId")], recs);
      assert.deepEqual(got, want, user);
      assert.deepEqual(got, [IDS.indexOf(user)], user);
    }
    // A reporting line (one set parameter) is exact too.
    const line = await ask(db, tenant(), "boss", "view", [text("owner_id", "ownerId"), hidden], recs);
    assert.deepEqual(line.got, line.want);
    assert.deepEqual(line.got, IDS.map((_, i) => i));
  });

  test(`${db.name}: a case-insensitive column is compared exactly all the same`, async () => {
    // SQLite: COLLATE NOCASE; PostgreSQL: citext. accord's SQL says COLLATE BINARY / compares as text.
    if (db.dialect === "postgres") await db.exec("CREATE EXTENSION IF NOT EXISTS citext");
    const col = { name: "owner_id", field: "ownerId", pg: "citext", sqlite: "TEXT COLLATE NOCASE" };
    const recs = deals([{ ownerId: "Ab" }, { ownerId: "aB" }, { ownerId: "AB" }, { ownerId: "ab" }]);
    const one = await ask(db, tenant(), "Ab", "share", [col], recs);
    assert.deepEqual(one.got, one.want);
    assert.deepEqual(one.got, [0]);
    const line = await ask(db, tenant(), "boss", "view", [col, hidden], recs);
    assert.deepEqual(line.got, line.want);
    assert.deepEqual(line.got, [0, 1]);
  });

  test(`${db.name}: a nondeterministic collation is not supported, and the documented query finds it`, { skip: db.dialect !== "postgres" }, async () => {
    await db.exec("CREATE COLLATION IF NOT EXISTS ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)");
    const col = { name: "owner_id", field: "ownerId", pg: "text COLLATE ci" };
    const { got, want, table } = await ask(db, tenant(), "Ab", "share", [col], deals([{ ownerId: "Ab" }, { ownerId: "ab" }]));
    // What docs/sql.md warns of: such a column matches "ab" for "Ab". filter() does not.
    assert.deepEqual(want, [0]);
    assert.deepEqual(got, [0, 1]);
    const found = await db.query(
      `SELECT a.attname FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation
       WHERE a.attrelid = $1::regclass AND NOT c.collisdeterministic`,
      [table],
    );
    assert.deepEqual(found.map((r) => r.attname), ["owner_id"]);
  });

  test(`${db.name}: groups named __proto__ or constructor are groups like any other`, async () => {
    const t = tenant();
    const recs = deals(["__proto__", "constructor", "__proto__", "toString"].map((stage, i) => ({ ownerId: "u_1", stage, amount: i + 1 })));
    const table = `g${++tables}`;
    await db.exec(`CREATE TABLE ${table} (owner_id text, stage text, amount ${db.dialect === "postgres" ? "float8" : "REAL"})`);
    const rows = recs.map((r) => ({ owner_id: r.ownerId, stage: r.stage, amount: r.amount }));
    if (db.dialect === "postgres") await db.insert(table, rows);
    else await db.insert(table, rows, ["owner_id", "stage", "amount"]);
    const q = t.sql("boss", "view", "deal", { dialect: db.dialect, columns: { ownerId: "owner_id", hidden: { sql: "NULL", type: "boolean" } } });
    const sql = await db.query(`SELECT stage, count(*) AS n, sum(amount) AS s FROM ${table} WHERE ${q.where} GROUP BY stage`, q.params);
    const total = t.total("boss", recs, "amount", { groupBy: "stage" });
    assert.ok(Object.hasOwn(total.groups, "__proto__"));
    assert.deepEqual(Object.keys(total.groups).sort(), ["__proto__", "constructor", "toString"]);
    for (const r of sql) assert.deepEqual(total.groups[r.stage], { total: r.s, count: Number(r.n) }, r.stage);
  });
}

// Sums: total() adds JavaScript numbers (doubles) in record order. SQL sums differently.
test("postgres: integer sums agree with total() below 2^53, and past it SQL is exact where total() rounds", { skip: !process.env.PGHOST }, async () => {
  const db = dbs.find((d) => d.name === "postgres");
  const t = tenant();
  const amounts = [2 ** 53 - 10, 3, 4];
  const recs = deals(amounts.map((amount) => ({ ownerId: "u_1", amount })));
  await db.exec("CREATE TABLE sums (owner_id text, amount bigint)");
  await db.insert("sums", recs.map((r) => ({ owner_id: r.ownerId, amount: r.amount })));
  const q = t.sql("boss", "view", "deal", { dialect: "postgres", columns: { ownerId: "owner_id", hidden: { sql: "NULL", type: "boolean" } } });
  const below = await db.query(`SELECT sum(amount)::text AS s FROM sums WHERE ${q.where}`, q.params);
  assert.equal(Number(below[0].s), t.total("boss", recs, "amount").total); // 2^53 - 3: exact both ways
  await db.exec("INSERT INTO sums VALUES ('u_1', 1), ('u_1', 1), ('u_1', 1), ('u_1', 1)");
  const more = deals([...amounts, 1, 1, 1, 1].map((amount) => ({ ownerId: "u_1", amount })));
  const past = await db.query(`SELECT sum(amount)::text AS s FROM sums WHERE ${q.where}`, q.params);
  assert.equal(past[0].s, "9007199254740993"); // numeric: exact, past Number.MAX_SAFE_INTEGER
  assert.equal(t.total("boss", more, "amount").total, 9007199254740992); // doubles: the last +1 rounds away
  // Overflowing a double: total() is Infinity; PostgreSQL's float8 sum refuses; numeric is exact.
  const huge = deals([1e308, 1e308].map((amount) => ({ ownerId: "u_1", amount })));
  assert.equal(t.total("boss", huge, "amount").total, Infinity);
  await assert.rejects(db.query("SELECT sum(x) FROM (VALUES (1e308::float8), (1e308::float8)) v(x)"), /out of range/);
  const exact = await db.query("SELECT sum(x)::text AS s FROM (VALUES (1e308::numeric), (1e308::numeric)) v(x)");
  assert.equal(Number(exact[0].s), Infinity);
});

test("sqlite: a REAL sum overflowing a double is Infinity like total(); an INTEGER sum past 2^63 is an error", async () => {
  const db = dbs[0].raw;
  const t = tenant();
  const huge = deals([1e308, 1e308].map((amount) => ({ ownerId: "u_1", amount })));
  assert.equal(t.total("boss", huge, "amount").total, Infinity);
  assert.equal(db.prepare("SELECT sum(x) AS s FROM (SELECT 1e308 AS x UNION ALL SELECT 1e308)").get().s, Infinity);
  assert.throws(() => db.prepare("SELECT sum(x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 1)").get(), /integer overflow/);
  // Past 2^53, SQLite's INTEGER sum is exact (read it as a BigInt); total() rounds.
  const s = db.prepare("SELECT sum(x) AS s FROM (SELECT 9007199254740982 AS x UNION ALL SELECT 11)").safeIntegers().get().s;
  assert.equal(s, 9007199254740993n);
  assert.equal(t.total("boss", deals([9007199254740982, 11].map((amount) => ({ ownerId: "u_1", amount }))), "amount").total, 9007199254740992);
});

test("bad SQL options and unmapped fields are AccordErrors with a code and a path", () => {
  const t = tenant();
  const cases = [
    [["boss", "view", "deal", { dialect: "mysql", columns: {} }], "unknown_dialect", "/dialect"],
    [["boss", "view", "deal", { dialect: "sqlite", columns: ["owner_id"] }], "invalid_type", "/columns"],
    [["boss", "view", "deal", { dialect: "sqlite", columns: { ownerId: { sql: "o", type: "date" } } }], "invalid_column", "/columns/ownerId/type"],
    [["boss", "view", "lead", { dialect: "sqlite", columns: {} }], "unknown_type", ""],
    [["boss", "fly", "deal", { dialect: "sqlite", columns: {} }], "unknown_action", ""],
    [["boss", "view", "deal", { dialect: "postgres", columns: { ownerId: "owner_id" } }], "unmapped_field", "/columns"],
    [["boss", "view", "deal", null], "invalid_type", ""],
  ];
  for (const [args, code, path] of cases) {
    assert.throws(() => t.sql(...args), (e) => e instanceof AccordError && e.code === code && e.path === path, code);
  }
  assert.throws(() => t.sql("boss", "view", "deal", { dialect: "postgres", columns: {} }), /`hidden`, `ownerId`/);
});

test("values never reach the SQL text, whatever the id", () => {
  const t = tenant();
  for (const id of IDS) {
    const q = t.sql(id, "share", "deal", { dialect: "postgres", columns: { ownerId: "owner_id" } });
    assert.equal(q.where, "(owner_id IS NOT NULL AND owner_id = $1::text)");
    assert.deepEqual(q.params, [id]);
    const big = t.sql("boss", "view", "deal", { dialect: "sqlite", columns: { ownerId: "owner_id", hidden: { sql: "hidden", type: "boolean" } } });
    assert.ok(!/O'Brien|%|\\/.test(big.where), big.where);
    assert.equal(big.where.split("?").length - 1, big.params.length);
  }
  assert.equal(sqliteValue(true), 1);
});
