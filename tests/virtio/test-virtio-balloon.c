/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtio-balloon over the real virtio-pci transport: a host target change
 * raises the config interrupt and shows in num_pages, "actual" written by
 * the driver reaches the host, inflated pages read back zero (from the
 * memfd behind a shared mapping, and from a private anonymous mapping),
 * deflated pages keep their data, PFNs outside RAM are ignored and
 * save / load keeps the target and "actual".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hv/virtio/virtio-balloon.h"
#include "tests/virtio/vtest.h"

#define PAGE VIRTIO_BALLOON_PAGE_SIZE

/* Replaces the harness's anonymous RAM by a shared memfd mapping in place. */
static int
use_memfd(VtMachine *m)
{
    int fd = memfd_create("vt-ram", MFD_CLOEXEC);

    VT_CHECK(fd >= 0 && ftruncate(fd, VT_RAM_SIZE) == 0);
    VT_CHECK(mmap(m->ram, VT_RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
                  fd, 0) == m->ram);
    m->mem.regions[0].fd = fd;
    m->mem.regions[0].fd_offset = 0;
    return fd;
}

static bool
page_is(const uint8_t *p, uint8_t v)
{
    for (unsigned int i = 0; i < PAGE; i++) {
        if (p[i] != v)
            return false;
    }
    return true;
}

/* Sends @n PFNs on queue @q as one buffer, descriptor @idx. */
static void
send_pfns(VtDev *d, unsigned int q, uint16_t idx, const uint32_t *pfns, unsigned int n)
{
    uint64_t buf = vt_alloc(d->m, n * 4, 8);
    uint8_t *p = vt_ptr(d->m, buf);
    uint32_t id, len;

    for (unsigned int i = 0; i < n; i++) {
        for (int k = 0; k < 4; k++)
            p[i * 4 + k] = (uint8_t) (pfns[i] >> (8 * k));
    }
    vt_desc(d, q, idx, buf, n * 4, 0, 0);
    vt_kick(d, q, idx);
    VT_CHECK(vt_wait_used(d, q, &id, &len, 0) && id == idx && len == 0);
}

static void
test_balloon(bool shared)
{
    VtMachine m;
    VtDev d;
    VirtioDevice *vdev = virtio_balloon_create();
    uint64_t cfg, pg1, pg2, pg3;
    uint32_t pfns[3];
    uint8_t gen, back[PAGE];
    int fd = -1;

    vt_machine_init(&m);
    if (shared)
        fd = use_memfd(&m);
    VT_CHECK(vt_dev_setup(&m, &d, vdev, VIRTIO_BIT(VIRTIO_F_VERSION_1)));
    VT_CHECK(vt_cf8_read(&m, d.slot, PCI_DEVICE_ID, 2) == 0x1045);
    VT_CHECK(vt_common_read(&d, VIRTIO_PCI_COMMON_NUMQ, 2) == 3);
    vt_queue_setup(&d, 0, 16);
    vt_queue_setup(&d, 1, 16);
    vt_msix_enable(&d, 3);
    vt_common_write(&d, VIRTIO_PCI_COMMON_MSIX, 2, 2);
    vt_driver_ok(&d);
    cfg = d.bar + VIRTIO_PCI_DEVICE_OFFSET;

    /* host target -> config interrupt and num_pages; unchanged = silent */
    gen = (uint8_t) vt_common_read(&d, VIRTIO_PCI_COMMON_CFGGENERATION, 1);
    virtio_balloon_set_target(vdev, 3);
    VT_CHECK(vt_mmio_read(&m, cfg, 4) == 3);
    VT_CHECK(vt_msi_count(&m) == 1 && m.msi_data[0] == 0x42);
    VT_CHECK((uint8_t) vt_common_read(&d, VIRTIO_PCI_COMMON_CFGGENERATION, 1) != gen);
    virtio_balloon_set_target(vdev, 3);
    VT_CHECK(vt_msi_count(&m) == 1);
    /* num_pages is read-only for the driver, actual is the driver's */
    vt_mmio_write(&m, cfg, 77, 4);
    VT_CHECK(virtio_balloon_get_target(vdev) == 3);

    /* inflate three guest pages full of data, plus junk PFNs */
    pg1 = vt_alloc(&m, PAGE, PAGE);
    pg2 = vt_alloc(&m, PAGE, PAGE);
    pg3 = vt_alloc(&m, PAGE, PAGE);
    memset(vt_ptr(&m, pg1), 0xa5, PAGE);
    memset(vt_ptr(&m, pg2), 0x5a, PAGE);
    memset(vt_ptr(&m, pg3), 0x33, PAGE);
    pfns[0] = (uint32_t) (pg1 / PAGE);
    pfns[1] = (uint32_t) (VT_RAM_SIZE / PAGE);      /* just past RAM */
    pfns[2] = 0xffffffffu;
    send_pfns(&d, 0, 0, pfns, 3);
    pfns[0] = (uint32_t) (pg2 / PAGE);
    send_pfns(&d, 0, 1, pfns, 1);
    VT_CHECK(page_is(vt_ptr(&m, pg1), 0) && page_is(vt_ptr(&m, pg2), 0));
    VT_CHECK(page_is(vt_ptr(&m, pg3), 0x33));
    if (shared) {
        VT_CHECK(pread(fd, back, PAGE, (off_t) pg1) == PAGE && page_is(back, 0));
        VT_CHECK(pread(fd, back, PAGE, (off_t) pg2) == PAGE && page_is(back, 0));
        VT_CHECK(pread(fd, back, PAGE, (off_t) pg3) == PAGE && page_is(back, 0x33));
    }
    vt_mmio_write(&m, cfg + 4, 2, 4);
    VT_CHECK(virtio_balloon_get_actual(vdev) == 2);

    /* save / load keeps the target and "actual" */
    {
        g_autoptr(GByteArray) blob = g_byte_array_new();
        PciDevice *pdev = pci_bus_get_device(m.bus, d.slot);

        VT_CHECK(pci_device_save(pdev, blob) == 0);
        virtio_balloon_set_target(vdev, 9);
        vt_mmio_write(&m, cfg + 4, 7, 4);
        VT_CHECK(pci_device_load(pdev, blob->data, blob->len) == 0);
        VT_CHECK(virtio_balloon_get_target(vdev) == 3 && virtio_balloon_get_actual(vdev) == 2);
        VT_CHECK(pci_device_load(pdev, blob->data, blob->len - 1) < 0);
        VT_CHECK(pci_device_load(pdev, blob->data, blob->len) == 0);
    }

    /* deflate: the page is the guest's again and usable */
    pfns[0] = (uint32_t) (pg1 / PAGE);
    send_pfns(&d, 1, 0, pfns, 1);
    memset(vt_ptr(&m, pg1), 0x11, PAGE);
    VT_CHECK(page_is(vt_ptr(&m, pg1), 0x11));
    if (shared)
        VT_CHECK(pread(fd, back, PAGE, (off_t) pg1) == PAGE && page_is(back, 0x11));

    /* a partial PFN at the end of a buffer is ignored */
    pfns[0] = (uint32_t) (pg3 / PAGE);
    {
        uint64_t buf = vt_alloc(&m, 3, 8);
        uint32_t id, len;

        memcpy(vt_ptr(&m, buf), pfns, 3);
        vt_desc(&d, 0, 2, buf, 3, 0, 0);
        vt_kick(&d, 0, 2);
        VT_CHECK(vt_wait_used(&d, 0, &id, &len, 0) && id == 2);
    }
    VT_CHECK(page_is(vt_ptr(&m, pg3), 0x33));

    /* reset clears actual, keeps the host's target */
    vt_common_write(&d, VIRTIO_PCI_COMMON_STATUS, 0, 1);
    VT_CHECK(virtio_balloon_get_actual(vdev) == 0 && virtio_balloon_get_target(vdev) == 3);

    vt_machine_cleanup(&m);
    if (fd >= 0)
        close(fd);
}

/* STATS_VQ: the driver's buffer is held, parsed, and returned on request. */
static void
test_stats(void)
{
    VtMachine m;
    VtDev d;
    VirtioDevice *vdev = virtio_balloon_create();
    uint64_t stats[VIRTIO_BALLOON_NR_STATS];
    uint64_t buf;
    uint8_t *p;
    uint32_t id, len;

    vt_machine_init(&m);
    VT_CHECK(vt_dev_setup(&m, &d, vdev, VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(1)));
    for (unsigned int q = 0; q < 3; q++)
        vt_queue_setup(&d, q, 16);
    vt_driver_ok(&d);
    VT_CHECK(virtio_balloon_get_stats(vdev, stats) == 0);
    /* free-memory (4) = 0x123456789, total-memory (5) = 64 MiB, junk tag 99 */
    buf = vt_alloc(&m, 30, 8);
    p = vt_ptr(&m, buf);
    p[0] = 4;
    p[2] = 0x89; p[3] = 0x67; p[4] = 0x45; p[5] = 0x23; p[6] = 0x01;
    p[10] = 5;
    p[15] = 0x04;
    p[20] = 99;
    vt_desc(&d, 2, 0, buf, 30, 0, 0);
    vt_kick(&d, 2, 0);
    VT_CHECK(!vt_wait_used(&d, 2, &id, &len, 0));      /* held */
    VT_CHECK(virtio_balloon_get_stats(vdev, stats) == ((1u << 4) | (1u << 5)));
    VT_CHECK(stats[4] == 0x123456789ULL && stats[5] == 64ULL << 20);
    VT_CHECK(vt_wait_used(&d, 2, &id, &len, 0) && id == 0);     /* given back */
    vt_machine_cleanup(&m);
}

int
main(void)
{
    test_stats();
    test_balloon(false);
    test_balloon(true);
    printf("virtio-balloon: ok\n");
    return 0;
}
