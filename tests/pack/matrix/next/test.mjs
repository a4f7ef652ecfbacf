// Next.js App Router, zero config, with each of its bundlers (Turbopack, the default, and
// webpack): `next build`, then `next start`; a client page asked in Chromium, a Node.js route
// handler and an edge route handler over HTTP.
import { spawn, execFileSync } from "node:child_process";
import { rmSync, readFileSync, renameSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { inChromium, wasmFiles, expect, decided } from "./lib.mjs";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const version = JSON.parse(readFileSync("node_modules/next/package.json", "utf8")).version;
const next = "node_modules/next/dist/bin/next";

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });

// Next.js 16.5.0's webpack build fails on any edge route handler, even one that imports nothing
// ("Failed to collect page data for /api/edge": ENOENT route_client-reference-manifest.js), so
// the edge route is asked under Turbopack only.
for (const [bundler, flags, routes] of [["turbopack", [], ["node", "edge"]], ["webpack", ["--webpack"], ["node"]]]) {
  const name = `next ${version} (${bundler})`;
  rmSync(".next", { recursive: true, force: true });
  if (!routes.includes("edge") && existsSync("app/api/edge")) renameSync("app/api/edge", "edge-route.off");
  execFileSync("node", [next, "build", ...flags], { env, stdio: ["ignore", "inherit", "inherit"] });
  // Three bundles: the browser's must hold exactly one .wasm; the server and edge bundles at most
  // one each (the Node and edge entries instantiate embedded bytes; Next.js may still copy the
  // file the shared API module points at, unused).
  const client = wasmFiles(".next/static");
  const edge = wasmFiles(".next/server").filter((f) => f.includes("/edge"));
  const node = wasmFiles(".next/server").filter((f) => !f.includes("/edge"));
  expect(`${name} build: one .wasm in the client bundle`, client.length === 1 && node.length <= 1 && edge.length <= 1, { client, node, edge });

  const port = await freePort();
  const server = spawn("node", [next, "start", "-H", "127.0.0.1", "-p", String(port)], { env, stdio: ["ignore", "ignore", "inherit"], detached: true });
  const stop = () => {
    try {
      process.kill(-server.pid); // the whole group: next start runs its server in a child
    } catch {}
  };
  process.on("exit", stop);
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; i < 150; i++) {
      if (await fetch(base).then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const route of routes) {
      const res = await fetch(`${base}/api/${route}`);
      const text = await res.text();
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        body = text.slice(0, 300);
      }
      expect(`${name} ${route} route handler`, res.ok && body.ok === true, body);
    }
    const r = await inChromium(`${base}/`);
    expect(`${name} client page`, decided(r), r);
  } finally {
    stop();
  }
}
