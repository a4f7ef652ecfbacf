#!/usr/bin/env bash
# The `sql` stage of `make test` (issue 13): writes the differential's cases with the Rust
# engine (tests/sqlcases.rs), starts a throwaway PostgreSQL (with-pg.sh), then compares the
# SQL's answers in PostgreSQL, SQLite and D1 with the engine's (run.mjs) and runs the
# semantics tests (semantics.mjs). Needs the package in pkg/ (built if missing).
# SQL_WORLDS (500) and SQL_D1_WORLDS (20) size the run; SQL_SEED replays one.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=tests/sql

# npm ci only when the lockfile changed. better-sqlite3 compiles from source (its prebuilt
# binaries come from outside the registry): node-gyp needs Node's headers, which Debian's
# nodejs ships under /usr/include/node.
stamp=$here/node_modules/.lock-sha
want=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  [ -d /usr/include/node ] && export npm_config_nodedir=/usr
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
fi
[ -f pkg/node.mjs ] || .ci/build-pkg >/dev/null

cases=target/sql/cases.jsonl
SQL_CASES=$cases SQL_WORLDS=${SQL_WORLDS:-500} cargo test --quiet --test sqlcases -- --ignored --nocapture 2>&1 |
  grep -E "^sqlcases:|panicked|error" || { echo "sqlcases: writing the cases failed"; exit 1; }
[ -s "$cases" ] || { echo "sqlcases: no cases written"; exit 1; }
tests/sql/with-pg.sh sh -c "node $here/run.mjs $cases --d1-worlds ${SQL_D1_WORLDS:-20} && node --test --test-reporter=spec $here/semantics.test.mjs"
