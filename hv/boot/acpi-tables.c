/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ACPI table builder; see acpi-tables.h.  Offsets follow ACPI 6.x, ch. 5. */
#include <string.h>

#include "hv/boot/acpi-tables.h"
#include "hv/boot/aml.h"
#include "hv/core/layout.h"

#define ACPI_OEM_ID       "VIRTKV"
#define ACPI_OEM_TABLE_ID "VIRTKVM "
#define ACPI_HDR_LEN      36
#define ACPI_FADT_LEN     276
#define ACPI_FACS_LEN     64

uint8_t
acpi_checksum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;

    for (size_t i = 0; i < len; i++)
        s += p[i];
    return s;
}

static void
w16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void
w32(uint8_t *p, uint32_t v)
{
    w16(p, (uint16_t)v);
    w16(p + 2, (uint16_t)(v >> 16));
}

static void
w64(uint8_t *p, uint64_t v)
{
    w32(p, (uint32_t)v);
    w32(p + 4, (uint32_t)(v >> 32));
}

static void
acpi_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    w32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, ACPI_OEM_ID, 6);
    memcpy(t + 16, ACPI_OEM_TABLE_ID, 8);
    w32(t + 24, 1);
    memcpy(t + 28, "VKVM", 4);
    w32(t + 32, 1);
}

/* Appends a table of @len bytes aligned to @align; returns its offset. */
static size_t
blob_alloc(GByteArray *blob, size_t len, size_t align)
{
    size_t old = blob->len;
    size_t off = (old + align - 1) & ~(align - 1);

    g_byte_array_set_size(blob, (guint)(off + len));
    memset(blob->data + old, 0, off + len - old);
    return off;
}

static void
blob_finish(GByteArray *blob, size_t off, size_t len, size_t cksum_off)
{
    blob->data[off + cksum_off] = 0;
    blob->data[off + cksum_off] = (uint8_t)-acpi_checksum(blob->data + off, len);
}

static void
acpi_gas_io(uint8_t *g, uint8_t bits, uint8_t access, uint64_t port)
{
    g[0] = 1;       /* system I/O */
    g[1] = bits;
    g[2] = 0;
    g[3] = access;
    w64(g + 4, port);
}

/*
 * _PRT: INTx of every slot straight to IOAPIC pins, swizzled as hv/pci
 * does (pin P of slot S -> GSI LAYOUT_IRQ_PCI_BASE + (S + P) % 4).
 */
static void
dsdt_pci_prt(GByteArray *dev)
{
    g_autoptr(GByteArray) entries = g_byte_array_new();
    g_autoptr(GByteArray) prt = g_byte_array_new();

    for (unsigned int slot = 0; slot < 32; slot++) {
        for (unsigned int pin = 0; pin < 4; pin++) {
            uint64_t e[4] = {
                ((uint64_t)slot << 16) | 0xffff, pin, 0,
                LAYOUT_IRQ_PCI_BASE + (slot + pin) % 4,
            };
            aml_package_ints(entries, e, 4);
        }
    }
    aml_package(prt, entries, 128);
    aml_name(dev, "_PRT", prt);
}

static void
dsdt_pci0(GByteArray *sb)
{
    g_autoptr(GByteArray) dev = g_byte_array_new();
    g_autoptr(GByteArray) res = g_byte_array_new();
    g_autoptr(GByteArray) crs = g_byte_array_new();

    aml_name_eisaid(dev, "_HID", "PNP0A08");
    aml_name_eisaid(dev, "_CID", "PNP0A03");
    aml_name_int(dev, "_ADR", 0);
    aml_name_int(dev, "_SEG", 0);
    aml_name_int(dev, "_BBN", 0);
    aml_name_int(dev, "_UID", 0);
    aml_res_word_bus(res, 0, 0);
    aml_res_io(res, LAYOUT_PIO_PCI_CONFIG, 8);
    aml_res_word_io(res, LAYOUT_PIO_PCI_IO_START,
                    LAYOUT_PIO_PCI_IO_START + LAYOUT_PIO_PCI_IO_SIZE - 1);
    aml_res_dword_mem(res, LAYOUT_PCI_MMIO_START,
                      LAYOUT_PCI_MMIO_START + LAYOUT_PCI_MMIO_SIZE - 1);
    aml_resource_template(crs, res);
    aml_name(dev, "_CRS", crs);
    dsdt_pci_prt(dev);
    aml_device(sb, "PCI0", dev);
}

static void
dsdt_legacy_dev(GByteArray *sb, const char *name, const char *hid, uint64_t uid,
                uint16_t port, uint8_t len, int irq)
{
    g_autoptr(GByteArray) dev = g_byte_array_new();
    g_autoptr(GByteArray) res = g_byte_array_new();
    g_autoptr(GByteArray) crs = g_byte_array_new();

    g_autoptr(GByteArray) str = g_byte_array_new();

    if (hid[0] == 'Q') {
        aml_string(str, hid);
        aml_name(dev, "_HID", str);
    } else {
        aml_name_eisaid(dev, "_HID", hid);
    }
    aml_name_int(dev, "_UID", uid);
    aml_name_int(dev, "_STA", 0x0f);
    aml_res_io(res, port, len);
    if (irq >= 0)
        aml_res_irq(res, (uint8_t)irq);
    aml_resource_template(crs, res);
    aml_name(dev, "_CRS", crs);
    aml_device(sb, name, dev);
}

GByteArray *
acpi_dsdt_body(const AcpiConfig *cfg)
{
    GByteArray *body = g_byte_array_new();
    g_autoptr(GByteArray) sb = g_byte_array_new();
    g_autoptr(GByteArray) s5 = g_byte_array_new();
    uint64_t slp[4] = { LAYOUT_ACPI_S5_SLP_TYP, LAYOUT_ACPI_S5_SLP_TYP, 0, 0 };

    dsdt_pci0(sb);
    dsdt_legacy_dev(sb, "COM1", "PNP0501", 1, LAYOUT_PIO_COM1, 8, LAYOUT_IRQ_COM1);
    if (cfg->pvpanic)
        dsdt_legacy_dev(sb, "PEVT", "QEMU0001", 0, LAYOUT_PIO_PVPANIC, 1, -1);
    aml_scope(body, "\\_SB", sb);
    aml_package_ints(s5, slp, 4);
    aml_name(body, "\\_S5", s5);
    return body;
}

static size_t
acpi_build_dsdt(GByteArray *blob, const AcpiConfig *cfg)
{
    g_autoptr(GByteArray) body = acpi_dsdt_body(cfg);
    size_t len = ACPI_HDR_LEN + body->len;
    size_t off = blob_alloc(blob, len, 16);

    acpi_header(blob->data + off, "DSDT", (uint32_t)len, 2);
    memcpy(blob->data + off + ACPI_HDR_LEN, body->data, body->len);
    blob_finish(blob, off, len, 9);
    return off;
}

static size_t
acpi_build_facs(GByteArray *blob)
{
    size_t off = blob_alloc(blob, ACPI_FACS_LEN, 64);
    uint8_t *t = blob->data + off;

    memcpy(t, "FACS", 4);
    w32(t + 4, ACPI_FACS_LEN);
    t[32] = 2;      /* version */
    return off;
}

static size_t
acpi_build_fadt(GByteArray *blob, uint64_t base, size_t facs, size_t dsdt)
{
    size_t off = blob_alloc(blob, ACPI_FADT_LEN, 16);
    uint8_t *t = blob->data + off;

    acpi_header(t, "FACP", ACPI_FADT_LEN, 6);
    w32(t + 36, (uint32_t)(base + facs));
    w32(t + 40, (uint32_t)(base + dsdt));
    w16(t + 46, LAYOUT_IRQ_ACPI_SCI);
    /* SMI_CMD = 0: the machine is always in ACPI mode (SCI_EN reads 1). */
    w32(t + 56, LAYOUT_PIO_ACPI_PM1A_EVT);
    w32(t + 64, LAYOUT_PIO_ACPI_PM1A_CNT);
    w32(t + 76, LAYOUT_PIO_ACPI_PM_TMR);
    t[88] = 4;      /* PM1_EVT_LEN */
    t[89] = 2;      /* PM1_CNT_LEN */
    t[91] = 4;      /* PM_TMR_LEN */
    w16(t + 96, 101);   /* C2 latency > 100: no C2 */
    w16(t + 98, 1001);  /* C3 latency > 1000: no C3 */
    t[108] = 0x32;      /* RTC century register */
    w16(t + 109, 0x3);  /* IAPC_BOOT_ARCH: legacy devices, 8042 */
    /* WBINVD | PROC_C1 | SLP_BUTTON | TMR_VAL_EXT; PWR_BUTTON clear = fixed feature. */
    w32(t + 112, (1U << 0) | (1U << 2) | (1U << 5) | (1U << 8));
    t[131] = 0;         /* FADT minor version */
    w64(t + 132, base + facs);
    w64(t + 140, base + dsdt);
    acpi_gas_io(t + 148, 32, 2, LAYOUT_PIO_ACPI_PM1A_EVT);
    acpi_gas_io(t + 172, 16, 2, LAYOUT_PIO_ACPI_PM1A_CNT);
    acpi_gas_io(t + 208, 32, 3, LAYOUT_PIO_ACPI_PM_TMR);
    memcpy(t + 268, "VIRTKVM\0", 8);
    blob_finish(blob, off, ACPI_FADT_LEN, 9);
    return off;
}

static size_t
acpi_build_madt(GByteArray *blob, const AcpiConfig *cfg)
{
    size_t len = 44 + cfg->nvcpus * 8 + 12 + 2 * 10 + 6;
    size_t off = blob_alloc(blob, len, 16);
    uint8_t *t = blob->data + off;
    uint8_t *e = t + 44;

    acpi_header(t, "APIC", (uint32_t)len, 5);
    w32(t + 36, (uint32_t)LAYOUT_LAPIC_ADDR);
    w32(t + 40, 1);     /* PCAT_COMPAT: there are 8259s */
    for (unsigned int i = 0; i < cfg->nvcpus; i++, e += 8) {
        e[0] = 0;       /* processor local APIC */
        e[1] = 8;
        e[2] = (uint8_t)i;
        e[3] = (uint8_t)cfg->apic_ids[i];
        w32(e + 4, 1);  /* enabled */
    }
    e[0] = 1;           /* I/O APIC */
    e[1] = 12;
    e[2] = 0;           /* IOAPIC id */
    w32(e + 4, (uint32_t)LAYOUT_IOAPIC_ADDR);
    w32(e + 8, 0);
    e += 12;
    e[0] = 2;           /* ISA IRQ0 -> GSI2, bus defaults */
    e[1] = 10;
    e[3] = 0;
    w32(e + 4, 2);
    w16(e + 8, 0);
    e += 10;
    e[0] = 2;           /* SCI: level, active high */
    e[1] = 10;
    e[3] = LAYOUT_IRQ_ACPI_SCI;
    w32(e + 4, LAYOUT_IRQ_ACPI_SCI);
    w16(e + 8, 0x1 | (0x3 << 2));
    e += 10;
    e[0] = 4;           /* local APIC NMI on LINT1 of every processor */
    e[1] = 6;
    e[2] = 0xff;
    w16(e + 3, 0);
    e[5] = 1;
    blob_finish(blob, off, len, 9);
    return off;
}

static size_t
acpi_build_mcfg(GByteArray *blob)
{
    size_t len = 44 + 16;
    size_t off = blob_alloc(blob, len, 16);
    uint8_t *t = blob->data + off;

    acpi_header(t, "MCFG", (uint32_t)len, 1);
    w64(t + 44, LAYOUT_PCI_MMCONFIG_START);
    w16(t + 52, 0);     /* segment */
    t[54] = 0;          /* start bus */
    t[55] = (uint8_t)((LAYOUT_PCI_MMCONFIG_SIZE >> 20) - 1);
    blob_finish(blob, off, len, 9);
    return off;
}

static size_t
acpi_build_xsdt(GByteArray *blob, uint64_t base, const size_t *tables, unsigned int n)
{
    size_t len = ACPI_HDR_LEN + 8 * n;
    size_t off = blob_alloc(blob, len, 16);

    acpi_header(blob->data + off, "XSDT", (uint32_t)len, 1);
    for (unsigned int i = 0; i < n; i++)
        w64(blob->data + off + ACPI_HDR_LEN + 8 * i, base + tables[i]);
    blob_finish(blob, off, len, 9);
    return off;
}

GByteArray *
acpi_tables_build(const AcpiConfig *cfg, uint64_t base)
{
    g_autoptr(GByteArray) blob = g_byte_array_new();
    size_t tables[3], xsdt, facs, dsdt;
    uint8_t *r;

    if (cfg->nvcpus == 0 || cfg->nvcpus > 255)
        return NULL;
    g_byte_array_set_size(blob, 36);    /* the RSDP, filled last */
    memset(blob->data, 0, 36);
    dsdt = acpi_build_dsdt(blob, cfg);
    facs = acpi_build_facs(blob);
    tables[0] = acpi_build_fadt(blob, base, facs, dsdt);
    tables[1] = acpi_build_madt(blob, cfg);
    tables[2] = acpi_build_mcfg(blob);
    xsdt = acpi_build_xsdt(blob, base, tables, 3);
    if (blob->len > LAYOUT_ACPI_SIZE)
        return NULL;
    r = blob->data;
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, ACPI_OEM_ID, 6);
    r[15] = 2;
    w32(r + 16, 0);     /* no RSDT: XSDT only */
    w32(r + 20, 36);
    w64(r + 24, base + xsdt);
    r[8] = (uint8_t)-acpi_checksum(r, 20);
    r[32] = (uint8_t)-acpi_checksum(r, 36);
    return g_steal_pointer(&blob);
}
