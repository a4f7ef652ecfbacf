# Vitest with the jsdom environment, zero config (the environment given on the command line).
v=$(node -p 'require("./node_modules/vitest/package.json").version')
out=$(npx vitest run --environment jsdom 2>&1); rc=$?
if [ $rc = 0 ] && echo "$out" | grep -Eq "Tests +2 passed"; then echo "ok   vitest $v (jsdom $(node -p 'require("./node_modules/jsdom/package.json").version')): $(echo "$out" | grep -E "Tests +" | tr -s ' ')"; else echo "$out"; echo "FAIL vitest $v"; exit 1; fi
