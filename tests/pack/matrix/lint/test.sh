# publint and @arethetypeswrong/cli on the tarball users install. attw's one exclusion: the
# `.wasm` subpaths (`./accord_wasm_bg.wasm`, `./runtime/accord_wasm_bg.wasm`) are the raw
# modules for users who serve or load them themselves; not JavaScript, so no types to check.
tarball=$ACCORD_TARBALL
version() { node -p "require('./node_modules/$1/package.json').version"; }
rc=0
if npx publint --strict node_modules/accord >publint.log 2>&1; then echo "ok   publint $(version publint) --strict: $(tail -n 1 publint.log)"; else cat publint.log; echo "FAIL publint"; rc=1; fi
npx attw "$tarball" --format json --exclude-entrypoints ./accord_wasm_bg.wasm ./runtime/accord_wasm_bg.wasm >attw.json 2>attw.err
node -e '
const r = JSON.parse(require("fs").readFileSync("attw.json", "utf8"));
const problems = r.analysis.problems ?? [];
const kinds = Object.values(r.analysis.entrypoints).flatMap((e) => Object.keys(e.resolutions));
if (problems.length) { console.log("FAIL attw: " + JSON.stringify(problems)); process.exit(1); }
console.log("ok   attw " + process.argv[1] + ": no problems (" + [...new Set(kinds)].join(", ") + ") for " + Object.keys(r.analysis.entrypoints).join(", "));
' "$(version @arethetypeswrong/cli)" || { cat attw.err; npx attw "$tarball" --exclude-entrypoints ./accord_wasm_bg.wasm ./runtime/accord_wasm_bg.wasm || true; rc=1; }
exit $rc
