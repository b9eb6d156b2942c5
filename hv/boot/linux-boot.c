/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Linux boot protocol loader; see linux-boot.h. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "hv/boot/boot-params.h"
#include "hv/boot/linux-boot.h"
#include "hv/boot/page-tables.h"
#include "hv/core/layout.h"
#include "util/i18n.h"

/* The whole image from @fd (closed) or @path into *data.  -errno + *err. */
static int
linux_boot_read(const char *what, const char *path, int fd, uint8_t **data,
                size_t *len, char **err)
{
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GByteArray) buf = NULL;
    guint8 chunk[65536];
    ssize_t n;

    if (fd < 0) {
        gchar *d = NULL;
        gsize l = 0;

        if (!g_file_get_contents(path, &d, &l, &gerr)) {
            *err = g_strdup_printf(_("cannot read %1$s: %2$s"), what, gerr->message);
            return -ENOENT;
        }
        *data = (uint8_t *) d;
        *len = l;
        return 0;
    }
    buf = g_byte_array_new();
    while ((n = pread(fd, chunk, sizeof(chunk), (off_t) buf->len)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;

            *err = g_strdup_printf(_("cannot read %1$s from fd %2$d: %3$s"), what, fd,
                                   g_strerror(e));
            close(fd);
            return -e;
        }
        g_byte_array_append(buf, chunk, (guint) n);
    }
    close(fd);
    *len = buf->len;
    *data = g_byte_array_free(g_steal_pointer(&buf), FALSE);
    return 0;
}

int
linux_boot_prepare(LinuxBoot *lb, const char *kernel, int kernel_fd,
                   const char *initrd, int initrd_fd, const char *cmdline, char **err)
{
    g_autofree char *kname = kernel_fd >= 0 ? g_strdup_printf("fd %d", kernel_fd)
                                            : g_strdup(kernel);
    int r;

    memset(lb, 0, sizeof(*lb));
    r = linux_boot_read(_("kernel"), kernel, kernel_fd, &lb->kernel, &lb->kernel_len, err);
    if (r < 0) {
        if (initrd_fd >= 0)
            close(initrd_fd);
        return r;
    }
    r = bzimage_parse(lb->kernel, lb->kernel_len, &lb->info);
    if (r < 0) {
        *err = g_strdup_printf(_("%1$s is not a usable bzImage (%2$s)"), kname,
                               r == -ENOTSUP ? _("boot protocol older than 2.06 or no 64-bit entry")
                                             : _("bad setup header"));
        if (initrd_fd >= 0)
            close(initrd_fd);
        return r;
    }
    if (initrd || initrd_fd >= 0) {
        r = linux_boot_read(_("initrd"), initrd, initrd_fd, &lb->initrd, &lb->initrd_len, err);
        if (r < 0)
            return r;
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
