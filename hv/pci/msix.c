/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * MSI-X: the capability, the vector table and the pending bit array in a
 * BAR, per-vector and function masking with pending delivery on unmask.
 */
#include <errno.h>
#include <string.h>

#include "hv/pci/pci.h"

int
pci_msix_init(PciDevice *dev, uint16_t nvectors, int bar,
              uint32_t table_offset, uint32_t pba_offset)
{
    PciMsix *m = &dev->msix;
    uint32_t table_len = nvectors * PCI_MSIX_ENTRY_SIZE;
    uint32_t pba_len = ((nvectors + 63) / 64) * 8;
    int cap;

    if (nvectors == 0 || nvectors > PCI_MSIX_MAX_VECTORS || bar < 0 ||
        bar >= PCI_NUM_BARS || dev->bars[bar].type == PCI_BAR_NONE ||
        (table_offset & 7) || (pba_offset & 7) ||
        table_offset + table_len > dev->bars[bar].size ||
        pba_offset + pba_len > dev->bars[bar].size ||
        (table_offset < pba_offset + pba_len && pba_offset < table_offset + table_len))
        return -EINVAL;
    cap = pci_device_add_capability(dev, PCI_CAP_ID_MSIX, 12);
    if (cap < 0)
        return cap;
    m->cap = (uint8_t) cap;
    m->bar = bar;
    m->table_offset = table_offset;
    m->pba_offset = pba_offset;
    m->nvectors = nvectors;
    m->table = g_malloc0(table_len);
    m->pba = g_new0(uint64_t, (nvectors + 63) / 64);
    pci_set_word(dev->config + cap + PCI_MSIX_FLAGS, nvectors - 1);
    pci_set_long(dev->config + cap + 4, table_offset | (uint32_t) bar);
    pci_set_long(dev->config + cap + 8, pba_offset | (uint32_t) bar);
    pci_set_word(dev->wmask + cap + PCI_MSIX_FLAGS,
                 PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
    pci_msix_reset(dev);
    return cap;
}

static uint16_t
msix_flags(PciDevice *dev)
{
    return pci_get_word(dev->config + dev->msix.cap + PCI_MSIX_FLAGS);
}

bool
pci_msix_enabled(PciDevice *dev)
{
    return dev->msix.cap && (msix_flags(dev) & PCI_MSIX_FLAGS_ENABLE);
}

static bool
msix_vector_masked(PciDevice *dev, uint16_t vector, uint16_t flags)
{
    const uint8_t *entry = dev->msix.table + vector * PCI_MSIX_ENTRY_SIZE;

    return !(flags & PCI_MSIX_FLAGS_ENABLE) || (flags & PCI_MSIX_FLAGS_MASKALL) ||
           (pci_get_long(entry + 12) & PCI_MSIX_VECTOR_MASKED);
}

static int
msix_send(PciDevice *dev, uint16_t vector)
{
    const uint8_t *entry = dev->msix.table + vector * PCI_MSIX_ENTRY_SIZE;
    const PciMsiSink *sink = dev->bus ? pci_bus_sink(dev->bus) : NULL;
    uint64_t addr = pci_get_long(entry) | ((uint64_t) pci_get_long(entry + 4) << 32);

    if (!sink || !sink->signal_msi)
        return -ENOTCONN;
    return sink->signal_msi(sink->opaque, addr, pci_get_long(entry + 8));
}

static bool
msix_pending(PciDevice *dev, uint16_t vector)
{
    return dev->msix.pba[vector / 64] & (1ULL << (vector % 64));
}

static void
msix_set_pending(PciDevice *dev, uint16_t vector, bool pending)
{
    if (pending)
        dev->msix.pba[vector / 64] |= 1ULL << (vector % 64);
    else
        dev->msix.pba[vector / 64] &= ~(1ULL << (vector % 64));
}

/* Delivers the pending vectors that are no longer masked. */
static void
msix_deliver_unmasked(PciDevice *dev, uint16_t first, uint16_t count)
{
    uint16_t flags = msix_flags(dev);

    for (uint16_t v = first; v < first + count && v < dev->msix.nvectors; v++) {
        if (msix_pending(dev, v) && !msix_vector_masked(dev, v, flags)) {
            msix_set_pending(dev, v, false);
            msix_send(dev, v);
        }
    }
}

int
pci_msix_notify(PciDevice *dev, uint16_t vector)
{
    int ret = 0;

    g_rec_mutex_lock(dev->lock);
    if (!pci_msix_enabled(dev) || vector >= dev->msix.nvectors)
        ret = -EINVAL;
    else if (msix_vector_masked(dev, vector, msix_flags(dev)))
        msix_set_pending(dev, vector, true);
    else
        ret = msix_send(dev, vector);
    g_rec_mutex_unlock(dev->lock);
    return ret;
}

void
pci_msix_table_access(PciDevice *dev, uint64_t offset, uint8_t *data,
                      uint32_t len, bool is_write)
{
    PciMsix *m = &dev->msix;
    uint32_t table_len = m->nvectors * PCI_MSIX_ENTRY_SIZE;

    if (offset >= table_len || len > table_len - offset) {
        pci_device_guest_error(dev, "MSI-X table access out of range");
        return;
    }
    if (!is_write) {
        memcpy(data, m->table + offset, len);
        return;
    }
    memcpy(m->table + offset, data, len);
    /* reserved bits of vector control read as zero */
    for (uint64_t e = offset / PCI_MSIX_ENTRY_SIZE; e <= (offset + len - 1) / PCI_MSIX_ENTRY_SIZE; e++) {
        uint8_t *ctl = m->table + e * PCI_MSIX_ENTRY_SIZE + 12;

        pci_set_long(ctl, pci_get_long(ctl) & PCI_MSIX_VECTOR_MASKED);
    }
    msix_deliver_unmasked(dev, (uint16_t) (offset / PCI_MSIX_ENTRY_SIZE),
                          (uint16_t) ((len + PCI_MSIX_ENTRY_SIZE - 1) / PCI_MSIX_ENTRY_SIZE + 1));
}

void
pci_msix_pba_access(PciDevice *dev, uint64_t offset, uint8_t *data,
                    uint32_t len, bool is_write)
{
    uint32_t pba_len = ((dev->msix.nvectors + 63) / 64) * 8;

    if (is_write)
        return;     /* the PBA is read-only */
    if (offset >= pba_len || len > pba_len - offset)
        return;
    for (uint32_t i = 0; i < len; i++)
        data[i] = (uint8_t) (dev->msix.pba[(offset + i) / 8] >> (8 * ((offset + i) % 8)));
}

void
pci_msix_config_written(PciDevice *dev, uint16_t old_flags)
{
    uint16_t flags = msix_flags(dev);

    if (flags != old_flags)
        msix_deliver_unmasked(dev, 0, dev->msix.nvectors);
}

void
pci_msix_reset(PciDevice *dev)
{
    PciMsix *m = &dev->msix;

    if (!m->cap)
        return;
    pci_set_word(dev->config + m->cap + PCI_MSIX_FLAGS, m->nvectors - 1);
    memset(m->table, 0, m->nvectors * PCI_MSIX_ENTRY_SIZE);
    for (uint16_t v = 0; v < m->nvectors; v++)
        pci_set_long(m->table + v * PCI_MSIX_ENTRY_SIZE + 12, PCI_MSIX_VECTOR_MASKED);
    memset(m->pba, 0, ((m->nvectors + 63) / 64) * 8);
}
