/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qcow2 driver internals: on-disk constants, the open image's state and the
 * functions the qcow2-*.c files share.  Every function here that touches
 * metadata expects the caller to hold Qcow2State.lock.
 */
#pragma once

#include <glib.h>
#include <string.h>

#include "hv/block/block-int.h"
#include "hv/block/qcow2.h"

#define QCOW2_MAGIC 0x514649fbU
#define QCOW2_MIN_CLUSTER_BITS 9
#define QCOW2_MAX_CLUSTER_BITS 21
#define QCOW2_MAX_L1_BYTES (32 * 1024 * 1024)
#define QCOW2_MAX_REFTABLE_BYTES (8 * 1024 * 1024)
#define QCOW2_MAX_SNAPSHOTS 65536
#define QCOW2_MAX_BACKING_NAME 1023
#define QCOW2_V2_HEADER_LEN 72
#define QCOW2_V3_HEADER_LEN 104

/* Header field offsets we rewrite in place. */
#define QCOW2_HDR_REFTABLE_OFFSET 48
#define QCOW2_HDR_INCOMPAT 72
#define QCOW2_HDR_AUTOCLEAR 88

#define QCOW2_INCOMPAT_DIRTY (1ULL << 0)
#define QCOW2_INCOMPAT_CORRUPT (1ULL << 1)
#define QCOW2_INCOMPAT_DATA_FILE (1ULL << 2)
#define QCOW2_INCOMPAT_COMPRESSION (1ULL << 3)
#define QCOW2_INCOMPAT_EXTL2 (1ULL << 4)
#define QCOW2_INCOMPAT_KNOWN (QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT | \
                              QCOW2_INCOMPAT_COMPRESSION)
#define QCOW2_COMPAT_LAZY_REFCOUNTS (1ULL << 0)

#define QCOW2_EXT_END 0
#define QCOW2_EXT_BACKING_FORMAT 0xe2792acaU
#define QCOW2_EXT_FEATURE_TABLE 0x6803f857U

#define QCOW2_COMPRESSION_ZLIB 0
#define QCOW2_COMPRESSION_ZSTD 1

#define QCOW2_OFLAG_COPIED (1ULL << 63)
#define QCOW2_OFLAG_COMPRESSED (1ULL << 62)
#define QCOW2_OFLAG_ZERO 1ULL
#define QCOW2_OFFSET_MASK 0x00fffffffffffe00ULL
#define QCOW2_L1E_RESERVED 0x7f000000000001ffULL
#define QCOW2_L2E_RESERVED 0x3f000000000001feULL

typedef struct {
    uint32_t version;
    uint64_t backing_file_offset;
    uint32_t backing_file_size;
    uint32_t cluster_bits;
    uint64_t size;
    uint32_t crypt_method;
    uint32_t l1_size;
    uint64_t l1_table_offset;
    uint64_t refcount_table_offset;
    uint32_t refcount_table_clusters;
    uint32_t nb_snapshots;
    uint64_t snapshots_offset;
    uint64_t incompatible_features;
    uint64_t compatible_features;
    uint64_t autoclear_features;
    uint32_t refcount_order;
    uint32_t header_length;
    uint8_t compression_type;
    char *backing_file;
    char *backing_format;
} Qcow2Header;

/* A small write-back cache of cluster-sized tables (L2 or refcount blocks). */
typedef struct {
    uint64_t offset;            /* host offset; 0 = empty slot */
    uint8_t *data;
    bool dirty;
    uint64_t lru;
} Qcow2CacheEntry;

typedef struct Qcow2State Qcow2State;

typedef struct {
    Qcow2CacheEntry *entries;
    size_t n;
    uint64_t tick;
    bool is_l2;                 /* L2 writes must follow refcount writes */
} Qcow2Cache;

typedef struct {
    uint64_t offset;            /* host bytes, any alignment */
    uint64_t len;
} Qcow2Range;

typedef enum {
    QCOW2_CLUSTER_UNALLOCATED,
    QCOW2_CLUSTER_ZERO,
    QCOW2_CLUSTER_NORMAL,
    QCOW2_CLUSTER_COMPRESSED,
} Qcow2ClusterType;

struct Qcow2State {
    int fd;
    char *path;                 /* for messages */
    bool read_only;
    GMutex lock;
    Qcow2Header h;
    uint32_t cluster_bits;
    uint64_t cluster_size;
    uint32_t l2_bits;           /* log2 of entries per L2 table */
    uint32_t rb_bits;           /* log2 of entries per refcount block */
    uint32_t csize_shift;
    uint64_t csize_mask;
    uint64_t coffset_mask;

    uint64_t *l1;               /* host order */
    uint32_t l1_size;
    uint32_t l1_dirty_lo, l1_dirty_hi;  /* dirty entries [lo, hi) */

    uint64_t *rt;               /* refcount table, host order */
    uint64_t rt_entries;

    Qcow2Cache l2_cache;
    Qcow2Cache rb_cache;
    uint64_t free_hint;         /* cluster index to start free searches */
    uint64_t file_end;          /* cluster aligned end of used space */
    uint64_t phys_size;         /* current file length */

    GArray *pending_frees;      /* Qcow2Range, applied after L2 is durable */
    GArray *inflight;           /* Qcow2Range of guest clusters being allocated */
    GCond alloc_cond;           /* signalled when an inflight write ends */
    bool lazy_refcounts;
    bool dirty_marked;          /* dirty bit set on disk by us */
    bool need_sync;             /* data or metadata written since the last sync */

    BlockBackend *backing;
    uint64_t backing_size;

    BlockSnapshotInfo *snapshots;
    size_t nb_snapshots;
    uint64_t *snap_l1_offsets;
    uint32_t *snap_l1_sizes;
    uint64_t snapshots_end;     /* end of the snapshot table in the file */
};

/* qcow2-header.c */
int qcow2_header_parse(const uint8_t *buf, size_t buflen, uint64_t file_size, Qcow2Header *h);
int qcow2_header_read(int fd, Qcow2Header *h);
void qcow2_header_clear(Qcow2Header *h);
int qcow2_header_write_u64(Qcow2State *s, uint64_t field, uint64_t value);

/* qcow2-cache.c */
void qcow2_cache_init(Qcow2Cache *c, size_t n, size_t cluster_size, bool is_l2);
void qcow2_cache_free(Qcow2Cache *c);
/* Returns the table at @offset; @load false makes a zero-filled new table.
 * The pointer stays valid until the next get on the same cache. */
int qcow2_cache_get(Qcow2State *s, Qcow2Cache *c, uint64_t offset, bool load, uint8_t **data);
void qcow2_cache_mark_dirty(Qcow2Cache *c, const uint8_t *data);
int qcow2_cache_writeback(Qcow2State *s, Qcow2Cache *c);
void qcow2_cache_drop(Qcow2Cache *c, uint64_t offset);
bool qcow2_cache_is_dirty(const Qcow2Cache *c);

/* qcow2-refcount.c */
int qcow2_refcount_init(Qcow2State *s);
int qcow2_refcount_get(Qcow2State *s, uint64_t cluster, uint64_t *rc);
int64_t qcow2_alloc_clusters(Qcow2State *s, uint64_t n);
int qcow2_refcount_update(Qcow2State *s, uint64_t cluster, uint64_t n, int delta);
int qcow2_refcount_set(Qcow2State *s, uint64_t cluster, uint64_t value);
int qcow2_refcount_last_used(Qcow2State *s, uint64_t *end);
void qcow2_free_deferred(Qcow2State *s, uint64_t offset, uint64_t len);
int qcow2_apply_pending_frees(Qcow2State *s);
bool qcow2_pending_frees_full(Qcow2State *s);
/* Makes refcount blocks durable before an L2 table or L1 write. */
int qcow2_before_l2_write(Qcow2State *s);

/* qcow2-l2.c */
int qcow2_l2_lookup(Qcow2State *s, uint64_t guest_offset, uint64_t *entry);
int qcow2_l2_set(Qcow2State *s, uint64_t guest_offset, uint64_t entry);
int qcow2_l1_writeback(Qcow2State *s);
Qcow2ClusterType qcow2_entry_type(Qcow2State *s, uint64_t entry);

/* qcow2-cluster.c */
int qcow2_co_preadv(Qcow2State *s, const struct iovec *iov, int iovcnt, uint64_t offset);
int qcow2_co_pwritev(Qcow2State *s, const struct iovec *iov, int iovcnt, uint64_t offset);
int qcow2_co_discard(Qcow2State *s, uint64_t offset, uint64_t len, bool zero, bool may_unmap);
int qcow2_metadata_flush(Qcow2State *s);
int qcow2_mark_dirty(Qcow2State *s);

/* qcow2-compress.c */
int qcow2_read_compressed(Qcow2State *s, uint64_t entry, uint8_t *cluster_buf);
void qcow2_compressed_range(Qcow2State *s, uint64_t entry, uint64_t *offset, uint64_t *len);

/* qcow2-repair.c */
int qcow2_repair_refcounts(Qcow2State *s);

/* qcow2-resize.c */
int qcow2_resize(void *state, uint64_t *new_size, bool allow_shrink);

/* qcow2-snapshot.c */
int qcow2_snapshot_table_read(Qcow2State *s);
int qcow2_snapshot_list(void *state, BlockSnapshotInfo **out, size_t *count);

static inline uint64_t
qcow2_be64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return GUINT64_FROM_BE(v);
}

static inline uint32_t
qcow2_be32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return GUINT32_FROM_BE(v);
}

static inline uint16_t
qcow2_be16(const uint8_t *p)
{
    uint16_t v;

    memcpy(&v, p, 2);
    return GUINT16_FROM_BE(v);
}

static inline void
qcow2_put_be64(uint8_t *p, uint64_t v)
{
    v = GUINT64_TO_BE(v);
    memcpy(p, &v, 8);
}

static inline void
qcow2_put_be32(uint8_t *p, uint32_t v)
{
    v = GUINT32_TO_BE(v);
    memcpy(p, &v, 4);
}

static inline void
qcow2_put_be16(uint8_t *p, uint16_t v)
{
    v = GUINT16_TO_BE(v);
    memcpy(p, &v, 2);
}
