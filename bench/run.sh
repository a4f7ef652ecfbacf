#!/usr/bin/env bash
# One command for issue 6's bench: installs what is missing, then runs the Node bench and the
# headless-Chromium bench. `bench/run.sh [--quick]`. Exit status is non-zero when a library
# disagrees with another (or a run fails); timings never fail it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

# accord comes from ../pkg (built by `make pkg`); build it if it is missing.
if [ ! -f ../pkg/package.json ]; then
  echo "bench: ../pkg is missing, running make pkg" >&2
  make -C .. pkg >&2 || echo "bench: make pkg failed; the accord column will be empty" >&2
fi
# Install when node_modules is missing or older than package.json / the accord package.
stamp=node_modules/.bench-installed
if [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ] || { [ -f ../pkg/package.json ] && [ -n "$(find ../pkg -newer "$stamp" -print -quit)" ]; }; then
  if [ -f ../pkg/package.json ]; then
    npm install --no-audit --no-fund --loglevel=error >&2
    touch "$stamp"
  else
    # Without ../pkg the file: dependency cannot install: install the others, no accord column.
    npm install --no-save --no-audit --no-fund --loglevel=error \
      $(node -p 'Object.entries(require("./package.json").dependencies).filter(([n]) => n !== "accord").map(([n, v]) => n + "@" + v).join(" ")') >&2
  fi
fi

status=0
node --expose-gc node.mjs "$@" || status=$?
echo
# Snapshots: compile vs save vs load of the 100,000-user tenant, bytes per user.
node --expose-gc snapshot.mjs "$@" || status=$?
echo
node chromium.mjs "$@" || status=$?
exit $status
