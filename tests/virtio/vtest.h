/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A tiny virtio-pci guest driver in C for the device tests: guest RAM in a
 * buffer, the real PCI bus on real IoBus objects, accesses through
 * io_bus_dispatch() exactly as vCPU exits deliver them.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "hv/core/guest-memory.h"
#include "hv/core/io-bus.h"
#include "hv/pci/pci.h"
#include "hv/virtio/virtio-pci.h"

#define VT_RAM_SIZE     (16u << 20)
#define VT_BAR_ADDR     0xc0000000ULL
#define VT_MAX_MSI      64

typedef struct {
    uint8_t *ram;
    GuestMemory mem;
    IoBus pio;
    IoBus mmio;
    PciMsiSink sink;
    PciBus *bus;
    GMutex msi_lock;
    unsigned int nmsi;
    uint64_t msi_addr[VT_MAX_MSI];
    uint32_t msi_data[VT_MAX_MSI];
    int irq_level[32];
    unsigned int bar_events;
    bool bar_mapped;
    uint64_t bar_addr;
    uint64_t alloc_next;    /* bump allocator in guest RAM */
} VtMachine;

typedef struct {
    uint16_t size;
    uint64_t desc, avail, used;
    uint16_t avail_idx;
    uint16_t used_seen;
} VtQueue;

typedef struct {
    VtMachine *m;
    int slot;
    uint64_t bar;
    VtQueue q[4];
} VtDev;

void vt_machine_init(VtMachine *m);
void vt_machine_cleanup(VtMachine *m);
uint64_t vt_alloc(VtMachine *m, uint64_t len, uint64_t align);
void *vt_ptr(VtMachine *m, uint64_t gpa);

uint32_t vt_cf8_read(VtMachine *m, int slot, uint32_t reg, uint32_t len);
void vt_cf8_write(VtMachine *m, int slot, uint32_t reg, uint32_t val, uint32_t len);
uint32_t vt_ecam_read(VtMachine *m, int slot, uint32_t reg, uint32_t len);
void vt_ecam_write(VtMachine *m, int slot, uint32_t reg, uint32_t val, uint32_t len);
uint64_t vt_mmio_read(VtMachine *m, uint64_t addr, uint32_t len);
void vt_mmio_write(VtMachine *m, uint64_t addr, uint64_t val, uint32_t len);
unsigned int vt_msi_count(VtMachine *m);

/* Finds the capability of @type (virtio cfg_type) and returns its offset. */
int vt_find_vcap(VtMachine *m, int slot, uint8_t type);

/*
 * Plugs @vdev, programs BAR 4 at VT_BAR_ADDR + slot * 1 MiB, enables it and
 * brings the driver to FEATURES_OK with @features.  Returns false if the
 * device refused the features.
 */
bool vt_dev_setup(VtMachine *m, VtDev *d, VirtioDevice *vdev, uint64_t features);
/* Reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK on a plugged device. */
bool vt_dev_negotiate(VtDev *d, uint64_t features);
uint64_t vt_common_read(VtDev *d, uint32_t off, uint32_t len);
void vt_common_write(VtDev *d, uint32_t off, uint64_t val, uint32_t len);
uint8_t vt_status(VtDev *d);
/* Allocates and enables queue @q with @size entries (0 = max). */
void vt_queue_setup(VtDev *d, unsigned int q, uint16_t size);
void vt_driver_ok(VtDev *d);
/* Enables MSI-X with vector i -> addr 0xfee00000, data 0x40 + i. */
void vt_msix_enable(VtDev *d, unsigned int nvec);

/* Writes descriptor @i of queue @q. */
void vt_desc(VtDev *d, unsigned int q, uint16_t i, uint64_t addr, uint32_t len,
             uint16_t flags, uint16_t next);
/* Publishes head @head in the avail ring (no notification). */
void vt_publish(VtDev *d, unsigned int q, uint16_t head);
/* Publishes head @head and notifies the queue by an MMIO write. */
void vt_kick(VtDev *d, unsigned int q, uint16_t head);
/* Waits up to @ms for a new used element; returns false on timeout. */
bool vt_wait_used(VtDev *d, unsigned int q, uint32_t *id, uint32_t *len, int ms);
/* @ms for waits on a device thread that must complete: a hang deadline
 * with room for a loaded machine running the ASan build. */
#define VT_WAIT_MS 30000

/* Simple test assertion that prints where it failed and exits 1. */
#define VT_CHECK(cond) \
    do { \
        if (!(cond)) { \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            exit(1); \
        } \
    } while (0)
