/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Identity paging.  The static tables from entry.S map the first GiB; any
 * other physical range (ACPI tables high in RAM, ECAM, BARs) is mapped on
 * demand with 2 MiB pages from a small pool, so start-up stays cheap.
 */
#include "guest.h"

#define PTE_P   0x001ull
#define PTE_RW  0x002ull
#define PTE_PWT 0x008ull
#define PTE_PCD 0x010ull
#define PTE_PS  0x080ull
#define PTE_ADDR 0x000ffffffffff000ull
#define PAGE_2M (1ull << 21)
#define POOL_PAGES 6

extern uint64_t boot_pml4[512], boot_pdpt[512], boot_pd[512];

static uint64_t pool[POOL_PAGES][512] __attribute__((aligned(4096)));
static unsigned pool_used;

static void
load_cr3(void)
{
    __asm__ __volatile__("mov %0, %%cr3" : : "r"((uintptr_t)boot_pml4) : "memory");
}

void
paging_init(void)
{
    /* The tables may survive a reset without reload: drop stale pool links. */
    for (unsigned i = 1; i < 512; i++) {
        boot_pml4[i] = 0;
        boot_pdpt[i] = 0;
    }
    boot_pml4[0] = (uintptr_t)boot_pdpt | PTE_P | PTE_RW;
    boot_pdpt[0] = (uintptr_t)boot_pd | PTE_P | PTE_RW;
    pool_used = 0;
    load_cr3();
}

static uint64_t *
next_table(uint64_t *table, unsigned idx)
{
    if (!(table[idx] & PTE_P)) {
        uint64_t *t;

        if (pool_used == POOL_PAGES)
            return NULL;
        t = pool[pool_used++];
        table[idx] = (uintptr_t)t | PTE_P | PTE_RW;
    }
    return (uint64_t *)(uintptr_t)(table[idx] & PTE_ADDR);
}

/* Identity-maps [addr, addr+len); returns addr as a pointer, 0 on failure. */
uintptr_t
phys_map(uint64_t addr, uint64_t len, bool mmio)
{
    uint64_t start = addr & ~(PAGE_2M - 1);
    uint64_t end = addr + (len ? len : 1);
    bool changed = false;

    if (end < addr || end > (1ull << 46))
        return 0;
    for (uint64_t a = start; a < end; a += PAGE_2M) {
        uint64_t *pdpt = next_table(boot_pml4, (unsigned)(a >> 39) & 511);
        uint64_t *pd = pdpt ? next_table(pdpt, (unsigned)(a >> 30) & 511) : NULL;
        unsigned i = (unsigned)(a >> 21) & 511;

        if (!pd)
            return 0;
        if (!(pd[i] & PTE_P)) {
            pd[i] = a | PTE_P | PTE_RW | PTE_PS | (mmio ? PTE_PWT | PTE_PCD : 0);
            changed = true;
        }
    }
    if (changed)
        load_cr3();
    return (uintptr_t)addr;
}
