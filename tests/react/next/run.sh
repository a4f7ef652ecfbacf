#!/usr/bin/env bash
# accord/react in a Next.js App Router page (a Server Component rendering a client component),
# built with `next build` and served by `next start`. Works in target/react-next (Next writes
# next-env.d.ts and .next/ beside the sources): npm ci from the committed lockfile when missing,
# the packed pkg/ as node_modules/accord, then drive.mjs in headless Chromium.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=$root/target/react-next
mkdir -p "$work"
cp -r "$here/app" "$here/package.json" "$here/package-lock.json" "$here/tsconfig.json" "$here/drive.mjs" "$work/"
cd "$work"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
tgz=$(cd "$root/pkg" && npm pack --silent --pack-destination "$work" | tail -n 1)
rm -rf node_modules/accord && mkdir -p node_modules/accord
tar -xzf "$tgz" -C node_modules/accord --strip-components=1
NEXT_TELEMETRY_DISABLED=1 node_modules/.bin/next build
ACCORD_ROOT=$root node drive.mjs
