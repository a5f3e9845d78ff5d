#!/usr/bin/env bash
# The published crates' public API against the baseline commit in .ci/semver-baseline (one line: a
# commit of main; the last release's tag once there is one), by the policy in ARCHITECTURE.md
# ("Semver policy"): a breaking change passes only with the version bumped. Uses cargo-semver-checks,
# pinned, installed when missing or of another version, outside the clone: under $HAMRAVESH_CI_CACHE,
# by default ~/.cache/hamravesh-ci, so that a developer installs it once. Crates with
# `publish = false` are not checked.
#
# The install is a debug build without debug info: on this project's 2-core machines it compiles in
# about half the time of a release build, and the checks themselves take under a second either way
# (building the two rustdoc JSON documents per crate is the slow part, and that is rustdoc's).
# usage: scripts/semver-checks.sh install     (install only; .ci/run starts it in the background)
#        scripts/semver-checks.sh [BASELINE_REV]
set -euo pipefail
cd "$(dirname "$0")/.."

version=0.51.0
root="${HAMRAVESH_CI_CACHE:-$HOME/.cache/hamravesh-ci}/cargo"
if [ "$("$root/bin/cargo-semver-checks" semver-checks --version 2>/dev/null)" != "cargo-semver-checks $version" ]; then
  started=$(date +%s)
  CARGO_PROFILE_DEV_DEBUG=0 cargo install --locked --quiet --force --debug --root "$root" \
    --target-dir "$root/build" cargo-semver-checks --version "$version"
  rm -rf "$root/build"
  echo "semver-checks: installed cargo-semver-checks $version in $(( $(date +%s) - started ))s"
fi
if [ "${1:-}" = install ]; then
  exit 0
fi
baseline="${1:-$(cat .ci/semver-baseline)}"
PATH="$root/bin:$PATH" cargo semver-checks --workspace --baseline-rev "$baseline"
