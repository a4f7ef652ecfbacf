#!/usr/bin/env bash
# Tests what users install: npm pack, install the tarball into a scratch project, then import it
# from Node ESM, Node CommonJS, an esbuild browser bundle in headless Chromium, and workerd.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
tools=$root/.ci/tools/node_modules/.bin
work=$root/target/pack
rm -rf "$work" && mkdir -p "$work/scratch"
(cd pkg && npm pack --silent --pack-destination "$work" >/dev/null) || { echo "npm pack failed"; exit 1; }
tarball=$(ls "$work"/accord-*.tgz)
echo "tarball: $(basename "$tarball") ($(wc -c <"$tarball" | tr -d ' ') bytes; $(tar tzf "$tarball" | wc -l | tr -d ' ') files)"
cd "$work/scratch"
echo '{"name":"scratch","private":true,"type":"module"}' > package.json
npm install --silent --no-audit --no-fund --offline "$tarball" || npm install --silent --no-audit --no-fund "$tarball" || { echo "install failed"; exit 1; }
cp "$root"/tests/pack/{zs9.mjs,esm.mjs,cjs.cjs,browser.mjs,worker.mjs,runtime.mjs,runtime.cjs} .
pass=0; fail=0
check() { if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $*"; fi; }

check node esm.mjs
check node cjs.cjs
check node runtime.mjs
check node runtime.cjs

# Browser: esbuild resolves the "browser" condition; the .wasm sits next to the bundle.
"$tools/esbuild" browser.mjs --bundle --format=esm --platform=browser --outfile=web/app.js --log-level=warning
cp node_modules/accord/accord_wasm_bg.wasm web/
cp node_modules/accord/runtime/accord_wasm_bg.wasm web/runtime.wasm
echo '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./app.js"></script>' > web/index.html
cat > browser-test.mjs <<JS
import { createRequire } from "node:module";
import { serve } from "$root/tests/js/serve.mjs";
const { chromium } = createRequire("$root/.ci/tools/")("playwright-core");
const server = await serve("$work/scratch/web");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
const page = await browser.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
// browser.mjs asks for a missing file on purpose (a load failure must name it): that 404 is expected.
page.on("console", (m) => m.type() === "error" && !/status of 404/.test(m.text()) && errors.push(m.text()));
await page.goto("http://127.0.0.1:" + server.address().port + "/index.html");
await page.waitForFunction(() => window.result !== undefined, null, { timeout: 30000 }).catch(() => {});
const r = await page.evaluate(() => window.result);
await browser.close(); server.close();
console.log("chromium-bundle", JSON.stringify(r), errors.join("; "));
process.exitCode = r && r.ok && errors.length === 0 ? 0 : 1;
JS
check node browser-test.mjs

# workerd: esbuild resolves the "workerd" condition; the .wasm stays a module of its own.
"$tools/esbuild" worker.mjs --bundle --format=esm --platform=neutral --conditions=workerd --external:*.wasm --outfile=worker/worker.js --log-level=warning
cp node_modules/accord/accord_wasm_bg.wasm worker/
port=${PACK_WORKERD_PORT:-8798}
cat > worker/config.capnp <<CAPNP
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (services = [(name = "main", worker = .w)],
  sockets = [(name = "http", address = "127.0.0.1:$port", http = (), service = "main")]);
const w :Workerd.Worker = (compatibilityDate = "2025-01-01", modules = [
  (name = "worker.js", esModule = embed "worker.js"),
  (name = "accord_wasm_bg.wasm", wasm = embed "accord_wasm_bg.wasm")]);
CAPNP
"$tools/workerd" serve worker/config.capnp >worker/log.txt 2>&1 &
wpid=$!
workerd_test() {
  local out=""
  for _ in $(seq 1 50); do out=$(curl -sf "http://127.0.0.1:$port/") && break; sleep 0.1; done
  echo "workerd $out"
  echo "$out" | grep -q '"ok":true'
}
check workerd_test
kill $wpid 2>/dev/null; wait $wpid 2>/dev/null
echo "pack: $pass passed, $fail failed"
[ $fail = 0 ]
