/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Minimal polled driver for the modern virtio-pci transport (virtio 1.x):
 * capability discovery, status/feature handshake and split virtqueues.
 */
#include "guest.h"

#define VIRTIO_F_VERSION_1 (1ull << 32)

/* Common configuration structure offsets. */
#define CC_DFSELECT   0x00
#define CC_DF         0x04
#define CC_GFSELECT   0x08
#define CC_GF         0x0c
#define CC_NUMQ       0x12
#define CC_STATUS     0x14
#define CC_QSELECT    0x16
#define CC_QSIZE      0x18
#define CC_QENABLE    0x1c
#define CC_QNOTIFYOFF 0x1e
#define CC_QDESC      0x20
#define CC_QDRIVER    0x28
#define CC_QDEVICE    0x30

#define ST_ACKNOWLEDGE 1
#define ST_DRIVER      2
#define ST_DRIVER_OK   4
#define ST_FEATURES_OK 8

/* Device ids: modern 0x1040 + type; transitional 0x1000.. use the subsystem id. */
uint16_t
virtio_type_of(const pci_dev *p)
{
    if (p->vendor != 0x1af4)
        return 0;
    if (p->device >= 0x1041 && p->device <= 0x107f)
        return (uint16_t)(p->device - 0x1040);
    if (p->device >= 0x1000 && p->device <= 0x103f)
        return p->subsys;
    return 0;
}

static uintptr_t
cap_map(pci_dev *p, uint8_t cap)
{
    uint8_t bar = pci_read8(p, cap + 4);
    uint32_t off = pci_read32(p, cap + 8);
    uint32_t len = pci_read32(p, cap + 12);

    if (bar > 5 || !p->bar[bar] || p->bar_is_io[bar])
        return 0;
    return phys_map(p->bar[bar] + off, len, true);
}

static int
virtio_find_caps(virtio_dev *vd, pci_dev *p)
{
    uint8_t cap;

    if (!(pci_read16(p, 0x06) & 0x10))
        return -1;
    cap = pci_read8(p, 0x34) & 0xfc;
    for (unsigned n = 0; cap && n < 48; n++) {
        if (pci_read8(p, cap) == 0x09) {
            uint8_t type = pci_read8(p, cap + 3);

            if (type == 1 && !vd->common) {
                vd->common = cap_map(p, cap);
            } else if (type == 2 && !vd->notify_base) {
                vd->notify_base = cap_map(p, cap);
                vd->notify_mult = pci_read32(p, cap + 16);
            } else if (type == 3 && !vd->isr) {
                vd->isr = cap_map(p, cap);
            } else if (type == 4 && !vd->devcfg) {
                vd->devcfg = cap_map(p, cap);
            }
        }
        cap = pci_read8(p, cap + 1) & 0xfc;
    }
    return vd->common && vd->notify_base ? 0 : -1;
}

static int
vq_setup(virtio_dev *vd, virtqueue *q, uint16_t index)
{
    uintptr_t c = vd->common;
    uint16_t size;

    mmio_write16(c + CC_QSELECT, index);
    size = mmio_read16(c + CC_QSIZE);
    if (size == 0)
        return -1;
    if (size > VQ_SIZE) {
        size = VQ_SIZE;
        mmio_write16(c + CC_QSIZE, size);
    }
    memset(q, 0, sizeof(*q));
    q->size = size;
    q->index = index;
    for (uint16_t i = 0; i + 1 < size; i++)
        q->desc[i].next = (uint16_t)(i + 1);
    q->avail.flags = 1;      /* VRING_AVAIL_F_NO_INTERRUPT: we poll */
    mmio_write64(c + CC_QDESC, (uintptr_t)q->desc);
    mmio_write64(c + CC_QDRIVER, (uintptr_t)&q->avail);
    mmio_write64(c + CC_QDEVICE, (uintptr_t)&q->used);
    q->notify = vd->notify_base + (uintptr_t)mmio_read16(c + CC_QNOTIFYOFF) * vd->notify_mult;
    mmio_write16(c + CC_QENABLE, 1);
    return 0;
}

int
virtio_init(virtio_dev *vd, pci_dev *p, uint64_t wanted, virtqueue **qs, unsigned nq)
{
    uintptr_t c;
    uint64_t devf;
    unsigned i;

    memset(vd, 0, sizeof(*vd));
    vd->pci = p;
    vd->type = virtio_type_of(p);
    if (virtio_find_caps(vd, p) < 0)
        return -1;
    c = vd->common;
    mmio_write8(c + CC_STATUS, 0);
    for (i = 0; i < 100000 && mmio_read8(c + CC_STATUS); i++)
        cpu_relax();
    mmio_write8(c + CC_STATUS, ST_ACKNOWLEDGE);
    mmio_write8(c + CC_STATUS, ST_ACKNOWLEDGE | ST_DRIVER);
    mmio_write32(c + CC_DFSELECT, 0);
    devf = mmio_read32(c + CC_DF);
    mmio_write32(c + CC_DFSELECT, 1);
    devf |= (uint64_t)mmio_read32(c + CC_DF) << 32;
    if (!(devf & VIRTIO_F_VERSION_1))
        return -1;
    vd->features = (devf & wanted) | VIRTIO_F_VERSION_1;
    mmio_write32(c + CC_GFSELECT, 0);
    mmio_write32(c + CC_GF, (uint32_t)vd->features);
    mmio_write32(c + CC_GFSELECT, 1);
    mmio_write32(c + CC_GF, (uint32_t)(vd->features >> 32));
    mmio_write8(c + CC_STATUS, ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK);
    if (!(mmio_read8(c + CC_STATUS) & ST_FEATURES_OK))
        return -1;
    if (mmio_read16(c + CC_NUMQ) < nq)
        return -1;
    for (i = 0; i < nq; i++) {
        if (vq_setup(vd, qs[i], (uint16_t)i) < 0)
            return -1;
    }
    mmio_write8(c + CC_STATUS, ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
    vd->ok = true;
    return 0;
}

/* Queues one descriptor chain and notifies the device. */
void
vq_submit(virtqueue *q, const uint64_t *addr, const uint32_t *len,
          const uint16_t *flags, unsigned n)
{
    uint16_t head = q->free_head, d = head;

    for (unsigned i = 0; i < n; i++) {
        q->desc[d].addr = addr[i];
        q->desc[d].len = len[i];
        q->desc[d].flags = (uint16_t)(flags[i] | (i + 1 < n ? VRING_DESC_F_NEXT : 0));
        if (i + 1 < n)
            d = q->desc[d].next;
    }
    q->free_head = q->desc[d].next;
    q->avail.ring[q->avail.idx % q->size] = head;
    barrier();
    *(volatile uint16_t *)&q->avail.idx = (uint16_t)(q->avail.idx + 1);
    barrier();
    mmio_write16(q->notify, q->index);
}

/* Returns the head of a completed chain (and frees it), or -1. */
int
vq_poll(virtqueue *q, uint32_t *len)
{
    uint16_t used = *(volatile uint16_t *)&q->used.idx;
    vring_used_elem e;
    uint16_t d;

    if (used == q->last_used)
        return -1;
    barrier();
    e = q->used.ring[q->last_used % q->size];
    q->last_used++;
    if (e.id >= q->size)
        return -1;
    for (d = (uint16_t)e.id; q->desc[d].flags & VRING_DESC_F_NEXT; d = q->desc[d].next)
        ;
    q->desc[d].next = q->free_head;
    q->free_head = (uint16_t)e.id;
    if (len)
        *len = e.len;
    return (int)e.id;
}

int
vq_wait(virtqueue *q, uint32_t *len)
{
    for (unsigned i = 0; i < VKT_POLL_LIMIT; i++) {
        int id = vq_poll(q, len);

        if (id >= 0)
            return id;
        cpu_relax();
    }
    return -1;
}
