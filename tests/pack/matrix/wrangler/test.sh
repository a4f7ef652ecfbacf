# wrangler, zero config: `wrangler dev` answers two requests (the second from the same isolate),
# and `wrangler deploy --dry-run` uploads the .wasm as a module of its own.
export WRANGLER_SEND_METRICS=false CI=1 NO_COLOR=1 WRANGLER_LOG_PATH=$PWD/logs
v=$(npx wrangler --version 2>/dev/null | tail -n 1)
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
# In a process group of its own: wrangler starts workerd and esbuild children, all stopped below.
setsid npx wrangler dev --ip 127.0.0.1 --port "$port" --inspector-port 0 --log-level warn >dev.log 2>&1 &
pid=$!
trap 'kill -- -$pid 2>/dev/null' EXIT
rc=0
for n in 1 2; do
  out=""
  for _ in $(seq 1 150); do out=$(curl -sf "http://127.0.0.1:$port/") && break; sleep 0.2; done
  if echo "$out" | grep -q '"ok":true'; then echo "ok   wrangler $v dev request $n: $out"; else echo "FAIL wrangler $v dev request $n: ${out:-no answer}"; cat dev.log; rc=1; fi
done
kill -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null
rm -rf out
npx wrangler deploy --dry-run --outdir out >deploy.log 2>&1 || { cat deploy.log; echo "FAIL wrangler deploy --dry-run"; exit 1; }
wasm=$(find out -name '*.wasm' | wc -l)
js=$(find out -name '*.js' -exec cat {} + | wc -c)
if [ "$wasm" = 1 ] && [ "$js" -lt 150000 ]; then echo "ok   wrangler $v deploy --dry-run: one .wasm module ($(find out -name '*.wasm' -printf '%f %s bytes')), worker JS $js bytes"
else echo "FAIL wrangler $v deploy --dry-run: $wasm .wasm files, worker JS $js bytes"; ls -la out; rc=1; fi
exit $rc
