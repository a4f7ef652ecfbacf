# tsc --strict against the installed package, no DOM lib (lib es2022 only, no @types): the
# `bundler` and `node16` resolutions, ESM and a CommonJS `.cts` require.
echo '{"name":"accord-matrix-tsc","private":true,"type":"module"}' >package.json
rc=0
for mode in bundler node16; do
  if tsc -p "tsconfig.$mode.json"; then echo "ok   tsc $(tsc --version | cut -d" " -f2) --strict moduleResolution $mode, lib es2022 (no DOM)"; else echo "FAIL tsc moduleResolution $mode"; rc=1; fi
done
exit $rc
