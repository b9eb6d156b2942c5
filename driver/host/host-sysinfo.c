/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Host SMBIOS information from /sys/class/dmi/id and the raw table (no dmidecode). */
#include "conf/capabilities/sysinfo-conf.h"
#include "driver/host/host.h"
#include "driver/host/host-priv.h"

#define DMI_DIR "/sys/class/dmi/id"
#define SMBIOS_TABLE "/sys/firmware/dmi/tables/DMI"

/* libvirt's entry name and the DMI file it comes from, per section. */
typedef struct {
    const char *entry;
    const char *file;
} DmiField;

static const DmiField dmi_bios[] = {
    { "vendor", "bios_vendor" }, { "version", "bios_version" },
    { "date", "bios_date" }, { "release", "bios_release" }, { NULL, NULL },
};

static const DmiField dmi_system[] = {
    { "manufacturer", "sys_vendor" }, { "product", "product_name" },
    { "version", "product_version" }, { "serial", "product_serial" },
    { "uuid", "product_uuid" }, { "sku", "product_sku" },
    { "family", "product_family" }, { NULL, NULL },
};

static const DmiField dmi_board[] = {
    { "manufacturer", "board_vendor" }, { "product", "board_name" },
    { "version", "board_version" }, { "serial", "board_serial" },
    { "asset", "board_asset_tag" }, { NULL, NULL },
};

static const DmiField dmi_chassis[] = {
    { "manufacturer", "chassis_vendor" }, { "version", "chassis_version" },
    { "serial", "chassis_serial" }, { "asset", "chassis_asset_tag" },
    { NULL, NULL },
};

/* Text of a DMI attribute; NULL when absent, unreadable (root-only) or empty. */
static char *
dmi_read(const char *dir, const char *file)
{
    g_autofree char *path = g_build_filename(dir, file, NULL);
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    g_strstrip(text);
    if (!*text || !g_utf8_validate(text, -1, NULL))
        return NULL;
    return g_steal_pointer(&text);
}

static void
sysinfo_fill_section(Sysinfo *info, const char *dir, const char *name,
                     const DmiField *fields)
{
    SysinfoSection *sec = sysinfo_add_section(info, name);

    for (; fields->entry; fields++) {
        g_autofree char *value = dmi_read(dir, fields->file);

        if (value)
            sysinfo_section_add(sec, fields->entry, value);
    }
}

char *
host_sysinfo_format_from(const char *dir, const char *table)
{
    g_autoptr(Sysinfo) info = sysinfo_new();
    g_autofree char *raw = NULL;
    gsize len = 0;

    sysinfo_fill_section(info, dir, "bios", dmi_bios);
    sysinfo_fill_section(info, dir, "system", dmi_system);
    sysinfo_fill_section(info, dir, "baseBoard", dmi_board);
    sysinfo_fill_section(info, dir, "chassis", dmi_chassis);
    /* readable by root only; without it there are no processor entries */
    if (table && g_file_get_contents(table, &raw, &len, NULL))
        host_smbios_parse((const guint8 *) raw, len, info);
    return sysinfo_format(info);
}

char *
host_sysinfo_format(void)
{
    return host_sysinfo_format_from(DMI_DIR, SMBIOS_TABLE);
}
