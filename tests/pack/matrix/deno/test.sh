# Deno (the .ci/tools binary), npm package in node_modules, run with no permissions granted.
echo '{"name":"accord-matrix-deno","private":true,"type":"module","dependencies":{"accord":"*"}}' >package.json
v=$(deno --version | head -n 1)
if out=$(deno run --no-prompt --node-modules-dir=manual main.mjs 2>&1) && echo "$out" | grep -q '"ok":true'; then echo "ok   $v run (no permissions): $out"; else echo "$out"; echo "FAIL $v"; exit 1; fi
