/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Write throughput to a fresh qcow2 image through hv/block, with the same
 * request pattern `qemu-img bench -w -s SIZE -S STEP -d DEPTH` issues:
 * request i goes to (i * STEP) mod image size.  DEPTH threads keep DEPTH
 * requests in flight.  Prints one line: "ops N seconds S MiBps X IOPS Y".
 *
 *   bench-qcow2 IMAGE SIZE CLUSTER COUNT BUF STEP DEPTH
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "hv/block/block.h"
#include "hv/block/qcow2.h"

typedef struct {
    BlockBackend *bb;
    uint64_t size, buf, step, count;
    gint next;
    gint failed;
} Bench;

static gpointer
bench_worker(gpointer data)
{
    Bench *b = data;
    void *buf = NULL;

    if (posix_memalign(&buf, 4096, b->buf) != 0)
        return NULL;
    memset(buf, 0xa5, b->buf);
    for (;;) {
        uint64_t i = (uint64_t) g_atomic_int_add(&b->next, 1);
        struct iovec iov = { buf, b->buf };
        uint64_t off;

        if (i >= b->count)
            break;
        off = (i * b->step) % b->size;
        if (off + b->buf > b->size)
            off = b->size - b->buf;
        if (block_pwritev(b->bb, &iov, 1, off) < 0)
            g_atomic_int_set(&b->failed, 1);
    }
    free(buf);
    return NULL;
}

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
    Qcow2CreateOptions co = { 0 };
    BlockOpenOptions oo = { .format = BLOCK_FORMAT_QCOW2 };
    Bench b = { 0 };
    GThread *threads[256];
    unsigned depth;
    double t0, t1, t2;
    int ret;

    if (argc != 8) {
        fprintf(stderr, "usage: %s IMAGE SIZE CLUSTER COUNT BUF STEP DEPTH\n", argv[0]);
        return 2;
    }
    co.size = g_ascii_strtoull(argv[2], NULL, 0);
    co.cluster_size = (uint32_t) g_ascii_strtoull(argv[3], NULL, 0);
    b.count = g_ascii_strtoull(argv[4], NULL, 0);
    b.buf = g_ascii_strtoull(argv[5], NULL, 0);
    b.step = g_ascii_strtoull(argv[6], NULL, 0);
    depth = (unsigned) CLAMP(atoi(argv[7]), 1, 256);
    b.size = co.size;
    unlink(argv[1]);
    ret = qcow2_create(argv[1], &co);
    if (ret == 0)
        ret = block_open_path(argv[1], &oo, &b.bb);
    if (ret < 0) {
        fprintf(stderr, "bench-qcow2: %s\n", g_strerror(-ret));
        return 1;
    }
    t0 = now();
    for (unsigned i = 0; i < depth; i++)
        threads[i] = g_thread_new("bench", bench_worker, &b);
    for (unsigned i = 0; i < depth; i++)
        g_thread_join(threads[i]);
    t1 = now();
    block_close(b.bb);
    t2 = now();
    if (b.failed) {
        fprintf(stderr, "bench-qcow2: a write failed\n");
        return 1;
    }
    printf("ops %" PRIu64 " seconds %.3f MiBps %.1f IOPS %.0f close_seconds %.3f\n",
           b.count, t1 - t0, (double) (b.count * b.buf) / (1 << 20) / (t1 - t0),
           (double) b.count / (t1 - t0), t2 - t1);
    return 0;
}
