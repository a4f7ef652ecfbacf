# node --test with an ESM and a CommonJS test file against the installed package.
echo '{"name":"accord-matrix-node","private":true,"type":"module"}' >package.json
out=$(node --test esm.test.mjs cjs.test.cjs 2>&1); rc=$?
pass=$(echo "$out" | sed -n 's/^# pass //p'); fail=$(echo "$out" | sed -n 's/^# fail //p')
if [ $rc = 0 ] && [ "${pass:-0}" -ge 4 ] && [ "$fail" = 0 ]; then echo "ok   node $(node --version) --test: $pass passed (ESM and CommonJS)"; else echo "$out"; echo "FAIL node --test: ${pass:-0} passed, ${fail:-?} failed"; exit 1; fi
