#!/usr/bin/env bash
# The `sql` stage of `make test` (issue 13): writes the differential's cases with the Rust
# engine (tests/sqlcases.rs), starts a throwaway PostgreSQL (with-pg.sh), then compares the
# SQL's answers in PostgreSQL, SQLite and D1 with the engine's (run.mjs) and runs the
# semantics tests and the Kysely helper (semantics.test.mjs, kysely.test.mjs). Needs the package in pkg/ (built if missing).
# SQL_WORLDS (500) and SQL_D1_WORLDS (12) size the run; SQL_SEED replays one.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=tests/sql

tests/sql/deps.sh
[ -f pkg/node.mjs ] || .ci/build-pkg >/dev/null

cases=target/sql/cases.jsonl
SQL_CASES=$cases SQL_WORLDS=${SQL_WORLDS:-500} cargo test --quiet --test sqlcases -- --ignored --nocapture 2>&1 |
  grep -E "^sqlcases:|panicked|error" || { echo "sqlcases: writing the cases failed"; exit 1; }
[ -s "$cases" ] || { echo "sqlcases: no cases written"; exit 1; }
tests/sql/with-pg.sh sh -c "node $here/run.mjs $cases --d1-worlds ${SQL_D1_WORLDS:-12} && node --test --test-reporter=spec $here/semantics.test.mjs $here/kysely.test.mjs"
