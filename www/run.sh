#!/bin/sh
# Starts the accord demo: `wrangler dev` (local mode: miniflare's workerd, with local KV and D1)
# on 127.0.0.1:$PORT (default 8787), serving www/ and its /api (wrangler.jsonc).
# Builds nothing: expects the npm package in ../pkg (`make pkg`), or in $ACCORD_PKG.
# Installs wrangler from npm into www/node_modules when missing. Fetches nothing at run time.
set -eu
WWW=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$WWW")
PKG=${ACCORD_PKG:-$ROOT/pkg}
PORT=${PORT:-8787}
# KV and D1 live here; each start begins with none (the worker seeds them on first use), as
# the demo's data is generated, not kept. One directory per port: two demos never share it.
STATE=${DEMO_STATE:-$ROOT/target/demo-state/$PORT}

for f in workerd.mjs accord.js runtime/workerd.mjs runtime/accord.js; do
  if [ ! -f "$PKG/$f" ]; then
    echo "run.sh: no accord package in $PKG (no $f; run \`make pkg\` first)" >&2
    exit 1
  fi
done

if [ ! -x "$WWW/node_modules/.bin/wrangler" ]; then
  echo "run.sh: installing wrangler from npm into www/node_modules" >&2
  (cd "$WWW" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi

# The page and the worker load the same package files from www/pkg/: the full entry
# (pkg/accord.js, the compiler) and the runtime entry (pkg/runtime/, loads snapshots).
rm -rf "$WWW/pkg"
mkdir -p "$WWW/pkg/runtime"
for f in "$PKG"/*.js "$PKG"/*.mjs "$PKG"/*.wasm "$PKG"/*.d.ts "$PKG"/package.json; do
  [ -f "$f" ] && cp "$f" "$WWW/pkg/"
done
for f in "$PKG"/runtime/*.js "$PKG"/runtime/*.mjs "$PKG"/runtime/*.wasm "$PKG"/runtime/*.d.ts; do
  [ -f "$f" ] && cp "$f" "$WWW/pkg/runtime/"
done

rm -rf "$STATE"
mkdir -p "$STATE" "$ROOT/target"

# Offline and quiet: no usage metrics, no update check (the banner's), no download of the
# `Request.cf` placeholder from workers.cloudflare.com; wrangler's own log file under target/.
export WRANGLER_SEND_METRICS=false WRANGLER_HIDE_BANNER=true CLOUDFLARE_CF_FETCH_ENABLED=false
export WRANGLER_LOG_PATH="$ROOT/target/wrangler-logs"

echo "accord demo: http://127.0.0.1:$PORT/"
cd "$WWW"
exec ./node_modules/.bin/wrangler dev --ip 127.0.0.1 --port "$PORT" --inspector-port 0 --persist-to "$STATE"
