# Bun, installed from npm (its binary ships inside the package): import and require.
v=$(node_modules/.bin/bun --version)
if out=$(node_modules/.bin/bun run main.mjs 2>&1) && echo "$out" | grep -q '"ok":true,.*"same":true'; then echo "ok   bun $v: $out"; else echo "$out"; echo "FAIL bun $v"; exit 1; fi
