#!/usr/bin/env bash
# Measures `hamravesh validate` against the validators people already use, on the same inputs in
# one run: 2,000 profile files in a folder and one NDJSON file of 50,000 profiles, then the
# ratios the README's performance goals are stated in.
# It installs the other tools under target/bench-tools (npm, pip and crates.io; needs those
# registries), writes inputs under target/bench-data, and prints hyperfine tables.
#
# Reference points of the same binary on the same inputs (hidden benchmarking flags):
#   --parse-only   the ceiling of a validator that works on parsed JSON: every payload parsed
#                  into serde_json::Value (with the repeated-key check), no schema;
#   --decode-only  every payload decoded into the typed model (hamravesh_types::decode), no
#                  schema (skipped, with a note, when the binary has no such flag).
# BASELINE=/path/to/an/older/hamravesh adds that binary's `validate` to every table (to compare
# releases: valid and invalid payloads, and peak RSS).
#
# usage: scripts/bench-validators.sh            (CI never runs this)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
TOOLS="${BENCH_TOOLS:-$ROOT/target/bench-tools}"
DATA="${BENCH_DATA:-$ROOT/target/bench-data}"
SCHEMA="$ROOT/schema/profile.json"
RUNS="${BENCH_RUNS:-5}"
BASELINE="${BASELINE:-}"
RESULTS="$DATA/results"

mkdir -p "$TOOLS" "$DATA" "$RESULTS"
missing=()
if [ ! -x "$TOOLS/node/node_modules/.bin/ajv" ]; then
  mkdir -p "$TOOLS/node" && (cd "$TOOLS/node" && npm init -y >/dev/null && npm install --no-audit --no-fund ajv-cli ajv-formats ajv >/dev/null) || missing+=(ajv-cli)
fi
if [ ! -x "$TOOLS/venv/bin/check-jsonschema" ]; then
  { python3 -m venv "$TOOLS/venv" && "$TOOLS/venv/bin/pip" install -q check-jsonschema; } || missing+=(check-jsonschema)
fi
if [ ! -x "$TOOLS/cargo/bin/jsonschema-cli" ]; then
  cargo install -q --root "$TOOLS/cargo" jsonschema-cli || missing+=(jsonschema-cli)
fi
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 2; }
[ ${#missing[@]} -eq 0 ] || echo "NOTE: could not install: ${missing[*]} (their rows fail)" >&2

[ -f "$DATA/profiles.ndjson" ] || python3 "$ROOT/scripts/make-bench-data.py" "$DATA" 2000 50000
# Every line invalid (an error near the start, one in the middle, one only the end shows), for
# the cost of the error path.
if [ ! -f "$DATA/invalid.ndjson" ]; then
  python3 - "$DATA/profiles.ndjson" "$DATA/invalid.ndjson.part" <<'EOF'
import json, sys
with open(sys.argv[1], encoding="utf-8") as src, open(sys.argv[2], "w", encoding="utf-8") as out:
    for i, line in enumerate(src):
        if i == 10000:
            break
        p = json.loads(line)
        kind = i % 3
        if kind == 0:
            p["first_name"] = 5
        elif kind == 1:
            orgs = p["organizations"]
            p["organizations"] = [dict(o, balance="0") for o in orgs] if isinstance(orgs, list) and orgs else "x"
        else:
            p.pop("profile_settings", None)
        out.write(json.dumps(p, ensure_ascii=False, separators=(",", ":")) + "\n")
EOF
  mv "$DATA/invalid.ndjson.part" "$DATA/invalid.ndjson"
fi
(cd "$ROOT" && cargo build -q --release -p hamravesh-cli)
H="$TARGET/release/hamravesh"
AJV="$TOOLS/node/node_modules/.bin/ajv"
CJ="$TOOLS/venv/bin/check-jsonschema"
JC="$TOOLS/cargo/bin/jsonschema-cli"
export NODE_PATH="$TOOLS/node/node_modules"

# --decode-only is a hidden flag: an unknown flag is a usage error (exit 2) naming it.
decode=()
if "$H" validate --quiet --decode-only "$DATA/profiles/profile-00000.json" 2>&1 | grep -q "unexpected argument"; then
  echo "NOTE: this binary has no --decode-only; the typed-decode figure is left out" >&2
else
  decode=(1)
fi
# Optional rows, as hyperfine arguments.
folder_extra=()
ndjson_extra=()
if [ ${#decode[@]} -gt 0 ]; then
  folder_extra+=(-n "hamravesh --decode-only" "$H validate --quiet --decode-only $DATA/profiles")
  ndjson_extra+=(-n "hamravesh --decode-only" "$H validate --quiet --decode-only $DATA/profiles.ndjson")
fi
if [ -n "$BASELINE" ]; then
  folder_extra+=(-n "baseline validate" "$BASELINE validate --quiet $DATA/profiles")
  ndjson_extra+=(-n "baseline validate" "$BASELINE validate --quiet $DATA/profiles.ndjson")
fi

echo "## $(nproc) cores; NDJSON $(du -m "$DATA/profiles.ndjson" | cut -f1) MB; folder $(ls "$DATA/profiles" | wc -l) files"
echo "### folder of 2,000 files"
hyperfine -N -i --warmup 1 --runs "$RUNS" --style basic --export-json "$RESULTS/folder.json" \
  -n "hamravesh --parse-only (ceiling)" "$H validate --quiet --parse-only $DATA/profiles" \
  "${folder_extra[@]+"${folder_extra[@]}"}" \
  -n "hamravesh validate" "$H validate --quiet $DATA/profiles" \
  -n "ajv-cli" "$AJV validate --spec=draft7 --strict=false --all-errors -c ajv-formats -s $SCHEMA -d $DATA/profiles/*.json" \
  -n "check-jsonschema" "bash -c '$CJ --schemafile $SCHEMA $DATA/profiles/*.json'" \
  -n "jsonschema-cli" "bash -c '$JC validate --offline --assert-format --errors-only $SCHEMA -i $DATA/profiles/*.json'"

echo "### one NDJSON file of 50,000 profiles"
hyperfine -N -i --warmup 1 --runs "$RUNS" --style basic --export-json "$RESULTS/ndjson.json" \
  -n "hamravesh --parse-only (ceiling)" "$H validate --quiet --parse-only $DATA/profiles.ndjson" \
  "${ndjson_extra[@]+"${ndjson_extra[@]}"}" \
  -n "hamravesh validate" "$H validate --quiet $DATA/profiles.ndjson" \
  -n "ajv (library, line by line)" "node $ROOT/scripts/ajv-ndjson.js $SCHEMA $DATA/profiles.ndjson" \
  -n "python-jsonschema (library, line by line)" "$TOOLS/venv/bin/python $ROOT/scripts/python-jsonschema-ndjson.py $SCHEMA $DATA/profiles.ndjson"

echo "### 10,000 invalid profiles (NDJSON): the error path"
invalid_rows=(-n "hamravesh validate" "$H validate --quiet $DATA/invalid.ndjson"
  -n "hamravesh validate (errors listed)" "bash -c '$H validate $DATA/invalid.ndjson >/dev/null'")
if [ -n "$BASELINE" ]; then
  invalid_rows+=(-n "baseline validate" "$BASELINE validate --quiet $DATA/invalid.ndjson"
    -n "baseline validate (errors listed)" "bash -c '$BASELINE validate $DATA/invalid.ndjson >/dev/null'")
fi
hyperfine -N -i --warmup 1 --runs "$RUNS" --style basic --export-json "$RESULTS/invalid.json" \
  -n "hamravesh --parse-only (ceiling)" "$H validate --quiet --parse-only $DATA/invalid.ndjson" \
  "${invalid_rows[@]}"

echo "### ratios (mean times, this run)"
python3 - "$RESULTS" <<'EOF'
import json, os, sys
def means(name):
    with open(os.path.join(sys.argv[1], name)) as f:
        return {r["command"]: r["mean"] for r in json.load(f)["results"]}
def ratio(table, slower, faster, label, goal=None):
    if slower not in table or faster not in table:
        print(f"- {label}: n/a ({slower if slower not in table else faster} not measured)")
        return
    value = table[slower] / table[faster]
    verdict = "" if goal is None else (f"  [goal >= {goal}: " + ("met" if value >= goal else "NOT met") + "]")
    print(f"- {label}: {value:.2f}x{verdict}")
folder, ndjson, invalid = means("folder.json"), means("ndjson.json"), means("invalid.json")
V, P, D, B = "hamravesh validate", "hamravesh --parse-only (ceiling)", "hamravesh --decode-only", "baseline validate"
ms = lambda t, k: f"{t[k] * 1000:.1f} ms" if k in t else "n/a"
print(f"folder: validate {ms(folder, V)}, parse-only {ms(folder, P)}, decode-only {ms(folder, D)}")
print(f"ndjson: validate {ms(ndjson, V)}, parse-only {ms(ndjson, P)}, decode-only {ms(ndjson, D)}")
ratio(ndjson, P, V, "NDJSON throughput, validate vs the --parse-only ceiling", 1.5)
ratio(ndjson, D, V, "NDJSON throughput, validate vs --decode-only")
ratio(folder, P, V, "folder, validate vs the --parse-only ceiling")
ratio(folder, "jsonschema-cli", V, "folder, jsonschema-cli time / hamravesh time", 2)
ratio(folder, "ajv-cli", V, "folder, ajv-cli time / hamravesh time", 10)
ratio(folder, "check-jsonschema", V, "folder, check-jsonschema time / hamravesh time")
ratio(ndjson, "ajv (library, line by line)", V, "NDJSON, ajv time / hamravesh time")
ratio(ndjson, "python-jsonschema (library, line by line)", V, "NDJSON, python-jsonschema time / hamravesh time")
ratio(ndjson, B, V, "NDJSON, baseline time / hamravesh time")
ratio(folder, B, V, "folder, baseline time / hamravesh time")
ratio(invalid, B, V, "invalid NDJSON (--quiet), baseline time / hamravesh time (>= 1: no dearer)")
ratio(invalid, "baseline validate (errors listed)", "hamravesh validate (errors listed)", "invalid NDJSON (errors listed), baseline time / hamravesh time (>= 1: no dearer)")
EOF

echo "### memory: peak RSS against input size"
for lines in 50000 200000; do
  f="$DATA/rss-$lines.ndjson"
  [ -f "$f" ] || for _ in $(seq $((lines / 50000))); do cat "$DATA/profiles.ndjson"; done > "$f"
  /usr/bin/time -f "hamravesh: $lines lines ($(du -m "$f" | cut -f1) MB): %M KB peak RSS, %e s" "$H" validate --quiet "$f" || true
  if [ -n "$BASELINE" ]; then
    /usr/bin/time -f "baseline:  $lines lines ($(du -m "$f" | cut -f1) MB): %M KB peak RSS, %e s" "$BASELINE" validate --quiet "$f" || true
  fi
done
