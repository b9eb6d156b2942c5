/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ACPI: find the RSDP, the FADT's PM1a event/control blocks and the DSDT's
 * \_S5 sleep type; poll the power button and power off through PM1a_CNT.
 * i8042 reset lives here too, as the other way out of the machine.
 */
#include "guest.h"

#define PM1_PWRBTN    0x0100
#define PM1_SLP_EN    0x2000
#define DEFAULT_PM1A_EVT 0x600   /* hv/core/layout.h */
#define DEFAULT_PM1A_CNT 0x604
#define DEFAULT_S5_SLP_TYP 5

static uint16_t pm1a_evt = DEFAULT_PM1A_EVT;
static uint16_t pm1a_cnt = DEFAULT_PM1A_CNT;
static uint8_t pm1_evt_len = 4;
static uint8_t s5_slp_typ = DEFAULT_S5_SLP_TYP;

static uint32_t
rd32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t
rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static const uint8_t *
rsdp_scan(uint64_t start, uint64_t len)
{
    /* "RSD PTR " as a little-endian quadword, on 16-byte boundaries. */
    const uint64_t sig = 0x2052545020445352ull;
    const volatile uint64_t *p = phys_ptr(start);
    const volatile uint64_t *end = phys_ptr(start + len - 36);

    for (; p <= end; p += 2) {
        if (*p == sig)
            return (const uint8_t *)(uintptr_t)p;
    }
    return NULL;
}

static const uint8_t *
table_map(uint64_t addr)
{
    uint32_t len;

    if (!addr || !phys_map(addr, 36, false))
        return NULL;
    len = rd32((const uint8_t *)(uintptr_t)addr + 4);
    if (len < 36 || len > (1u << 20) || !phys_map(addr, len, false))
        return NULL;
    return (const uint8_t *)(uintptr_t)addr;
}

static const uint8_t *
find_table(const uint8_t *rsdp, const char *sig)
{
    bool x = rsdp[15] >= 2 && rd64(rsdp + 24);
    const uint8_t *root = table_map(x ? rd64(rsdp + 24) : rd32(rsdp + 16));
    unsigned esz = x ? 8 : 4;

    if (!root)
        return NULL;
    for (uint32_t off = 36; off + esz <= rd32(root + 4); off += esz) {
        const uint8_t *t = table_map(x ? rd64(root + off) : rd32(root + off));

        if (t && memcmp(t, sig, 4) == 0)
            return t;
    }
    return NULL;
}

static int
s5_value(const uint8_t *dsdt, uint32_t len, uint32_t i)
{
    const uint8_t *p = dsdt + i;
    uint32_t k;

    if (i < 36 || i + 8 >= len || memcmp(p, "_S5_", 4) != 0 || p[4] != 0x12)
        return -2;
    k = 5 + 1 + (p[5] >> 6) + 1;         /* PackageOp, PkgLength, NumElements */
    if (i + k + 2 > len)
        return -1;
    switch (p[k]) {
    case 0x00: return 0;                 /* ZeroOp */
    case 0x01: return 1;                 /* OneOp */
    case 0x0a: return p[k + 1] & 7;      /* BytePrefix */
    case 0x0b: return p[k + 1] & 7;      /* WordPrefix */
    default: return -1;
    }
}

/*
 * The first element of the \_S5 package: Name(_S5, Package(){ typ, ... }).
 * DSDTs run to kilobytes, so look at every 4th byte only: any "_S5_" has
 * one of its bytes there, which says where it would start.
 */
static int
s5_parse(const uint8_t *dsdt)
{
    uint32_t len = rd32(dsdt + 4);

    for (uint32_t i = 36; i < len; i += 4) {
        int v = -2;

        switch (dsdt[i]) {
        case '_':
            v = s5_value(dsdt, len, i);
            if (v == -2)
                v = s5_value(dsdt, len, i - 3);
            break;
        case 'S':
            v = s5_value(dsdt, len, i - 1);
            break;
        case '5':
            v = s5_value(dsdt, len, i - 2);
            break;
        }
        if (v != -2)
            return v;
    }
    return -1;
}

void
acpi_init(void)
{
    uint16_t ebda = *(volatile uint16_t *)phys_ptr(0x40e);
    const uint8_t *rsdp = NULL, *fadt = NULL, *dsdt = NULL;
    int s5 = -1;

    if (ebda >= 0x8000 && ebda < 0xa000)
        rsdp = rsdp_scan((uint64_t)ebda << 4, 1024);
    /* Where virtkvm puts it, the BIOS segment, then the rest of the area. */
    if (!rsdp)
        rsdp = rsdp_scan(0xe0000, 36);
    if (!rsdp)
        rsdp = rsdp_scan(0xf0000, 0x10000);
    if (!rsdp)
        rsdp = rsdp_scan(0xe0000, 0x10000 + 36);
    if (rsdp)
        fadt = find_table(rsdp, "FACP");
    if (fadt) {
        uint32_t flen = rd32(fadt + 4);
        uint64_t d = flen >= 148 ? rd64(fadt + 140) : 0;

        if (rd32(fadt + 56))
            pm1a_evt = (uint16_t)rd32(fadt + 56);
        else if (flen >= 160 && rd64(fadt + 152))
            pm1a_evt = (uint16_t)rd64(fadt + 152);
        if (rd32(fadt + 64))
            pm1a_cnt = (uint16_t)rd32(fadt + 64);
        else if (flen >= 184 && rd64(fadt + 176))
            pm1a_cnt = (uint16_t)rd64(fadt + 176);
        if (fadt[88] >= 4)
            pm1_evt_len = fadt[88];
        dsdt = table_map(d ? d : rd32(fadt + 40));
    }
    if (dsdt)
        s5 = s5_parse(dsdt);
    if (s5 >= 0)
        s5_slp_typ = (uint8_t)s5;
    kprintf("acpi: rsdp 0x%lx pm1a_evt 0x%x pm1a_cnt 0x%x s5 %u%s\n",
            (uint64_t)(uintptr_t)rsdp, pm1a_evt, pm1a_cnt, s5_slp_typ,
            s5 >= 0 ? "" : " (default)");

    /* Clear a stale status, then enable the power button event. */
    outw(pm1a_evt, PM1_PWRBTN);
    outw((uint16_t)(pm1a_evt + pm1_evt_len / 2),
         inw((uint16_t)(pm1a_evt + pm1_evt_len / 2)) | PM1_PWRBTN);
}

bool
acpi_poll_power_button(void)
{
    if (!(inw(pm1a_evt) & PM1_PWRBTN))
        return false;
    outw(pm1a_evt, PM1_PWRBTN);
    return true;
}

void
acpi_poweroff(void)
{
    uint16_t v = inw(pm1a_cnt) & ~(7u << 10);

    kprintf("poweroff\n");
    outw(pm1a_cnt, (uint16_t)(v | (unsigned)s5_slp_typ << 10 | PM1_SLP_EN));
    for (unsigned i = 0; i < 100000; i++)
        cpu_relax();
    kprintf("error: poweroff did not take effect\n");
}

void
machine_reset(void)
{
    static const struct { uint16_t limit; uint64_t base; } __attribute__((packed)) null_idt;

    kprintf("reset\n");
    for (unsigned i = 0; i < 1000 && (inb(0x64) & 2); i++)
        cpu_relax();
    outb(0x64, 0xfe);
    for (unsigned i = 0; i < 100000; i++)
        cpu_relax();
    /* No i8042: a triple fault resets as well. */
    __asm__ __volatile__("lidt %0; int3" : : "m"(null_idt));
}

/* pvpanic (QEMU's ISA device, virtkvm-vmm's LAYOUT_PIO_PVPANIC): bit 0 "panicked". */
#define PVPANIC_PORT     0x505
#define PVPANIC_PANICKED 1

void
machine_panic(void)
{
    kprintf("panic\n");
    outb(PVPANIC_PORT, PVPANIC_PANICKED);
    /* Like a panicked kernel: nothing runs any more, not even interrupts. */
    for (;;)
        __asm__ __volatile__("cli; hlt");
}
