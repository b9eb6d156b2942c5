/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Boot page tables, GDT and vCPU registers for the 64-bit entry. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "hv/boot/page-tables.h"
#include "hv/core/layout.h"

#define PTE_P   0x1ULL
#define PTE_RW  0x2ULL
#define PTE_PS  0x80ULL

#define CR0_PE  0x1ULL
#define CR0_ET  0x10ULL
#define CR0_PG  0x80000000ULL
#define CR4_PAE 0x20ULL
#define EFER_LME 0x100ULL
#define EFER_LMA 0x400ULL

int
boot_page_tables_write(GuestMemory *mem)
{
    uint64_t pml4 = LAYOUT_PML4_ADDR;
    uint64_t pdpt = pml4 + 0x1000;
    uint64_t pd = pml4 + 0x2000;
    uint64_t e;
    /* null, null, code64, data, TSS (the last only satisfies VMX entry checks) */
    uint64_t gdt[5] = {
        0, 0, 0x00af9b000000ffffULL, 0x00cf93000000ffffULL, 0x00008b0000000067ULL,
    };
    int r;

    e = pdpt | PTE_P | PTE_RW;
    r = guest_memory_write(mem, pml4, &e, 8);
    for (uint64_t i = 0; i < 4 && r == 0; i++) {
        e = (pd + i * 0x1000) | PTE_P | PTE_RW;
        r = guest_memory_write(mem, pdpt + i * 8, &e, 8);
    }
    for (uint64_t i = 0; i < 4 * 512 && r == 0; i++) {
        e = (i << 21) | PTE_P | PTE_RW | PTE_PS;
        r = guest_memory_write(mem, pd + i * 8, &e, 8);
    }
    if (r == 0)
        r = guest_memory_write(mem, LAYOUT_GDT_ADDR, gdt, sizeof(gdt));
    return r;
}

static void
boot_segment(struct kvm_segment *s, uint16_t sel, uint8_t type, bool code)
{
    memset(s, 0, sizeof(*s));
    s->selector = sel;
    s->base = 0;
    s->limit = 0xffffffff;
    s->type = type;
    s->present = 1;
    s->s = 1;
    s->g = 1;
    s->l = code;
    s->db = !code;
}

static int
boot_vcpu_sregs(int fd)
{
    struct kvm_sregs sr;

    if (ioctl(fd, KVM_GET_SREGS, &sr) < 0)
        return -errno;
    boot_segment(&sr.cs, BOOT_SEL_CODE, 0xb, true);
    boot_segment(&sr.ds, BOOT_SEL_DATA, 0x3, false);
    sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
    memset(&sr.tr, 0, sizeof(sr.tr));
    sr.tr.selector = BOOT_SEL_TSS;
    sr.tr.limit = 0x67;
    sr.tr.type = 0xb;
    sr.tr.present = 1;
    memset(&sr.ldt, 0, sizeof(sr.ldt));
    sr.ldt.unusable = 1;
    sr.ldt.type = 0x2;
    sr.ldt.present = 1;
    sr.gdt.base = LAYOUT_GDT_ADDR;
    sr.gdt.limit = 5 * 8 - 1;
    sr.idt.base = 0;
    sr.idt.limit = 0;
    sr.cr0 = CR0_PE | CR0_ET | CR0_PG;
    sr.cr3 = LAYOUT_PML4_ADDR;
    sr.cr4 = CR4_PAE;
    sr.efer = EFER_LME | EFER_LMA;
    if (ioctl(fd, KVM_SET_SREGS, &sr) < 0)
        return -errno;
    return 0;
}

int
boot_vcpu_setup(int fd, uint64_t entry, uint64_t boot_params)
{
    struct kvm_regs regs;
    struct kvm_fpu fpu;
    int r;

    r = boot_vcpu_sregs(fd);
    if (r < 0)
        return r;
    memset(&fpu, 0, sizeof(fpu));
    fpu.fcw = 0x37f;
    fpu.mxcsr = 0x1f80;
    if (ioctl(fd, KVM_SET_FPU, &fpu) < 0)
        return -errno;
    memset(&regs, 0, sizeof(regs));
    regs.rflags = 0x2;
    regs.rip = entry;
    regs.rsi = boot_params;
    regs.rsp = LAYOUT_BOOT_STACK_ADDR;
    regs.rbp = LAYOUT_BOOT_STACK_ADDR;
    if (ioctl(fd, KVM_SET_REGS, &regs) < 0)
        return -errno;
    return 0;
}
