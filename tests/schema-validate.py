#!/usr/bin/python3
"""schema-validate.py -- every example and test topology validates against
schemas/topology.schema.json (JSON Schema 2020-12, Debian's
python3-jsonschema), and the schema itself is a valid schema.  Files may
be given on the command line; by default examples/*.json and
test-topologies/*/topology.json under $srcdir.  Prints
"schema: N passed, M failed"."""
import glob
import json
import os
import sys

from jsonschema import Draft202012Validator


def main():
    srcdir = os.environ.get("srcdir", ".")
    schema = json.load(open(os.path.join(srcdir, "schemas",
                                         "topology.schema.json")))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(
        schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    files = sys.argv[1:] or sorted(
        glob.glob(os.path.join(srcdir, "examples", "*.json"))
        + glob.glob(os.path.join(srcdir, "test-topologies", "*",
                                 "topology.json"))
        + glob.glob(os.path.join(srcdir, "tests", "*", "topology.json")))
    passed = failed = 0
    for f in files:
        errors = list(validator.iter_errors(json.load(open(f))))
        if errors:
            failed += 1
            print(f"FAIL  {f}")
            for e in errors[:5]:
                print(f"      /{'/'.join(map(str, e.absolute_path))}: "
                      f"{e.message}")
        else:
            passed += 1
            print(f"ok    {f}")
    # The schema must also reject what the format forbids.
    bad = {"version": 1, "bridges": {"b": {"ports": {
        "p": {"role": "guest", "mac": "52:54:00:00:00:01", "bogus": 1}}}}}
    if list(validator.iter_errors(bad)):
        passed += 1
        print("ok    an unknown key is rejected")
    else:
        failed += 1
        print("FAIL  an unknown key is accepted")
    print(f"schema: {passed} passed, {failed} failed")
    return 1 if failed or not files else 0


if __name__ == "__main__":
    sys.exit(main())
