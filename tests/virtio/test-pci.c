/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI bus and virtio-pci transport, driven like a guest: enumeration
 * through 0xCF8/0xCFC and ECAM, BAR sizing and relocation, capabilities,
 * feature negotiation, MSI-X delivery and masking, INTx, virtio-rng, and
 * hostile drivers that must end in NEEDS_RESET, never in a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/virtio/virtio-rng.h"
#include "tests/virtio/vtest.h"

#define RNG_FEATURES VIRTIO_BIT(VIRTIO_F_VERSION_1)

static void
test_enumeration(void)
{
    VtMachine m;
    VtDev d;
    uint32_t bar_lo;

    vt_machine_init(&m);
    VT_CHECK(vt_dev_setup(&m, &d, virtio_rng_create(), RNG_FEATURES));
    VT_CHECK(d.slot == 1);
    /* host bridge at 00.0 */
    VT_CHECK(vt_cf8_read(&m, 0, PCI_VENDOR_ID, 4) == 0x00081b36);
    VT_CHECK(vt_cf8_read(&m, 0, PCI_CLASS_DEVICE, 2) == 0x0600);
    /* the rng at 01.0, both mechanisms agree */
    VT_CHECK(vt_cf8_read(&m, 1, PCI_VENDOR_ID, 2) == 0x1af4);
    VT_CHECK(vt_cf8_read(&m, 1, PCI_DEVICE_ID, 2) == 0x1044);
    VT_CHECK(vt_ecam_read(&m, 1, PCI_VENDOR_ID, 4) == 0x10441af4);
    VT_CHECK(vt_cf8_read(&m, 1, PCI_REVISION_ID, 1) == 1);
    VT_CHECK(vt_cf8_read(&m, 1, PCI_VENDOR_ID + 2, 2) == 0x1044);  /* word at 0xCFE */
    VT_CHECK(vt_cf8_read(&m, 1, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
    /* absent slot and function read all ones */
    VT_CHECK(vt_cf8_read(&m, 2, PCI_VENDOR_ID, 4) == 0xffffffff);
    VT_CHECK(vt_ecam_read(&m, 7, PCI_VENDOR_ID, 4) == 0xffffffff);
    VT_CHECK(vt_ecam_read(&m, 1, PCI_VENDOR_ID + (1 << 12), 4) == 0xffffffff);
    /* extended config space only through ECAM: no extended capabilities */
    VT_CHECK(vt_ecam_read(&m, 1, 0x100, 4) == 0);
    /* read-only registers stay */
    vt_cf8_write(&m, 1, PCI_VENDOR_ID, 0x12345678, 4);
    VT_CHECK(vt_cf8_read(&m, 1, PCI_VENDOR_ID, 4) == 0x10441af4);
    /* slots: explicit slot taken, next free */
    VT_CHECK(pci_bus_add_device(m.bus, virtio_pci_create(virtio_rng_create(), &m.mem), 5) == 5);
    {
        VirtioDevice *v = virtio_rng_create();
        PciDevice *p = virtio_pci_create(v, &m.mem);

        VT_CHECK(pci_bus_add_device(m.bus, p, 5) == -EBUSY);
        VT_CHECK(pci_bus_add_device(m.bus, p, -1) == 2);
    }
    VT_CHECK(vt_cf8_read(&m, 5, PCI_DEVICE_ID, 2) == 0x1044);

    /* BAR 4 sizing: 32 KiB, 64-bit prefetchable */
    vt_cf8_write(&m, 1, PCI_COMMAND, 0, 2);
    VT_CHECK(vt_mmio_read(&m, d.bar, 4) == 0xffffffff);     /* decode off */
    vt_ecam_write(&m, 1, PCI_BAR0 + 16, 0xffffffff, 4);
    vt_ecam_write(&m, 1, PCI_BAR0 + 20, 0xffffffff, 4);
    bar_lo = vt_ecam_read(&m, 1, PCI_BAR0 + 16, 4);
    VT_CHECK(bar_lo == (0xffff8000u | PCI_BAR_MEM_TYPE_64 | PCI_BAR_MEM_PREFETCH));
    VT_CHECK(vt_ecam_read(&m, 1, PCI_BAR0 + 20, 4) == 0xffffffff);
    VT_CHECK(vt_ecam_read(&m, 1, PCI_BAR0, 4) == 0);           /* unimplemented BAR */
    /* relocate above 4 GiB, enable */
    vt_ecam_write(&m, 1, PCI_BAR0 + 16, 0x00010000, 4);
    vt_ecam_write(&m, 1, PCI_BAR0 + 20, 0x1, 4);
    VT_CHECK(!m.bar_mapped && m.bar_addr == d.bar);
    vt_cf8_write(&m, 1, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    VT_CHECK(m.bar_mapped && m.bar_addr == 0x100010000ULL);
    {
        uint64_t notify = 0;

        VT_CHECK(virtio_pci_notify_address(pci_bus_get_device(m.bus, 1), 0, &notify) == 0);
        VT_CHECK(notify == 0x100010000ULL + VIRTIO_PCI_NOTIFY_OFFSET);
        VT_CHECK(virtio_pci_notify_address(pci_bus_get_device(m.bus, 1), 1, &notify) == -EINVAL);
    }
    VT_CHECK(vt_mmio_read(&m, 0x100010000ULL + VIRTIO_PCI_COMMON_NUMQ, 2) == 1);
    VT_CHECK(vt_mmio_read(&m, d.bar + VIRTIO_PCI_COMMON_NUMQ, 2) == 0xffff);
    /* back where it was */
    vt_cf8_write(&m, 1, PCI_BAR0 + 16, (uint32_t) d.bar, 4);
    vt_cf8_write(&m, 1, PCI_BAR0 + 20, 0, 4);
    VT_CHECK(vt_mmio_read(&m, d.bar + VIRTIO_PCI_COMMON_NUMQ, 2) == 1);
    VT_CHECK(vt_mmio_read(&m, 0x100010000ULL, 4) == 0xffffffff);
    /* a BAR placed over the ECAM window is refused without harm */
    vt_cf8_write(&m, 1, PCI_BAR0 + 16, 0xe0000000u, 4);
    VT_CHECK(vt_ecam_read(&m, 1, PCI_VENDOR_ID, 4) == 0x10441af4);
    vt_cf8_write(&m, 1, PCI_BAR0 + 16, (uint32_t) d.bar, 4);

    /* hot-unplug leaves nothing mapped */
    VT_CHECK(pci_bus_remove_device(m.bus, 5) == 0);
    VT_CHECK(vt_cf8_read(&m, 5, PCI_VENDOR_ID, 4) == 0xffffffff);
    VT_CHECK(pci_bus_remove_device(m.bus, 5) == -ENOENT);
    vt_machine_cleanup(&m);
}

static void
test_capabilities(void)
{
    VtMachine m;
    VtDev d;
    int common, notify, isr, pcicfg;

    vt_machine_init(&m);
    VT_CHECK(vt_dev_setup(&m, &d, virtio_rng_create(), RNG_FEATURES));
    common = vt_find_vcap(&m, d.slot, VIRTIO_PCI_CAP_COMMON_CFG);
    notify = vt_find_vcap(&m, d.slot, VIRTIO_PCI_CAP_NOTIFY_CFG);
    isr = vt_find_vcap(&m, d.slot, VIRTIO_PCI_CAP_ISR_CFG);
    pcicfg = vt_find_vcap(&m, d.slot, VIRTIO_PCI_CAP_PCI_CFG);
    VT_CHECK(common > 0 && notify > 0 && isr > 0 && pcicfg > 0);
    VT_CHECK(vt_find_vcap(&m, d.slot, VIRTIO_PCI_CAP_DEVICE_CFG) < 0);   /* rng has none */
    VT_CHECK(vt_cf8_read(&m, d.slot, common + 4, 1) == 4);
    VT_CHECK(vt_cf8_read(&m, d.slot, common + 8, 4) == VIRTIO_PCI_COMMON_OFFSET);
    VT_CHECK(vt_cf8_read(&m, d.slot, common + 12, 4) == VIRTIO_PCI_COMMON_SIZE);
    VT_CHECK(vt_cf8_read(&m, d.slot, notify + 8, 4) == VIRTIO_PCI_NOTIFY_OFFSET);
    VT_CHECK(vt_cf8_read(&m, d.slot, notify + 16, 4) == VIRTIO_PCI_NOTIFY_MULTIPLIER);
    VT_CHECK(vt_cf8_read(&m, d.slot, isr + 8, 4) == VIRTIO_PCI_ISR_OFFSET);
    /* the PCI configuration access window reads num_queues */
    vt_cf8_write(&m, d.slot, pcicfg + 4, VIRTIO_PCI_BAR, 1);
    vt_cf8_write(&m, d.slot, pcicfg + 8, VIRTIO_PCI_COMMON_NUMQ, 4);
    vt_cf8_write(&m, d.slot, pcicfg + 12, 2, 4);
    VT_CHECK(vt_cf8_read(&m, d.slot, pcicfg + 16, 2) == 1);
    /* and writes queue_select through it */
    vt_cf8_write(&m, d.slot, pcicfg + 8, VIRTIO_PCI_COMMON_Q_SELECT, 4);
    vt_cf8_write(&m, d.slot, pcicfg + 16, 7, 2);
    VT_CHECK(vt_common_read(&d, VIRTIO_PCI_COMMON_Q_SELECT, 2) == 7);
    VT_CHECK(vt_common_read(&d, VIRTIO_PCI_COMMON_Q_SIZE, 2) == 0);     /* no queue 7 */
    vt_machine_cleanup(&m);
}

static void
test_features(void)
{
    VtMachine m;
    VtDev d;

    vt_machine_init(&m);
    VT_CHECK(vt_dev_setup(&m, &d, virtio_rng_create(), RNG_FEATURES));
    vt_common_write(&d, VIRTIO_PCI_COMMON_DFSELECT, 1, 4);
    VT_CHECK(vt_common_read(&d, VIRTIO_PCI_COMMON_DF, 4) & 1);          /* VERSION_1 */
    vt_common_write(&d, VIRTIO_PCI_COMMON_DFSELECT, 0, 4);
    VT_CHECK(vt_common_read(&d, VIRTIO_PCI_COMMON_DF, 4) &
             (1u << VIRTIO_RING_F_EVENT_IDX));
    vt_common_write(&d, VIRTIO_PCI_COMMON_DFSELECT, 2, 4);
    VT_CHECK(vt_common_read(&d, VIRTIO_PCI_COMMON_DF, 4) == 0);
    /* features are frozen after FEATURES_OK */
    vt_common_write(&d, VIRTIO_PCI_COMMON_GFSELECT, 1, 4);
    vt_common_write(&d, VIRTIO_PCI_COMMON_GF, 0, 4);
    VT_CHECK(vt_common_read(&d, VIRTIO_PCI_COMMON_GF, 4) == 1);
    vt_machine_cleanup(&m);

    /* a legacy driver (no VERSION_1) is refused */
    vt_machine_init(&m);
    VT_CHECK(!vt_dev_setup(&m, &d, virtio_rng_create(), 0));
    vt_machine_cleanup(&m);
    /* so is a feature the device did not offer */
    vt_machine_init(&m);
    VT_CHECK(!vt_dev_setup(&m, &d, virtio_rng_create(), RNG_FEATURES | VIRTIO_BIT(5)));
    vt_machine_cleanup(&m);
}

static void
rng_request(VtDev *d, uint32_t len, uint32_t *got)
{
    uint64_t buf = vt_alloc(d->m, len, 8);
    uint32_t id;

    vt_desc(d, 0, 0, buf, len, VIRTQ_DESC_F_WRITE, 0);
    vt_kick(d, 0, 0);
    VT_CHECK(vt_wait_used(d, 0, &id, got, 0));
    VT_CHECK(id == 0);
}

static void
test_rng_msix(void)
{
    VtMachine m;
    VtDev d;
    uint32_t got;
    int cap;

    vt_machine_init(&m);
    VT_CHECK(vt_dev_setup(&m, &d, virtio_rng_create(), RNG_FEATURES));
    vt_queue_setup(&d, 0, 16);
    vt_msix_enable(&d, 2);
    vt_common_write(&d, VIRTIO_PCI_COMMON_MSIX, 1, 2);
    vt_common_write(&d, VIRTIO_PCI_COMMON_Q_SELECT, 0, 2);
    vt_common_write(&d, VIRTIO_PCI_COMMON_Q_MSIX, 0, 2);
    VT_CHECK(vt_common_read(&d, VIRTIO_PCI_COMMON_Q_MSIX, 2) == 0);
    vt_common_write(&d, VIRTIO_PCI_COMMON_Q_MSIX, 300, 2);     /* no such vector */
    VT_CHECK(vt_common_read(&d, VIRTIO_PCI_COMMON_Q_MSIX, 2) == VIRTIO_MSI_NO_VECTOR);
    vt_common_write(&d, VIRTIO_PCI_COMMON_Q_MSIX, 0, 2);
    vt_driver_ok(&d);
    VT_CHECK(vt_status(&d) & VIRTIO_STATUS_DRIVER_OK);

    {
        uint64_t buf = vt_alloc(&m, 64, 8);
        uint8_t zero[64] = { 0 };
        uint32_t id;

        vt_desc(&d, 0, 3, buf, 64, VIRTQ_DESC_F_WRITE, 0);
        vt_kick(&d, 0, 3);
        VT_CHECK(vt_wait_used(&d, 0, &id, &got, 0));
        VT_CHECK(id == 3 && got == 64);
        VT_CHECK(memcmp(vt_ptr(&m, buf), zero, 64) != 0);
    }
    VT_CHECK(vt_msi_count(&m) == 1);
    VT_CHECK(m.msi_addr[0] == 0xfee00000u && m.msi_data[0] == 0x40);

    /* masked vector: pending bit instead of an interrupt, delivered on unmask */
    vt_mmio_write(&m, d.bar + VIRTIO_PCI_MSIX_TABLE_OFFSET + 12, 1, 4);
    rng_request(&d, 32, &got);
    VT_CHECK(got == 32 && vt_msi_count(&m) == 1);
    VT_CHECK(vt_mmio_read(&m, d.bar + VIRTIO_PCI_MSIX_PBA_OFFSET, 8) == 1);
    vt_mmio_write(&m, d.bar + VIRTIO_PCI_MSIX_TABLE_OFFSET + 12, 0, 4);
    VT_CHECK(vt_msi_count(&m) == 2);
    VT_CHECK(vt_mmio_read(&m, d.bar + VIRTIO_PCI_MSIX_PBA_OFFSET, 8) == 0);

    /* function mask */
    cap = vt_cf8_read(&m, d.slot, PCI_CAPABILITY_LIST, 1);
    while (vt_cf8_read(&m, d.slot, cap, 1) != PCI_CAP_ID_MSIX)
        cap = vt_cf8_read(&m, d.slot, cap + 1, 1);
    VT_CHECK((vt_cf8_read(&m, d.slot, cap + 2, 2) & PCI_MSIX_FLAGS_QSIZE) == 1);
    vt_cf8_write(&m, d.slot, cap + 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 2);
    rng_request(&d, 16, &got);
    VT_CHECK(vt_msi_count(&m) == 2);
    vt_cf8_write(&m, d.slot, cap + 2, PCI_MSIX_FLAGS_ENABLE, 2);
    VT_CHECK(vt_msi_count(&m) == 3);
    VT_CHECK(m.msi_data[2] == 0x40);

    /* a table write changes the message the sink receives */
    vt_mmio_write(&m, d.bar + VIRTIO_PCI_MSIX_TABLE_OFFSET + 8, 0x77, 4);
    rng_request(&d, 16, &got);
    VT_CHECK(vt_msi_count(&m) == 4 && m.msi_data[3] == 0x77);
    /* the ioeventfd path: no MMIO exit, the machine calls the transport */
    {
        uint64_t buf = vt_alloc(&m, 16, 8);
        uint32_t id;

        vt_desc(&d, 0, 5, buf, 16, VIRTQ_DESC_F_WRITE, 0);
        vt_publish(&d, 0, 5);
        VT_CHECK(!vt_wait_used(&d, 0, &id, &got, 0));
        virtio_pci_queue_notify(pci_bus_get_device(m.bus, d.slot), 0);
        VT_CHECK(vt_wait_used(&d, 0, &id, &got, 0) && id == 5 && got == 16);
    }
    /* huge buffers are capped, never a stall */
    rng_request(&d, 1u << 20, &got);
    VT_CHECK(got == 65536);
    vt_machine_cleanup(&m);
}

/* Notification suppression: EVENT_IDX (used_event / avail_event) and flags. */
static void
test_event_idx(void)
{
    VtMachine m;
    VtDev d;
    uint32_t got;
    uint16_t v;
    uint8_t *avail, *used;

    vt_machine_init(&m);
    VT_CHECK(vt_dev_setup(&m, &d, virtio_rng_create(),
                          RNG_FEATURES | VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX)));
    vt_queue_setup(&d, 0, 8);
    vt_msix_enable(&d, 2);
    vt_common_write(&d, VIRTIO_PCI_COMMON_Q_MSIX, 0, 2);
    vt_driver_ok(&d);
    avail = vt_ptr(&m, d.q[0].avail);
    used = vt_ptr(&m, d.q[0].used);
    v = 5;
    memcpy(avail + 4 + 2 * 8, &v, 2);           /* used_event: interrupt after #6 */
    rng_request(&d, 8, &got);
    VT_CHECK(vt_msi_count(&m) == 1);            /* the first one always signals */
    rng_request(&d, 8, &got);
    VT_CHECK(vt_msi_count(&m) == 1);
    memcpy(&v, used + 4 + 8 * 8, 2);            /* avail_event follows our progress */
    VT_CHECK(v == 2);
    v = 2;
    memcpy(avail + 4 + 2 * 8, &v, 2);           /* interrupt when entry #3 is used */
    rng_request(&d, 8, &got);
    VT_CHECK(vt_msi_count(&m) == 2);
    vt_machine_cleanup(&m);

    /* without EVENT_IDX, VIRTQ_AVAIL_F_NO_INTERRUPT silences the queue */
    vt_machine_init(&m);
    VT_CHECK(vt_dev_setup(&m, &d, virtio_rng_create(), RNG_FEATURES));
    vt_queue_setup(&d, 0, 8);
    vt_msix_enable(&d, 2);
    vt_common_write(&d, VIRTIO_PCI_COMMON_Q_MSIX, 0, 2);
    vt_driver_ok(&d);
    v = VIRTQ_AVAIL_F_NO_INTERRUPT;
    memcpy(vt_ptr(&m, d.q[0].avail), &v, 2);
    rng_request(&d, 8, &got);
    VT_CHECK(vt_msi_count(&m) == 0);
    v = 0;
    memcpy(vt_ptr(&m, d.q[0].avail), &v, 2);
    rng_request(&d, 8, &got);
    VT_CHECK(vt_msi_count(&m) == 1);
    vt_machine_cleanup(&m);
}

static void
test_intx(void)
{
    VtMachine m;
    VtDev d;
    uint32_t got, gsi;

    vt_machine_init(&m);
    VT_CHECK(vt_dev_setup(&m, &d, virtio_rng_create(), RNG_FEATURES));
    gsi = pci_bus_intx_gsi(d.slot);
    VT_CHECK(vt_cf8_read(&m, d.slot, PCI_INTERRUPT_PIN, 1) == 1);
    VT_CHECK(vt_cf8_read(&m, d.slot, PCI_INTERRUPT_LINE, 1) == gsi);
    vt_queue_setup(&d, 0, 0);
    vt_driver_ok(&d);
    rng_request(&d, 8, &got);
    VT_CHECK(m.irq_level[gsi] == 1);
    VT_CHECK(vt_cf8_read(&m, d.slot, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
    VT_CHECK(vt_mmio_read(&m, d.bar + VIRTIO_PCI_ISR_OFFSET, 1) == 1);
    VT_CHECK(m.irq_level[gsi] == 0);
    VT_CHECK(vt_mmio_read(&m, d.bar + VIRTIO_PCI_ISR_OFFSET, 1) == 0);
    /* INTx disable in the command register masks the line */
    vt_cf8_write(&m, d.slot, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE, 2);
    rng_request(&d, 8, &got);
    VT_CHECK(m.irq_level[gsi] == 0);
    vt_cf8_write(&m, d.slot, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    VT_CHECK(m.irq_level[gsi] == 1);
    vt_machine_cleanup(&m);
}

/* Brings up a fresh rng with one 8-entry queue and MSI-X, then runs @hostile. */
static void
expect_needs_reset(const char *what, void (*hostile)(VtDev *d))
{
    VtMachine m;
    VtDev d;
    uint32_t got;

    vt_machine_init(&m);
    VT_CHECK(vt_dev_setup(&m, &d, virtio_rng_create(),
                          RNG_FEATURES | VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC)));
    vt_queue_setup(&d, 0, 8);
    vt_msix_enable(&d, 2);
    vt_common_write(&d, VIRTIO_PCI_COMMON_MSIX, 1, 2);
    vt_driver_ok(&d);
    hostile(&d);
    if (!(vt_status(&d) & VIRTIO_STATUS_NEEDS_RESET)) {
        fprintf(stderr, "%s: NEEDS_RESET not set\n", what);
        exit(1);
    }
    /* the config-change interrupt went out on vector 1 */
    VT_CHECK(vt_msi_count(&m) >= 1 && m.msi_data[vt_msi_count(&m) - 1] == 0x41);
    /* the driver recovers with a reset */
    vt_common_write(&d, VIRTIO_PCI_COMMON_STATUS, 0, 1);
    VT_CHECK(vt_status(&d) == 0);
    VT_CHECK(vt_dev_negotiate(&d, RNG_FEATURES));
    vt_queue_setup(&d, 0, 8);
    vt_driver_ok(&d);
    VT_CHECK(vt_status(&d) == (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                               VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK));
    rng_request(&d, 8, &got);
    VT_CHECK(got == 8);
    vt_machine_cleanup(&m);
}

static void
hostile_loop(VtDev *d)
{
    vt_desc(d, 0, 0, 0x200000, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    vt_desc(d, 0, 1, 0x200000, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
    vt_kick(d, 0, 0);
}

static void
hostile_out_of_ram(VtDev *d)
{
    vt_desc(d, 0, 0, VT_RAM_SIZE - 8, 16, VIRTQ_DESC_F_WRITE, 0);
    vt_kick(d, 0, 0);
}

static void
hostile_next_out_of_range(VtDev *d)
{
    vt_desc(d, 0, 0, 0x200000, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 200);
    vt_kick(d, 0, 0);
}

static void
hostile_head_out_of_range(VtDev *d)
{
    vt_kick(d, 0, 9);
}

static void
hostile_avail_idx(VtDev *d)
{
    uint8_t *avail = vt_ptr(d->m, d->q[0].avail);

    __atomic_store_n((uint16_t *) (avail + 2), 100, __ATOMIC_RELEASE);
    vt_mmio_write(d->m, d->bar + VIRTIO_PCI_NOTIFY_OFFSET, 0, 2);
}

static void
hostile_indirect_oversize(VtDev *d)
{
    uint64_t table = vt_alloc(d->m, 16 * 2048, 16);

    vt_desc(d, 0, 0, table, 16 * 2048, VIRTQ_DESC_F_INDIRECT, 0);
    vt_kick(d, 0, 0);
}

static void
hostile_indirect_loop(VtDev *d)
{
    uint64_t table = vt_alloc(d->m, 32, 16);
    uint8_t *t = vt_ptr(d->m, table);
    uint64_t addr = 0x200000;
    uint32_t len = 8;
    uint16_t flags = VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, next = 0;

    for (int i = 0; i < 2; i++) {
        memcpy(t + 16 * i, &addr, 8);
        memcpy(t + 16 * i + 8, &len, 4);
        memcpy(t + 16 * i + 12, &flags, 2);
        next = (uint16_t) !i;
        memcpy(t + 16 * i + 14, &next, 2);
    }
    vt_desc(d, 0, 0, table, 32, VIRTQ_DESC_F_INDIRECT, 0);
    vt_kick(d, 0, 0);
}

static void
hostile_nested_indirect(VtDev *d)
{
    uint64_t table = vt_alloc(d->m, 16, 16);
    uint8_t *t = vt_ptr(d->m, table);
    uint32_t len = 16;
    uint16_t flags = VIRTQ_DESC_F_INDIRECT;

    memcpy(t, &table, 8);
    memcpy(t + 8, &len, 4);
    memcpy(t + 12, &flags, 2);
    vt_desc(d, 0, 0, table, 16, VIRTQ_DESC_F_INDIRECT, 0);
    vt_kick(d, 0, 0);
}

static void
hostile_write_before_read(VtDev *d)
{
    vt_desc(d, 0, 0, 0x200000, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    vt_desc(d, 0, 1, 0x200000, 16, 0, 0);
    vt_kick(d, 0, 0);
}

static void
hostile_clear_status(VtDev *d)
{
    vt_common_write(d, VIRTIO_PCI_COMMON_STATUS, VIRTIO_STATUS_ACKNOWLEDGE, 1);
}

static void
test_hostile(void)
{
    expect_needs_reset("descriptor loop", hostile_loop);
    expect_needs_reset("buffer outside RAM", hostile_out_of_ram);
    expect_needs_reset("next out of range", hostile_next_out_of_range);
    expect_needs_reset("head out of range", hostile_head_out_of_range);
    expect_needs_reset("avail index jump", hostile_avail_idx);
    expect_needs_reset("oversize indirect table", hostile_indirect_oversize);
    expect_needs_reset("loop in indirect table", hostile_indirect_loop);
    expect_needs_reset("nested indirect", hostile_nested_indirect);
    expect_needs_reset("writable before readable", hostile_write_before_read);
    expect_needs_reset("status bits cleared", hostile_clear_status);
}

static void
test_hostile_setup(void)
{
    VtMachine m;
    VtDev d;

    /* rings outside RAM: NEEDS_RESET at DRIVER_OK */
    vt_machine_init(&m);
    VT_CHECK(vt_dev_setup(&m, &d, virtio_rng_create(), RNG_FEATURES));
    vt_common_write(&d, VIRTIO_PCI_COMMON_Q_SELECT, 0, 2);
    vt_common_write(&d, VIRTIO_PCI_COMMON_Q_SIZE, 8, 2);
    vt_common_write(&d, VIRTIO_PCI_COMMON_Q_DESCLO, 0x80000000u, 8);
    vt_common_write(&d, VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
    vt_driver_ok(&d);
    VT_CHECK(vt_status(&d) & VIRTIO_STATUS_NEEDS_RESET);
    vt_machine_cleanup(&m);

    /* queue size not a power of two */
    vt_machine_init(&m);
    VT_CHECK(vt_dev_setup(&m, &d, virtio_rng_create(), RNG_FEATURES));
    vt_queue_setup(&d, 0, 6);
    vt_driver_ok(&d);
    VT_CHECK(vt_status(&d) & VIRTIO_STATUS_NEEDS_RESET);
    vt_machine_cleanup(&m);

    /* DRIVER_OK without FEATURES_OK */
    vt_machine_init(&m);
    VT_CHECK(!vt_dev_setup(&m, &d, virtio_rng_create(), 0));
    vt_driver_ok(&d);
    VT_CHECK(vt_status(&d) & VIRTIO_STATUS_NEEDS_RESET);
    vt_machine_cleanup(&m);

    /* garbage everywhere in configuration space and the BAR */
    vt_machine_init(&m);
    VT_CHECK(vt_dev_setup(&m, &d, virtio_rng_create(), RNG_FEATURES));
    for (uint32_t off = 0x40; off < 0x1000; off += 4)
        vt_ecam_write(&m, d.slot, off, 0xffffffff, 4);
    for (uint32_t off = 0; off < VIRTIO_PCI_BAR_SIZE; off += 4) {
        vt_mmio_write(&m, d.bar + off, 0xffffffff, 4);
        vt_mmio_read(&m, d.bar + off, 4);
    }
    for (uint32_t off = 0; off < 0x40; off += 1)
        vt_cf8_write(&m, d.slot, off, 0xff, 1);
    vt_machine_cleanup(&m);
}

int
main(void)
{
    test_enumeration();
    test_capabilities();
    test_features();
    test_rng_msix();
    test_event_idx();
    test_intx();
    test_hostile();
    test_hostile_setup();
    printf("ok\n");
    return 0;
}
