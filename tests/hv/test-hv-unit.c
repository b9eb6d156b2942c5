/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of the VMM pieces that need no /dev/kvm: launch parsing, boot
 * protocol structures, ACPI tables, CPUID filtering, the control parser and
 * the legacy device registers.
 */
#include <string.h>

#include <glib.h>

#include "hv/boot/acpi-tables.h"
#include "hv/boot/aml.h"
#include "hv/boot/boot-params.h"
#include "hv/boot/bzimage.h"
#include "hv/control/control-commands.h"
#include "hv/core/cpuid.h"
#include "hv/core/launch.h"
#include "hv/core/layout.h"
#include "hv/devices/acpi-pm.h"
#include "hv/devices/i8042.h"
#include "hv/devices/rtc.h"
#include "hv/devices/serial.h"

static uint32_t
rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t
rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* ---- launch ---- */

static LaunchDesc *
parse(const char *json, char **err)
{
    return launch_desc_parse(json, strlen(json), err);
}

static void
test_launch_full(void)
{
    g_autofree char *err = NULL;
    g_autoptr(LaunchDesc) d = parse(
        "{\"name\":\"g\",\"memory\":{\"size-mib\":5120,\"backing\":\"hugepages\",\"merge\":true},"
        "\"vcpus\":{\"count\":8,\"sockets\":2,\"cores\":2,\"threads\":2},"
        "\"boot\":{\"kernel\":\"/k\",\"initrd\":\"/i\",\"cmdline\":\"c\"},"
        "\"serial\":{\"type\":\"fd\",\"fd\":9},"
        "\"disks\":[{\"fd\":4,\"readonly\":true,\"serial\":\"S1\"}],"
        "\"nics\":[{\"tap\":\"tap0\",\"mac\":\"52:54:00:01:02:03\"}],"
        "\"rng\":{},\"control\":{\"fd\":3},\"kvm-fd\":5,\"on-reset\":\"shutdown\"}", &err);
    LaunchDisk *disk;
    LaunchNic *nic;

    g_assert_null(err);
    g_assert_nonnull(d);
    g_assert_cmpuint(d->mem_size, ==, 5120ULL << 20);
    g_assert_cmpint(d->backing, ==, LAUNCH_BACKING_HUGEPAGES);
    g_assert_true(d->mem_merge);
    g_assert_cmpuint(d->vcpus, ==, 8);
    g_assert_cmpuint(d->sockets, ==, 2);
    g_assert_cmpint(d->serial.type, ==, LAUNCH_CHAR_FD);
    g_assert_cmpint(d->serial.fd, ==, 9);
    g_assert_cmpuint(d->disks->len, ==, 1);
    disk = g_ptr_array_index(d->disks, 0);
    g_assert_cmpint(disk->fd, ==, 4);
    g_assert_true(disk->readonly);
    g_assert_cmpstr(disk->format, ==, "raw");
    g_assert_cmpstr(disk->id, ==, "disk0");
    nic = g_ptr_array_index(d->nics, 0);
    g_assert_cmpuint(nic->mac[5], ==, 3);
    g_assert_true(d->rng);
    g_assert_cmpint(d->control_fd, ==, 3);
    g_assert_cmpint(d->kvm_fd, ==, 5);
    g_assert_cmpint(d->on_reset, ==, LAUNCH_ON_RESET_SHUTDOWN);
}

static void
test_launch_defaults(void)
{
    g_autofree char *err = NULL;
    g_autoptr(LaunchDesc) d = parse(
        "{\"name\":\"g\",\"memory\":{\"size-mib\":64},\"boot\":{\"kernel\":\"/k\"}}", &err);

    g_assert_nonnull(d);
    g_assert_cmpuint(d->vcpus, ==, 1);
    g_assert_cmpuint(d->sockets * d->cores * d->threads, ==, 1);
    g_assert_cmpint(d->backing, ==, LAUNCH_BACKING_MEMFD);
    g_assert_cmpint(d->serial.type, ==, LAUNCH_CHAR_NONE);
    g_assert_cmpint(d->kvm_fd, ==, -1);
    g_assert_cmpint(d->control_fd, ==, -1);
    g_assert_null(d->control_path);
}

static void
test_launch_errors(void)
{
    static const struct { const char *json; const char *msg; } cases[] = {
        { "{", "invalid JSON" },
        { "{\"name\":\"g\"}", "missing 'memory'" },
        { "{\"name\":\"g\",\"memory\":{\"size-mib\":64}}", "missing 'boot'" },
        { "{\"name\":\"a/b\",\"memory\":{\"size-mib\":64},\"boot\":{\"kernel\":\"/k\"}}",
          "invalid guest name" },
        { "{\"name\":\"g\",\"memory\":{\"size-mib\":64,\"x\":1},\"boot\":{\"kernel\":\"/k\"}}",
          "unknown key 'x' in memory" },
        { "{\"name\":\"g\",\"memory\":{\"size-mib\":64},\"boot\":{\"kernel\":\"/k\"},"
          "\"vcpus\":{\"count\":256}}", "out of range" },
        { "{\"name\":\"g\",\"memory\":{\"size-mib\":64},\"boot\":{\"kernel\":\"/k\"},"
          "\"disks\":[{\"path\":\"/a\",\"fd\":3}]}", "exactly one" },
        { "{\"name\":\"g\",\"memory\":{\"size-mib\":64,\"backing\":\"anonymous\",\"shared\":true},"
          "\"boot\":{\"kernel\":\"/k\"}}", "cannot be shared" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *err = NULL;
        LaunchDesc *d = parse(cases[i].json, &err);

        g_assert_null(d);
        g_assert_nonnull(err);
        if (!strstr(err, cases[i].msg))
            g_error("case %zu: '%s' lacks '%s'", i, err, cases[i].msg);
    }
}

/* ---- boot ---- */

static uint8_t *
make_bzimage(size_t *len, uint16_t version)
{
    uint8_t *img = g_malloc0(4096);

    img[BZ_SETUP_SECTS] = 1;
    img[BZ_BOOT_FLAG] = 0x55;
    img[BZ_BOOT_FLAG + 1] = 0xaa;
    img[0x201] = 0x62;
    memcpy(img + BZ_HEADER_MAGIC, "HdrS", 4);
    img[BZ_VERSION] = version & 0xff;
    img[BZ_VERSION + 1] = version >> 8;
    img[BZ_LOADFLAGS] = BZ_LOADED_HIGH;
    img[BZ_RELOCATABLE] = 1;
    img[BZ_XLOADFLAGS] = BZ_XLF_KERNEL_64;
    img[BZ_INITRD_ADDR_MAX + 3] = 0x7f;
    img[BZ_INITRD_ADDR_MAX] = 0xff;
    img[BZ_INITRD_ADDR_MAX + 1] = 0xff;
    img[BZ_INITRD_ADDR_MAX + 2] = 0xff;
    img[BZ_CMDLINE_SIZE] = 0xff;
    img[BZ_INIT_SIZE + 2] = 0x10;   /* 1 MiB */
    *len = 4096;
    return img;
}

static void
test_bzimage(void)
{
    size_t len;
    g_autofree uint8_t *img = make_bzimage(&len, 0x20f);
    BzImageInfo info;

    g_assert_cmpint(bzimage_parse(img, len, &info), ==, 0);
    g_assert_cmphex(info.load_addr, ==, LAYOUT_KERNEL_ADDR);
    g_assert_cmphex(info.entry64, ==, LAYOUT_KERNEL_ADDR + 0x200);
    g_assert_cmpuint(info.setup_size, ==, 1024);
    g_assert_cmpuint(info.init_size, ==, 1 << 20);
    img[BZ_XLOADFLAGS] = 0;
    g_assert_cmpint(bzimage_parse(img, len, &info), ==, -ENOTSUP);
    img[BZ_XLOADFLAGS] = 1;
    img[BZ_VERSION] = 0x05;
    g_assert_cmpint(bzimage_parse(img, len, &info), ==, -ENOTSUP);
    img[BZ_VERSION] = 0x0f;
    img[BZ_BOOT_FLAG] = 0;
    g_assert_cmpint(bzimage_parse(img, len, &info), ==, -ENOEXEC);
    img[BZ_BOOT_FLAG] = 0x55;
    img[BZ_HEADER_MAGIC] = 'X';
    g_assert_cmpint(bzimage_parse(img, len, &info), ==, -ENOEXEC);
    g_assert_cmpint(bzimage_parse(img, 100, &info), ==, -ENOEXEC);
}

static uint64_t
e820_ram(const E820Entry *e, unsigned int n)
{
    uint64_t sum = 0;

    for (unsigned int i = 0; i < n; i++) {
        if (e[i].type == E820_RAM)
            sum += e[i].size;
        for (unsigned int j = 0; j < i; j++)
            g_assert_true(e[j].addr + e[j].size <= e[i].addr);     /* sorted, disjoint */
    }
    return sum;
}

static void
test_e820(void)
{
    E820Entry e[E820_MAX];
    unsigned int n;

    n = boot_e820_build(64ULL << 20, e, E820_MAX);
    g_assert_cmpuint(n, ==, 5);
    g_assert_cmphex(e[0].addr, ==, 0);
    g_assert_cmphex(e[0].size, ==, LAYOUT_EBDA_ADDR);
    g_assert_cmpuint(e[1].type, ==, E820_RESERVED);
    g_assert_cmphex(e[3].addr, ==, 1 << 20);
    g_assert_cmphex(e820_ram(e, n), ==, (64ULL << 20) - (1 << 20) + LAYOUT_EBDA_ADDR);
    n = boot_e820_build(5ULL << 30, e, E820_MAX);
    g_assert_cmpuint(n, ==, 6);
    g_assert_cmphex(e[5].addr, ==, LAYOUT_HIGH_RAM_START);
    g_assert_cmphex(e[5].size, ==, (5ULL << 30) - LAYOUT_MMIO_HOLE_START);
    g_assert_cmphex(e820_ram(e, n), ==, (5ULL << 30) - (1 << 20) + LAYOUT_EBDA_ADDR);
}

static void
test_boot_params(void)
{
    size_t len;
    g_autofree uint8_t *img = make_bzimage(&len, 0x20f);
    g_autofree uint8_t *zp = g_malloc0(BP_SIZE);
    BzImageInfo info;
    E820Entry e[E820_MAX];
    BootParamsConfig cfg = { 0 };
    uint64_t initrd;

    g_assert_cmpint(bzimage_parse(img, len, &info), ==, 0);
    initrd = boot_initrd_addr(&info, 64 << 20, 3 << 20);
    g_assert_cmphex(initrd, ==, (64 << 20) - (3 << 20));
    g_assert_cmphex(boot_initrd_addr(&info, 64 << 20, 63 << 20), ==, 0);
    cfg.cmdline_addr = LAYOUT_CMDLINE_ADDR;
    cfg.cmdline_len = 5;
    cfg.initrd_addr = initrd;
    cfg.initrd_size = 3 << 20;
    cfg.rsdp_addr = LAYOUT_ACPI_ADDR;
    cfg.e820 = e;
    cfg.e820_n = boot_e820_build(64 << 20, e, E820_MAX);
    boot_params_build(zp, img, &info, &cfg);
    g_assert_cmpuint(zp[BZ_TYPE_OF_LOADER], ==, 0xff);
    g_assert_true(zp[BZ_LOADFLAGS] & BZ_CAN_USE_HEAP);
    g_assert_cmpmem(zp + BZ_HEADER_MAGIC, 4, "HdrS", 4);
    g_assert_cmphex(rd32(zp + BZ_CMD_LINE_PTR), ==, LAYOUT_CMDLINE_ADDR);
    g_assert_cmphex(rd32(zp + BZ_RAMDISK_IMAGE), ==, initrd);
    g_assert_cmphex(rd32(zp + BZ_RAMDISK_SIZE), ==, 3 << 20);
    g_assert_cmphex(rd64(zp + BP_ACPI_RSDP_ADDR), ==, LAYOUT_ACPI_ADDR);
    g_assert_cmpuint(zp[BP_E820_ENTRIES], ==, cfg.e820_n);
    g_assert_cmphex(rd64(zp + BP_E820_TABLE + 3 * 20), ==, 1 << 20);
    g_assert_cmpuint(rd32(zp + BP_E820_TABLE + 3 * 20 + 16), ==, E820_RAM);
}

/* ---- ACPI ---- */

static const uint8_t *
acpi_find(const GByteArray *blob, const char *sig)
{
    const uint8_t *xsdt = blob->data + (rd64(blob->data + 24) - LAYOUT_ACPI_ADDR);
    uint32_t n = (rd32(xsdt + 4) - 36) / 8;

    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *t = blob->data + (rd64(xsdt + 36 + 8 * i) - LAYOUT_ACPI_ADDR);
        if (!memcmp(t, sig, 4))
            return t;
    }
    return NULL;
}

static void
test_acpi(void)
{
    uint32_t ids[4] = { 0, 1, 2, 4 };
    AcpiConfig cfg = { .nvcpus = 4, .apic_ids = ids };
    g_autoptr(GByteArray) blob = acpi_tables_build(&cfg, LAYOUT_ACPI_ADDR);
    const uint8_t *xsdt, *fadt, *madt, *dsdt, *mcfg;
    unsigned int lapics = 0;

    g_assert_nonnull(blob);
    g_assert_cmpuint(blob->len, <=, LAYOUT_ACPI_SIZE);
    g_assert_cmpmem(blob->data, 8, "RSD PTR ", 8);
    g_assert_cmpuint(acpi_checksum(blob->data, 20), ==, 0);
    g_assert_cmpuint(acpi_checksum(blob->data, 36), ==, 0);
    g_assert_cmpuint(blob->data[15], ==, 2);
    xsdt = blob->data + (rd64(blob->data + 24) - LAYOUT_ACPI_ADDR);
    g_assert_cmpmem(xsdt, 4, "XSDT", 4);
    g_assert_cmpuint(acpi_checksum(xsdt, rd32(xsdt + 4)), ==, 0);
    fadt = acpi_find(blob, "FACP");
    madt = acpi_find(blob, "APIC");
    mcfg = acpi_find(blob, "MCFG");
    g_assert_nonnull(fadt);
    g_assert_nonnull(madt);
    g_assert_nonnull(mcfg);
    g_assert_cmpuint(acpi_checksum(fadt, rd32(fadt + 4)), ==, 0);
    g_assert_cmpuint(acpi_checksum(madt, rd32(madt + 4)), ==, 0);
    g_assert_cmpuint(acpi_checksum(mcfg, rd32(mcfg + 4)), ==, 0);
    /* FADT: PM blocks, SCI, power button as fixed feature. */
    g_assert_cmpuint(fadt[46], ==, LAYOUT_IRQ_ACPI_SCI);
    g_assert_cmphex(rd32(fadt + 56), ==, LAYOUT_PIO_ACPI_PM1A_EVT);
    g_assert_cmphex(rd32(fadt + 64), ==, LAYOUT_PIO_ACPI_PM1A_CNT);
    g_assert_cmphex(rd32(fadt + 76), ==, LAYOUT_PIO_ACPI_PM_TMR);
    g_assert_false(rd32(fadt + 112) & (1 << 4));
    dsdt = blob->data + (rd64(fadt + 140) - LAYOUT_ACPI_ADDR);
    g_assert_cmpmem(dsdt, 4, "DSDT", 4);
    g_assert_cmpuint(acpi_checksum(dsdt, rd32(dsdt + 4)), ==, 0);
    g_assert_nonnull(memmem(dsdt, rd32(dsdt + 4), "_S5_", 4));
    g_assert_nonnull(memmem(dsdt, rd32(dsdt + 4), "PCI0", 4));
    g_assert_nonnull(memmem(dsdt, rd32(dsdt + 4), "COM1", 4));
    /* MADT: one enabled LAPIC per vCPU with its APIC id, one IOAPIC. */
    for (uint32_t off = 44; off < rd32(madt + 4); off += madt[off + 1]) {
        g_assert_cmpuint(madt[off + 1], >, 0);
        if (madt[off] == 0) {
            g_assert_cmpuint(madt[off + 3], ==, ids[lapics]);
            g_assert_cmpuint(rd32(madt + off + 4) & 1, ==, 1);
            lapics++;
        } else if (madt[off] == 1) {
            g_assert_cmphex(rd32(madt + off + 4), ==, LAYOUT_IOAPIC_ADDR);
        }
    }
    g_assert_cmpuint(lapics, ==, 4);
    g_assert_cmphex(rd64(mcfg + 44), ==, LAYOUT_PCI_MMCONFIG_START);
}

static void
test_aml(void)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GByteArray) body = g_byte_array_new();
    static const uint8_t op = 0x10;

    g_assert_cmphex(aml_eisaid("PNP0A03"), ==, 0x030ad041);
    g_byte_array_set_size(body, 100);
    aml_append_pkg(out, &op, 1, body);
    /* 2-byte PkgLength: 100 + 2 = 0x66 -> 0x46 0x06 */
    g_assert_cmphex(out->data[1], ==, 0x46);
    g_assert_cmphex(out->data[2], ==, 0x06);
    g_assert_cmpuint(out->len, ==, 103);
    g_byte_array_set_size(out, 0);
    aml_name_string(out, "\\_SB.PCI0");
    g_assert_cmpmem(out->data, out->len, "\\\x2e_SB_PCI0", 10);
}

/* ---- CPUID ---- */

static void
test_cpuid(void)
{
    struct kvm_cpuid_entry2 sup[6];
    VmTopology t = { 2, 2, 2 };
    g_autofree struct kvm_cpuid2 *c = NULL;
    struct kvm_cpuid_entry2 *e;

    memset(sup, 0, sizeof(sup));
    sup[0].function = 0;
    sup[0].eax = 0xd;
    sup[1].function = 1;
    sup[1].ebx = 0x00ff0800;
    sup[1].ecx = 1 << 3;
    sup[2].function = 4;
    sup[2].flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
    sup[2].eax = 0x3fU | (3U << 5) | (0x3fU << 26);
    sup[3].function = 0xb;
    sup[3].flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
    sup[3].ebx = 99;
    sup[4].function = 0xa;
    sup[4].eax = 0x07300402;
    sup[5].function = 0x40000001;
    sup[5].eax = 0x1234;

    g_assert_cmpuint(cpuid_apic_id(&t, 0), ==, 0);
    g_assert_cmpuint(cpuid_apic_id(&t, 1), ==, 1);
    g_assert_cmpuint(cpuid_apic_id(&t, 2), ==, 2);
    g_assert_cmpuint(cpuid_apic_id(&t, 5), ==, 5);
    {
        VmTopology t3 = { 1, 3, 1 };
        g_assert_cmpuint(cpuid_apic_id(&t3, 2), ==, 2);
        VmTopology t2 = { 2, 3, 1 };
        g_assert_cmpuint(cpuid_apic_id(&t2, 3), ==, 4);  /* socket 1 starts at 4 */
    }
    c = cpuid_build(sup, 6, &t, 5);
    e = cpuid_find(c, 1, 0);
    g_assert_nonnull(e);
    g_assert_cmpuint(e->ebx >> 24, ==, 5);
    g_assert_cmpuint((e->ebx >> 16) & 0xff, ==, 4);
    g_assert_true(e->ecx & (1U << 31));
    g_assert_false(e->ecx & (1U << 3));
    g_assert_true(e->edx & (1U << 28));
    e = cpuid_find(c, 4, 0);
    g_assert_cmpuint(e->eax >> 26, ==, 1);               /* cores - 1 */
    g_assert_cmpuint((e->eax >> 14) & 0xfff, ==, 3);     /* L3 shared by 4 */
    e = cpuid_find(c, 0xb, 0);
    g_assert_cmpuint(e->eax, ==, 1);
    g_assert_cmpuint(e->ebx, ==, 2);
    g_assert_cmpuint(e->edx, ==, 5);
    e = cpuid_find(c, 0xb, 1);
    g_assert_cmpuint(e->eax, ==, 2);
    g_assert_cmpuint(e->ebx, ==, 4);
    g_assert_cmpuint((e->ecx >> 8) & 0xff, ==, 2);
    e = cpuid_find(c, 0xb, 2);
    g_assert_cmpuint((e->ecx >> 8) & 0xff, ==, 0);
    e = cpuid_find(c, 0xa, 0);
    g_assert_cmpuint(e->eax, ==, 0);
    e = cpuid_find(c, 0x40000000, 0);
    g_assert_nonnull(e);
    g_assert_cmpmem(&e->ebx, 4, "KVMK", 4);
    g_assert_cmpmem(&e->ecx, 4, "VMKV", 4);
    g_assert_cmpuint(e->eax, ==, 0x40000001);
    e = cpuid_find(c, 0x40000001, 0);
    g_assert_cmphex(e->eax, ==, 0x1234);
}

/* ---- control ---- */

static void
test_control_parse(void)
{
    ControlRequest req;
    json_object *err = NULL;
    const char *ok = "{\"execute\":\"system-powerdown\",\"id\":42}";
    const char *bad[] = {
        "", "{", "{\"execute\":1}", "{\"execute\":\"stop\",\"foo\":1}",
        "{\"execute\":\"frob\"}", "{\"execute\":\"stop\",\"arguments\":[]}",
        "{\"execute\":\"stop\"} {}",
    };

    g_assert_cmpint(control_request_parse(ok, strlen(ok), &req, &err), ==, 0);
    g_assert_cmpint(req.cmd, ==, CONTROL_CMD_SYSTEM_POWERDOWN);
    g_assert_cmpint(json_object_get_int(req.id), ==, 42);
    control_request_clear(&req);
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        err = NULL;
        g_assert_cmpint(control_request_parse(bad[i], strlen(bad[i]), &req, &err), ==, -1);
        g_assert_nonnull(err);
        json_object_put(err);
    }
}

/* ---- devices (no VM: IRQ lines are not driven) ---- */

static VmRequest last_request;

static void
record_request(void *opaque, VmRequest req, const char *detail)
{
    last_request = req;
}

static DeviceEnv test_env = { .vm = NULL, .request = record_request };

static uint8_t
pio_read(IoHandler h, Device *dev, uint64_t off)
{
    uint8_t v = 0xff;

    h(dev, off, &v, 1, false);
    return v;
}

static void
pio_write(IoHandler h, Device *dev, uint64_t off, uint8_t v)
{
    h(dev, off, &v, 1, true);
}

static void
test_serial(void)
{
    Device *dev = serial_create(&test_env, "s", LAYOUT_PIO_COM1, LAYOUT_IRQ_COM1, NULL);

    device_reset(dev);
    g_assert_cmphex(pio_read(serial_io, dev, 5), ==, 0x60);     /* THRE|TEMT */
    g_assert_cmphex(pio_read(serial_io, dev, 2) & 0x0f, ==, 0x01);
    pio_write(serial_io, dev, 7, 0xa5);
    g_assert_cmphex(pio_read(serial_io, dev, 7), ==, 0xa5);
    pio_write(serial_io, dev, 3, 0x80);                          /* DLAB */
    pio_write(serial_io, dev, 0, 0x01);
    pio_write(serial_io, dev, 1, 0x00);
    g_assert_cmphex(pio_read(serial_io, dev, 0), ==, 0x01);
    pio_write(serial_io, dev, 3, 0x03);
    pio_write(serial_io, dev, 1, 0x03);                          /* RDI|THRI */
    g_assert_cmphex(pio_read(serial_io, dev, 2) & 0x0f, ==, 0x02); /* THRE pending */
    g_assert_cmphex(pio_read(serial_io, dev, 2) & 0x0f, ==, 0x01); /* cleared by IIR read */
    pio_write(serial_io, dev, 4, 0x10);                          /* loopback */
    pio_write(serial_io, dev, 0, 'x');
    g_assert_cmphex(pio_read(serial_io, dev, 5) & 1, ==, 1);
    g_assert_cmphex(pio_read(serial_io, dev, 2) & 0x0f, ==, 0x04); /* RX data */
    g_assert_cmphex(pio_read(serial_io, dev, 0), ==, 'x');
    g_assert_cmphex(pio_read(serial_io, dev, 5) & 1, ==, 0);
    for (int i = 0; i < 20; i++)
        pio_write(serial_io, dev, 0, (uint8_t)i);
    g_assert_cmphex(pio_read(serial_io, dev, 5) & 0x02, ==, 0x02); /* overrun */
    g_assert_cmphex(pio_read(serial_io, dev, 8), ==, 0xff);        /* out of range: ignored */
    {
        g_autoptr(GByteArray) st = g_byte_array_new();
        g_assert_cmpint(device_save(dev, st), ==, 0);
        g_assert_cmpint(device_load(dev, st->data, st->len), ==, 0);
        g_assert_cmpint(device_load(dev, st->data, st->len - 1), ==, -EINVAL);
    }
    device_free(dev);
}

static void
test_rtc(void)
{
    Device *dev = rtc_create(&test_env, "rtc", 5ULL << 30, 2);
    uint8_t sec_bcd, sec_bin;

    device_reset(dev);
    pio_write(rtc_io, dev, 0, 0x0b);
    g_assert_cmphex(pio_read(rtc_io, dev, 1), ==, 0x02);
    pio_write(rtc_io, dev, 0, 0x0d);
    g_assert_cmphex(pio_read(rtc_io, dev, 1), ==, 0x80);
    pio_write(rtc_io, dev, 0, 0x00);
    sec_bcd = pio_read(rtc_io, dev, 1);
    g_assert_cmpuint(sec_bcd & 0xf, <=, 9);
    pio_write(rtc_io, dev, 0, 0x0b);
    pio_write(rtc_io, dev, 1, 0x06);                 /* binary, 24h */
    pio_write(rtc_io, dev, 0, 0x00);
    sec_bin = pio_read(rtc_io, dev, 1);
    g_assert_cmpuint(sec_bin, <, 60);
    /* Set the year to 2042 and read it back. */
    pio_write(rtc_io, dev, 0, 0x09);
    pio_write(rtc_io, dev, 1, 42);
    g_assert_cmpuint(pio_read(rtc_io, dev, 1), ==, 42);
    /* Memory above 4 GiB in 64 KiB units: 2 GiB -> 0x8000. */
    pio_write(rtc_io, dev, 0, 0x5c);
    g_assert_cmphex(pio_read(rtc_io, dev, 1), ==, 0x80);
    pio_write(rtc_io, dev, 0, 0x5f);
    g_assert_cmphex(pio_read(rtc_io, dev, 1), ==, 1);
    device_free(dev);
}

static void
test_acpi_pm(void)
{
    Device *dev = acpi_pm_create(&test_env, "pm");
    uint8_t v[4];
    uint32_t t1, t2;

    device_reset(dev);
    acpi_pm_io(dev, 4, v, 2, false);
    g_assert_cmphex(v[0] & 1, ==, 1);                /* SCI_EN */
    v[0] = 0x00;
    v[1] = 0x01;
    acpi_pm_io(dev, 2, v, 2, true);                  /* PWRBTN_EN */
    g_assert_true(acpi_pm_power_button_enabled(dev));
    acpi_pm_power_button(dev);
    acpi_pm_io(dev, 0, v, 2, false);
    g_assert_cmphex(v[1] & 1, ==, 1);                /* PWRBTN_STS */
    v[0] = 0;
    v[1] = 1;
    acpi_pm_io(dev, 0, v, 2, true);                  /* write 1 to clear */
    acpi_pm_io(dev, 0, v, 2, false);
    g_assert_cmphex(v[1] & 1, ==, 0);
    acpi_pm_io(dev, 8, v, 4, false);
    t1 = rd32(v);
    g_usleep(2000);
    acpi_pm_io(dev, 8, v, 4, false);
    t2 = rd32(v);
    g_assert_cmpuint(t2 - t1, >=, 7000);             /* 3.58 MHz * 2 ms */
    last_request = VM_REQUEST_NONE;
    v[0] = 0x00;
    v[1] = 0x14;                                     /* SLP_TYP=5, no SLP_EN */
    acpi_pm_io(dev, 4, v, 2, true);
    g_assert_cmpint(last_request, ==, VM_REQUEST_NONE);
    v[1] = 0x34;                                     /* SLP_EN */
    acpi_pm_io(dev, 4, v, 2, true);
    g_assert_cmpint(last_request, ==, VM_REQUEST_SHUTDOWN);
    device_free(dev);
}

static void
test_i8042(void)
{
    Device *dev = i8042_create(&test_env, "kbd");

    device_reset(dev);
    pio_write(i8042_io, dev, 4, 0xaa);
    g_assert_cmphex(pio_read(i8042_io, dev, 4) & 1, ==, 1);
    g_assert_cmphex(pio_read(i8042_io, dev, 0), ==, 0x55);
    last_request = VM_REQUEST_NONE;
    pio_write(i8042_io, dev, 4, 0xfe);
    g_assert_cmpint(last_request, ==, VM_REQUEST_RESET);
    last_request = VM_REQUEST_NONE;
    pio_write(i8042_io, dev, 4, 0xd1);
    pio_write(i8042_io, dev, 0, 0x01);
    g_assert_cmpint(last_request, ==, VM_REQUEST_NONE);
    pio_write(i8042_io, dev, 4, 0xd1);
    pio_write(i8042_io, dev, 0, 0x00);
    g_assert_cmpint(last_request, ==, VM_REQUEST_RESET);
    device_free(dev);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hv/launch/full", test_launch_full);
    g_test_add_func("/hv/launch/defaults", test_launch_defaults);
    g_test_add_func("/hv/launch/errors", test_launch_errors);
    g_test_add_func("/hv/boot/bzimage", test_bzimage);
    g_test_add_func("/hv/boot/e820", test_e820);
    g_test_add_func("/hv/boot/boot-params", test_boot_params);
    g_test_add_func("/hv/boot/acpi", test_acpi);
    g_test_add_func("/hv/boot/aml", test_aml);
    g_test_add_func("/hv/cpuid", test_cpuid);
    g_test_add_func("/hv/control/parse", test_control_parse);
    g_test_add_func("/hv/devices/serial", test_serial);
    g_test_add_func("/hv/devices/rtc", test_rtc);
    g_test_add_func("/hv/devices/acpi-pm", test_acpi_pm);
    g_test_add_func("/hv/devices/i8042", test_i8042);
    return g_test_run();
}
