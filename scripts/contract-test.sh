#!/usr/bin/env bash
# Contract test: Schemathesis reads openapi/hamravesh.openapi.json and tests `hamravesh mock` with
# every check on (no server errors, bodies, status codes, content types and headers as documented,
# schema-valid requests accepted, schema-invalid ones refused, resources that a create returns
# usable by the delete), in every phase (the document's examples, coverage, fuzzing, and stateful
# create/delete sequences), with valid and invalid inputs. Test data it cannot guess (the key, the
# organization, the clusters) is in scripts/schemathesis.toml. Any failure exits non-zero.
#
# Needs: schemathesis (PyPI; .ci/run installs it into target/ci-tools/venv), curl, jq.
# usage: scripts/contract-test.sh            (about 10-30 s; CI runs it after the tests)
#        SCHEMATHESIS_SEED=N scripts/contract-test.sh     (explore beyond the fixed seed)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ST="${SCHEMATHESIS:-$ROOT/target/ci-tools/venv/bin/schemathesis}"
# A fixed seed keeps CI reproducible; a failure prints how to replay it.
SEED="${SCHEMATHESIS_SEED:-20261129}"

[ -x "$ST" ] || ST=$(command -v schemathesis || true)
[ -n "$ST" ] || { echo "contract-test: schemathesis is not installed (pip install schemathesis)" >&2; exit 2; }
for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "contract-test: $tool is not installed" >&2; exit 2; }
done

# json-render-diagnostics: compile errors are shown on stderr (plain `json` would hide them in the
# JSON that jq filters away, leaving only "could not compile").
BIN=$(cd "$ROOT" && cargo build -q -p hamravesh-cli --message-format=json-render-diagnostics \
  | jq -r 'select(.reason == "compiler-artifact" and .executable != null and .target.name == "hamravesh") | .executable' | tail -1) || BIN=""
[ -x "$BIN" ] || { echo "contract-test: could not build hamravesh (see above)" >&2; exit 2; }

WORK=$(mktemp -d)
MOCK_PID=""
cleanup() {
  if [ -n "$MOCK_PID" ]; then kill "$MOCK_PID" 2>/dev/null || true; wait "$MOCK_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN" mock --addr 127.0.0.1:0 >"$WORK/mock.log" 2>&1 &
MOCK_PID=$!
URL=""
for _ in $(seq 1 200); do
  line=$(head -1 "$WORK/mock.log" 2>/dev/null || true)
  case "$line" in "listening on "*) URL="${line#listening on }"; break ;; esac
  sleep 0.05
done
[ -n "$URL" ] || { echo "contract-test: the mock did not start" >&2; cat "$WORK/mock.log" >&2; exit 1; }

# The clusters in scripts/schemathesis.toml must be ones the mock's organization can use.
PROFILE_PATH=$(jq -r '.operations[] | select(.id == "get_profile") | .path' "$ROOT/schema/operations.json")
available=$(curl -sf -H 'Authorization: Api-key mock-api-key' "$URL$PROFILE_PATH" \
  | jq -c '[.organizations[] | select(.name == "my-team") | .available_clusters[].id] | sort')
[ "$available" = "[53]" ] || {
  echo "contract-test: my-team's available_clusters in the mock are $available; update scripts/schemathesis.toml" >&2
  exit 1
}

cd "$ROOT"
# Every check and phase; the document's own validation (--mode all: valid and invalid inputs).
"$ST" --config-file scripts/schemathesis.toml run openapi/hamravesh.openapi.json \
  --url "$URL" --checks all --mode all --seed "$SEED" --no-color
