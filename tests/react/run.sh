#!/usr/bin/env bash
# accord/react in headless Chromium and under tsc: installs React from the committed lockfile
# (npm ci) when missing, installs the packed pkg/ as node_modules/accord, then runs run.mjs.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# What a user installs: the tarball `npm pack` makes of pkg/ (its `files` list decides).
mkdir -p ../../target/react
tgz=$(cd ../../pkg && npm pack --silent --pack-destination ../target/react | tail -n 1)
rm -rf node_modules/accord && mkdir -p node_modules/accord
tar -xzf "../../target/react/$tgz" -C node_modules/accord --strip-components=1
node run.mjs
