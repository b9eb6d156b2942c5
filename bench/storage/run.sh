#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# qcow2 write throughput: our hv/block code versus `qemu-img bench -w`, with
# the same image size, cluster size, request size, request pattern
# (offset i*STEP mod size) and queue depth, each on a freshly created image.
#   bench/storage/run.sh [BUILD_DIR]      (env: SIZE, CLUSTER, DEPTH, DIR)
set -euo pipefail
BUILD=${1:-build}
BENCH=$BUILD/bench/storage/bench-qcow2
[ -x "$BENCH" ] || BENCH=$BUILD/tests/block/bench-qcow2
SIZE=${SIZE:-$((1024 * 1024 * 1024))}
CLUSTER=${CLUSTER:-65536}
DEPTH=${DEPTH:-8}
DIR=$(mktemp -d "${DIR:-/tmp}/bench-storage.XXXXXX")
trap 'rm -rf "$DIR"' EXIT

qemu_run() {    # COUNT BUF STEP -> seconds
    rm -f "$DIR/q.qcow2"
    qemu-img create -q -f qcow2 -o cluster_size="$CLUSTER" "$DIR/q.qcow2" "$SIZE"
    qemu-img bench -w -f qcow2 -t writeback -c "$1" -s "$2" -S "$3" -d "$DEPTH" "$DIR/q.qcow2" |
        sed -n 's/^Run completed in \([0-9.]*\) seconds.*/\1/p'
}

ours_run() {    # COUNT BUF STEP -> seconds
    "$BENCH" "$DIR/o.qcow2" "$SIZE" "$CLUSTER" "$1" "$2" "$3" "$DEPTH" |
        sed -n 's/^ops [0-9]* seconds \([0-9.]*\) .*/\1/p'
}

report() {      # NAME COUNT BUF OURS_S QEMU_S
    awk -v n="$1" -v c="$2" -v b="$3" -v o="$4" -v q="$5" 'BEGIN {
        mo = c * b / 1048576 / o; mq = c * b / 1048576 / q;
        printf "%-22s ours %9.1f MiB/s %9.0f IOPS | qemu-img %9.1f MiB/s %9.0f IOPS | ratio %.2f\n",
               n, mo, c / o, mq, c / q, mo / mq }'
}

median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

measure() {     # NAME COUNT BUF STEP: REPS alternating runs, median time of each
    local os=() qs=() i
    for ((i = 0; i < REPS; i++)); do
        os+=("$(ours_run "$2" "$3" "$4")")
        qs+=("$(qemu_run "$2" "$3" "$4")")
    done
    report "$1" "$2" "$3" "$(median "${os[@]}")" "$(median "${qs[@]}")"
}

REPS=${REPS:-3}
echo "image ${SIZE} bytes, cluster ${CLUSTER}, depth ${DEPTH}, fresh image per run," \
     "cache=writeback, median of ${REPS}"
# 4 KiB writes scattered over the image: the step is a prime number of 4 KiB
# blocks, so consecutive requests land in distinct clusters (allocating).
measure "4k scattered write" "${RCOUNT:-20000}" 4096 $((4096 * 7919))
measure "1M sequential write" "${SCOUNT:-512}" 1048576 1048576
