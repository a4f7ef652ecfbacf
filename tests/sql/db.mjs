// The databases of the SQL tests, each behind one small interface:
//   { name, dialect, exec(sql), query(sql, params) -> rows, insert(table, columns, rows), close() }
// PostgreSQL through `pg` (the cluster tests/sql/with-pg.sh started: PGHOST, PGPORT, PGUSER),
// SQLite through better-sqlite3 (in memory), D1 through miniflare's local workerd.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export async function postgres({ connections = 4 } = {}) {
  const pg = require("pg");
  // float8 and int8 as JavaScript numbers (count(*) is int8; our counts are small).
  pg.types.setTypeParser(20, (v) => Number(v));
  const dbname = `accord_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  const admin = new pg.Client();
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbname}`);
  await admin.end();
  const db = new pg.Pool({ max: connections, database: dbname });
  return {
    name: "postgres",
    dialect: "postgres",
    async exec(sql) {
      await db.query(sql);
    },
    async query(sql, params = []) {
      return (await db.query(sql, params)).rows;
    },
    // One JSON parameter per batch: PostgreSQL turns it into rows (arrays into text[]).
    async insert(table, rows) {
      for (let i = 0; i < rows.length; i += 2000) {
        await db.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1)`, [JSON.stringify(rows.slice(i, i + 2000))]);
      }
    },
    async close() {
      await db.end();
    },
  };
}

export async function sqlite({ file = ":memory:" } = {}) {
  const Database = require("better-sqlite3");
  const db = new Database(file);
  const cache = new Map();
  const stmt = (sql) => {
    let s = cache.get(sql);
    if (s === undefined) {
      if (cache.size > 1000) cache.clear();
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  return {
    name: "sqlite",
    dialect: "sqlite",
    raw: db,
    async exec(sql) {
      db.exec(sql);
    },
    async query(sql, params = []) {
      return stmt(sql).all(...params);
    },
    async insert(table, rows, columns) {
      const ins = db.prepare(`INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
      db.transaction(() => {
        for (const r of rows) ins.run(...columns.map((c) => sqliteValue(r[c])));
      })();
    },
    async close() {
      db.close();
    },
  };
}

// A JSON value as SQLite stores it: booleans as 1/0, lists as JSON text.
export function sqliteValue(v) {
  if (v === undefined || v === null) return null;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (Array.isArray(v)) return JSON.stringify(v);
  return v;
}

export async function d1() {
  const { Miniflare } = require("miniflare");
  const mf = new Miniflare({
    modules: true,
    script: "export default { fetch() { return new Response('') } }",
    d1Databases: ["DB"],
  });
  const db = await mf.getD1Database("DB");
  return {
    name: "d1",
    dialect: "sqlite",
    async exec(sql) {
      for (const s of sql.split(";").map((x) => x.trim()).filter(Boolean)) await db.prepare(s).run();
    },
    async query(sql, params = []) {
      return (await db.prepare(sql).bind(...params).all()).results;
    },
    // Many queries in one round trip to the runtime (D1's batch): each [sql, params] → rows.
    async many(list) {
      const out = await db.batch(list.map(([sql, params]) => db.prepare(sql).bind(...params)));
      return out.map((r) => r.results);
    },
    async insert(table, rows, columns) {
      const ins = db.prepare(`INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
      for (let i = 0; i < rows.length; i += 200) {
        await db.batch(rows.slice(i, i + 200).map((r) => ins.bind(...columns.map((c) => sqliteValue(r[c])))));
      }
    },
    async close() {
      await mf.dispose();
    },
  };
}
