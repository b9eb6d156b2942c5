/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host sysinfo document (virConnectGetSysinfo): SMBIOS sections, each a
 * list of named entries, formatted as <sysinfo type='smbios'>.
 */
#pragma once

#include <glib.h>

typedef struct {
    char *name;                     /* bios, system, baseBoard, chassis ... */
    GPtrArray *keys;                /* char * */
    GPtrArray *values;              /* char * */
} SysinfoSection;

typedef struct {
    GPtrArray *sections;            /* SysinfoSection */
} Sysinfo;

Sysinfo *sysinfo_new(void);
void sysinfo_free(Sysinfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Sysinfo, sysinfo_free)

SysinfoSection *sysinfo_add_section(Sysinfo *info, const char *name);
void sysinfo_section_add(SysinfoSection *sec, const char *key,
                         const char *value);

/* Empty sections are skipped; NULL with an error reported on failure. */
char *sysinfo_format(const Sysinfo *info);
