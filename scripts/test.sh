#!/usr/bin/env bash
# Installs dependencies, builds (plain and ASan+UBSan), runs the whole suite and
# ends with "N passed, M failed, K skipped" computed from meson's results.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh || { echo "dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }

jobs=$(nproc)
setup() {
    local dir=$1; shift
    if [ -f "$dir/build.ninja" ]; then
        meson setup --reconfigure "$dir" "$@" >/dev/null
    else
        meson setup "$dir" "$@" >/dev/null
    fi
}

if ! setup build || ! ninja -C build -j "$jobs"; then
    echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi
if ! setup build-sanitize -Db_sanitize=address,undefined -Db_lundef=false || \
   ! ninja -C build-sanitize -j "$jobs"; then
    echo "sanitizer build failed"; echo "0 passed, 1 failed"; exit 1
fi

meson test -C build --no-rebuild --print-errorlogs --num-processes "$jobs" </dev/null
meson test -C build-sanitize --no-rebuild --print-errorlogs --setup sanitize \
    --num-processes "$jobs" --suite unit --suite fuzz --suite conf --suite hv --suite block </dev/null

/usr/bin/python3 scripts/count-results.py build/meson-logs/testlog.json \
    build-sanitize/meson-logs/testlog-sanitize.json
