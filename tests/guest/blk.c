/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* virtio-blk: capacity, serial (GET_ID), sector reads with CRC32, writes, flush. */
#include "guest.h"

#define BLK_MAX 4
#define BLK_MAX_SECTORS 8

#define VIRTIO_BLK_F_RO    (1ull << 5)
#define VIRTIO_BLK_F_FLUSH (1ull << 9)

#define VIRTIO_BLK_T_IN     0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_T_GET_ID 8

typedef struct {
    virtio_dev vd;
    virtqueue q;
    uint64_t capacity;
} blk_dev;

static blk_dev blks[BLK_MAX];
static unsigned nblks;
static bool probed;

static struct {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
} req_hdr;
static uint8_t req_data[BLK_MAX_SECTORS * 512] __attribute__((aligned(16)));
static uint8_t req_status;

/* Returns the virtio status byte (0 ok) or -1 when the device did not answer. */
static int
blk_request(blk_dev *b, uint32_t type, uint64_t sector, uint32_t len, bool dev_writes)
{
    uint64_t addr[3] = { (uintptr_t)&req_hdr, (uintptr_t)req_data, (uintptr_t)&req_status };
    uint32_t lens[3] = { sizeof(req_hdr), len, 1 };
    uint16_t flags[3] = { 0, dev_writes ? VRING_DESC_F_WRITE : 0, VRING_DESC_F_WRITE };

    req_hdr.type = type;
    req_hdr.reserved = 0;
    req_hdr.sector = sector;
    req_status = 0xff;
    if (len == 0) {
        addr[1] = addr[2];
        lens[1] = 1;
        flags[1] = VRING_DESC_F_WRITE;
    }
    vq_submit(&b->q, addr, lens, flags, len ? 3 : 2);
    if (vq_wait(&b->q, NULL) < 0)
        return -1;
    barrier();
    return *(volatile uint8_t *)&req_status;
}

static void
blk_probe_one(pci_dev *p)
{
    blk_dev *b = &blks[nblks];
    virtqueue *qs[1] = { &b->q };
    char serial[21];
    int st;

    if (virtio_init(&b->vd, p, VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH, qs, 1) < 0) {
        kprintf("blk%u: init failed\n", nblks);
        nblks++;
        return;
    }
    b->capacity = mmio_read32(b->vd.devcfg) | (uint64_t)mmio_read32(b->vd.devcfg + 4) << 32;
    memset(req_data, 0, 20);
    st = blk_request(b, VIRTIO_BLK_T_GET_ID, 0, 20, true);
    memcpy(serial, req_data, 20);
    serial[20] = '\0';
    for (unsigned i = 0; serial[i]; i++) {
        if (serial[i] <= ' ' || serial[i] > '~')
            serial[i] = '_';
    }
    kprintf("blk%u: pci %02x:%02x.%x ro %u flush %u\n", nblks, p->bus, p->dev, p->fn,
            (b->vd.features & VIRTIO_BLK_F_RO) ? 1 : 0,
            (b->vd.features & VIRTIO_BLK_F_FLUSH) ? 1 : 0);
    kprintf("blk%u: capacity %lu serial %s\n", nblks, b->capacity,
            st == 0 && serial[0] ? serial : "-");
    nblks++;
}

unsigned
blk_probe_all(void)
{
    if (probed)
        return nblks;
    probed = true;
    for (unsigned i = 0; i < pci_ndevs && nblks < BLK_MAX; i++) {
        if (virtio_type_of(&pci_devs[i]) == 2)
            blk_probe_one(&pci_devs[i]);
    }
    if (!nblks)
        kprintf("blk: no device\n");
    return nblks;
}

uint64_t
blk_capacity(unsigned idx)
{
    return idx < nblks && blks[idx].vd.ok ? blks[idx].capacity : 0;
}

static blk_dev *
blk_get(unsigned idx)
{
    blk_probe_all();
    if (idx >= nblks || !blks[idx].vd.ok) {
        kprintf("error: no blk%u\n", idx);
        return NULL;
    }
    return &blks[idx];
}

int
blk_read(unsigned idx, uint64_t sector, unsigned count)
{
    blk_dev *b = blk_get(idx);
    int st;

    if (!b)
        return -1;
    if (count == 0 || count > BLK_MAX_SECTORS) {
        kprintf("error: count must be 1..%u\n", BLK_MAX_SECTORS);
        return -1;
    }
    st = blk_request(b, VIRTIO_BLK_T_IN, sector, count * 512, true);
    if (st != 0) {
        kprintf("blk%u: read %lu %u error %d\n", idx, sector, count, st);
        return -1;
    }
    kprintf("blk%u: read %lu %u crc32 0x%08x\n", idx, sector, count,
            crc32_update(0, req_data, count * 512));
    return 0;
}

int
blk_write(unsigned idx, uint64_t sector, uint8_t pattern)
{
    blk_dev *b = blk_get(idx);
    int st;

    if (!b)
        return -1;
    memset(req_data, pattern, 512);
    st = blk_request(b, VIRTIO_BLK_T_OUT, sector, 512, false);
    if (st != 0) {
        kprintf("blk%u: write %lu pattern 0x%02x error %d\n", idx, sector, pattern, st);
        return -1;
    }
    kprintf("blk%u: write %lu pattern 0x%02x ok\n", idx, sector, pattern);
    return 0;
}

int
blk_flush(unsigned idx)
{
    blk_dev *b = blk_get(idx);
    int st;

    if (!b)
        return -1;
    st = blk_request(b, VIRTIO_BLK_T_FLUSH, 0, 0, false);
    if (st != 0) {
        kprintf("blk%u: flush error %d\n", idx, st);
        return -1;
    }
    kprintf("blk%u: flush ok\n", idx);
    return 0;
}
