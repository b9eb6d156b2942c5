#!/usr/bin/env bash
# Regenerates po/POTFILES: every C source that marks strings for translation.
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files '*.c' '*.h' | grep -v '^tests/' | xargs grep -l -E '\b(N?_)\("' | sort > po/POTFILES
