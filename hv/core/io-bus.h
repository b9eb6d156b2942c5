/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Address-range dispatch for port I/O and MMIO exits.  A device registers
 * the ranges it decodes; a vCPU thread dispatches each exit to the one
 * handler whose range contains the access.  Ranges may be added, moved
 * (PCI BAR reprogramming) and removed while vCPUs run.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

/*
 * Handles one access of @len bytes (1, 2, 4 or 8) at @offset from the start
 * of the registered range.  On a read the handler fills @data; whatever it
 * leaves unwritten reads as 0xff.
 */
typedef void (*IoHandler)(void *opaque, uint64_t offset, uint8_t *data,
                          uint32_t len, bool is_write);

typedef struct {
    uint64_t base;
    uint64_t len;
    IoHandler handler;
    void *opaque;
} IoRange;

typedef struct {
    GRWLock lock;
    GArray *ranges;     /* IoRange, sorted by base, non-overlapping */
} IoBus;

void io_bus_init(IoBus *bus);
void io_bus_destroy(IoBus *bus);

/* 0, or -EINVAL for an empty/overflowing range, -EEXIST if it overlaps. */
int io_bus_register(IoBus *bus, uint64_t base, uint64_t len,
                    IoHandler handler, void *opaque);

/* Removes the range starting at @base owned by @opaque; 0 or -ENOENT. */
int io_bus_unregister(IoBus *bus, uint64_t base, void *opaque);

/*
 * Dispatches one access.  Returns true if a handler took it; on false a
 * read's @data is filled with 0xff and a write is dropped.  The handler runs
 * without the bus lock held, so it may (un)register ranges itself.
 */
bool io_bus_dispatch(IoBus *bus, uint64_t addr, uint8_t *data, uint32_t len,
                     bool is_write);
