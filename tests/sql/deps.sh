#!/usr/bin/env bash
# Installs tests/sql's npm dependencies (pg, better-sqlite3, miniflare, kysely) with npm ci,
# only when the lockfile changed. better-sqlite3 compiles from source (its prebuilt binaries
# come from outside the registry): node-gyp needs Node's headers, which Debian's nodejs ships
# under /usr/include/node. Used by tests/sql/run.sh and bench/sql.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
stamp=$here/node_modules/.lock-sha
want=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  [ -d /usr/include/node ] && export npm_config_nodedir=/usr
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
fi
