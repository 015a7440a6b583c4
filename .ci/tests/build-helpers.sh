#!/usr/bin/env bash
# Tests of the build helpers, with fake tools: .ci/bin/cached-tool (wasm-opt and
# wasm-bindgen remembered) and .ci/server-cargo (site files put back with their old
# times when unchanged). Run by .ci/test; each check fails the script.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$work"

# Fake tools that count their runs.
mkdir fakebin
cat > fakebin/wasm-opt <<'T'
#!/usr/bin/env bash
[ "$1" = --version ] && { echo "wasm-opt fake 1"; exit 0; }
echo run >> "$WORK/opt-runs"
n=$#; in=${*: -3:1}; out=${*: -1}
{ cat "$in"; echo "optimized with ${*:1:n-3}"; } > "$out.new" && mv "$out.new" "$out"
T
cat > fakebin/wasm-bindgen <<'T'
#!/usr/bin/env bash
[ "$1" = --version ] && { echo "wasm-bindgen fake 1"; exit 0; }
echo run >> "$WORK/bindgen-runs"
for a in "$@"; do case "$a" in --out-dir=*) out=${a#--out-dir=} ;; -*) ;; *) in=$a ;; esac; done
mkdir -p "$out/snippets"; cp "$in" "$out/app_bg.wasm"; echo js > "$out/app.js"; echo s > "$out/snippets/x.js"
T
cat > fakebin/cargo <<'T'
#!/usr/bin/env bash
echo "$*" >> "$WORK/cargo-runs"
[ -z "${CARGO_FAILS:-}" ]
T
chmod +x fakebin/*
unset CARGO
export WORK=$work PATH="$root/.ci/bin:$work/fakebin:$PATH" TOOL_CACHE_DIR=$work/cache
runs() { [ -f "$work/$1" ] && wc -l < "$work/$1" | tr -d ' ' || echo 0; }

# wasm-opt: the second run over the same input and flags copies the first output.
echo module-a > a.wasm; cp a.wasm a2.wasm
wasm-opt -Oz --converge a.wasm -o a.wasm
wasm-opt -Oz --converge a2.wasm -o a2.wasm
[ "$(runs opt-runs)" = 1 ] || fail "wasm-opt ran $(runs opt-runs) times for one input"
cmp -s a.wasm a2.wasm || fail "a remembered wasm-opt output differs from the tool's"
# Other flags or another input run the tool.
echo module-a > b.wasm; wasm-opt -O1 b.wasm -o b.wasm
echo module-b > c.wasm; wasm-opt -Oz --converge c.wasm -o c.wasm
[ "$(runs opt-runs)" = 3 ] || fail "changed flags or input did not run wasm-opt"
grep -q module-b c.wasm || fail "wasm-opt output is not of its own input"

# wasm-bindgen: the whole output directory comes back, the tool runs once.
echo main > split.wasm
wasm-bindgen --target=web --out-name=app --out-dir=pkg1 split.wasm
wasm-bindgen --target=web --out-name=app --out-dir=pkg2 split.wasm
[ "$(runs bindgen-runs)" = 1 ] || fail "wasm-bindgen ran $(runs bindgen-runs) times for one input"
diff -r pkg1 pkg2 >/dev/null || fail "a remembered wasm-bindgen output differs"
echo changed > split.wasm
wasm-bindgen --target=web --out-name=app --out-dir=pkg3 split.wasm
[ "$(runs bindgen-runs)" = 2 ] && grep -q changed pkg3/app_bg.wasm || fail "a changed input did not run wasm-bindgen"

# server-cargo: unchanged site files get their old times back, changed ones keep new.
mkdir -p target/site/pkg
echo same > target/site/pkg/same.js; echo old > target/site/pkg/edit.js
printf '{"a":1,"b":2}' > target/site/pkg/manifest.json
gzip -c target/site/pkg/same.js > target/site/pkg/same.js.gz
bash "$root/.ci/server-cargo" build --release
[ -d target/site-built ] || fail "no copy of the site after a successful server build"
touch -d '2020-01-01' target/site-built/pkg/*
# cargo-leptos writes every file again: same bytes (a new gzip timestamp, another key order), one edit.
sleep 1
rm -rf target/site; mkdir -p target/site/pkg
echo same > target/site/pkg/same.js; echo new > target/site/pkg/edit.js
printf '{"b":2,"a":1}' > target/site/pkg/manifest.json
gzip -c target/site/pkg/same.js > target/site/pkg/same.js.gz
bash "$root/.ci/server-cargo" build --release 2>log
year() { date -r "$1" +%Y; }
[ "$(year target/site/pkg/same.js)" = 2020 ] || fail "an unchanged file kept its new time"
[ "$(year target/site/pkg/same.js.gz)" = 2020 ] || fail "an unchanged file's gzip kept its new time"
[ "$(year target/site/pkg/manifest.json)" = 2020 ] || fail "a reordered JSON map kept its new time"
[ "$(year target/site/pkg/edit.js)" != 2020 ] || fail "a changed file got an old time"
grep -q new target/site/pkg/edit.js || fail "a changed file was replaced"
grep -q "3 kept as they were, 1 new or changed" log || fail "unexpected summary: $(cat log)"
# A failed server build leaves no copy: nothing is put back over what it may have compiled.
CARGO_FAILS=1 bash "$root/.ci/server-cargo" build --release 2>/dev/null && fail "a failing cargo succeeded"
[ ! -d target/site-built ] || fail "a failed server build left its copy"
echo "build helpers: all checks passed"
