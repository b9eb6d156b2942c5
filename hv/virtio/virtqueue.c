/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Split virtqueue, device side.
 *
 * Memory ordering (virtio 1.x 2.7.7 - 2.7.13): the driver writes ring
 * entries, then avail->idx; we read avail->idx, then (acquire) the entries
 * and descriptors.  We write the used element, then (release) used->idx;
 * before deciding whether to interrupt we need a full barrier so the read
 * of avail->flags / used_event cannot move before the used->idx store.
 * Guest-shared fields are accessed with atomics because the guest changes
 * them concurrently; descriptors are copied once and used from the copy.
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "hv/virtio/virtqueue.h"

#define DESC_SIZE 16

static inline uint16_t
ring_load16(const uint8_t *p)
{
    return GUINT16_FROM_LE(__atomic_load_n((const uint16_t *) p, __ATOMIC_RELAXED));
}

static inline void
ring_store16(uint8_t *p, uint16_t v)
{
    __atomic_store_n((uint16_t *) p, GUINT16_TO_LE(v), __ATOMIC_RELAXED);
}

static inline void
ring_store32(uint8_t *p, uint32_t v)
{
    __atomic_store_n((uint32_t *) p, GUINT32_TO_LE(v), __ATOMIC_RELAXED);
}

void
virtqueue_reset(VirtQueue *vq, uint16_t max_size)
{
    *vq = (VirtQueue) {
        .max_size = max_size,
        .size = max_size,
        .msix_vector = VIRTIO_MSI_NO_VECTOR,
    };
}

int
virtqueue_start(VirtQueue *vq, GuestMemory *mem, bool event_idx, bool indirect)
{
    uint64_t n = vq->size;

    if (n == 0 || n > vq->max_size || (n & (n - 1)) != 0)
        return -EINVAL;
    if ((vq->desc_addr & 15) || (vq->avail_addr & 1) || (vq->used_addr & 3))
        return -EINVAL;
    vq->desc = guest_memory_translate(mem, vq->desc_addr, DESC_SIZE * n);
    vq->avail = guest_memory_translate(mem, vq->avail_addr, 6 + 2 * n);
    vq->used = guest_memory_translate(mem, vq->used_addr, 6 + 8 * n);
    if (!vq->desc || !vq->avail || !vq->used) {
        vq->desc = vq->avail = vq->used = NULL;
        return -EFAULT;
    }
    vq->mem = mem;
    vq->event_idx = event_idx;
    vq->indirect = indirect;
    vq->last_avail_idx = 0;
    vq->used_idx = 0;
    vq->signalled_used_valid = false;
    return 0;
}

void
virtqueue_element_clear(VirtqElement *elem)
{
    g_clear_pointer(&elem->iov, g_free);
    memset(elem, 0, sizeof(*elem));
}

typedef struct {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} VirtqDesc;

static void
desc_read(const uint8_t *table, uint32_t i, VirtqDesc *d)
{
    uint8_t raw[DESC_SIZE];
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;

    memcpy(raw, table + (size_t) i * DESC_SIZE, DESC_SIZE);
    memcpy(&addr, raw, 8);
    memcpy(&len, raw + 8, 4);
    memcpy(&flags, raw + 12, 2);
    memcpy(&next, raw + 14, 2);
    d->addr = GUINT64_FROM_LE(addr);
    d->len = GUINT32_FROM_LE(len);
    d->flags = GUINT16_FROM_LE(flags);
    d->next = GUINT16_FROM_LE(next);
}

static int
elem_add(VirtQueue *vq, VirtqElement *elem, const VirtqDesc *d)
{
    void *host;

    if (d->len == 0)
        return 0;
    host = guest_memory_translate(vq->mem, d->addr, d->len);
    if (!host)
        return -EFAULT;
    if (d->flags & VIRTQ_DESC_F_WRITE) {
        elem->in_len += d->len;
        elem->in_num++;
    } else {
        /* device-readable buffers must precede writable ones */
        if (elem->in_num)
            return -EINVAL;
        elem->out_len += d->len;
        elem->out_num++;
    }
    if (elem->out_num + elem->in_num > elem->iov_cap) {
        elem->iov_cap = MAX(16u, elem->iov_cap * 2);
        elem->iov = g_renew(struct iovec, elem->iov, elem->iov_cap);
    }
    elem->iov[elem->out_num + elem->in_num - 1] =
        (struct iovec) { .iov_base = host, .iov_len = d->len };
    return 0;
}

/* Walks the chain at @head; bounded by the table sizes, so loops end. */
static int
virtqueue_walk(VirtQueue *vq, uint16_t head, VirtqElement *elem)
{
    const uint8_t *table = vq->desc;
    uint32_t table_size = vq->size;
    uint32_t i = head, count = 0;
    bool in_indirect = false;
    VirtqDesc d;
    int r;

    for (;;) {
        if (i >= table_size || ++count > table_size)
            return -EINVAL;
        desc_read(table, i, &d);
        if (d.flags & VIRTQ_DESC_F_INDIRECT) {
            if (!vq->indirect || in_indirect || (d.flags & VIRTQ_DESC_F_NEXT) ||
                d.len == 0 || d.len % DESC_SIZE || d.len / DESC_SIZE > VIRTQ_MAX_INDIRECT)
                return -EINVAL;
            table = guest_memory_translate(vq->mem, d.addr, d.len);
            if (!table)
                return -EFAULT;
            table_size = d.len / DESC_SIZE;
            in_indirect = true;
            i = 0;
            count = 0;
            continue;
        }
        r = elem_add(vq, elem, &d);
        if (r < 0)
            return r;
        if (!(d.flags & VIRTQ_DESC_F_NEXT))
            return 0;
        i = d.next;
    }
}

static void
virtqueue_set_avail_event(VirtQueue *vq)
{
    if (vq->event_idx)
        ring_store16(vq->used + 4 + 8 * (size_t) vq->size, vq->last_avail_idx);
}

int
virtqueue_pop(VirtQueue *vq, VirtqElement *elem)
{
    uint16_t avail_idx, head;
    int r;

    if (!vq->desc)
        return 0;
    avail_idx = ring_load16(vq->avail + 2);
    if (avail_idx == vq->last_avail_idx) {
        if (!vq->event_idx)
            return 0;
        /* publish how far we got, then look again so no kick is lost */
        virtqueue_set_avail_event(vq);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        avail_idx = ring_load16(vq->avail + 2);
        if (avail_idx == vq->last_avail_idx)
            return 0;
    }
    if ((uint16_t) (avail_idx - vq->last_avail_idx) > vq->size)
        return -EINVAL;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    head = ring_load16(vq->avail + 4 + 2 * (size_t) (vq->last_avail_idx % vq->size));

    elem->out_num = elem->in_num = 0;
    elem->out_len = elem->in_len = 0;
    elem->head = head;
    r = virtqueue_walk(vq, head, elem);
    if (r < 0)
        return r;
    vq->last_avail_idx++;
    virtqueue_set_avail_event(vq);
    return 1;
}

void
virtqueue_unpop(VirtQueue *vq)
{
    vq->last_avail_idx--;
    virtqueue_set_avail_event(vq);
}

void
virtqueue_push(VirtQueue *vq, const VirtqElement *elem, uint32_t len)
{
    uint8_t *slot;

    if (!vq->used)
        return;
    slot = vq->used + 4 + 8 * (size_t) (vq->used_idx % vq->size);
    ring_store32(slot, elem->head);
    ring_store32(slot + 4, len);
    vq->used_idx++;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    ring_store16(vq->used + 2, vq->used_idx);
}

bool
virtqueue_should_notify(VirtQueue *vq)
{
    uint16_t old, new_idx, event;
    bool valid;

    if (!vq->used)
        return false;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!vq->event_idx)
        return !(ring_load16(vq->avail) & VIRTQ_AVAIL_F_NO_INTERRUPT);
    old = vq->signalled_used;
    valid = vq->signalled_used_valid;
    new_idx = vq->used_idx;
    vq->signalled_used = new_idx;
    vq->signalled_used_valid = true;
    if (!valid)
        return true;
    event = ring_load16(vq->avail + 4 + 2 * (size_t) vq->size);
    /* vring_need_event(): did new_idx pass event since old? */
    return (uint16_t) (new_idx - event - 1) < (uint16_t) (new_idx - old);
}

size_t
iov_to_buf(const struct iovec *iov, unsigned int n, size_t offset, void *buf, size_t len)
{
    size_t done = 0;

    for (unsigned int i = 0; i < n && done < len; i++) {
        size_t chunk;

        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        chunk = MIN(iov[i].iov_len - offset, len - done);
        memcpy((uint8_t *) buf + done, (uint8_t *) iov[i].iov_base + offset, chunk);
        done += chunk;
        offset = 0;
    }
    return done;
}

size_t
iov_from_buf(const struct iovec *iov, unsigned int n, size_t offset, const void *buf,
             size_t len)
{
    size_t done = 0;

    for (unsigned int i = 0; i < n && done < len; i++) {
        size_t chunk;

        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        chunk = MIN(iov[i].iov_len - offset, len - done);
        memcpy((uint8_t *) iov[i].iov_base + offset, (const uint8_t *) buf + done, chunk);
        done += chunk;
        offset = 0;
    }
    return done;
}

unsigned int
iov_slice(const struct iovec *iov, unsigned int n, size_t offset, size_t len,
          struct iovec *dst, unsigned int dst_cap)
{
    unsigned int out = 0;

    for (unsigned int i = 0; i < n && len > 0 && out < dst_cap; i++) {
        size_t chunk;

        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        chunk = MIN(iov[i].iov_len - offset, len);
        dst[out++] = (struct iovec) {
            .iov_base = (uint8_t *) iov[i].iov_base + offset, .iov_len = chunk,
        };
        len -= chunk;
        offset = 0;
    }
    return out;
}
