#!/bin/sh
# The demo's browser tests: starts the demo (www/run.sh: `wrangler dev` with local KV and D1) on
# a free 127.0.0.1 port, runs tests/demo/demo.test.mjs in headless Chromium, stops the worker,
# and exits non-zero on any failure. Closing line: "N passed, N failed". Needs the package in
# pkg/ (`make pkg`).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

if [ ! -f "$ROOT/pkg/workerd.mjs" ] && [ -z "${ACCORD_PKG:-}" ]; then
  echo "tests/demo: no accord package in pkg/ (run \`make pkg\` first)"
  echo "0 passed, 1 failed"
  exit 1
fi
if [ ! -f "$HERE/node_modules/playwright-core/package.json" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) || { echo "0 passed, 1 failed"; exit 1; }
fi

PORT=${DEMO_PORT:-$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}
mkdir -p "$ROOT/target"
LOG="$ROOT/target/demo-worker.log"

# The worker's KV and D1 for this run only, removed when it stops.
STATE="$ROOT/target/demo-state/test-$PORT"

# Own session and process group, so stopping it stops exactly what this script started
# (wrangler, its esbuild and its two workerd processes).
PORT=$PORT DEMO_STATE=$STATE setsid "$ROOT/www/run.sh" >"$LOG" 2>&1 &
PID=$!
stop() {
  kill -TERM -- "-$PID" 2>/dev/null || kill -TERM "$PID" 2>/dev/null
  wait "$PID" 2>/dev/null
  rm -rf "$STATE"
}
trap stop EXIT
trap 'exit 130' INT TERM

up() { node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "http://127.0.0.1:$PORT/api/health"; }
i=0
until up; do
  i=$((i + 1))
  if [ "$i" -gt 120 ] || ! kill -0 "$PID" 2>/dev/null; then
    echo "tests/demo: the worker did not start:"
    cat "$LOG"
    echo "0 passed, 1 failed"
    exit 1
  fi
  sleep 0.25
done
echo "tests/demo: worker up on http://127.0.0.1:$PORT (log: target/demo-worker.log)"

DEMO_URL="http://127.0.0.1:$PORT" node "$HERE/demo.test.mjs"
rc=$?
exit $rc
