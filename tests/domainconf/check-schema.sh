#!/bin/sh
# Validates every expected output against libvirt's domain.rng.  One xmllint
# run for all files: it compiles the (large) schema once and fails if any
# file does not validate.
set -u
schema="${VIRTKVM_SCHEMA_DIR:-/usr/share/libvirt/schemas}/domain.rng"
if [ ! -r "$schema" ] || ! command -v xmllint >/dev/null 2>&1; then
    echo "skip: $schema or xmllint missing"
    exit 77
fi
n=0
for f in "$1"/*.xml; do
    [ -e "$f" ] && n=$((n + 1))
done
if [ "$n" -lt 60 ]; then
    echo "only $n output files"
    exit 1
fi
if ! out=$(xmllint --noout --relaxng "$schema" "$1"/*.xml 2>&1); then
    printf '%s\n' "$out" | grep -v ' validates$'
    echo "FAIL: not every output is valid"
    exit 1
fi
echo "$n outputs valid against $schema"
