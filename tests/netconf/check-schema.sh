#!/bin/sh
# Validates every golden output in the given directories against libvirt's
# RelaxNG schema for its document kind (from the file name prefix).
set -u
schemas=${VIRTKVM_SCHEMA_DIR:-/usr/share/libvirt/schemas}
if ! command -v xmllint >/dev/null 2>&1; then
    echo "xmllint not installed (libxml2-utils)"; exit 77
fi
if [ ! -f "$schemas/network.rng" ]; then
    echo "libvirt schemas not found in $schemas (libvirt-clients)"; exit 77
fi
fail=0
count=0
for dir in "$@"; do
    for f in "$dir"/*.xml; do
        name=$(basename "$f")
        case "$name" in
        *-noschema*) echo "skip $name (uses elements newer than the installed schema)"; continue ;;
        network-*) rng=network.rng ;;
        interface-*) rng=interface.rng ;;
        pool-*) rng=storagepool.rng ;;
        vol-*) rng=storagevol.rng ;;
        sources-*) echo "skip $name (libvirt has no schema for <sources>)"; continue ;;
        *) echo "unknown kind: $name"; fail=1; continue ;;
        esac
        count=$((count + 1))
        if ! out=$(xmllint --noout --relaxng "$schemas/$rng" "$f" 2>&1); then
            echo "INVALID $name: $out"
            fail=1
        fi
    done
done
echo "validated $count documents"
[ "$count" -gt 0 ] || fail=1
exit $fail
