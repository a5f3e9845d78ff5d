"""Validates an NDJSON file line by line with python-jsonschema (what check-jsonschema uses), for
the NDJSON comparison in bench-validators.sh: check-jsonschema itself reads whole files only.
usage: python python-jsonschema-ndjson.py SCHEMA FILE
"""
import json, sys
import jsonschema

schema = json.load(open(sys.argv[1], encoding="utf-8"))
cls = jsonschema.validators.validator_for(schema)
validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
valid = invalid = 0
with open(sys.argv[2], encoding="utf-8") as lines:
    for line in lines:
        if not line.strip():
            continue
        try:
            ok = validator.is_valid(json.loads(line))
        except ValueError:
            ok = False
        valid, invalid = (valid + 1, invalid) if ok else (valid, invalid + 1)
print(f"{valid} valid, {invalid} invalid", file=sys.stderr)
sys.exit(1 if invalid else 0)
