#!/usr/bin/env bash
# schema/policy.schema.json against the engine's policy reader (pkg/): installs ajv from the
# committed lockfile when missing, then runs check.mjs.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node check.mjs
