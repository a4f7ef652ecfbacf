// The code blocks of docs/edge.md, run as written: each marked block (<!-- edge:NAME -->) is
// copied into a scratch project under target/edge-docs/ whose node_modules/accord is the built
// package, then driven as a user would (publish, start the server, ask it over HTTP). Registered
// by demo.test.mjs beside its browser tests.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });

/** The text of the ```js block between <!-- edge:NAME --> and <!-- /edge:NAME -->. */
function block(root, name) {
  const md = readFileSync(join(root, "docs", "edge.md"), "utf8");
  const m = md.match(new RegExp(`<!-- edge:${name} -->\\n\`\`\`js\\n([\\s\\S]*?)\`\`\`\\n<!-- /edge:${name} -->`));
  if (!m) throw new Error(`docs/edge.md has no block edge:${name}`);
  return m[1];
}

/** A fresh scratch project with the built package as node_modules/accord. */
function project(root, name, files) {
  const dir = join(root, "target", "edge-docs", name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(process.env.ACCORD_PKG ?? join(root, "pkg"), join(dir, "node_modules", "accord"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true, dependencies: { accord: "*" } }));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

/** Starts a server process in its own group; `stop()` ends that group. */
function start(cmd, args, cwd, env, t) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const stop = () => {
    try {
      process.kill(-child.pid);
    } catch {}
  };
  t.cleanup.push(stop);
  return { child, stop, stderr: () => stderr };
}

async function until(fn, what, server) {
  for (let i = 0; i < 150; i++) {
    if (await fn().catch(() => false)) return;
    if (server.child.exitCode !== null) break;
    await sleep(100);
  }
  throw new Error(`${what} did not start: ${server.stderr()}`);
}

/** The zendesk-sell account of both examples: Ana (admin) and Bo, her report. */
const DRIVE_USERS = `const users = [{ id: "ana", role: "admin" }, { id: "bo", role: bo, managerId: "ana" }];
for (let i = 2; i < n; i++) users.push({ id: "u" + i, role: "limited", managerId: "ana" });
const directory = { plan: "professional", users };`;

export function register(test, { assert, eq, ROOT }) {
  test("docs_edge_node", async (t) => {
    const { Engine, presets } = await import(join(process.env.ACCORD_PKG ?? join(ROOT, "pkg"), "node.mjs"));
    const dir = project(ROOT, "node", {
      "publish.mjs": block(ROOT, "node-publish"),
      "server.mjs": block(ROOT, "node-server"),
      // The compile step's caller: an admin save, an HR sync. Prints the digest.
      "drive.mjs": `import { presets } from "accord";
import { publish } from "./publish.mjs";
const [account, bo = "limited", n = 2] = process.argv.slice(2);
${DRIVE_USERS}
console.log(await publish("snapshots", account, presets["zendesk-sell"](), directory));
`,
    });
    const publish = (...args) => execFileSync(process.execPath, ["drive.mjs", ...args], { cwd: dir, encoding: "utf8" }).trim();
    const first = publish("acme", "limited");
    const port = await freePort();
    const server = start(process.execPath, ["server.mjs"], dir, { PORT: String(port), SNAPSHOTS: "snapshots" }, t);
    const ask = async (user, owner, account = "acme") => {
      const res = await fetch(`http://127.0.0.1:${port}/?account=${encodeURIComponent(account)}&lead=L1&owner=${owner}`, { headers: { "x-user": user } });
      return { status: res.status, body: await res.json() };
    };
    await until(() => ask("ana", "bo").then((r) => r.status === 200), "node server.mjs", server);
    // The answers of the compiled tenant, in this process, for comparison.
    const expected = new Engine(presets["zendesk-sell"]()).tenant({ plan: "professional", users: [{ id: "ana", role: "admin" }, { id: "bo", role: "limited", managerId: "ana" }] });
    const boAsks = await ask("bo", "ana");
    const want = expected.check("bo", "delete", { type: "lead", id: "L1", ownerId: "ana" });
    eq([boAsks.status, boAsks.body.code, boAsks.body.message], [403, want.code, want.message], "Bo may not delete Ana's lead: the compiled tenant's answer");
    eq((await ask("ana", "bo")).status, 200, "Ana may");
    eq((await ask("ana", "bo", "nobody")).body.code, "unknown_account", "an account never published");
    eq((await ask("ana", "bo", "../etc")).status, 400, "an account name that is not a folder name");
    // A new directory published: the server loads it within a second.
    const second = publish("acme", "admin");
    assert(second !== first, "a new snapshot, a new digest");
    await sleep(1100);
    eq((await ask("bo", "ana")).status, 200, "Bo, now an admin, may");
    // A snapshot of another format (the format number is the u32 after the 8-byte magic):
    // the server says so and answers again once the compile step ran.
    const bytes = readFileSync(join(dir, "snapshots", "acme", `${second}.bin`));
    bytes[8] += 1;
    writeFileSync(join(dir, "snapshots", "acme", "f0rmat.bin"), bytes);
    writeFileSync(join(dir, "snapshots", "acme", "current.json"), JSON.stringify({ sha256: "f0rmat" }));
    await sleep(1100);
    const old = await ask("ana", "bo");
    eq([old.status, old.body.code], [503, "snapshot_version"], "another format");
    publish("acme", "admin");
    await sleep(1100);
    eq((await ask("bo", "ana")).status, 200, "compiled again: answers again");
  });

  test("docs_edge_deno", async (t) => {
    const deno = join(ROOT, ".ci", "tools", "node_modules", ".bin", "deno");
    assert(existsSync(deno), `no Deno at ${deno} (.ci/install node installs it)`);
    const dir = project(ROOT, "deno", {
      "publish.mjs": block(ROOT, "deno-publish"),
      "server.mjs": block(ROOT, "deno-server"),
      "drive.mjs": `import { presets } from "accord";
import { publish } from "./publish.mjs";
const [account, bo = "limited", n = 2] = Deno.args;
${DRIVE_USERS}
const kv = await Deno.openKv(Deno.env.get("DENO_KV_PATH"));
const sha256 = await publish(kv, account, presets["zendesk-sell"](), directory);
const chunks = [];
for await (const e of kv.list({ prefix: ["snapshot", account, sha256] })) chunks.push(e.value.length);
console.log(JSON.stringify({ sha256, chunks }));
kv.close();
`,
    });
    const env = { DENO_KV_PATH: join(dir, "kv.sqlite3"), NO_COLOR: "1" };
    const flags = ["run", "--quiet", "--node-modules-dir=manual", "--unstable-kv", "--allow-env", `--allow-read=${dir}`, `--allow-write=${dir}`];
    const publish = (...args) => JSON.parse(execFileSync(deno, [...flags, "drive.mjs", ...args], { cwd: dir, env: { ...process.env, ...env }, encoding: "utf8" }));
    const first = publish("acme", "limited", "20000");
    assert(first.chunks.length > 10 && first.chunks.slice(0, -1).every((n) => n === 60000), `chunks of 60,000 bytes: ${first.chunks.length} (${first.chunks.at(-1)} last)`);
    const port = await freePort();
    const server = start(deno, [...flags, "--allow-net=127.0.0.1", "server.mjs"], dir, { ...env, PORT: String(port) }, t);
    const ask = async (user, owner, account = "acme") => {
      const res = await fetch(`http://127.0.0.1:${port}/?account=${account}&lead=L1&owner=${owner}`, { headers: { "x-user": user } });
      return { status: res.status, body: await res.json() };
    };
    await until(() => ask("ana", "bo").then((r) => r.status === 200), "deno server.mjs", server);
    const boAsks = await ask("bo", "ana");
    eq([boAsks.status, boAsks.body.allowed], [403, false], "Bo may not delete Ana's lead");
    eq((await ask("ana", "u19999")).status, 200, "Ana may delete the lead of the last of 20,000 users (the whole snapshot was read back)");
    eq((await ask("ana", "bo", "nobody")).body.code, "unknown_account", "an account never published");
    // Publish a change: the next request loads it (the pointer is read on every request).
    publish("acme", "admin", "20000");
    eq((await ask("bo", "ana")).status, 200, "Bo, now an admin, may");
    console.log(`     deno: ${first.chunks.length} chunks for a 20,000-user snapshot of ${first.chunks.reduce((a, b) => a + b, 0).toLocaleString("en")} bytes`);
  });
}
