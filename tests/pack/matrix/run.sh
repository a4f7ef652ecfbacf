#!/usr/bin/env bash
# The packaging matrix: the `npm pack` tarball installed into one scratch project per tool under
# target/matrix/<case>, each asserting the real decision in Chromium or the runtime itself.
# Third-party dependencies come from each case's committed lockfile (`npm ci`), reinstalled only
# when the lockfile changes; the package itself is unpacked fresh from the tarball every run.
# Usage: tests/pack/matrix/run.sh [case...]   (packs pkg/, from `make pkg`; MATRIX_PKG=dir packs another)
set -uo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
src=$root/tests/pack/matrix
work=$root/target/matrix
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(node tsc lint deno bun vite7 vite8 webpack5 vitest wrangler next)
mkdir -p "$work"
rm -f "$work"/accord-*.tgz
(cd "${MATRIX_PKG:-pkg}" && npm pack --silent --pack-destination "$work" >/dev/null) || { echo "npm pack failed"; exit 1; }
tarball=$(ls "$work"/accord-*.tgz)
export NO_COLOR=1 FORCE_COLOR=0 ACCORD_ROOT=$root ACCORD_TARBALL=$tarball PATH="$root/.ci/tools/node_modules/.bin:$PATH"

prepare() { # case: sources fresh, node_modules from the lockfile (cached by its hash), accord from the tarball
  local c=$1 dir=$work/$1 hash=none
  mkdir -p "$dir"
  [ -f "$src/$c/package-lock.json" ] && hash=$(sha256sum "$src/$c/package-lock.json" | cut -c1-16)
  find "$dir" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name .lockhash -exec rm -rf {} +
  cp -r "$src/common/." "$src/$c/." "$dir/"
  cp "$root/tests/pack/zs9.mjs" "$dir/"
  if [ "$hash" != none ] && { [ "$(cat "$dir/.lockhash" 2>/dev/null)" != "$hash" ] || [ ! -d "$dir/node_modules" ]; }; then
    local t0=$(date +%s)
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    echo "$hash" >"$dir/.lockhash"
    echo "[$c] npm ci in $(( $(date +%s) - t0 )) s"
  fi
  rm -rf "$dir/node_modules/accord"
  mkdir -p "$dir/node_modules/accord"
  tar xzf "$tarball" -C "$dir/node_modules/accord" --strip-components=1
}

one() { # case: prepare, then its test.sh or test.mjs; output to target/matrix/<case>.log
  local c=$1 t0=$(date +%s) rc
  {
    prepare "$c" && (cd "$work/$c" && if [ -f test.sh ]; then bash test.sh; else node test.mjs; fi)
  } >"$work/$c.log" 2>&1
  rc=$?
  echo "$rc $(( $(date +%s) - t0 ))" >"$work/$c.rc"
}

# Two at a time (two cores): the heavy builds (next, wrangler, vite) overlap with light cases.
t_all=$(date +%s)
running=0
for c in "${cases[@]}"; do
  one "$c" &
  running=$((running + 1))
  if [ $running -ge "${MATRIX_JOBS:-2}" ]; then wait -n; running=$((running - 1)); fi
done
wait
fail=0
for c in "${cases[@]}"; do
  read -r rc secs <"$work/$c.rc"
  grep -E "^(ok  |FAIL|\[)" "$work/$c.log" | sed "s/^/  [$c] /"
  if [ "$rc" = 0 ]; then echo "  pass $c (${secs} s)"; else fail=$((fail + 1)); echo "  FAIL $c (${secs} s): tail of $work/$c.log"; tail -n 25 "$work/$c.log" | sed 's/^/      /'; fi
done
echo "matrix: $(( ${#cases[@]} - fail )) passed, $fail failed in $(( $(date +%s) - t_all )) s"
[ $fail = 0 ]
