/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Linux zero page (struct boot_params) and the e820 memory map. */
#pragma once

#include <stdint.h>

#include "hv/boot/bzimage.h"

#define E820_RAM      1
#define E820_RESERVED 2
#define E820_ACPI     3
#define E820_MAX      128

#define BP_ACPI_RSDP_ADDR   0x070
#define BP_EXT_RAMDISK_IMG  0x0c0
#define BP_EXT_RAMDISK_SIZE 0x0c4
#define BP_EXT_CMD_LINE_PTR 0x0c8
#define BP_E820_ENTRIES     0x1e8
#define BP_E820_TABLE       0x2d0
#define BP_SIZE             4096

typedef struct {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} E820Entry;

/* The machine's map for @mem_size bytes of RAM; returns the entry count. */
unsigned int boot_e820_build(uint64_t mem_size, E820Entry *out, unsigned int max);

typedef struct {
    uint64_t cmdline_addr;
    uint32_t cmdline_len;       /* without the NUL */
    uint64_t initrd_addr;
    uint64_t initrd_size;
    uint64_t rsdp_addr;
    const E820Entry *e820;
    unsigned int e820_n;
} BootParamsConfig;

/* Fills the BP_SIZE bytes at @zp from the image's setup header and @cfg. */
void boot_params_build(uint8_t *zp, const uint8_t *img, const BzImageInfo *info,
                       const BootParamsConfig *cfg);

/*
 * Where the initrd of @size bytes goes: as high as the kernel's
 * initrd_addr_max and the end of low RAM allow, page aligned, above the
 * kernel's init area.  0 if it does not fit.
 */
uint64_t boot_initrd_addr(const BzImageInfo *info, uint64_t low_ram_end, uint64_t size);
