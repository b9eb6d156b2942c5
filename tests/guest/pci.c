/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI bus 0 enumeration through configuration mechanism #1.  Under QEMU the
 * firmware has assigned the BARs; under virtkvm-vmm nothing has, so a BAR
 * that reads as 0 gets an address from the PCI windows of the machine
 * layout (memory from 0xC0000000, I/O from 0xC000) and decoding is enabled.
 */
#include "guest.h"

#define PCI_ADDR 0xcf8
#define PCI_DATA 0xcfc
#define MMIO_WINDOW_START 0xc0000000ull
#define MMIO_WINDOW_END   0xe0000000ull
#define IO_WINDOW_START   0xc000u
#define IO_WINDOW_END     0x10000u

pci_dev pci_devs[PCI_MAX_DEVS];
unsigned pci_ndevs;

static uint64_t mmio_next = MMIO_WINDOW_START;
static uint32_t io_next = IO_WINDOW_START;

static void
pci_select(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
    outl(PCI_ADDR, 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 |
         (uint32_t)fn << 8 | (off & 0xfc));
}

static uint32_t
cfg_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
    pci_select(bus, dev, fn, off);
    return inl(PCI_DATA);
}

uint32_t
pci_read32(const pci_dev *d, uint8_t off)
{
    return cfg_read32(d->bus, d->dev, d->fn, off);
}

uint16_t
pci_read16(const pci_dev *d, uint8_t off)
{
    pci_select(d->bus, d->dev, d->fn, off);
    return inw(PCI_DATA + (off & 2));
}

uint8_t
pci_read8(const pci_dev *d, uint8_t off)
{
    pci_select(d->bus, d->dev, d->fn, off);
    return inb(PCI_DATA + (off & 3));
}

void
pci_write32(const pci_dev *d, uint8_t off, uint32_t v)
{
    pci_select(d->bus, d->dev, d->fn, off);
    outl(PCI_DATA, v);
}

void
pci_write16(const pci_dev *d, uint8_t off, uint16_t v)
{
    pci_select(d->bus, d->dev, d->fn, off);
    outw(PCI_DATA + (off & 2), v);
}

static uint64_t
align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Sizes BAR i (decoding is off) and gives it an address; returns its size. */
static uint64_t
bar_assign(pci_dev *d, unsigned i, bool io, bool is64)
{
    uint8_t off = (uint8_t)(0x10 + 4 * i);
    uint32_t lo, hi = 0xffffffffu;
    uint64_t mask, size, addr;

    pci_write32(d, off, 0xffffffffu);
    lo = pci_read32(d, off);
    if (is64) {
        pci_write32(d, off + 4, 0xffffffffu);
        hi = pci_read32(d, off + 4);
    }
    mask = (uint64_t)hi << 32 | (lo & (io ? ~3u : ~15u));
    if (!io && !is64)
        mask |= 0xffffffff00000000ull;
    if (io)
        mask |= 0xffffffffffff0000ull;
    size = ~mask + 1;
    if ((lo & (io ? ~3u : ~15u)) == 0 || size == 0) {
        pci_write32(d, off, 0);
        if (is64)
            pci_write32(d, off + 4, 0);
        return 0;
    }
    if (io) {
        addr = align_up(io_next, size);
        if (addr + size > IO_WINDOW_END)
            addr = 0;
        else
            io_next = (uint32_t)(addr + size);
    } else {
        addr = align_up(mmio_next, size < 4096 ? 4096 : size);
        if (addr + size > MMIO_WINDOW_END)
            addr = 0;
        else
            mmio_next = addr + size;
    }
    pci_write32(d, off, (uint32_t)addr);
    if (is64)
        pci_write32(d, off + 4, (uint32_t)(addr >> 32));
    return addr ? size : 0;
}

static void
pci_setup_bars(pci_dev *d, bool reassign)
{
    uint16_t cmd = pci_read16(d, 0x04);
    uint16_t enable = 0;

    if (reassign)
        pci_write16(d, 0x04, cmd & ~3u);
    for (unsigned i = 0; i < 6; i++) {
        uint8_t off = (uint8_t)(0x10 + 4 * i);
        uint32_t v = pci_read32(d, off);
        bool io = v & 1;
        bool is64 = !io && ((v >> 1) & 3) == 2;
        uint64_t addr = io ? (v & ~3u) : (v & ~15u);
        uint64_t size = 0;
        const char *how = "firmware";

        if (is64)
            addr |= (uint64_t)pci_read32(d, off + 4) << 32;
        if (addr == 0 || reassign) {
            pci_write16(d, 0x04, cmd & ~3u);
            size = bar_assign(d, i, io, is64);
            addr = size ? (io ? (pci_read32(d, off) & ~3u) :
                           ((pci_read32(d, off) & ~15u) |
                            (is64 ? (uint64_t)pci_read32(d, off + 4) << 32 : 0))) : 0;
            how = "assigned";
        }
        if (addr) {
            d->bar[i] = addr;
            d->bar_is_io[i] = io;
            enable |= io ? 1 : 2;
            kprintf("pcibar %02x:%02x.%x %u %s 0x%lx %s\n", d->bus, d->dev, d->fn, i,
                    io ? "io" : is64 ? "mem64" : "mem32", addr, how);
        }
        if (is64)
            i++;
    }
    if (enable)
        pci_write16(d, 0x04, (uint16_t)(cmd | enable | 4));   /* + bus master */
}

static void
pci_add(uint8_t dev, uint8_t fn, uint32_t id, bool reassign)
{
    pci_dev *d;

    if (pci_ndevs == PCI_MAX_DEVS)
        return;
    d = &pci_devs[pci_ndevs++];
    d->bus = 0;
    d->dev = dev;
    d->fn = fn;
    d->vendor = (uint16_t)id;
    d->device = (uint16_t)(id >> 16);
    d->class_rev = pci_read32(d, 0x08);
    kprintf("pci %02x:%02x.%x %04x:%04x class %06x\n", d->bus, d->dev, d->fn,
            d->vendor, d->device, d->class_rev >> 8);
    if ((pci_read8(d, 0x0e) & 0x7f) == 0) {
        d->subsys = pci_read16(d, 0x2e);
        pci_setup_bars(d, reassign);
    }
}

void
pci_scan(bool reassign)
{
    pci_ndevs = 0;
    mmio_next = MMIO_WINDOW_START;
    io_next = IO_WINDOW_START;
    for (uint8_t dev = 0; dev < 32; dev++) {
        uint32_t id = cfg_read32(0, dev, 0, 0);
        uint8_t nfn;

        if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
            continue;
        nfn = (cfg_read32(0, dev, 0, 0x0c) >> 16) & 0x80 ? 8 : 1;
        pci_add(dev, 0, id, reassign);
        for (uint8_t fn = 1; fn < nfn; fn++) {
            id = cfg_read32(0, dev, fn, 0);
            if ((id & 0xffff) != 0xffff && (id & 0xffff) != 0)
                pci_add(dev, fn, id, reassign);
        }
    }
    kprintf("pci: %u devices\n", pci_ndevs);
}
