#!/usr/bin/env bash
# The published crates' public API against the baseline commit in .ci/semver-baseline (one line: a
# commit of main; the last release's tag once there is one), by the policy in ARCHITECTURE.md
# ("Semver policy"): a breaking change passes only with the version bumped. Uses cargo-semver-checks,
# pinned, installed when missing or of another version, outside the clone (CI clones afresh each run
# and the install compiles for many minutes): under $HAMRAVESH_CI_CACHE, by default
# ~/.cache/hamravesh-ci. Crates with `publish = false` are not checked.
# Not called by .ci/run yet: its install (~400 crates) has not been timed on an idle machine.
# usage: scripts/semver-checks.sh [BASELINE_REV]
set -euo pipefail
cd "$(dirname "$0")/.."

version=0.51.0
root="${HAMRAVESH_CI_CACHE:-$HOME/.cache/hamravesh-ci}/cargo"
if [ "$("$root/bin/cargo-semver-checks" semver-checks --version 2>/dev/null)" != "cargo-semver-checks $version" ]; then
  started=$(date +%s)
  cargo install --locked --quiet --force --root "$root" cargo-semver-checks --version "$version"
  echo "semver-checks: installed cargo-semver-checks $version in $(( $(date +%s) - started ))s"
fi
baseline="${1:-$(cat .ci/semver-baseline)}"
PATH="$root/bin:$PATH" cargo semver-checks --workspace --baseline-rev "$baseline"
