/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Guest physical memory as the VMM sees it: a small set of regions, each
 * mapped in the VMM.  Every access a device makes on behalf of a guest goes
 * through guest_memory_translate(), which refuses ranges that leave a
 * region, so a hostile descriptor can never reach VMM memory.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define GUEST_MEMORY_MAX_REGIONS 8

typedef struct {
    uint64_t gpa;       /* guest physical start */
    uint64_t size;      /* bytes */
    uint8_t *hva;       /* where the VMM has it mapped */
    int fd;             /* backing memfd, or -1 */
    uint64_t fd_offset; /* offset of this region in fd */
} GuestMemoryRegion;

typedef struct {
    GuestMemoryRegion regions[GUEST_MEMORY_MAX_REGIONS];
    unsigned int nregions;
} GuestMemory;

/* Adds a region; regions must not overlap.  0 or -EINVAL / -ENOSPC. */
int guest_memory_add_region(GuestMemory *mem, uint64_t gpa, uint64_t size,
                            uint8_t *hva, int fd, uint64_t fd_offset);

/*
 * Host pointer for the guest range [gpa, gpa + len), or NULL when any part
 * of it lies outside a single region (or the sum overflows).  len 0 is
 * treated as 1.
 */
void *guest_memory_translate(const GuestMemory *mem, uint64_t gpa, uint64_t len);

/* Copies between guest memory and a buffer; 0 or -EFAULT. */
int guest_memory_read(const GuestMemory *mem, uint64_t gpa, void *buf, size_t len);
int guest_memory_write(const GuestMemory *mem, uint64_t gpa, const void *buf, size_t len);

/* Total bytes of guest RAM over all regions. */
uint64_t guest_memory_total(const GuestMemory *mem);
