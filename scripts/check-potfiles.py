#!/usr/bin/env python3
"""Fails when a source file with translatable strings is missing from po/POTFILES."""
import os
import re
import sys

root = sys.argv[1]
listed = set()
with open(os.path.join(root, "po", "POTFILES")) as f:
    listed = {line.strip() for line in f if line.strip() and not line.startswith("#")}

marker = re.compile(r'\bN?_\("')
missing = []
for top in ("util", "conf", "security", "driver", "hv", "daemon"):
    for dirpath, _, files in os.walk(os.path.join(root, top)):
        for name in files:
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            with open(path, errors="replace") as src:
                if marker.search(src.read()) and rel not in listed:
                    missing.append(rel)
stale = [p for p in listed if not os.path.exists(os.path.join(root, p))]
for p in missing:
    print(f"not in po/POTFILES: {p} (run scripts/update-potfiles.sh)")
for p in stale:
    print(f"listed in po/POTFILES but absent: {p}")
sys.exit(1 if missing or stale else 0)
