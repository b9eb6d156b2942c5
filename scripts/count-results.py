#!/usr/bin/env python3
"""Prints 'N passed, M failed, K skipped' from meson testlog.json files."""
import json
import sys

passed = failed = skipped = 0
failures = []
for path in sys.argv[1:]:
    try:
        with open(path) as f:
            lines = [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        print(f"missing test log {path}: counted as one failure")
        failed += 1
        continue
    for t in lines:
        result = t.get("result")
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
            failures.append(f"{path}: {t.get('name')} {result}")
for line in failures:
    print("FAILED:", line)
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
