#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL cluster (Debian's `postgresql` package), then
# stops the cluster and removes it, however the command ends:
#
#   tests/sql/with-pg.sh node tests/sql/run.mjs
#
# The command sees PGHOST (a unix socket directory), PGPORT, PGUSER and PGDATABASE. initdb
# refuses to run as root, so as root (CI) the cluster runs as `nobody`; otherwise as the
# current user. Nothing listens on TCP. PG_SHARED_BUFFERS sizes the cache (bench: 512MB).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -gt 0 ] || { echo "usage: $0 command [args...]" >&2; exit 2; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "with-pg: no PostgreSQL under /usr/lib/postgresql (run .ci/install postgres)" >&2; exit 1; }

as=()
owner=$(id -un)
if [ "$(id -u)" = 0 ]; then
  owner=nobody
  as=(runuser -u nobody --)
fi
# The cluster's directory: under target/ when its owner can reach it, else a private /tmp dir.
mkdir -p target
base=$(mktemp -d "$PWD/target/pg.XXXXXX")
if [ ${#as[@]} -gt 0 ]; then
  chown "$owner" "$base"
  if ! "${as[@]}" test -w "$base"; then
    rm -rf "$base"
    base=$(mktemp -d /tmp/accord-pg.XXXXXX)
    chown "$owner" "$base"
  fi
fi
data="$base/data"
sock="$base/sock"
"${as[@]}" mkdir -p "$sock"
log="$base/postgres.log"

stop() {
  "${as[@]}" "$bin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$base"
}
trap stop EXIT
trap 'exit 130' INT TERM

"${as[@]}" "$bin/initdb" -D "$data" -U "$owner" --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$base/initdb.log" 2>&1 ||
  { cat "$base/initdb.log"; exit 1; }
# A test cluster: durability off, no TCP, its socket in its own directory.
"${as[@]}" "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start -o "-k $sock -c listen_addresses= -p 5432 \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
  -c shared_buffers=${PG_SHARED_BUFFERS:-128MB} -c max_connections=50" >/dev/null ||
  { cat "$log"; exit 1; }

export PGHOST="$sock" PGPORT=5432 PGUSER="$owner" PGDATABASE=postgres
set +e
"$@"
rc=$?
set -e
exit $rc
