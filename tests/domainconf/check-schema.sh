#!/bin/sh
# Validates every expected output against libvirt's domain.rng.
set -u
schema="${VIRTKVM_SCHEMA_DIR:-/usr/share/libvirt/schemas}/domain.rng"
if [ ! -r "$schema" ] || ! command -v xmllint >/dev/null 2>&1; then
    echo "skip: $schema or xmllint missing"
    exit 77
fi
n=0
for f in "$1"/*.xml; do
    [ -e "$f" ] || continue
    xmllint --noout --relaxng "$schema" "$f" >/dev/null 2>"${TMPDIR:-/tmp}/domainconf-schema.$$" || {
        cat "${TMPDIR:-/tmp}/domainconf-schema.$$"
        rm -f "${TMPDIR:-/tmp}/domainconf-schema.$$"
        echo "FAIL: $f"
        exit 1
    }
    n=$((n + 1))
done
rm -f "${TMPDIR:-/tmp}/domainconf-schema.$$"
if [ "$n" -lt 60 ]; then
    echo "only $n output files"
    exit 1
fi
echo "$n outputs valid against $schema"
