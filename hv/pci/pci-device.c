/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The generic PCI function: configuration space with write masks, BAR
 * sizing and placement, capability list, INTx.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "hv/pci/pci.h"
#include "util/log.h"

void
pci_device_init(PciDevice *dev, const PciDeviceOps *ops, const char *name,
                uint16_t vendor, uint16_t device, uint32_t class_code,
                uint8_t revision)
{
    dev->ops = ops;
    dev->name = name;
    dev->slot = -1;
    g_rec_mutex_init(&dev->own_lock);
    dev->lock = &dev->own_lock;
    pci_set_word(dev->config + PCI_VENDOR_ID, vendor);
    pci_set_word(dev->config + PCI_DEVICE_ID, device);
    dev->config[PCI_REVISION_ID] = revision;
    dev->config[PCI_CLASS_PROG] = (uint8_t) class_code;
    pci_set_word(dev->config + PCI_CLASS_DEVICE, (uint16_t) (class_code >> 8));
    dev->config[PCI_HEADER_TYPE] = 0;
    dev->config[PCI_INTERRUPT_PIN] = 1;
    /* command: I/O, memory, bus master, SERR, INTx disable */
    pci_set_word(dev->wmask + PCI_COMMAND,
                 PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                 PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
    /* status: the error bits are write-1-to-clear */
    pci_set_word(dev->w1cmask + PCI_STATUS, 0xf900);
    dev->wmask[PCI_INTERRUPT_LINE] = 0xff;
    dev->next_cap_offset = 0x40;
}

void
pci_device_cleanup(PciDevice *dev)
{
    g_clear_pointer(&dev->msix.table, g_free);
    g_clear_pointer(&dev->msix.pba, g_free);
    g_rec_mutex_clear(&dev->own_lock);
}

void
pci_device_guest_error(PciDevice *dev, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    if (dev->warned)
        return;
    dev->warned = true;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    log_warning("pci %02x.0 %s: guest error: %s (further errors not logged)",
                dev->slot < 0 ? 0 : dev->slot, dev->name, msg);
}

static uint64_t
pci_bar_wmask(const PciBar *bar)
{
    if (bar->type == PCI_BAR_IO)
        return ~(bar->size - 1) & 0xfffffffcULL;
    if (bar->type == PCI_BAR_MEM32)
        return ~(bar->size - 1) & 0xfffffff0ULL;
    return ~(bar->size - 1) & ~0xfULL;
}

int
pci_device_set_bar(PciDevice *dev, int index, PciBarType type, bool prefetchable,
                   uint64_t size, IoHandler handler, void *opaque)
{
    PciBar *bar;
    uint32_t flags = 0;
    uint64_t mask;

    if (index < 0 || index >= PCI_NUM_BARS || type == PCI_BAR_NONE || !handler ||
        size == 0 || (size & (size - 1)) != 0)
        return -EINVAL;
    if ((type == PCI_BAR_IO && (size < 4 || size > 256)) ||
        (type != PCI_BAR_IO && size < 4096) ||
        (type == PCI_BAR_MEM32 && size > 0x80000000ULL) ||
        (type == PCI_BAR_MEM64 && index == PCI_NUM_BARS - 1))
        return -EINVAL;
    bar = &dev->bars[index];
    *bar = (PciBar) {
        .type = type, .prefetchable = prefetchable, .size = size,
        .handler = handler, .opaque = opaque, .dev = dev,
    };
    if (type == PCI_BAR_IO)
        flags = PCI_BAR_SPACE_IO;
    else if (type == PCI_BAR_MEM64)
        flags = PCI_BAR_MEM_TYPE_64;
    if (prefetchable && type != PCI_BAR_IO)
        flags |= PCI_BAR_MEM_PREFETCH;
    mask = pci_bar_wmask(bar);
    pci_set_long(dev->config + PCI_BAR0 + 4 * index, flags);
    pci_set_long(dev->wmask + PCI_BAR0 + 4 * index, (uint32_t) mask);
    if (type == PCI_BAR_MEM64)
        pci_set_long(dev->wmask + PCI_BAR0 + 4 * (index + 1), (uint32_t) (mask >> 32));
    return 0;
}

uint64_t
pci_device_bar_address(PciDevice *dev, int index)
{
    const PciBar *bar = &dev->bars[index];
    uint64_t v = pci_get_long(dev->config + PCI_BAR0 + 4 * index);

    if (bar->type == PCI_BAR_NONE)
        return 0;
    if (bar->type == PCI_BAR_IO)
        return v & ~0x3ULL;
    if (bar->type == PCI_BAR_MEM64)
        v |= (uint64_t) pci_get_long(dev->config + PCI_BAR0 + 4 * (index + 1)) << 32;
    return v & ~0xfULL;
}

int
pci_device_add_capability(PciDevice *dev, uint8_t id, uint8_t len)
{
    unsigned int off = dev->next_cap_offset;

    if (len < 2 || off + len > PCI_CONFIG_SPACE_SIZE)
        return -ENOSPC;
    dev->config[off] = id;
    dev->config[off + 1] = 0;
    if (dev->last_cap)
        dev->config[dev->last_cap + 1] = (uint8_t) off;
    else
        dev->config[PCI_CAPABILITY_LIST] = (uint8_t) off;
    dev->last_cap = (uint8_t) off;
    pci_set_word(dev->config + PCI_STATUS,
                 pci_get_word(dev->config + PCI_STATUS) | PCI_STATUS_CAP_LIST);
    /* keep capabilities dword aligned */
    dev->next_cap_offset = (uint8_t) ((off + len + 3) & ~3u);
    return (int) off;
}

static void
pci_bar_dispatch(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
                 bool is_write)
{
    PciBar *bar = opaque;

    g_rec_mutex_lock(bar->dev->lock);
    bar->handler(bar->opaque, offset, data, len, is_write);
    g_rec_mutex_unlock(bar->dev->lock);
}

/* Whether the guest left the BAR at an address that can be decoded. */
static bool
pci_bar_placeable(const PciBar *bar, uint64_t addr)
{
    uint64_t mask = pci_bar_wmask(bar);

    if (addr == 0 || addr + bar->size < addr)
        return false;
    if (bar->type == PCI_BAR_IO)
        return addr + bar->size <= 0x10000 && (uint32_t) addr != (uint32_t) mask;
    /* an all-ones write for sizing leaves the BAR "unprogrammed" */
    if ((addr & 0xffffffffULL) == (mask & 0xffffffffULL))
        return false;
    if (bar->type == PCI_BAR_MEM64 && (addr >> 32) == 0xffffffffULL)
        return false;
    return true;
}

static void
pci_bar_notify(PciBar *bar, bool mapped)
{
    const PciMsiSink *sink = pci_bus_sink(bar->dev->bus);

    if (sink->bar_changed)
        sink->bar_changed(sink->opaque, bar->dev, (int) (bar - bar->dev->bars), mapped,
                          bar->mapped_addr);
}

static void
pci_bar_unmap(PciBar *bar)
{
    IoBus *io;

    if (!bar->mapped)
        return;
    io = bar->type == PCI_BAR_IO ? pci_bus_pio(bar->dev->bus) : pci_bus_mmio(bar->dev->bus);
    io_bus_unregister(io, bar->mapped_addr, bar);
    bar->mapped = false;
    pci_bar_notify(bar, false);
}

static void
pci_device_update_bars(PciDevice *dev)
{
    uint16_t cmd = pci_get_word(dev->config + PCI_COMMAND);

    if (!dev->bus)
        return;
    for (int i = 0; i < PCI_NUM_BARS; i++) {
        PciBar *bar = &dev->bars[i];
        bool io = bar->type == PCI_BAR_IO;
        uint64_t addr;
        bool decode;
        int r;

        if (bar->type == PCI_BAR_NONE)
            continue;
        addr = pci_device_bar_address(dev, i);
        decode = (cmd & (io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY)) &&
                 pci_bar_placeable(bar, addr);
        if (bar->mapped && (!decode || addr != bar->mapped_addr))
            pci_bar_unmap(bar);
        if (!decode || bar->mapped)
            continue;
        r = io_bus_register(io ? pci_bus_pio(dev->bus) : pci_bus_mmio(dev->bus),
                            addr, bar->size, pci_bar_dispatch, bar);
        if (r < 0) {
            pci_device_guest_error(dev, "BAR %d at 0x%" G_GINT64_MODIFIER "x overlaps another range",
                                   i, addr);
            continue;
        }
        bar->mapped = true;
        bar->mapped_addr = addr;
        pci_bar_notify(bar, true);
    }
}

static bool
ranges_overlap(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
    return a < b + blen && b < a + alen;
}

void
pci_device_config_read(PciDevice *dev, uint32_t offset, uint8_t *data, uint32_t len)
{
    if (offset >= PCI_CONFIG_SPACE_EXP_SIZE || len > PCI_CONFIG_SPACE_EXP_SIZE - offset) {
        memset(data, 0xff, len);
        return;
    }
    g_rec_mutex_lock(dev->lock);
    memcpy(data, dev->config + offset, len);
    if (dev->ops && dev->ops->config_read)
        dev->ops->config_read(dev, offset, data, len);
    g_rec_mutex_unlock(dev->lock);
}

static void
pci_device_update_intx(PciDevice *dev)
{
    const PciMsiSink *sink = dev->bus ? pci_bus_sink(dev->bus) : NULL;
    uint16_t cmd = pci_get_word(dev->config + PCI_COMMAND);
    int level = dev->intx_level && !(cmd & PCI_COMMAND_INTX_DISABLE);

    if (sink && sink->set_irq)
        sink->set_irq(sink->opaque, pci_bus_intx_gsi(dev->slot), level);
}

void
pci_device_config_write(PciDevice *dev, uint32_t offset, const uint8_t *data, uint32_t len)
{
    uint16_t msix_flags = 0;

    if (offset >= PCI_CONFIG_SPACE_EXP_SIZE || len > PCI_CONFIG_SPACE_EXP_SIZE - offset)
        return;
    g_rec_mutex_lock(dev->lock);
    if (dev->msix.cap)
        msix_flags = pci_get_word(dev->config + dev->msix.cap + PCI_MSIX_FLAGS);
    for (uint32_t i = 0; i < len; i++) {
        uint32_t o = offset + i;
        uint8_t v = (dev->config[o] & ~dev->wmask[o]) | (data[i] & dev->wmask[o]);

        dev->config[o] = v & ~(data[i] & dev->w1cmask[o]);
    }
    if (ranges_overlap(offset, len, PCI_COMMAND, 2) ||
        ranges_overlap(offset, len, PCI_BAR0, 4 * PCI_NUM_BARS))
        pci_device_update_bars(dev);
    if (ranges_overlap(offset, len, PCI_COMMAND + 1, 1))
        pci_device_update_intx(dev);
    if (dev->msix.cap && ranges_overlap(offset, len, dev->msix.cap + PCI_MSIX_FLAGS, 2))
        pci_msix_config_written(dev, msix_flags);
    if (dev->ops && dev->ops->config_write)
        dev->ops->config_write(dev, offset, data, len);
    g_rec_mutex_unlock(dev->lock);
}

void
pci_device_set_intx(PciDevice *dev, bool level)
{
    uint16_t status;

    g_rec_mutex_lock(dev->lock);
    dev->intx_level = level;
    status = pci_get_word(dev->config + PCI_STATUS) & ~PCI_STATUS_INTERRUPT;
    pci_set_word(dev->config + PCI_STATUS, status | (level ? PCI_STATUS_INTERRUPT : 0));
    pci_device_update_intx(dev);
    g_rec_mutex_unlock(dev->lock);
}

void
pci_device_reset(PciDevice *dev)
{
    g_rec_mutex_lock(dev->lock);
    pci_set_word(dev->config + PCI_COMMAND, 0);
    pci_set_word(dev->config + PCI_STATUS,
                 pci_get_word(dev->config + PCI_STATUS) & PCI_STATUS_CAP_LIST);
    for (int i = 0; i < PCI_NUM_BARS; i++) {
        uint8_t *reg = dev->config + PCI_BAR0 + 4 * i;
        uint32_t keep = pci_get_long(reg) & ~pci_get_long(dev->wmask + PCI_BAR0 + 4 * i);

        pci_set_long(reg, keep);
    }
    for (int i = 0; i < PCI_NUM_BARS; i++)
        pci_bar_unmap(&dev->bars[i]);
    dev->intx_level = false;
    pci_device_update_intx(dev);
    pci_msix_reset(dev);
    if (dev->ops && dev->ops->reset)
        dev->ops->reset(dev);
    g_rec_mutex_unlock(dev->lock);
}

void
pci_device_unmap_all(PciDevice *dev)
{
    g_rec_mutex_lock(dev->lock);
    for (int i = 0; i < PCI_NUM_BARS; i++)
        if (dev->bars[i].type != PCI_BAR_NONE)
            pci_bar_unmap(&dev->bars[i]);
    g_rec_mutex_unlock(dev->lock);
}

#define PCI_STATE_MAGIC     'P'
#define PCI_STATE_VERSION   1

int
pci_device_save(PciDevice *dev, GByteArray *out)
{
    PciMsix *m = &dev->msix;
    int ret = 0;

    g_rec_mutex_lock(dev->lock);
    state_put(out, PCI_STATE_MAGIC, 1);
    state_put(out, PCI_STATE_VERSION, 1);
    state_put_bytes(out, dev->config, sizeof(dev->config));
    state_put(out, dev->intx_level, 1);
    state_put(out, m->nvectors, 2);
    if (m->cap) {
        state_put_bytes(out, m->table, (size_t) m->nvectors * PCI_MSIX_ENTRY_SIZE);
        for (unsigned int i = 0; i < (m->nvectors + 63u) / 64; i++)
            state_put(out, m->pba[i], 8);
    }
    if (dev->ops && dev->ops->save)
        ret = dev->ops->save(dev, out);
    g_rec_mutex_unlock(dev->lock);
    return ret;
}

/* Registers that identify the function and the BARs' type bits must match. */
static bool
pci_state_compatible(PciDevice *dev, const uint8_t *cfg)
{
    if (memcmp(cfg, dev->config, PCI_COMMAND) != 0 ||
        memcmp(cfg + PCI_REVISION_ID, dev->config + PCI_REVISION_ID, 4) != 0 ||
        cfg[PCI_HEADER_TYPE] != dev->config[PCI_HEADER_TYPE])
        return false;
    for (int i = 0; i < PCI_NUM_BARS; i++) {
        uint32_t ro = ~pci_get_long(dev->wmask + PCI_BAR0 + 4 * i);

        if ((pci_get_long(cfg + PCI_BAR0 + 4 * i) & ro) !=
            (pci_get_long(dev->config + PCI_BAR0 + 4 * i) & ro))
            return false;
    }
    return true;
}

static int
pci_device_load_locked(PciDevice *dev, StateReader *r)
{
    g_autofree uint8_t *cfg = g_malloc(PCI_CONFIG_SPACE_EXP_SIZE);
    PciMsix *m = &dev->msix;
    bool intx;

    if (state_get(r, 1) != PCI_STATE_MAGIC || state_get(r, 1) != PCI_STATE_VERSION)
        return -EINVAL;
    state_get_bytes(r, cfg, PCI_CONFIG_SPACE_EXP_SIZE);
    intx = state_get(r, 1) != 0;
    if (r->bad || state_get(r, 2) != m->nvectors || !pci_state_compatible(dev, cfg))
        return -EINVAL;
    if (m->cap) {
        state_get_bytes(r, m->table, (size_t) m->nvectors * PCI_MSIX_ENTRY_SIZE);
        for (unsigned int i = 0; i < (m->nvectors + 63u) / 64; i++)
            m->pba[i] = state_get(r, 8);
    }
    if (r->bad)
        return -EINVAL;
    for (int i = 0; i < PCI_NUM_BARS; i++)
        pci_bar_unmap(&dev->bars[i]);
    memcpy(dev->config, cfg, PCI_CONFIG_SPACE_EXP_SIZE);
    pci_device_update_bars(dev);
    dev->intx_level = intx;
    pci_device_update_intx(dev);
    if (dev->ops && dev->ops->load && dev->ops->load(dev, r) < 0)
        return -EINVAL;
    return r->bad || r->left ? -EINVAL : 0;
}

int
pci_device_load(PciDevice *dev, const uint8_t *data, size_t len)
{
    StateReader r = { .p = data, .left = len };
    int ret;

    g_rec_mutex_lock(dev->lock);
    ret = pci_device_load_locked(dev, &r);
    g_rec_mutex_unlock(dev->lock);
    return ret;
}
