/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bzImage setup header checks and payload loading; see bzimage.h. */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "hv/boot/bzimage.h"
#include "hv/core/layout.h"

static uint16_t
rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t
rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static uint64_t
rd64(const uint8_t *p)
{
    return rd32(p) | ((uint64_t)rd32(p + 4) << 32);
}

int
bzimage_parse(const uint8_t *img, size_t len, BzImageInfo *info)
{
    unsigned int sects;
    int relocatable;

    memset(info, 0, sizeof(*info));
    if (len < 0x268 + 0x200 || rd16(img + BZ_BOOT_FLAG) != 0xaa55 ||
        memcmp(img + BZ_HEADER_MAGIC, "HdrS", 4) != 0)
        return -ENOEXEC;
    info->version = rd16(img + BZ_VERSION);
    if (info->version < 0x206)
        return -ENOTSUP;
    info->loadflags = img[BZ_LOADFLAGS];
    info->xloadflags = rd16(img + BZ_XLOADFLAGS);
    if (!(info->loadflags & BZ_LOADED_HIGH))
        return -ENOTSUP;
    /* XLF_KERNEL_64 exists from 2.12; older 64-bit kernels had the entry too. */
    if (info->version >= 0x20c && !(info->xloadflags & BZ_XLF_KERNEL_64))
        return -ENOTSUP;
    sects = img[BZ_SETUP_SECTS] ? img[BZ_SETUP_SECTS] : 4;
    info->setup_size = (size_t)(sects + 1) * 512;
    info->setup_header_end = 0x202 + img[0x201];
    if (info->setup_size + 0x200 >= len || info->setup_header_end > 0x280)
        return -ENOEXEC;
    info->payload_size = len - info->setup_size;
    info->initrd_addr_max = info->version >= 0x203 ? rd32(img + BZ_INITRD_ADDR_MAX)
                                                   : 0x37ffffff;
    info->cmdline_size = info->version >= 0x206 ? rd32(img + BZ_CMDLINE_SIZE) : 255;
    relocatable = info->version >= 0x205 && img[BZ_RELOCATABLE];
    info->init_size = info->version >= 0x20a ? rd32(img + BZ_INIT_SIZE) : 0;
    if (relocatable)
        info->load_addr = LAYOUT_KERNEL_ADDR;
    else if (info->version >= 0x20a)
        info->load_addr = rd64(img + BZ_PREF_ADDRESS);
    else
        info->load_addr = rd32(img + BZ_CODE32_START);
    if (info->load_addr < LAYOUT_KERNEL_ADDR)
        return -ENOEXEC;
    if (info->init_size < info->payload_size)
        info->init_size = (uint32_t)MIN(info->payload_size, UINT32_MAX);
    info->entry64 = info->load_addr + 0x200;
    return 0;
}

int
bzimage_load(GuestMemory *mem, const uint8_t *img, size_t len,
             const BzImageInfo *info, uint64_t ram_end)
{
    if (info->load_addr + info->init_size > ram_end ||
        info->load_addr + info->payload_size > ram_end)
        return -ENOSPC;
    return guest_memory_write(mem, info->load_addr, img + info->setup_size,
                              len - info->setup_size);
}
