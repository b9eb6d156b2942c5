/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Linux boot protocol loader; see linux-boot.h. */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "hv/boot/boot-params.h"
#include "hv/boot/linux-boot.h"
#include "hv/boot/page-tables.h"
#include "hv/core/layout.h"
#include "util/i18n.h"

int
linux_boot_prepare(LinuxBoot *lb, const char *kernel, const char *initrd,
                   const char *cmdline, char **err)
{
    g_autoptr(GError) gerr = NULL;
    gchar *data = NULL;
    gsize len = 0;
    int r;

    memset(lb, 0, sizeof(*lb));
    if (!g_file_get_contents(kernel, &data, &len, &gerr)) {
        *err = g_strdup_printf(_("cannot read kernel: %1$s"), gerr->message);
        return -ENOENT;
    }
    lb->kernel = (uint8_t *)data;
    lb->kernel_len = len;
    r = bzimage_parse(lb->kernel, lb->kernel_len, &lb->info);
    if (r < 0) {
        *err = g_strdup_printf(_("%1$s is not a usable bzImage (%2$s)"), kernel,
                               r == -ENOTSUP ? _("boot protocol older than 2.06 or no 64-bit entry")
                                             : _("bad setup header"));
        return r;
    }
    if (initrd) {
        if (!g_file_get_contents(initrd, &data, &len, &gerr)) {
            *err = g_strdup_printf(_("cannot read initrd: %1$s"), gerr->message);
            return -ENOENT;
        }
        lb->initrd = (uint8_t *)data;
        lb->initrd_len = len;
    }
    lb->cmdline = g_strdup(cmdline ? cmdline : "");
    if (strlen(lb->cmdline) > lb->info.cmdline_size ||
        strlen(lb->cmdline) >= LAYOUT_CMDLINE_MAX) {
        *err = g_strdup(_("the kernel command line is longer than the kernel accepts"));
        return -E2BIG;
    }
    return 0;
}

void
linux_boot_clear(LinuxBoot *lb)
{
    g_free(lb->kernel);
    g_free(lb->initrd);
    g_free(lb->cmdline);
    memset(lb, 0, sizeof(*lb));
}

static int
linux_boot_acpi(Vm *vm, const AcpiConfig *acpi)
{
    g_autoptr(GByteArray) blob = acpi_tables_build(acpi, LAYOUT_ACPI_ADDR);

    if (!blob)
        return -E2BIG;
    return guest_memory_write(&vm->mem, LAYOUT_ACPI_ADDR, blob->data, blob->len);
}

int
linux_boot_load(const LinuxBoot *lb, Vm *vm, const AcpiConfig *acpi)
{
    uint64_t low_end = vm_memory_low_size(vm->ram_size);
    E820Entry e820[E820_MAX];
    BootParamsConfig cfg = { 0 };
    g_autofree uint8_t *zp = g_malloc0(BP_SIZE);
    int r;

    r = bzimage_load(&vm->mem, lb->kernel, lb->kernel_len, &lb->info, low_end);
    if (r < 0)
        return r;
    if (lb->initrd_len) {
        cfg.initrd_addr = boot_initrd_addr(&lb->info, low_end, lb->initrd_len);
        if (!cfg.initrd_addr)
            return -ENOSPC;
        cfg.initrd_size = lb->initrd_len;
        r = guest_memory_write(&vm->mem, cfg.initrd_addr, lb->initrd, lb->initrd_len);
        if (r < 0)
            return r;
    }
    cfg.cmdline_addr = LAYOUT_CMDLINE_ADDR;
    cfg.cmdline_len = (uint32_t)strlen(lb->cmdline);
    r = guest_memory_write(&vm->mem, LAYOUT_CMDLINE_ADDR, lb->cmdline, cfg.cmdline_len + 1);
    if (r == 0)
        r = linux_boot_acpi(vm, acpi);
    if (r < 0)
        return r;
    cfg.rsdp_addr = LAYOUT_ACPI_ADDR;
    cfg.e820 = e820;
    cfg.e820_n = boot_e820_build(vm->ram_size, e820, E820_MAX);
    boot_params_build(zp, lb->kernel, &lb->info, &cfg);
    r = guest_memory_write(&vm->mem, LAYOUT_BOOT_PARAMS_ADDR, zp, BP_SIZE);
    if (r == 0)
        r = boot_page_tables_write(&vm->mem);
    if (r == 0)
        r = boot_vcpu_setup(vcpu_fd(vm->vcpus[0]), lb->info.entry64, LAYOUT_BOOT_PARAMS_ADDR);
    return r;
}
