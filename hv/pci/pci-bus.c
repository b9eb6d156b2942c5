/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI bus 0: configuration mechanism #1, the ECAM window, slot allocation
 * and the host bridge at 00.0.
 */
#include <errno.h>
#include <string.h>

#include "hv/core/layout.h"
#include "hv/pci/pci.h"

#define PCI_CONFIG_ENABLE   0x80000000u

/* Red Hat's PCIe host bridge identity, as QEMU's generic host uses. */
#define HOST_BRIDGE_VENDOR  0x1b36
#define HOST_BRIDGE_DEVICE  0x0008
#define PCI_CLASS_HOST_BRIDGE 0x060000

struct PciBus {
    IoBus *pio;
    IoBus *mmio;
    GuestMemory *mem;
    PciMsiSink sink;
    GMutex lock;            /* slots[] and the 0xCF8 latch */
    uint32_t config_address;
    PciDevice *slots[PCI_MAX_SLOTS];
    bool pio_registered;
    bool mmio_registered;
};

IoBus *
pci_bus_pio(PciBus *bus)
{
    return bus->pio;
}

IoBus *
pci_bus_mmio(PciBus *bus)
{
    return bus->mmio;
}

const PciMsiSink *
pci_bus_sink(PciBus *bus)
{
    return &bus->sink;
}

uint32_t
pci_bus_intx_gsi(int slot)
{
    /* INTA of slot N is routed to PIRQ (N + 0) % 4 */
    return PCI_INTX_GSI_BASE + (uint32_t) (slot < 0 ? 0 : slot % 4);
}

/* Config access to (slot, function, register) with the bus lock held. */
static void
pci_bus_config_access_locked(PciBus *bus, uint32_t slot, uint32_t fn, uint32_t reg,
                             uint8_t *data, uint32_t len, bool is_write)
{
    PciDevice *dev = slot < PCI_MAX_SLOTS ? bus->slots[slot] : NULL;

    if (!dev || fn != 0 || len > 4 || reg + len > PCI_CONFIG_SPACE_EXP_SIZE) {
        if (!is_write)
            memset(data, 0xff, len);
        return;
    }
    if (is_write)
        pci_device_config_write(dev, reg, data, len);
    else
        pci_device_config_read(dev, reg, data, len);
}

static void
pci_bus_cf8_access(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
                   bool is_write)
{
    PciBus *bus = opaque;
    uint32_t addr;

    g_mutex_lock(&bus->lock);
    if (offset < 4) {
        /* only a dword access at 0xCF8 touches the address latch */
        if (offset == 0 && len == 4) {
            if (is_write)
                bus->config_address = pci_get_long(data) & 0x80fffffcu;
            else
                pci_set_long(data, bus->config_address);
        }
        g_mutex_unlock(&bus->lock);
        return;
    }
    addr = bus->config_address;
    if ((addr & PCI_CONFIG_ENABLE) && ((addr >> 16) & 0xff) == 0 &&
        (offset - 4) + len <= 4) {
        pci_bus_config_access_locked(bus, (addr >> 11) & 0x1f, (addr >> 8) & 0x7,
                                     (addr & 0xfc) + (uint32_t) (offset - 4),
                                     data, len, is_write);
    }
    g_mutex_unlock(&bus->lock);
}

static void
pci_bus_ecam_access(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
                    bool is_write)
{
    PciBus *bus = opaque;
    uint32_t reg = offset & 0xfff;

    /* accesses that cross a dword are not decoded */
    if ((reg & 3) + len > 4)
        return;
    g_mutex_lock(&bus->lock);
    pci_bus_config_access_locked(bus, (offset >> 15) & 0x1f, (offset >> 12) & 0x7,
                                 reg, data, len, is_write);
    g_mutex_unlock(&bus->lock);
}

static void
host_bridge_destroy(PciDevice *dev)
{
    pci_device_cleanup(dev);
    g_free(dev);
}

static const PciDeviceOps host_bridge_ops = {
    .destroy = host_bridge_destroy,
};

static PciDevice *
host_bridge_create(void)
{
    PciDevice *dev = g_new0(PciDevice, 1);

    pci_device_init(dev, &host_bridge_ops, "host-bridge", HOST_BRIDGE_VENDOR,
                    HOST_BRIDGE_DEVICE, PCI_CLASS_HOST_BRIDGE, 0);
    dev->config[PCI_INTERRUPT_PIN] = 0;
    return dev;
}

PciBus *
pci_bus_create(IoBus *pio, IoBus *mmio, GuestMemory *mem, const PciMsiSink *msi)
{
    PciBus *bus = g_new0(PciBus, 1);
    PciDevice *hb;

    bus->pio = pio;
    bus->mmio = mmio;
    bus->mem = mem;
    if (msi)
        bus->sink = *msi;
    g_mutex_init(&bus->lock);
    bus->pio_registered =
        io_bus_register(pio, LAYOUT_PIO_PCI_CONFIG, 8, pci_bus_cf8_access, bus) == 0;
    bus->mmio_registered =
        io_bus_register(mmio, LAYOUT_PCI_MMCONFIG_START, LAYOUT_PCI_MMCONFIG_SIZE,
                        pci_bus_ecam_access, bus) == 0;
    if (!bus->pio_registered || !bus->mmio_registered) {
        pci_bus_free(bus);
        return NULL;
    }
    hb = host_bridge_create();
    hb->bus = bus;
    hb->slot = 0;
    bus->slots[0] = hb;
    return bus;
}

int
pci_bus_add_device(PciBus *bus, PciDevice *dev, int slot)
{
    int ret;

    if (!dev || dev->bus || slot == 0 || slot >= PCI_MAX_SLOTS)
        return -EINVAL;
    g_mutex_lock(&bus->lock);
    if (slot < 0) {
        for (slot = 1; slot < PCI_MAX_SLOTS && bus->slots[slot]; slot++)
            ;
        ret = slot < PCI_MAX_SLOTS ? slot : -ENOSPC;
    } else {
        ret = bus->slots[slot] ? -EBUSY : slot;
    }
    if (ret > 0) {
        g_rec_mutex_lock(dev->lock);
        dev->bus = bus;
        dev->slot = slot;
        if (dev->config[PCI_INTERRUPT_PIN])
            dev->config[PCI_INTERRUPT_LINE] = (uint8_t) pci_bus_intx_gsi(slot);
        g_rec_mutex_unlock(dev->lock);
        bus->slots[slot] = dev;
    }
    g_mutex_unlock(&bus->lock);
    return ret;
}

PciDevice *
pci_bus_get_device(PciBus *bus, int slot)
{
    PciDevice *dev;

    if (slot < 0 || slot >= PCI_MAX_SLOTS)
        return NULL;
    g_mutex_lock(&bus->lock);
    dev = bus->slots[slot];
    g_mutex_unlock(&bus->lock);
    return dev;
}

static void
pci_bus_destroy_device(PciDevice *dev)
{
    pci_device_unmap_all(dev);
    pci_device_set_intx(dev, false);
    dev->bus = NULL;
    dev->slot = -1;
    if (dev->ops && dev->ops->destroy)
        dev->ops->destroy(dev);
}

int
pci_bus_remove_device(PciBus *bus, int slot)
{
    PciDevice *dev;

    if (slot <= 0 || slot >= PCI_MAX_SLOTS)
        return -EINVAL;
    g_mutex_lock(&bus->lock);
    dev = bus->slots[slot];
    bus->slots[slot] = NULL;
    g_mutex_unlock(&bus->lock);
    if (!dev)
        return -ENOENT;
    pci_bus_destroy_device(dev);
    return 0;
}

void
pci_bus_free(PciBus *bus)
{
    if (!bus)
        return;
    for (int slot = PCI_MAX_SLOTS - 1; slot >= 0; slot--) {
        if (bus->slots[slot])
            pci_bus_destroy_device(bus->slots[slot]);
        bus->slots[slot] = NULL;
    }
    if (bus->pio_registered)
        io_bus_unregister(bus->pio, LAYOUT_PIO_PCI_CONFIG, bus);
    if (bus->mmio_registered)
        io_bus_unregister(bus->mmio, LAYOUT_PCI_MMCONFIG_START, bus);
    g_mutex_clear(&bus->lock);
    g_free(bus);
}
