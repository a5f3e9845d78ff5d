#!/usr/bin/env python3
"""The semver policy of the generated models, checked on the schemas they come from.

ARCHITECTURE.md ("Semver policy"): removing, renaming or retyping a field, or making an optional
field required, is a breaking change and needs a new major version (before 1.0: a new minor
version, as Cargo reads semver). This compares every schema in schema/*.json with its copy at the
baseline commit (.ci/semver-baseline) and fails on such a change unless the workspace's version was
bumped that far. cargo-semver-checks (run by CI too) checks the Rust API the generator makes; this
check reads the schema, so it also sees what only changes a field's type or its builder, and it
needs no build.

usage: scripts/check-schema-semver.py [BASELINE_REV]    (default: the contents of .ci/semver-baseline)
"""

import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def git(*args):
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True
    ).stdout


def workspace_version(cargo_toml):
    """`version` of [workspace.package] in a root Cargo.toml's text."""
    section = re.search(r"^\[workspace\.package\]\s*$(.*?)(?=^\[|\Z)", cargo_toml, re.M | re.S)
    match = section and re.search(r'^version\s*=\s*"([^"]+)"', section.group(1), re.M)
    if not match:
        sys.exit("check-schema-semver: no version in [workspace.package]")
    return tuple(int(p) for p in match.group(1).split("-")[0].split("."))


def breaking_bump(old, new):
    """Whether going from version `old` to `new` allows a breaking change (Cargo's reading)."""
    if old[0] > 0:
        return new[0] > old[0]
    if old[1] > 0:
        return (new[0], new[1]) > (old[0], old[1])
    return new > old


def objects(node, pointer=""):
    """Every schema with `properties`, by JSON pointer."""
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict):
            yield pointer, node
        for key, value in node.items():
            yield from objects(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from objects(value, f"{pointer}/{index}")


def shape(schema):
    """What a property's Rust type follows: its type, reference, format and items, not its words."""
    if not isinstance(schema, dict):
        return schema
    keep = ("type", "$ref", "format", "items", "additionalProperties", "anyOf", "oneOf", "allOf", "enum")
    return {key: shape(schema[key]) if key == "items" else schema[key] for key in keep if key in schema}


def breaks(name, old, new):
    """The breaking changes from schema `old` to `new`, as lines."""
    found = []
    now = dict(objects(new))
    for pointer, before in objects(old):
        after = now.get(pointer)
        where = f"{name}#{pointer}"
        if after is None:
            found.append(f"{where}: the object is gone")
            continue
        required_before = set(before.get("required", []))
        required_after = set(after.get("required", []))
        for field, schema in before["properties"].items():
            if field not in after["properties"]:
                found.append(f"{where}: field {field!r} removed")
                continue
            if field in required_after and field not in required_before:
                found.append(f"{where}: field {field!r} was optional and is now required")
            if shape(schema) != shape(after["properties"][field]):
                found.append(f"{where}: field {field!r} changed type")
    return found


def main():
    baseline = sys.argv[1] if len(sys.argv) > 1 else (ROOT / ".ci/semver-baseline").read_text().strip()
    old_version = workspace_version(git("show", f"{baseline}:Cargo.toml"))
    new_version = workspace_version((ROOT / "Cargo.toml").read_text())
    found = []
    compared = 0
    for path in git("ls-tree", "--name-only", baseline, "schema/").split():
        if not path.endswith(".json") or path == "schema/operations.json":
            continue
        current = ROOT / path
        if not current.exists():
            found.append(f"{path}: the schema is gone")
            continue
        old = json.loads(git("show", f"{baseline}:{path}"))
        found += breaks(path, old, json.loads(current.read_text(encoding="utf-8")))
        compared += 1
    show = ".".join(map(str, new_version))
    if found and not breaking_bump(old_version, new_version):
        print(f"check-schema-semver: breaking changes to the models since {baseline[:12]}, and the version is still {show}:")
        for line in found:
            print(f"  {line}")
        print("Bump the version in the root Cargo.toml (a breaking release), or keep the field as it was.")
        return 1
    verdict = f"{len(found)} breaking change(s), allowed by the version bump to {show}" if found else "no breaking change"
    print(f"check-schema-semver: {compared} schemas against {baseline[:12]}: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
