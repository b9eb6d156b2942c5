/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>

#include "hv/core/guest-memory.h"

int
guest_memory_add_region(GuestMemory *mem, uint64_t gpa, uint64_t size,
                        uint8_t *hva, int fd, uint64_t fd_offset)
{
    if (size == 0 || !hva || gpa + size < gpa)
        return -EINVAL;
    if (mem->nregions >= GUEST_MEMORY_MAX_REGIONS)
        return -ENOSPC;
    for (unsigned int i = 0; i < mem->nregions; i++) {
        const GuestMemoryRegion *r = &mem->regions[i];

        if (gpa < r->gpa + r->size && r->gpa < gpa + size)
            return -EINVAL;
    }
    mem->regions[mem->nregions++] = (GuestMemoryRegion) {
        .gpa = gpa, .size = size, .hva = hva, .fd = fd, .fd_offset = fd_offset,
    };
    return 0;
}

void *
guest_memory_translate(const GuestMemory *mem, uint64_t gpa, uint64_t len)
{
    if (len == 0)
        len = 1;
    for (unsigned int i = 0; i < mem->nregions; i++) {
        const GuestMemoryRegion *r = &mem->regions[i];
        uint64_t off;

        if (gpa < r->gpa)
            continue;
        off = gpa - r->gpa;
        if (off >= r->size || len > r->size - off)
            continue;
        return r->hva + off;
    }
    return NULL;
}

int
guest_memory_read(const GuestMemory *mem, uint64_t gpa, void *buf, size_t len)
{
    const void *src = guest_memory_translate(mem, gpa, len);

    if (!src)
        return -EFAULT;
    memcpy(buf, src, len);
    return 0;
}

int
guest_memory_write(const GuestMemory *mem, uint64_t gpa, const void *buf, size_t len)
{
    void *dst = guest_memory_translate(mem, gpa, len);

    if (!dst)
        return -EFAULT;
    memcpy(dst, buf, len);
    return 0;
}

uint64_t
guest_memory_total(const GuestMemory *mem)
{
    uint64_t total = 0;

    for (unsigned int i = 0; i < mem->nregions; i++)
        total += mem->regions[i].size;
    return total;
}
