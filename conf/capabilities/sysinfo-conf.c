/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "conf/capabilities/sysinfo-conf.h"
#include "conf/capabilities/xml-writer.h"
#include "util/error.h"

static void
sysinfo_section_free(gpointer p)
{
    SysinfoSection *sec = p;

    if (!sec)
        return;
    g_free(sec->name);
    g_ptr_array_unref(sec->keys);
    g_ptr_array_unref(sec->values);
    g_free(sec);
}

Sysinfo *
sysinfo_new(void)
{
    Sysinfo *info = g_new0(Sysinfo, 1);

    info->sections = g_ptr_array_new_with_free_func(sysinfo_section_free);
    return info;
}

void
sysinfo_free(Sysinfo *info)
{
    if (!info)
        return;
    g_ptr_array_unref(info->sections);
    g_free(info);
}

SysinfoSection *
sysinfo_add_section(Sysinfo *info, const char *name)
{
    SysinfoSection *sec = g_new0(SysinfoSection, 1);

    sec->name = g_strdup(name);
    sec->keys = g_ptr_array_new_with_free_func(g_free);
    sec->values = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(info->sections, sec);
    return sec;
}

void
sysinfo_section_add(SysinfoSection *sec, const char *key, const char *value)
{
    g_ptr_array_add(sec->keys, g_strdup(key));
    g_ptr_array_add(sec->values, g_strdup(value));
}

char *
sysinfo_format(const Sysinfo *info)
{
    g_autoptr(XmlWriter) w = xml_writer_new();
    guint i, j;

    xml_writer_start(w, "sysinfo");
    xml_writer_attr(w, "type", "smbios");
    for (i = 0; i < info->sections->len; i++) {
        const SysinfoSection *sec = g_ptr_array_index(info->sections, i);

        if (sec->keys->len == 0)
            continue;
        xml_writer_start(w, sec->name);
        for (j = 0; j < sec->keys->len; j++) {
            xml_writer_start(w, "entry");
            xml_writer_attr(w, "name", g_ptr_array_index(sec->keys, j));
            xml_writer_text(w, g_ptr_array_index(sec->values, j));
            xml_writer_end(w);
        }
        xml_writer_end(w);
    }
    xml_writer_end(w);
    return xml_writer_finish(w, VK_FROM_SYSINFO);
}
