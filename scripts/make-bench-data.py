#!/usr/bin/env python3
"""Writes the inputs of scripts/bench-validators.sh: a folder of profile files and one NDJSON file.

Payloads are variations of the valid corpus (ids, names, balances, organization counts), one in a
hundred made invalid, so validators do real work on both paths.
usage: make-bench-data.py OUT_DIR [FILES] [NDJSON_LINES]
"""
import copy, json, os, random, sys

out = sys.argv[1]
files = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
lines = int(sys.argv[3]) if len(sys.argv) > 3 else 50000
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "payloads", "valid")
bases = [json.load(open(os.path.join(root, name), encoding="utf-8")) for name in sorted(os.listdir(root))]
rng = random.Random(20261126)

def payload(i):
    p = copy.deepcopy(bases[i % len(bases)])
    for j, org in enumerate(p["organizations"]):
        org["id"] = 1000 + i * 7 + j
        org["name"] = f"team-{i}-{j}"
        org["balance"] = round(rng.uniform(-50000, 2000000), rng.choice([0, 1, 2]))
    if i % 100 == 99:
        p["organizations" if p["organizations"] else "email"] = "broken"
    return p

folder = os.path.join(out, "profiles")
os.makedirs(folder, exist_ok=True)
for i in range(files):
    with open(os.path.join(folder, f"profile-{i:05}.json"), "w", encoding="utf-8") as f:
        json.dump(payload(i), f, ensure_ascii=False, indent=2)
with open(os.path.join(out, "profiles.ndjson"), "w", encoding="utf-8") as f:
    for i in range(lines):
        f.write(json.dumps(payload(i), ensure_ascii=False, separators=(",", ":")) + "\n")
