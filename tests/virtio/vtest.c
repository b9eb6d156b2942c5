/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "hv/core/layout.h"
#include "tests/virtio/vtest.h"

static int
vt_signal_msi(void *opaque, uint64_t addr, uint32_t data)
{
    VtMachine *m = opaque;

    g_mutex_lock(&m->msi_lock);
    if (m->nmsi < VT_MAX_MSI) {
        m->msi_addr[m->nmsi] = addr;
        m->msi_data[m->nmsi] = data;
    }
    m->nmsi++;
    g_mutex_unlock(&m->msi_lock);
    return 0;
}

static int
vt_set_irq(void *opaque, uint32_t gsi, int level)
{
    VtMachine *m = opaque;

    if (gsi < 32)
        m->irq_level[gsi] = level;
    return 0;
}

static void
vt_bar_changed(void *opaque, PciDevice *dev, int bar, bool mapped, uint64_t addr)
{
    VtMachine *m = opaque;

    VT_CHECK(bar >= 0 && bar < PCI_NUM_BARS && dev->bars[bar].size > 0);
    m->bar_events++;
    m->bar_mapped = mapped;
    m->bar_addr = addr;
}

void
vt_machine_init(VtMachine *m)
{
    memset(m, 0, sizeof(*m));
    /* anonymous memory: zeroed and only touched pages cost anything */
    m->ram = mmap(NULL, VT_RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    VT_CHECK(m->ram != MAP_FAILED);
    VT_CHECK(guest_memory_add_region(&m->mem, 0, VT_RAM_SIZE, m->ram, -1, 0) == 0);
    io_bus_init(&m->pio);
    io_bus_init(&m->mmio);
    g_mutex_init(&m->msi_lock);
    m->sink = (PciMsiSink) { .signal_msi = vt_signal_msi, .set_irq = vt_set_irq,
                              .bar_changed = vt_bar_changed, .opaque = m };
    m->bus = pci_bus_create(&m->pio, &m->mmio, &m->mem, &m->sink);
    VT_CHECK(m->bus);
    m->alloc_next = 0x100000;
}

void
vt_machine_cleanup(VtMachine *m)
{
    pci_bus_free(m->bus);
    VT_CHECK(m->mmio.ranges->len == 0 && m->pio.ranges->len == 0);
    io_bus_destroy(&m->pio);
    io_bus_destroy(&m->mmio);
    g_mutex_clear(&m->msi_lock);
    munmap(m->ram, VT_RAM_SIZE);
}

uint64_t
vt_alloc(VtMachine *m, uint64_t len, uint64_t align)
{
    uint64_t at = (m->alloc_next + align - 1) & ~(align - 1);

    VT_CHECK(at + len <= VT_RAM_SIZE);
    m->alloc_next = at + len;
    memset(m->ram + at, 0, len);
    return at;
}

void *
vt_ptr(VtMachine *m, uint64_t gpa)
{
    return m->ram + gpa;
}

static uint32_t
vt_pio(VtMachine *m, uint16_t port, uint32_t val, uint32_t len, bool write)
{
    uint8_t buf[4];

    memcpy(buf, &val, 4);
    io_bus_dispatch(&m->pio, port, buf, len, write);
    val = 0;
    memcpy(&val, buf, len);
    return val;
}

uint32_t
vt_cf8_read(VtMachine *m, int slot, uint32_t reg, uint32_t len)
{
    vt_pio(m, 0xcf8, 0x80000000u | ((uint32_t) slot << 11) | (reg & 0xfc), 4, true);
    return vt_pio(m, (uint16_t) (0xcfc + (reg & 3)), 0, len, false);
}

void
vt_cf8_write(VtMachine *m, int slot, uint32_t reg, uint32_t val, uint32_t len)
{
    vt_pio(m, 0xcf8, 0x80000000u | ((uint32_t) slot << 11) | (reg & 0xfc), 4, true);
    vt_pio(m, (uint16_t) (0xcfc + (reg & 3)), val, len, true);
}

uint64_t
vt_mmio_read(VtMachine *m, uint64_t addr, uint32_t len)
{
    uint64_t v = 0;

    io_bus_dispatch(&m->mmio, addr, (uint8_t *) &v, len, false);
    if (len < 8)
        v &= (1ULL << (8 * len)) - 1;
    return v;
}

void
vt_mmio_write(VtMachine *m, uint64_t addr, uint64_t val, uint32_t len)
{
    io_bus_dispatch(&m->mmio, addr, (uint8_t *) &val, len, true);
}

uint32_t
vt_ecam_read(VtMachine *m, int slot, uint32_t reg, uint32_t len)
{
    return (uint32_t) vt_mmio_read(m, LAYOUT_PCI_MMCONFIG_START + ((uint64_t) slot << 15) + reg, len);
}

void
vt_ecam_write(VtMachine *m, int slot, uint32_t reg, uint32_t val, uint32_t len)
{
    vt_mmio_write(m, LAYOUT_PCI_MMCONFIG_START + ((uint64_t) slot << 15) + reg, val, len);
}

unsigned int
vt_msi_count(VtMachine *m)
{
    unsigned int n;

    g_mutex_lock(&m->msi_lock);
    n = m->nmsi;
    g_mutex_unlock(&m->msi_lock);
    return n;
}

int
vt_find_vcap(VtMachine *m, int slot, uint8_t type)
{
    uint32_t cap = vt_cf8_read(m, slot, PCI_CAPABILITY_LIST, 1);

    for (int guard = 0; cap && guard < 48; guard++) {
        if (vt_cf8_read(m, slot, cap, 1) == PCI_CAP_ID_VNDR &&
            vt_cf8_read(m, slot, cap + 3, 1) == type)
            return (int) cap;
        cap = vt_cf8_read(m, slot, cap + 1, 1);
    }
    return -1;
}

uint64_t
vt_common_read(VtDev *d, uint32_t off, uint32_t len)
{
    return vt_mmio_read(d->m, d->bar + VIRTIO_PCI_COMMON_OFFSET + off, len);
}

void
vt_common_write(VtDev *d, uint32_t off, uint64_t val, uint32_t len)
{
    vt_mmio_write(d->m, d->bar + VIRTIO_PCI_COMMON_OFFSET + off, val, len);
}

uint8_t
vt_status(VtDev *d)
{
    return (uint8_t) vt_common_read(d, VIRTIO_PCI_COMMON_STATUS, 1);
}

bool
vt_dev_setup(VtMachine *m, VtDev *d, VirtioDevice *vdev, uint64_t features)
{
    PciDevice *pdev = virtio_pci_create(vdev, &m->mem);

    memset(d, 0, sizeof(*d));
    d->m = m;
    VT_CHECK(pdev);
    d->slot = pci_bus_add_device(m->bus, pdev, -1);
    VT_CHECK(d->slot > 0);
    d->bar = VT_BAR_ADDR + ((uint64_t) d->slot << 20);
    vt_cf8_write(m, d->slot, PCI_BAR0 + 4 * VIRTIO_PCI_BAR, (uint32_t) d->bar, 4);
    vt_cf8_write(m, d->slot, PCI_BAR0 + 4 * VIRTIO_PCI_BAR + 4, (uint32_t) (d->bar >> 32), 4);
    vt_cf8_write(m, d->slot, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    return vt_dev_negotiate(d, features);
}

bool
vt_dev_negotiate(VtDev *d, uint64_t features)
{
    vt_common_write(d, VIRTIO_PCI_COMMON_STATUS, 0, 1);
    vt_common_write(d, VIRTIO_PCI_COMMON_STATUS, VIRTIO_STATUS_ACKNOWLEDGE, 1);
    vt_common_write(d, VIRTIO_PCI_COMMON_STATUS,
                    VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER, 1);
    for (uint32_t sel = 0; sel < 2; sel++) {
        vt_common_write(d, VIRTIO_PCI_COMMON_GFSELECT, sel, 4);
        vt_common_write(d, VIRTIO_PCI_COMMON_GF, (uint32_t) (features >> (32 * sel)), 4);
    }
    vt_common_write(d, VIRTIO_PCI_COMMON_STATUS, VIRTIO_STATUS_ACKNOWLEDGE |
                    VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK, 1);
    return vt_status(d) & VIRTIO_STATUS_FEATURES_OK;
}

void
vt_queue_setup(VtDev *d, unsigned int q, uint16_t size)
{
    VtQueue *vq = &d->q[q];

    vt_common_write(d, VIRTIO_PCI_COMMON_Q_SELECT, q, 2);
    if (!size)
        size = (uint16_t) vt_common_read(d, VIRTIO_PCI_COMMON_Q_SIZE, 2);
    VT_CHECK(size > 0);
    memset(vq, 0, sizeof(*vq));
    vq->size = size;
    vq->desc = vt_alloc(d->m, 16u * size, 16);
    vq->avail = vt_alloc(d->m, 6u + 2u * size, 2);
    vq->used = vt_alloc(d->m, 6u + 8u * size, 4);
    vt_common_write(d, VIRTIO_PCI_COMMON_Q_SIZE, size, 2);
    vt_common_write(d, VIRTIO_PCI_COMMON_Q_DESCLO, (uint32_t) vq->desc, 4);
    vt_common_write(d, VIRTIO_PCI_COMMON_Q_DESCHI, 0, 4);
    vt_common_write(d, VIRTIO_PCI_COMMON_Q_AVAILLO, vq->avail, 8);
    vt_common_write(d, VIRTIO_PCI_COMMON_Q_USEDLO, (uint32_t) vq->used, 4);
    vt_common_write(d, VIRTIO_PCI_COMMON_Q_USEDHI, 0, 4);
    vt_common_write(d, VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
}

void
vt_driver_ok(VtDev *d)
{
    vt_common_write(d, VIRTIO_PCI_COMMON_STATUS, VIRTIO_STATUS_ACKNOWLEDGE |
                    VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
                    VIRTIO_STATUS_DRIVER_OK, 1);
}

void
vt_msix_enable(VtDev *d, unsigned int nvec)
{
    uint64_t table = d->bar + VIRTIO_PCI_MSIX_TABLE_OFFSET;
    int cap = -1;
    uint32_t c = vt_cf8_read(d->m, d->slot, PCI_CAPABILITY_LIST, 1);

    for (; c; c = vt_cf8_read(d->m, d->slot, c + 1, 1))
        if (vt_cf8_read(d->m, d->slot, c, 1) == PCI_CAP_ID_MSIX)
            cap = (int) c;
    VT_CHECK(cap > 0);
    for (unsigned int i = 0; i < nvec; i++) {
        vt_mmio_write(d->m, table + 16 * i, 0xfee00000u, 4);
        vt_mmio_write(d->m, table + 16 * i + 4, 0, 4);
        vt_mmio_write(d->m, table + 16 * i + 8, 0x40 + i, 4);
        vt_mmio_write(d->m, table + 16 * i + 12, 0, 4);
    }
    vt_cf8_write(d->m, d->slot, (uint32_t) cap + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE, 2);
}

void
vt_desc(VtDev *d, unsigned int q, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
        uint16_t next)
{
    uint8_t *p = vt_ptr(d->m, d->q[q].desc + 16u * i);

    memcpy(p, &addr, 8);
    memcpy(p + 8, &len, 4);
    memcpy(p + 12, &flags, 2);
    memcpy(p + 14, &next, 2);
}

void
vt_publish(VtDev *d, unsigned int q, uint16_t head)
{
    VtQueue *vq = &d->q[q];
    uint8_t *avail = vt_ptr(d->m, vq->avail);

    memcpy(avail + 4 + 2 * (vq->avail_idx % vq->size), &head, 2);
    vq->avail_idx++;
    __atomic_store_n((uint16_t *) (avail + 2), vq->avail_idx, __ATOMIC_RELEASE);
}

void
vt_kick(VtDev *d, unsigned int q, uint16_t head)
{
    vt_publish(d, q, head);
    vt_mmio_write(d->m, d->bar + VIRTIO_PCI_NOTIFY_OFFSET + 4 * q, q, 2);
}

bool
vt_wait_used(VtDev *d, unsigned int q, uint32_t *id, uint32_t *len, int ms)
{
    VtQueue *vq = &d->q[q];
    uint8_t *used = vt_ptr(d->m, vq->used);
    struct timespec ts = { 0, 1000000 };

    for (int i = 0; i <= ms; i++) {
        uint16_t idx = __atomic_load_n((uint16_t *) (used + 2), __ATOMIC_ACQUIRE);

        if (idx != vq->used_seen) {
            uint8_t *e = used + 4 + 8 * (vq->used_seen % vq->size);

            memcpy(id, e, 4);
            memcpy(len, e + 4, 4);
            vq->used_seen++;
            return true;
        }
        nanosleep(&ts, NULL);
    }
    return false;
}
