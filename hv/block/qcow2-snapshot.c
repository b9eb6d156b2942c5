/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The qcow2 internal snapshot table (read only): each entry's id, name,
 * dates and VM state size, bounds-checked against the file.
 */
#include <errno.h>

#include "hv/block/qcow2-int.h"

#define QCOW2_SNAPSHOT_HDR_LEN 40
#define QCOW2_SNAPSHOT_TABLE_MAX (64 * 1024 * 1024)

static int
qcow2_snapshot_read_one(Qcow2State *s, uint64_t *off, uint64_t limit, size_t i)
{
    BlockSnapshotInfo *sn = &s->snapshots[i];
    uint8_t hdr[QCOW2_SNAPSHOT_HDR_LEN];
    uint8_t extra[16] = { 0 };
    uint32_t extra_len, id_len, name_len;
    g_autofree char *id = NULL;
    g_autofree char *name = NULL;
    uint64_t p = *off;
    int ret;

    if (p + sizeof(hdr) > limit)
        return -EINVAL;
    ret = block_fd_pread(s->fd, hdr, sizeof(hdr), p);
    if (ret < 0)
        return ret;
    id_len = qcow2_be16(hdr + 12);
    name_len = qcow2_be16(hdr + 14);
    extra_len = qcow2_be32(hdr + 36);
    p += sizeof(hdr);
    if (extra_len > 1024 || p + extra_len + id_len + name_len > limit)
        return -EINVAL;
    ret = block_fd_pread(s->fd, extra, MIN(extra_len, sizeof(extra)), p);
    if (ret < 0)
        return ret;
    p += extra_len;
    id = g_malloc0((size_t) id_len + 1);
    name = g_malloc0((size_t) name_len + 1);
    ret = block_fd_pread(s->fd, id, id_len, p);
    if (ret == 0)
        ret = block_fd_pread(s->fd, name, name_len, p + id_len);
    if (ret < 0)
        return ret;
    p += id_len + name_len;
    p = (p + 7) & ~7ULL;
    sn->id = g_steal_pointer(&id);
    sn->name = g_steal_pointer(&name);
    sn->date_sec = qcow2_be32(hdr + 16);
    sn->date_nsec = qcow2_be32(hdr + 20);
    sn->vm_clock_nsec = qcow2_be64(hdr + 24);
    sn->vm_state_size = extra_len >= 8 ? qcow2_be64(extra) : qcow2_be32(hdr + 32);
    sn->disk_size = extra_len >= 16 ? qcow2_be64(extra + 8) : 0;
    s->snap_l1_offsets[i] = qcow2_be64(hdr);
    s->snap_l1_sizes[i] = qcow2_be32(hdr + 8);
    *off = p;
    return 0;
}

int
qcow2_snapshot_table_read(Qcow2State *s)
{
    uint64_t off = s->h.snapshots_offset;
    uint64_t limit;
    int ret = 0;

    if (s->h.nb_snapshots == 0)
        return 0;
    limit = MIN(s->phys_size, off + QCOW2_SNAPSHOT_TABLE_MAX);
    s->snapshots = g_new0(BlockSnapshotInfo, s->h.nb_snapshots);
    s->snap_l1_offsets = g_new0(uint64_t, s->h.nb_snapshots);
    s->snap_l1_sizes = g_new0(uint32_t, s->h.nb_snapshots);
    for (uint32_t i = 0; i < s->h.nb_snapshots; i++) {
        ret = qcow2_snapshot_read_one(s, &off, limit, i);
        if (ret < 0)
            break;
        s->nb_snapshots++;
    }
    s->snapshots_end = off;
    return ret;
}

int
qcow2_snapshot_list(void *state, BlockSnapshotInfo **out, size_t *count)
{
    Qcow2State *s = state;

    *out = g_new0(BlockSnapshotInfo, MAX(s->nb_snapshots, 1));
    for (size_t i = 0; i < s->nb_snapshots; i++) {
        (*out)[i] = s->snapshots[i];
        (*out)[i].id = g_strdup(s->snapshots[i].id);
        (*out)[i].name = g_strdup(s->snapshots[i].name);
    }
    *count = s->nb_snapshots;
    return 0;
}
