#!/usr/bin/env bash
# Measures `hamravesh validate` against the validators people already use, on the same inputs in
# one run: 2,000 profile files in a folder and one NDJSON file of 50,000 profiles.
# It installs the other tools under target/bench-tools (npm, pip and crates.io; needs those
# registries), writes inputs under target/bench-data, and prints hyperfine tables.
#
# usage: scripts/bench-validators.sh            (CI never runs this)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOLS="${BENCH_TOOLS:-$ROOT/target/bench-tools}"
DATA="${BENCH_DATA:-$ROOT/target/bench-data}"
SCHEMA="$ROOT/schema/profile.json"
RUNS="${BENCH_RUNS:-5}"

mkdir -p "$TOOLS" "$DATA"
if [ ! -x "$TOOLS/node/node_modules/.bin/ajv" ]; then
  mkdir -p "$TOOLS/node" && (cd "$TOOLS/node" && npm init -y >/dev/null && npm install --no-audit --no-fund ajv-cli ajv-formats ajv >/dev/null)
fi
if [ ! -x "$TOOLS/venv/bin/check-jsonschema" ]; then
  python3 -m venv "$TOOLS/venv" && "$TOOLS/venv/bin/pip" install -q check-jsonschema
fi
if [ ! -x "$TOOLS/cargo/bin/jsonschema-cli" ]; then
  cargo install -q --root "$TOOLS/cargo" jsonschema-cli
fi
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 2; }

[ -f "$DATA/profiles.ndjson" ] || python3 "$ROOT/scripts/make-bench-data.py" "$DATA" 2000 50000
cargo build -q --release -p hamravesh-cli
H="$ROOT/target/release/hamravesh"
AJV="$TOOLS/node/node_modules/.bin/ajv"
CJ="$TOOLS/venv/bin/check-jsonschema"
JC="$TOOLS/cargo/bin/jsonschema-cli"
export NODE_PATH="$TOOLS/node/node_modules"

echo "## $(nproc) cores; NDJSON $(du -m "$DATA/profiles.ndjson" | cut -f1) MB; folder $(ls "$DATA/profiles" | wc -l) files"
echo "### folder of 2,000 files"
hyperfine -N -i --warmup 1 --runs "$RUNS" --style basic \
  -n "hamravesh --parse-only (ceiling)" "$H validate --quiet --parse-only $DATA/profiles" \
  -n "hamravesh validate" "$H validate --quiet $DATA/profiles" \
  -n "ajv-cli" "$AJV validate --spec=draft7 --strict=false --all-errors -c ajv-formats -s $SCHEMA -d $DATA/profiles/*.json" \
  -n "check-jsonschema" "bash -c '$CJ --schemafile $SCHEMA $DATA/profiles/*.json'" \
  -n "jsonschema-cli" "bash -c '$JC validate --offline --assert-format --errors-only $SCHEMA -i $DATA/profiles/*.json'"

echo "### one NDJSON file of 50,000 profiles"
hyperfine -N -i --warmup 1 --runs "$RUNS" --style basic \
  -n "hamravesh --parse-only (ceiling)" "$H validate --quiet --parse-only $DATA/profiles.ndjson" \
  -n "hamravesh validate" "$H validate --quiet $DATA/profiles.ndjson" \
  -n "ajv (library, line by line)" "node $ROOT/scripts/ajv-ndjson.js $SCHEMA $DATA/profiles.ndjson" \
  -n "python-jsonschema (library, line by line)" "$TOOLS/venv/bin/python $ROOT/scripts/python-jsonschema-ndjson.py $SCHEMA $DATA/profiles.ndjson"

echo "### memory: peak RSS against input size"
for lines in 50000 200000; do
  f="$DATA/rss-$lines.ndjson"
  [ -f "$f" ] || for _ in $(seq $((lines / 50000))); do cat "$DATA/profiles.ndjson"; done > "$f"
  /usr/bin/time -f "$lines lines ($(du -m "$f" | cut -f1) MB): %M KB peak RSS, %e s" "$H" validate --quiet "$f" || true
done
