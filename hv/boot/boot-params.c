/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* boot_params and e820; see boot-params.h. */
#include <string.h>

#include "hv/boot/boot-params.h"
#include "hv/core/layout.h"
#include "hv/core/vm.h"

static void
wr16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void
wr32(uint8_t *p, uint32_t v)
{
    wr16(p, (uint16_t)v);
    wr16(p + 2, (uint16_t)(v >> 16));
}

static void
wr64(uint8_t *p, uint64_t v)
{
    wr32(p, (uint32_t)v);
    wr32(p + 4, (uint32_t)(v >> 32));
}

static unsigned int
e820_add(E820Entry *out, unsigned int n, unsigned int max, uint64_t addr,
         uint64_t size, uint32_t type)
{
    if (n >= max || size == 0)
        return n;
    out[n].addr = addr;
    out[n].size = size;
    out[n].type = type;
    return n + 1;
}

unsigned int
boot_e820_build(uint64_t mem_size, E820Entry *out, unsigned int max)
{
    uint64_t low = vm_memory_low_size(mem_size);
    uint64_t high = vm_memory_high_size(mem_size);
    unsigned int n = 0;

    n = e820_add(out, n, max, 0, LAYOUT_EBDA_ADDR, E820_RAM);
    n = e820_add(out, n, max, LAYOUT_EBDA_ADDR, 0xa0000 - LAYOUT_EBDA_ADDR, E820_RESERVED);
    n = e820_add(out, n, max, LAYOUT_ACPI_ADDR, LAYOUT_ACPI_SIZE, E820_RESERVED);
    if (low > LAYOUT_KERNEL_ADDR)
        n = e820_add(out, n, max, LAYOUT_KERNEL_ADDR, low - LAYOUT_KERNEL_ADDR, E820_RAM);
    /* So Linux trusts the MCFG window. */
    n = e820_add(out, n, max, LAYOUT_PCI_MMCONFIG_START, LAYOUT_PCI_MMCONFIG_SIZE,
                 E820_RESERVED);
    if (high)
        n = e820_add(out, n, max, LAYOUT_HIGH_RAM_START, high, E820_RAM);
    return n;
}

uint64_t
boot_initrd_addr(const BzImageInfo *info, uint64_t low_ram_end, uint64_t size)
{
    uint64_t top = low_ram_end;
    uint64_t kernel_end = info->load_addr + info->init_size;
    uint64_t addr;

    if ((uint64_t)info->initrd_addr_max + 1 < top)
        top = (uint64_t)info->initrd_addr_max + 1;
    if (size > top)
        return 0;
    addr = (top - size) & ~0xfffULL;
    if (addr < kernel_end)
        return 0;
    return addr;
}

void
boot_params_build(uint8_t *zp, const uint8_t *img, const BzImageInfo *info,
                  const BootParamsConfig *cfg)
{
    memset(zp, 0, BP_SIZE);
    memcpy(zp + BZ_SETUP_SECTS, img + BZ_SETUP_SECTS, info->setup_header_end - BZ_SETUP_SECTS);
    zp[BZ_TYPE_OF_LOADER] = 0xff;
    zp[BZ_LOADFLAGS] |= BZ_CAN_USE_HEAP;
    wr16(zp + BZ_HEAP_END_PTR, 0xfe00);
    wr32(zp + BZ_CODE32_START, (uint32_t)info->load_addr);
    wr32(zp + BZ_CMD_LINE_PTR, (uint32_t)cfg->cmdline_addr);
    wr32(zp + BP_EXT_CMD_LINE_PTR, (uint32_t)(cfg->cmdline_addr >> 32));
    wr32(zp + BZ_RAMDISK_IMAGE, (uint32_t)cfg->initrd_addr);
    wr32(zp + BZ_RAMDISK_SIZE, (uint32_t)cfg->initrd_size);
    wr32(zp + BP_EXT_RAMDISK_IMG, (uint32_t)(cfg->initrd_addr >> 32));
    wr32(zp + BP_EXT_RAMDISK_SIZE, (uint32_t)(cfg->initrd_size >> 32));
    wr64(zp + BP_ACPI_RSDP_ADDR, cfg->rsdp_addr);
    zp[BP_E820_ENTRIES] = (uint8_t)cfg->e820_n;
    for (unsigned int i = 0; i < cfg->e820_n && i < E820_MAX; i++) {
        uint8_t *e = zp + BP_E820_TABLE + i * 20;

        wr64(e, cfg->e820[i].addr);
        wr64(e + 8, cfg->e820[i].size);
        wr32(e + 16, cfg->e820[i].type);
    }
}
