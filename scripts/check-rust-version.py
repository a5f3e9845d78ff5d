#!/usr/bin/env python3
"""Checks that the workspace's declared `rust-version` is true for what Cargo.lock resolves.

CI has one toolchain (the newest stable) and cannot download an older one, so the declared version is
never compiled with. What can be checked cheaply instead:

- every package in Cargo.lock (dependencies of every kind, on every platform: the published crates'
  dependencies, and the dev-dependencies their tests and benches need, since `rust-version` covers
  every target of a package) declares a `rust-version` no newer than ours;
- the workspace's own code uses no standard-library item newer than ours: clippy's
  `incompatible_msrv` lint (on by default, denied by CI's `-D warnings`) reads `rust-version`;
- and no language feature newer than ours that clippy does not see: `let` chains (1.88) are the one
  this code base would plausibly use, found by a search below.

Packages that declare no `rust-version` (old crates, mostly) cannot be checked; they are counted.

usage: scripts/check-rust-version.py   (from anywhere in the repository; `cargo metadata` runs here)

Run by .ci/run. The declared version is 1.88 because proptest 1.12, a dev-dependency, needs it.
"""

import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Language features clippy's incompatible_msrv does not report: (first stable version, description,
# a regular expression over one line of source).
SYNTAX = [
    ((1, 88), "let chains", re.compile(r"\b(?:if|while)\s+let\b[^{]*&&|&&\s*let\s+\S.*=")),
]


def version(text):
    """`1.85` or `1.85.0` as a tuple of integers."""
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def show(v):
    return ".".join(str(p) for p in v[:2]) if v[2] == 0 else ".".join(str(p) for p in v)


def main():
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked"],
            cwd=ROOT,
            check=True,
            stdout=subprocess.PIPE,
        ).stdout
    )
    members = set(meta["workspace_members"])
    declared = {
        p["rust_version"] for p in meta["packages"] if p["id"] in members and p["rust_version"]
    }
    if len(declared) != 1:
        print(f"check-rust-version: the workspace members declare {sorted(declared) or 'no'} rust-version; expected one (from [workspace.package])")
        return 1
    ours = version(declared.pop())

    too_new = []
    unknown = 0
    newest = (0, 0, 0)
    for p in meta["packages"]:
        if p["id"] in members:
            continue
        if not p["rust_version"]:
            unknown += 1
            continue
        v = version(p["rust_version"])
        newest = max(newest, v)
        if v > ours:
            too_new.append((v, p["name"], p["version"]))

    own = []
    for path in sorted(ROOT.glob("crates/**/*.rs")) + sorted(ROOT.glob("xtask/**/*.rs")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("//", 1)[0]
            for since, name, pattern in SYNTAX:
                if since > ours[:2] and pattern.search(code):
                    own.append(f"{path.relative_to(ROOT)}:{number}: {name} (stable since {show(since + (0,))})")

    dependencies = len(meta["packages"]) - len(members)
    if too_new or own:
        print(f"check-rust-version: rust-version {show(ours)} is not true:")
        for v, name, ver in sorted(too_new, reverse=True):
            print(f"  {name} {ver} needs Rust {show(v)}")
        for line in own:
            print(f"  {line}")
        print("Raise rust-version in the root Cargo.toml's [workspace.package] (or hold the dependency back).")
        return 1
    print(
        f"check-rust-version: rust-version {show(ours)} holds: the newest of {dependencies - unknown} "
        f"dependencies that declare one needs {show(newest)} ({unknown} declare none)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
