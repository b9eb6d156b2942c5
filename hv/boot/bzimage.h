/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Linux x86 boot protocol's bzImage format: setup header checks and
 * loading of the protected-mode payload for the 64-bit entry point.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "hv/core/guest-memory.h"

/* Offsets into the image / boot_params of setup header fields. */
#define BZ_SETUP_SECTS      0x1f1
#define BZ_BOOT_FLAG        0x1fe
#define BZ_HEADER_MAGIC     0x202
#define BZ_VERSION          0x206
#define BZ_TYPE_OF_LOADER   0x210
#define BZ_LOADFLAGS        0x211
#define BZ_CODE32_START     0x214
#define BZ_RAMDISK_IMAGE    0x218
#define BZ_RAMDISK_SIZE     0x21c
#define BZ_HEAP_END_PTR     0x224
#define BZ_CMD_LINE_PTR     0x228
#define BZ_INITRD_ADDR_MAX  0x22c
#define BZ_KERNEL_ALIGNMENT 0x230
#define BZ_RELOCATABLE      0x234
#define BZ_XLOADFLAGS       0x236
#define BZ_CMDLINE_SIZE     0x238
#define BZ_PREF_ADDRESS     0x258
#define BZ_INIT_SIZE        0x260

#define BZ_LOADED_HIGH      0x01
#define BZ_CAN_USE_HEAP     0x80
#define BZ_XLF_KERNEL_64    0x01

typedef struct {
    uint16_t version;
    uint8_t loadflags;
    uint16_t xloadflags;
    size_t setup_size;          /* bytes before the protected-mode payload */
    size_t setup_header_end;    /* end of the setup header in the image */
    uint64_t load_addr;         /* where the payload goes */
    uint64_t payload_size;
    uint64_t entry64;           /* load_addr + 0x200 */
    uint32_t init_size;
    uint32_t initrd_addr_max;
    uint32_t cmdline_size;      /* max cmdline length the kernel accepts */
} BzImageInfo;

/*
 * Checks the setup header of @img and fills @info.  -ENOEXEC for a file
 * that is not a bzImage, -ENOTSUP for one too old for the 64-bit entry.
 */
int bzimage_parse(const uint8_t *img, size_t len, BzImageInfo *info);

/* Copies the payload to info->load_addr; -ENOSPC if it does not fit below
 * @ram_end (the end of low RAM) including init_size. */
int bzimage_load(GuestMemory *mem, const uint8_t *img, size_t len,
                 const BzImageInfo *info, uint64_t ram_end);
