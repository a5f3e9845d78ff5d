#!/usr/bin/env bash
# End to end with real components: `hamravesh mock` serving a profile with one organization below
# the low-balance threshold of deploy/prometheus/alerts.yml and one above it, `hamravesh exporter`
# polling it, and a real Prometheus scraping the exporter every second with the shipped rules.
# Checks: `promtool check metrics` on a scrape; Prometheus's HTTP API returns the mock's balances
# (a Persian name included, exactly); HamraveshLowBalance fires for the poor organization only;
# every query of the Grafana dashboard returns data; the exporter stops cleanly on SIGTERM.
#
# Needs: prometheus and promtool (Debian/Ubuntu: `apt-get install -y prometheus`), curl, jq.
# usage: scripts/exporter-e2e.sh        (about 10-20 s; CI runs it after the tests)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TIMEOUT="${E2E_TIMEOUT:-90}"

for tool in prometheus promtool curl jq; do
  command -v "$tool" >/dev/null || { echo "exporter-e2e: $tool is not installed" >&2; exit 2; }
done

started=$(date +%s)
BIN=$(cd "$ROOT" && cargo build -q -p hamravesh-cli --message-format=json \
  | jq -r 'select(.reason == "compiler-artifact" and .executable != null and .target.name == "hamravesh") | .executable' | tail -1)
[ -x "$BIN" ] || { echo "exporter-e2e: could not build hamravesh" >&2; exit 2; }

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${KEEP_E2E:-}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

fail() {
  echo "exporter-e2e: FAIL: $*" >&2
  for log in "$WORK"/*.log; do echo "--- $log" >&2; tail -20 "$log" >&2; done
  exit 1
}

# Waits until the first line of FILE is `listening on URL` and prints URL.
listening() {
  local file=$1 line
  for _ in $(seq 1 200); do
    line=$(head -1 "$file" 2>/dev/null || true)
    case "$line" in "listening on "*) echo "${line#listening on }"; return 0 ;; esac
    sleep 0.05
  done
  fail "no 'listening on' line in $file"
}

# Retries COMMAND until it succeeds or $TIMEOUT seconds pass.
eventually() {
  local what=$1; shift
  local deadline=$(( $(date +%s) + TIMEOUT ))
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "$what (after ${TIMEOUT}s)"
    sleep 0.5
  done
}

# The fixture: the docs' profile with two organizations, one below the threshold (100000).
KEY="hk_e2e_$(date +%s%N)"
LOW=42000
HIGH=250000
PERSIAN="تیم-همروش"
"$BIN" profile --mock --json \
  | jq --argjson low "$LOW" --argjson high "$HIGH" --arg persian "$PERSIAN" '
      .organizations[0] as $o
      | .organizations = [
          ($o | .name = "low-team" | .id = 1 | .balance = $low | .seconds_to_negative_balance = 86400),
          ($o | .name = $persian | .id = 2 | .balance = $high | .seconds_to_negative_balance = null)
        ]' > "$WORK/profile.json"

"$BIN" mock --api-key "$KEY" --fixture "$WORK/profile.json" > "$WORK/mock.log" 2>&1 &
PIDS+=($!)
MOCK_URL=$(listening "$WORK/mock.log")

HAMRAVESH_API_KEY="$KEY" "$BIN" exporter --base-url "$MOCK_URL" --listen 127.0.0.1:0 \
  --min-interval 1s > "$WORK/exporter.log" 2>&1 &
EXPORTER_PID=$!
PIDS+=($EXPORTER_PID)
EXPORTER_URL=$(listening "$WORK/exporter.log")
EXPORTER_ADDR=${EXPORTER_URL#http://}

up_is_1() { curl -fsS "$EXPORTER_URL/metrics" | grep -qx 'hamravesh_up 1'; }
eventually "the exporter never read the mock" up_is_1
curl -fsS "$EXPORTER_URL/metrics" > "$WORK/scrape.txt"
promtool check metrics < "$WORK/scrape.txt" > "$WORK/promtool.log" 2>&1 \
  || fail "promtool check metrics: $(cat "$WORK/promtool.log")"
[ -s "$WORK/promtool.log" ] && fail "promtool check metrics found: $(cat "$WORK/promtool.log")"
grep -q "$KEY" "$WORK/scrape.txt" "$WORK/exporter.log" && fail "the API key appears in a scrape or the log"

# A free port for Prometheus.
PORT=""
for _ in $(seq 1 50); do
  candidate=$(( 20000 + RANDOM % 40000 ))
  if ! ss -ltnH "sport = :$candidate" | grep -q .; then PORT=$candidate; break; fi
done
[ -n "$PORT" ] || fail "no free port for Prometheus"
PROM="http://127.0.0.1:$PORT"

cp "$ROOT/deploy/prometheus/alerts.yml" "$WORK/alerts.yml"
cat > "$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - alerts.yml
scrape_configs:
  - job_name: hamravesh
    static_configs:
      - targets: ["$EXPORTER_ADDR"]
YAML
promtool check config "$WORK/prometheus.yml" > "$WORK/check-config.log" 2>&1 \
  || fail "promtool check config: $(cat "$WORK/check-config.log")"

prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/data" \
  --web.listen-address="127.0.0.1:$PORT" > "$WORK/prometheus.log" 2>&1 &
PIDS+=($!)

# The value of QUERY's first result (empty if none).
query() {
  curl -fsS --get "$PROM/api/v1/query" --data-urlencode "query=$1" 2>/dev/null \
    | jq -r '.data.result[0].value[1] // empty'
}
is() { [ "$(query "$1")" = "$2" ]; }
eventually "Prometheus never had the low balance" is 'hamravesh_organization_balance{organization="low-team",id="1"}' "$LOW"
eventually "Prometheus never had the Persian organization's balance" is "hamravesh_organization_balance{organization=\"$PERSIAN\"}" "$HIGH"
is 'count(hamravesh_organization_balance)' 2 || fail "not exactly two organizations"
is 'hamravesh_up' 1 || fail "hamravesh_up is not 1"

# The alert: HamraveshLowBalance firing for low-team, and not for the Persian organization.
firing() {
  curl -fsS "$PROM/api/v1/alerts" 2>/dev/null > "$WORK/alerts.json" || return 1
  jq -e '[.data.alerts[] | select(.labels.alertname == "HamraveshLowBalance" and .state == "firing" and .labels.organization == "low-team")] | length == 1' "$WORK/alerts.json" >/dev/null
}
eventually "HamraveshLowBalance never fired for low-team" firing
jq -e --arg persian "$PERSIAN" '[.data.alerts[] | select(.labels.alertname == "HamraveshLowBalance" and .labels.organization == $persian)] | length == 0' "$WORK/alerts.json" >/dev/null \
  || fail "HamraveshLowBalance fired for an organization above the threshold"
jq -e '[.data.alerts[] | select(.labels.alertname == "HamraveshShortRunway" and .labels.organization == "low-team")] | length == 1' "$WORK/alerts.json" >/dev/null \
  || fail "HamraveshShortRunway did not fire for a runway of 1 day"

# Every query of the Grafana dashboard (deploy/grafana/hamravesh.json) is valid PromQL for this
# Prometheus and returns data, with its variables set as Grafana would (all organizations).
has_data() {
  curl -fsS --get "$PROM/api/v1/query" --data-urlencode "query=$1" 2>/dev/null \
    | jq -e '.status == "success" and (.data.result | length) > 0' >/dev/null
}
panels=0
while IFS= read -r expr; do
  expr=${expr//\$organization/.*}
  expr=${expr//\$__rate_interval/1m}
  eventually "the dashboard's query $expr never returned data" has_data "$expr"
  panels=$((panels + 1))
done < <(jq -r '.panels[].targets[].expr' "$ROOT/deploy/grafana/hamravesh.json")
[ "$panels" -ge 10 ] || fail "only $panels dashboard queries read"

# A clean stop.
kill -TERM "$EXPORTER_PID"
code=0; wait "$EXPORTER_PID" || code=$?
[ "$code" = 0 ] || fail "the exporter exited $code on SIGTERM"

echo "exporter-e2e: OK in $(( $(date +%s) - started ))s (Prometheus scraped the mock's balances through the exporter; HamraveshLowBalance and HamraveshShortRunway fired for low-team only; $panels dashboard queries returned data)"
