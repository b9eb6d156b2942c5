/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Write-back cache of qcow2 metadata tables (L2 tables, refcount blocks).
 * Dirty L2 tables are only written after the refcount blocks they depend on
 * are durable (qcow2_before_l2_write).
 */
#include <errno.h>

#include "hv/block/qcow2-int.h"

void
qcow2_cache_init(Qcow2Cache *c, size_t n, size_t cluster_size, bool is_l2)
{
    c->entries = g_new0(Qcow2CacheEntry, n);
    c->n = n;
    c->is_l2 = is_l2;
    (void) cluster_size;    /* tables are allocated on first use */
}

void
qcow2_cache_free(Qcow2Cache *c)
{
    for (size_t i = 0; i < c->n; i++)
        g_free(c->entries[i].data);
    g_clear_pointer(&c->entries, g_free);
    c->n = 0;
}

bool
qcow2_cache_is_dirty(const Qcow2Cache *c)
{
    for (size_t i = 0; i < c->n; i++) {
        if (c->entries[i].dirty)
            return true;
    }
    return false;
}

static int
qcow2_cache_entry_flush(Qcow2State *s, Qcow2Cache *c, Qcow2CacheEntry *e)
{
    int ret;

    if (!e->dirty)
        return 0;
    if (c->is_l2) {
        ret = qcow2_before_l2_write(s);
        if (ret < 0)
            return ret;
    }
    ret = block_fd_pwrite(s->fd, e->data, s->cluster_size, e->offset);
    if (ret < 0)
        return ret;
    e->dirty = false;
    s->need_sync = true;
    return 0;
}

int
qcow2_cache_writeback(Qcow2State *s, Qcow2Cache *c)
{
    for (size_t i = 0; i < c->n; i++) {
        int ret = qcow2_cache_entry_flush(s, c, &c->entries[i]);

        if (ret < 0)
            return ret;
    }
    return 0;
}

int
qcow2_cache_get(Qcow2State *s, Qcow2Cache *c, uint64_t offset, bool load, uint8_t **data)
{
    Qcow2CacheEntry *victim = NULL;
    int ret;

    /* Offset 0 marks a free slot, and the header lives there: a table
     * claimed at 0 (or misaligned) comes from a corrupt image. */
    if (offset == 0 || (offset & (s->cluster_size - 1)))
        return -EIO;
    for (size_t i = 0; i < c->n; i++) {
        Qcow2CacheEntry *e = &c->entries[i];

        if (e->offset == offset) {
            e->lru = ++c->tick;
            if (!load)
                memset(e->data, 0, s->cluster_size);
            *data = e->data;
            return 0;
        }
        if (!victim || e->offset == 0 || (victim->offset != 0 && e->lru < victim->lru))
            victim = e;
    }
    ret = qcow2_cache_entry_flush(s, c, victim);
    if (ret < 0)
        return ret;
    victim->offset = 0;
    if (!victim->data)
        victim->data = g_malloc(s->cluster_size);
    if (load) {
        ret = block_fd_pread(s->fd, victim->data, s->cluster_size, offset);
        if (ret < 0)
            return ret;
    } else {
        memset(victim->data, 0, s->cluster_size);
    }
    victim->offset = offset;
    victim->lru = ++c->tick;
    *data = victim->data;
    return 0;
}

void
qcow2_cache_mark_dirty(Qcow2Cache *c, const uint8_t *data)
{
    for (size_t i = 0; i < c->n; i++) {
        if (c->entries[i].data == data) {
            c->entries[i].dirty = true;
            return;
        }
    }
}

/* Forgets a table whose cluster was freed, without writing it. */
void
qcow2_cache_drop(Qcow2Cache *c, uint64_t offset)
{
    for (size_t i = 0; i < c->n; i++) {
        if (c->entries[i].offset == offset) {
            c->entries[i].offset = 0;
            c->entries[i].dirty = false;
        }
    }
}
