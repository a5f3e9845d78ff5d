#!/usr/bin/env bash
# Peak RSS and time of `hamravesh validate` on the inputs that once exhausted it (issue 8,
# items 1-3): error amplification (300 KB and 900 KB of empty organizations, a 3 MB NDJSON
# line), a sparse 2 GB file, /dev/zero, and a symlink loop. CI never runs this.
#
#   scripts/measure-limits.sh [HAMRAVESH_BINARY]   (default: a fresh release build)
# Needs GNU time (/usr/bin/time). Each run is cut off after 300 s and at 8 GiB of address space
# (an older build reads /dev/zero until the machine runs out of memory); "exit sig6" is an abort.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -ge 1 ]; then
  H="$1"
else
  cargo build -q --release -p hamravesh-cli
  H="$ROOT/target/release/hamravesh"
fi
DATA="$(mktemp -d)"
trap 'rm -rf "$DATA"' EXIT

python3 - "$DATA" <<'PY'
import sys
root = sys.argv[1]
def orgs(n): return '{"organizations":[' + ','.join(['{}'] * n) + ']}'
open(f"{root}/300k.json", "w").write(orgs(100_000))
open(f"{root}/900k.json", "w").write(orgs(300_000))
open(f"{root}/3m.ndjson", "w").write(orgs(1_000_000) + "\n")
PY
truncate -s 2G "$DATA/sparse.json"
mkdir "$DATA/loop" && echo '{}' > "$DATA/loop/p.json" && ln -s . "$DATA/loop/a" && ln -s . "$DATA/loop/b"

measure() {
  local label="$1"; shift
  (ulimit -v 8388608; /usr/bin/time -f "%M %e %x" -o "$DATA/time" timeout 300 "$@" > "$DATA/out" 2> "$DATA/err")
  read -r rss secs code < <(tail -n 1 "$DATA/time")
  # A process killed by a signal (an abort on a failed allocation) has no exit code.
  if grep -q "terminated by signal" "$DATA/time"; then
    code="sig$(grep -o "signal [0-9]*" "$DATA/time" | cut -d" " -f2)"
  fi
  printf "%-36s exit %-3s peak RSS %8s KB  %7s s  %9s stdout lines\n" \
    "$label" "$code" "$rss" "$secs" "$(wc -l < "$DATA/out")"
}
measure "300 KB empty organizations" "$H" validate "$DATA/300k.json"
measure "300 KB, --quiet" "$H" validate --quiet "$DATA/300k.json"
measure "900 KB empty organizations" "$H" validate "$DATA/900k.json"
measure "900 KB, --quiet" "$H" validate --quiet "$DATA/900k.json"
measure "3 MB NDJSON line" "$H" validate "$DATA/3m.ndjson"
measure "2 GB sparse file" "$H" validate "$DATA/sparse.json"
measure "/dev/zero" "$H" validate /dev/zero
measure "--ndjson /dev/zero" "$H" validate --ndjson /dev/zero
measure "symlink loop (ln -s . a; ln -s . b)" "$H" validate "$DATA/loop"
