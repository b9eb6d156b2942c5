/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The CPU state the 64-bit boot protocol entry expects: identity page
 * tables for the low 4 GiB (2 MiB pages), a GDT with the protocol's
 * selectors (0x10 code, 0x18 data) and long mode enabled.
 */
#pragma once

#include <stdint.h>

#include "hv/core/guest-memory.h"

#define BOOT_SEL_CODE 0x10
#define BOOT_SEL_DATA 0x18
#define BOOT_SEL_TSS  0x20
#define BOOT_PT_PAGES 6     /* PML4, PDPT and four page directories */

/* Writes the page tables at LAYOUT_PML4_ADDR and the GDT at LAYOUT_GDT_ADDR. */
int boot_page_tables_write(GuestMemory *mem);

/* Loads long-mode registers into @vcpu_fd: RIP=@entry, RSI=@boot_params. */
int boot_vcpu_setup(int vcpu_fd, uint64_t entry, uint64_t boot_params);
