#!/bin/bash
# Not a test: compares our formatted outputs with what Debian's libvirtd
# (qemu driver, session mode as user nobody, type='qemu' because nobody
# cannot open /dev/kvm) reports after defining each input.  Prints one
# line per input; diffs are left in $WORK.  Run as root:
#   tests/domainconf/compare-libvirtd.sh [WORKDIR]
set -u
SRC=$(cd "$(dirname "$0")" && pwd)
WORK=${1:-$(mktemp -d /tmp/domxml-cmp.XXXXXX)}
mkdir -p "$WORK/run" "$WORK/home" "$WORK/cmp"
chown -R nobody "$WORK"
ENV=(env HOME="$WORK/home" XDG_RUNTIME_DIR="$WORK/run" XDG_CONFIG_HOME="$WORK/home/.config"
     XDG_CACHE_HOME="$WORK/home/.cache")
runuser -u nobody -- "${ENV[@]}" libvirtd --timeout 600 >"$WORK/libvirtd.log" 2>&1 &
LV=$!
trap 'kill $LV 2>/dev/null; wait $LV 2>/dev/null' EXIT
vs() { runuser -u nobody -- "${ENV[@]}" virsh -q -c qemu:///session "$@"; }
for i in $(seq 50); do vs list >/dev/null 2>&1 && break; sleep 0.2; done

# our side without TCG's implicit <cpu> model, which KVM guests lack
strip_tcg_cpu() {
    /usr/bin/python3 - "$1" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = re.sub(r"  <cpu mode='custom' match='exact' check='none'>\n    <model fallback='forbid'>qemu(64|32)</model>\n  </cpu>\n", "", s)
open(p, "w").write(s)
PY
}

for f in "$SRC"/xml2xml-in/*.xml; do
    b=$(basename "$f" .xml)
    case $b in raw-*) continue ;; esac
    in="$WORK/cmp/$b.in.xml"
    sed -e "s/type=[\"']kvm[\"']/type='qemu'/" -e '/<emulator>/d' "$f" >"$in"
    chmod 644 "$in"
    name=$(grep -o '<name>[^<]*</name>' "$f" | head -1 | sed 's/<[^>]*>//g')
    if ! vs define "$in" >"$WORK/cmp/$b.err" 2>&1; then
        echo "$b: libvirt rejects: $(tail -1 "$WORK/cmp/$b.err")"
        continue
    fi
    vs dumpxml --inactive "$name" | sed '/<emulator>/d' >"$WORK/cmp/$b.lv.xml"
    vs undefine --nvram "$name" >/dev/null 2>&1 || vs undefine "$name" >/dev/null 2>&1
    sed -e "s/type='kvm'/type='qemu'/" -e '/<emulator>/d' "$SRC/xml2xml-out/$b.xml" >"$WORK/cmp/$b.ours.xml"
    grep -q "<cpu" "$WORK/cmp/$b.ours.xml" || strip_tcg_cpu "$WORK/cmp/$b.lv.xml"
    if diff -u "$WORK/cmp/$b.lv.xml" "$WORK/cmp/$b.ours.xml" >"$WORK/cmp/$b.diff"; then
        echo "$b: same"
    else
        echo "$b: differs ($(grep -c '^[-+][^-+]' "$WORK/cmp/$b.diff") lines)"
    fi
done
echo "diffs in $WORK/cmp"
