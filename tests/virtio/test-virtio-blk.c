/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtio-blk against a real temporary file, driven through the PCI
 * transport: configuration, IN / OUT / FLUSH / GET_ID / DISCARD /
 * WRITE_ZEROES, scattered and indirect buffers, capacity and read-only
 * refusals, malformed requests.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv/virtio/virtio-blk.h"
#include "tests/virtio/vtest.h"

#define DISK_SECTORS 2048
#define BLK_FEATURES (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) | \
                      VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES) | \
                      VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) | VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC) | \
                      VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX))

static char disk_path[] = "/tmp/virtkvm-test-blk-XXXXXX";

static void
remove_disk(void)
{
    unlink(disk_path);
}

static void
make_disk(void)
{
    int fd = mkstemp(disk_path);
    uint8_t sector[512];

    VT_CHECK(fd >= 0);
    atexit(remove_disk);
    for (unsigned int s = 0; s < DISK_SECTORS; s++) {
        for (unsigned int i = 0; i < sizeof(sector); i++)
            sector[i] = (uint8_t) (s * 7 + i);
        VT_CHECK(write(fd, sector, sizeof(sector)) == (ssize_t) sizeof(sector));
    }
    close(fd);
}

static VirtioDevice *
open_blk(bool read_only, const char *serial, uint32_t block_size)
{
    BlockOpenOptions opts = { .format = BLOCK_FORMAT_RAW, .read_only = read_only };
    VirtioBlkConfig cfg = { .serial = serial, .logical_block_size = block_size };
    BlockBackend *bb = NULL;

    VT_CHECK(block_open_path(disk_path, &opts, &bb) == 0);
    return virtio_blk_create(bb, &cfg);
}

static uint32_t
cfg32(VtDev *d, uint32_t off)
{
    return (uint32_t) vt_mmio_read(d->m, d->bar + VIRTIO_PCI_DEVICE_OFFSET + off, 4);
}

/*
 * One request: header, @ndata data buffers of @len bytes each (device
 * writable for IN / GET_ID), status.  Returns the status byte.
 */
static uint8_t
blk_req(VtDev *d, uint32_t type, uint64_t sector, uint64_t data, uint32_t len,
        unsigned int ndata, uint32_t *used)
{
    uint64_t hdr = vt_alloc(d->m, 16, 8), st = vt_alloc(d->m, 1, 1);
    uint8_t *h = vt_ptr(d->m, hdr);
    bool in = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
    uint16_t i = 0;
    uint32_t id, u;

    memset(h, 0, 16);
    memcpy(h, &type, 4);
    memcpy(h + 8, &sector, 8);
    *(uint8_t *) vt_ptr(d->m, st) = 0xee;
    vt_desc(d, 0, i, hdr, 16, VIRTQ_DESC_F_NEXT, (uint16_t) (i + 1));
    i++;
    for (unsigned int k = 0; k < ndata; k++, i++)
        vt_desc(d, 0, i, data + (uint64_t) k * len, len,
                VIRTQ_DESC_F_NEXT | (in ? VIRTQ_DESC_F_WRITE : 0), (uint16_t) (i + 1));
    vt_desc(d, 0, i, st, 1, VIRTQ_DESC_F_WRITE, 0);
    vt_kick(d, 0, 0);
    VT_CHECK(vt_wait_used(d, 0, &id, &u, 0));
    VT_CHECK(id == 0);
    if (used)
        *used = u;
    return *(uint8_t *) vt_ptr(d->m, st);
}

static uint8_t
blk_seg_req(VtDev *d, uint32_t type, uint64_t sector, uint32_t nsect, uint32_t flags)
{
    uint64_t seg = vt_alloc(d->m, 16, 8);
    uint8_t *p = vt_ptr(d->m, seg);

    memcpy(p, &sector, 8);
    memcpy(p + 8, &nsect, 4);
    memcpy(p + 12, &flags, 4);
    return blk_req(d, type, 0, seg, 16, 1, NULL);
}

static void
file_read(uint64_t off, void *buf, size_t len)
{
    int fd = open(disk_path, O_RDONLY);

    VT_CHECK(fd >= 0);
    VT_CHECK(pread(fd, buf, len, (off_t) off) == (ssize_t) len);
    close(fd);
}

static void
test_rw(void)
{
    VtMachine m;
    VtDev d;
    uint8_t expect[1024], got[1024], zero[4096] = { 0 };
    uint64_t buf;
    uint32_t used;

    vt_machine_init(&m);
    VT_CHECK(vt_dev_setup(&m, &d, open_blk(false, "virtkvm-serial-0001", 4096), BLK_FEATURES));
    VT_CHECK(cfg32(&d, VIRTIO_BLK_CFG_CAPACITY) == DISK_SECTORS);
    VT_CHECK(cfg32(&d, VIRTIO_BLK_CFG_CAPACITY + 4) == 0);
    VT_CHECK(cfg32(&d, VIRTIO_BLK_CFG_BLK_SIZE) == 4096);
    VT_CHECK(cfg32(&d, VIRTIO_BLK_CFG_SEG_MAX) == 254);
    VT_CHECK(cfg32(&d, VIRTIO_BLK_CFG_MAX_DISCARD_SEG) == 1);
    VT_CHECK(vt_find_vcap(&m, d.slot, VIRTIO_PCI_CAP_DEVICE_CFG) > 0);
    VT_CHECK(vt_cf8_read(&m, d.slot, PCI_DEVICE_ID, 2) == 0x1042);
    VT_CHECK(!(vt_common_read(&d, VIRTIO_PCI_COMMON_DF, 4) & (1u << VIRTIO_BLK_F_RO)));
    vt_queue_setup(&d, 0, 0);
    vt_driver_ok(&d);

    /* read sectors 3-4 in two scattered buffers */
    buf = vt_alloc(&m, 1024, 512);
    VT_CHECK(blk_req(&d, VIRTIO_BLK_T_IN, 3, buf, 512, 2, &used) == VIRTIO_BLK_S_OK);
    VT_CHECK(used == 1025);
    file_read(3 * 512, expect, 1024);
    VT_CHECK(memcmp(vt_ptr(&m, buf), expect, 1024) == 0);

    /* write sectors 10-11, see them in the file */
    for (int i = 0; i < 1024; i++)
        ((uint8_t *) vt_ptr(&m, buf))[i] = (uint8_t) (0xa5 ^ i);
    VT_CHECK(blk_req(&d, VIRTIO_BLK_T_OUT, 10, buf, 1024, 1, &used) == VIRTIO_BLK_S_OK);
    VT_CHECK(used == 1);
    file_read(10 * 512, got, 1024);
    VT_CHECK(memcmp(got, vt_ptr(&m, buf), 1024) == 0);
    VT_CHECK(blk_req(&d, VIRTIO_BLK_T_FLUSH, 0, 0, 0, 0, NULL) == VIRTIO_BLK_S_OK);

    /* GET_ID */
    buf = vt_alloc(&m, 20, 1);
    VT_CHECK(blk_req(&d, VIRTIO_BLK_T_GET_ID, 0, buf, 20, 1, &used) == VIRTIO_BLK_S_OK);
    VT_CHECK(used == 21 && memcmp(vt_ptr(&m, buf), "virtkvm-serial-0001", 20) == 0);

    /* DISCARD and WRITE_ZEROES, with and without unmap */
    VT_CHECK(blk_seg_req(&d, VIRTIO_BLK_T_DISCARD, 104, 8, 0) == VIRTIO_BLK_S_OK);
    file_read(104 * 512, got, 1024);
    VT_CHECK(memcmp(got, zero, 1024) == 0);
    VT_CHECK(blk_seg_req(&d, VIRTIO_BLK_T_WRITE_ZEROES, 200, 8, 0) == VIRTIO_BLK_S_OK);
    VT_CHECK(blk_seg_req(&d, VIRTIO_BLK_T_WRITE_ZEROES, 300, 8, 1) == VIRTIO_BLK_S_OK);
    file_read(200 * 512, got, 1024);
    VT_CHECK(memcmp(got, zero, 1024) == 0);
    file_read(300 * 512, got, 1024);
    VT_CHECK(memcmp(got, zero, 1024) == 0);
    file_read(199 * 512, got, 512);
    for (int i = 0; i < 512; i++)
        VT_CHECK(got[i] == (uint8_t) (199 * 7 + i));
    VT_CHECK(blk_seg_req(&d, VIRTIO_BLK_T_DISCARD, 0, 8, 1) == VIRTIO_BLK_S_UNSUPP);
    VT_CHECK(blk_seg_req(&d, VIRTIO_BLK_T_DISCARD, DISK_SECTORS - 4, 8, 0) == VIRTIO_BLK_S_IOERR);

    /* past the end, misaligned length, unknown type */
    buf = vt_alloc(&m, 1024, 512);
    VT_CHECK(blk_req(&d, VIRTIO_BLK_T_IN, DISK_SECTORS - 1, buf, 1024, 1, NULL) == VIRTIO_BLK_S_IOERR);
    VT_CHECK(blk_req(&d, VIRTIO_BLK_T_IN, ~0ULL, buf, 512, 1, NULL) == VIRTIO_BLK_S_IOERR);
    VT_CHECK(blk_req(&d, VIRTIO_BLK_T_OUT, DISK_SECTORS, buf, 512, 1, NULL) == VIRTIO_BLK_S_IOERR);
    VT_CHECK(blk_req(&d, VIRTIO_BLK_T_IN, DISK_SECTORS - 1, buf, 512, 1, NULL) == VIRTIO_BLK_S_OK);
    VT_CHECK(blk_req(&d, VIRTIO_BLK_T_IN, 0, buf, 100, 1, NULL) == VIRTIO_BLK_S_IOERR);
    VT_CHECK(blk_req(&d, 99, 0, buf, 512, 1, NULL) == VIRTIO_BLK_S_UNSUPP);
    VT_CHECK(!(vt_status(&d) & VIRTIO_STATUS_NEEDS_RESET));

    /* an indirect table: header, 512 bytes, status */
    {
        uint64_t table = vt_alloc(&m, 48, 16), hdr = vt_alloc(&m, 16, 8), st = vt_alloc(&m, 1, 1);
        uint8_t *t = vt_ptr(&m, table);
        uint64_t addrs[3] = { hdr, buf, st };
        uint32_t lens[3] = { 16, 512, 1 }, id;
        uint16_t flags[3] = { VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE,
                              VIRTQ_DESC_F_WRITE };
        uint64_t sector = 5;

        memset(vt_ptr(&m, hdr), 0, 16);
        memcpy((uint8_t *) vt_ptr(&m, hdr) + 8, &sector, 8);
        for (uint16_t i = 0; i < 3; i++) {
            uint16_t next = (uint16_t) (i + 1);

            memcpy(t + 16 * i, &addrs[i], 8);
            memcpy(t + 16 * i + 8, &lens[i], 4);
            memcpy(t + 16 * i + 12, &flags[i], 2);
            memcpy(t + 16 * i + 14, &next, 2);
        }
        vt_desc(&d, 0, 7, table, 48, VIRTQ_DESC_F_INDIRECT, 0);
        vt_kick(&d, 0, 7);
        VT_CHECK(vt_wait_used(&d, 0, &id, &used, 0) && id == 7 && used == 513);
        VT_CHECK(*(uint8_t *) vt_ptr(&m, st) == VIRTIO_BLK_S_OK);
        file_read(5 * 512, expect, 512);
        VT_CHECK(memcmp(vt_ptr(&m, buf), expect, 512) == 0);
    }

    /* a request without a status byte breaks the device, not the VMM */
    {
        uint64_t hdr = vt_alloc(&m, 16, 8);

        vt_desc(&d, 0, 0, hdr, 16, 0, 0);
        vt_kick(&d, 0, 0);
        VT_CHECK(vt_status(&d) & VIRTIO_STATUS_NEEDS_RESET);
    }
    vt_machine_cleanup(&m);
}

static void
test_read_only(void)
{
    VtMachine m;
    VtDev d;
    uint8_t before[512], after[512];
    uint64_t buf;

    vt_machine_init(&m);
    VT_CHECK(vt_dev_setup(&m, &d, open_blk(true, NULL, 0),
                          BLK_FEATURES | VIRTIO_BIT(VIRTIO_BLK_F_RO)));
    VT_CHECK(vt_common_read(&d, VIRTIO_PCI_COMMON_DF, 4) & (1u << VIRTIO_BLK_F_RO));
    VT_CHECK(cfg32(&d, VIRTIO_BLK_CFG_BLK_SIZE) == 512);
    vt_queue_setup(&d, 0, 16);
    vt_driver_ok(&d);
    file_read(20 * 512, before, 512);
    buf = vt_alloc(&m, 512, 512);
    memset(vt_ptr(&m, buf), 0x11, 512);
    VT_CHECK(blk_req(&d, VIRTIO_BLK_T_OUT, 20, buf, 512, 1, NULL) == VIRTIO_BLK_S_IOERR);
    VT_CHECK(blk_seg_req(&d, VIRTIO_BLK_T_WRITE_ZEROES, 20, 1, 0) == VIRTIO_BLK_S_IOERR);
    VT_CHECK(blk_seg_req(&d, VIRTIO_BLK_T_DISCARD, 20, 1, 0) == VIRTIO_BLK_S_IOERR);
    file_read(20 * 512, after, 512);
    VT_CHECK(memcmp(before, after, 512) == 0);
    VT_CHECK(blk_req(&d, VIRTIO_BLK_T_IN, 20, buf, 512, 1, NULL) == VIRTIO_BLK_S_OK);
    VT_CHECK(memcmp(vt_ptr(&m, buf), before, 512) == 0);
    /* empty serial */
    VT_CHECK(blk_req(&d, VIRTIO_BLK_T_GET_ID, 0, buf, 20, 1, NULL) == VIRTIO_BLK_S_OK);
    VT_CHECK(((uint8_t *) vt_ptr(&m, buf))[0] == 0);
    vt_machine_cleanup(&m);
}

static void
test_bad_config(void)
{
    BlockOpenOptions opts = { .format = BLOCK_FORMAT_RAW };
    VirtioBlkConfig cfg = { .logical_block_size = 1000 };
    BlockBackend *bb = NULL;

    VT_CHECK(block_open_path(disk_path, &opts, &bb) == 0);
    VT_CHECK(virtio_blk_create(bb, &cfg) == NULL);      /* and bb was closed */
}

/* Save on one machine, load on a fresh one, and keep using the queue. */
static void
test_migrate(void)
{
    VtMachine a, b;
    VtDev d;
    g_autoptr(GByteArray) blob = g_byte_array_new();
    uint8_t expect[512];
    uint64_t buf;
    uint32_t used;
    PciDevice *pa, *pb;
    int slot;

    vt_machine_init(&a);
    VT_CHECK(vt_dev_setup(&a, &d, open_blk(false, "mig", 0), BLK_FEATURES));
    vt_queue_setup(&d, 0, 16);
    vt_msix_enable(&d, 2);
    vt_common_write(&d, VIRTIO_PCI_COMMON_Q_MSIX, 0, 2);
    vt_driver_ok(&d);
    buf = vt_alloc(&a, 512, 512);
    for (int i = 0; i < 3; i++)
        VT_CHECK(blk_req(&d, VIRTIO_BLK_T_IN, 7, buf, 512, 1, NULL) == VIRTIO_BLK_S_OK);
    pa = pci_bus_get_device(a.bus, d.slot);
    VT_CHECK(pci_device_save(pa, blob) == 0);

    /* the destination: same device, same slot, RAM copied */
    vt_machine_init(&b);
    memcpy(b.ram, a.ram, VT_RAM_SIZE);
    b.alloc_next = a.alloc_next;
    pb = virtio_pci_create(open_blk(false, "mig", 0), &b.mem);
    slot = pci_bus_add_device(b.bus, pb, d.slot);
    VT_CHECK(slot == d.slot);
    VT_CHECK(pci_device_load(pb, blob->data, blob->len - 1) == -EINVAL);    /* truncated */
    VT_CHECK(pci_device_load(pb, blob->data, blob->len) == 0);
    VT_CHECK(memcmp(pa->config, pb->config, 256) == 0);
    vt_machine_cleanup(&a);

    d.m = &b;
    VT_CHECK(vt_status(&d) & VIRTIO_STATUS_DRIVER_OK);
    memset(vt_ptr(&b, buf), 0, 512);
    {
        uint16_t used_event = 3;    /* EVENT_IDX: interrupt for used entry #4 */

        memcpy((uint8_t *) vt_ptr(&b, d.q[0].avail) + 4 + 2 * 16, &used_event, 2);
    }
    VT_CHECK(blk_req(&d, VIRTIO_BLK_T_IN, 9, buf, 512, 1, &used) == VIRTIO_BLK_S_OK);
    VT_CHECK(used == 513 && d.q[0].used_seen == 4);
    file_read(9 * 512, expect, 512);
    VT_CHECK(memcmp(vt_ptr(&b, buf), expect, 512) == 0);
    VT_CHECK(vt_msi_count(&b) == 1 && b.msi_addr[0] == 0xfee00000u && b.msi_data[0] == 0x40);

    /* a blob of another device type is refused */
    {
        PciDevice *other = virtio_pci_create(open_blk(true, NULL, 0), &b.mem);

        VT_CHECK(pci_bus_add_device(b.bus, other, -1) > 0);
        VT_CHECK(pci_device_load(other, blob->data, blob->len) == -EINVAL);
    }
    vt_machine_cleanup(&b);
}

int
main(void)
{
    make_disk();
    test_rw();
    test_read_only();
    test_bad_config();
    test_migrate();
    printf("ok\n");
    return 0;
}
