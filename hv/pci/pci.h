/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI bus 0 of a virtkvm machine: configuration mechanism #1 (ports
 * 0xCF8-0xCFF), the ECAM window (LAYOUT_PCI_MMCONFIG_START, bus 0 only), a
 * host bridge at 00.0, and the generic device model every PCI device builds
 * on: a 4 KiB configuration space with read-only / writable / write-1-to-clear
 * masks, BAR sizing and placement on the machine's I/O buses, a capability
 * list and MSI-X.
 *
 * Wiring (done by the machine):
 *     PciMsiSink sink = { .signal_msi = ..., .set_irq = ..., .opaque = vm };
 *     PciBus *bus = pci_bus_create(&pio_bus, &mmio_bus, &mem, &sink);
 *     pci_bus_add_device(bus, virtio_pci_create(vdev, &mem), slot_or_minus1);
 *     ...
 *     pci_bus_free(bus);     (frees every device still on the bus)
 *
 * Locking: every device has one recursive lock (PciDevice.lock) taken
 * around configuration accesses, BAR accesses and interrupt delivery; device
 * threads take the same lock.  Guest faults never abort: bad accesses are
 * ignored (reads return all ones) and logged once per device.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "hv/core/guest-memory.h"
#include "hv/core/io-bus.h"
#include "hv/core/layout.h"
#include "hv/pci/state.h"

#define PCI_CONFIG_SPACE_SIZE       256
#define PCI_CONFIG_SPACE_EXP_SIZE   4096
#define PCI_NUM_BARS                6
#define PCI_MAX_SLOTS               32

/* Standard header registers. */
#define PCI_VENDOR_ID       0x00
#define PCI_DEVICE_ID       0x02
#define PCI_COMMAND         0x04
#define PCI_STATUS          0x06
#define PCI_REVISION_ID     0x08
#define PCI_CLASS_PROG      0x09
#define PCI_CLASS_DEVICE    0x0a
#define PCI_HEADER_TYPE     0x0e
#define PCI_BAR0            0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID    0x2e
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE  0x3c
#define PCI_INTERRUPT_PIN   0x3d

#define PCI_COMMAND_IO          0x0001
#define PCI_COMMAND_MEMORY      0x0002
#define PCI_COMMAND_MASTER      0x0004
#define PCI_COMMAND_SERR        0x0100
#define PCI_COMMAND_INTX_DISABLE 0x0400

#define PCI_STATUS_INTERRUPT    0x0008
#define PCI_STATUS_CAP_LIST     0x0010

#define PCI_BAR_SPACE_IO        0x01
#define PCI_BAR_MEM_TYPE_64     0x04
#define PCI_BAR_MEM_PREFETCH    0x08

#define PCI_CAP_ID_MSIX         0x11
#define PCI_CAP_ID_VNDR         0x09

#define PCI_MSIX_FLAGS          2       /* message control, from the cap start */
#define PCI_MSIX_FLAGS_QSIZE    0x07ff
#define PCI_MSIX_FLAGS_MASKALL  0x4000
#define PCI_MSIX_FLAGS_ENABLE   0x8000
#define PCI_MSIX_ENTRY_SIZE     16
#define PCI_MSIX_MAX_VECTORS    2048
#define PCI_MSIX_VECTOR_MASKED  0x1

/* GSIs of INTA..INTD at slot 0 (swizzled by slot); the DSDT's _PRT uses the
 * same rule, see pci_bus_intx_gsi(). */
#define PCI_INTX_GSI_BASE       LAYOUT_IRQ_PCI_BASE

/*
 * Interrupt delivery, provided by the machine.  signal_msi injects one MSI
 * (KVM_SIGNAL_MSI, or an irqfd routed to it); set_irq drives a level
 * interrupt line (KVM_IRQ_LINE) and may be NULL when INTx is not wired.
 * Both return 0 or -errno and may be called from any thread.
 */
typedef struct PciBus PciBus;
typedef struct PciDevice PciDevice;

/*
 * bar_changed (optional) is told after BAR @bar of @dev started (mapped) or
 * stopped decoding at @addr, with the device lock held; the machine uses it
 * to move ioeventfds (see virtio_pci_notify_address()).
 */
typedef struct {
    int (*signal_msi)(void *opaque, uint64_t addr, uint32_t data);
    int (*set_irq)(void *opaque, uint32_t gsi, int level);
    void (*bar_changed)(void *opaque, PciDevice *dev, int bar, bool mapped, uint64_t addr);
    void *opaque;
} PciMsiSink;

typedef enum {
    PCI_BAR_NONE = 0,
    PCI_BAR_IO,
    PCI_BAR_MEM32,
    PCI_BAR_MEM64,      /* takes this BAR and the next one */
} PciBarType;

typedef struct {
    PciBarType type;
    bool prefetchable;
    uint64_t size;          /* power of two; I/O >= 4, memory >= 4096 */
    IoHandler handler;      /* called with the device lock held */
    void *opaque;
    /* placement state */
    bool mapped;
    uint64_t mapped_addr;
    PciDevice *dev;
} PciBar;

typedef struct {
    uint8_t cap;            /* config offset of the capability, 0 = none */
    int bar;
    uint32_t table_offset;
    uint32_t pba_offset;
    uint16_t nvectors;
    uint8_t *table;         /* nvectors * 16 bytes */
    uint64_t *pba;          /* pending bits */
} PciMsix;

/*
 * Device callbacks; NULL entries mean "nothing extra to do".
 * config_read may override bytes the generic code already put in @data;
 * config_write runs after the generic masked write.
 */
typedef struct {
    void (*config_read)(PciDevice *dev, uint32_t offset, uint8_t *data, uint32_t len);
    void (*config_write)(PciDevice *dev, uint32_t offset, const uint8_t *data, uint32_t len);
    void (*reset)(PciDevice *dev);
    /* device-specific state after the generic PCI state (see pci_device_save) */
    int (*save)(PciDevice *dev, GByteArray *out);
    int (*load)(PciDevice *dev, StateReader *in);
    void (*destroy)(PciDevice *dev);    /* frees the containing object */
} PciDeviceOps;

struct PciDevice {
    uint8_t config[PCI_CONFIG_SPACE_EXP_SIZE];
    uint8_t wmask[PCI_CONFIG_SPACE_EXP_SIZE];
    uint8_t w1cmask[PCI_CONFIG_SPACE_EXP_SIZE];
    PciBar bars[PCI_NUM_BARS];
    PciMsix msix;
    const PciDeviceOps *ops;
    GRecMutex *lock;        /* points at own_lock unless the owner shares one */
    GRecMutex own_lock;
    const char *name;
    PciBus *bus;
    int slot;               /* -1 while not on a bus */
    uint8_t next_cap_offset;
    uint8_t last_cap;
    bool intx_level;
    bool warned;
};

/* --- device model (pci-device.c) --- */

/*
 * Initialises an embedded PciDevice: identity registers, a type 0 header,
 * INTA as interrupt pin, empty capability list.  @dev must be zeroed.
 */
void pci_device_init(PciDevice *dev, const PciDeviceOps *ops, const char *name,
                     uint16_t vendor, uint16_t device, uint32_t class_code,
                     uint8_t revision);
/* Releases what pci_device_init and pci_device_set_bar/msix allocated. */
void pci_device_cleanup(PciDevice *dev);

/* Declares BAR @index; 0 or -EINVAL.  Call before the device is on a bus. */
int pci_device_set_bar(PciDevice *dev, int index, PciBarType type, bool prefetchable,
                       uint64_t size, IoHandler handler, void *opaque);

/* Appends a capability of @len bytes; returns its config offset or -ENOSPC. */
int pci_device_add_capability(PciDevice *dev, uint8_t id, uint8_t len);

/* Generic configuration space access (offset+len within 4 KiB, len 1/2/4). */
void pci_device_config_read(PciDevice *dev, uint32_t offset, uint8_t *data, uint32_t len);
void pci_device_config_write(PciDevice *dev, uint32_t offset, const uint8_t *data, uint32_t len);

/* Returns the address the guest programmed into BAR @index (0 if none). */
uint64_t pci_device_bar_address(PciDevice *dev, int index);

/* Resets the generic state (command, BARs unmapped, MSI-X) and calls ops->reset. */
void pci_device_reset(PciDevice *dev);

/*
 * Device state for migration / snapshots: configuration space, MSI-X table
 * and PBA, INTx level, then ops->save.  Load checks that the blob belongs to
 * the same kind of device, re-places the BARs and returns 0 or -EINVAL (the
 * device is then in an unspecified but safe state and should be reset).
 * Call both while the vCPUs are stopped.
 */
int pci_device_save(PciDevice *dev, GByteArray *out);
int pci_device_load(PciDevice *dev, const uint8_t *data, size_t len);

/* INTx level of the device's pin (no-op without a set_irq hook). */
void pci_device_set_intx(PciDevice *dev, bool level);

/* Logs a guest error once per device. */
void pci_device_guest_error(PciDevice *dev, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static inline void
pci_set_word(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) v;
    p[1] = (uint8_t) (v >> 8);
}

static inline uint16_t
pci_get_word(const uint8_t *p)
{
    return (uint16_t) (p[0] | (p[1] << 8));
}

static inline void
pci_set_long(uint8_t *p, uint32_t v)
{
    pci_set_word(p, (uint16_t) v);
    pci_set_word(p + 2, (uint16_t) (v >> 16));
}

static inline uint32_t
pci_get_long(const uint8_t *p)
{
    return pci_get_word(p) | ((uint32_t) pci_get_word(p + 2) << 16);
}

/* --- MSI-X (msix.c) --- */

/*
 * Adds an MSI-X capability with @nvectors vectors whose table and PBA lie in
 * BAR @bar at the given offsets.  The BAR's handler must forward accesses in
 * those ranges to pci_msix_table_access() / pci_msix_pba_access().
 * Returns the capability offset or -errno.
 */
int pci_msix_init(PciDevice *dev, uint16_t nvectors, int bar,
                  uint32_t table_offset, uint32_t pba_offset);
bool pci_msix_enabled(PciDevice *dev);
/* Signals @vector, or marks it pending while masked.  0 or -errno. */
int pci_msix_notify(PciDevice *dev, uint16_t vector);
void pci_msix_table_access(PciDevice *dev, uint64_t offset, uint8_t *data,
                           uint32_t len, bool is_write);
void pci_msix_pba_access(PciDevice *dev, uint64_t offset, uint8_t *data,
                         uint32_t len, bool is_write);
/* Internal: capability register written / device reset. */
void pci_msix_config_written(PciDevice *dev, uint16_t old_flags);
void pci_msix_reset(PciDevice *dev);

/* --- bus (pci-bus.c) --- */

/*
 * Creates bus 0 and registers 0xCF8-0xCFF on @pio and the ECAM window on
 * @mmio; BARs are placed on the same buses when the guest programs them.
 * @msi is copied.  Returns NULL if a range is already taken.
 */
PciBus *pci_bus_create(IoBus *pio, IoBus *mmio, GuestMemory *mem, const PciMsiSink *msi);

/*
 * Plugs @dev into @slot (1..31), or the lowest free slot when @slot < 0.
 * The bus owns @dev from then on (it is destroyed by pci_bus_remove_device
 * or pci_bus_free).  Returns the slot, -EBUSY if taken, -ENOSPC when full,
 * -EINVAL for a bad slot; on error ownership stays with the caller.
 */
int pci_bus_add_device(PciBus *bus, PciDevice *dev, int slot);

/* Unplugs and destroys the device in @slot (BARs unmapped first). */
int pci_bus_remove_device(PciBus *bus, int slot);

PciDevice *pci_bus_get_device(PciBus *bus, int slot);

/* GSI the device in @slot raises for INTx (INTA swizzled by slot). */
uint32_t pci_bus_intx_gsi(int slot);

/* Unregisters everything and destroys all devices; accepts NULL. */
void pci_bus_free(PciBus *bus);

/* Internal helpers for the device model. */
void pci_device_unmap_all(PciDevice *dev);
IoBus *pci_bus_pio(PciBus *bus);
IoBus *pci_bus_mmio(PciBus *bus);
const PciMsiSink *pci_bus_sink(PciBus *bus);
