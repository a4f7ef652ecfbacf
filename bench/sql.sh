#!/usr/bin/env bash
# The database bench of issue 13 (bench/sql.mjs): PostgreSQL (a throwaway cluster from
# tests/sql/with-pg.sh, 512 MB of shared buffers) and SQLite, 1,000,000 leads. Arguments go
# to bench/sql.mjs (--leads N, --runs N, --fetch-runs N). Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
tests/sql/deps.sh
[ -f pkg/node.mjs ] || .ci/build-pkg >/dev/null
PG_SHARED_BUFFERS=${PG_SHARED_BUFFERS:-512MB} tests/sql/with-pg.sh node bench/sql.mjs "$@"
