#!/usr/bin/env bash
# Per-payload verdicts of hamravesh, ajv-cli and check-jsonschema on the whole payload corpus.
# Uses the tools bench-validators.sh installs under target/bench-tools. CI never runs this.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOLS="${BENCH_TOOLS:-$ROOT/target/bench-tools}"
SCHEMA="$ROOT/schema/profile.json"
cargo build -q --release -p hamravesh-cli
verdict() { if "$@" >/dev/null 2>&1; then echo valid; else echo invalid; fi; }
disagreements=0
printf "%-50s %-9s %-9s %-9s\n" payload hamravesh ajv check-jsonschema
for file in "$ROOT"/tests/payloads/valid/*.json "$ROOT"/tests/payloads/invalid/*.json; do
  h=$(verdict "$ROOT/target/release/hamravesh" validate --quiet "$file")
  a=$(verdict "$TOOLS/node/node_modules/.bin/ajv" validate --spec=draft7 --strict=false -c ajv-formats -s "$SCHEMA" -d "$file")
  c=$(verdict "$TOOLS/venv/bin/check-jsonschema" --schemafile "$SCHEMA" "$file")
  [ "$h" = "$a" ] && [ "$h" = "$c" ] || disagreements=$((disagreements + 1))
  printf "%-50s %-9s %-9s %-9s\n" "${file#"$ROOT"/tests/payloads/}" "$h" "$a" "$c"
done
echo "$disagreements disagreement(s)"
