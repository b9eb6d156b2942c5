/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Processor (type 4) and memory device (type 17) entries of the host's
 * SMBIOS table (/sys/firmware/dmi/tables/DMI), formatted the way libvirt
 * shows what dmidecode prints.  The table comes from firmware: every read
 * is bounds-checked and a malformed table just ends the walk.
 */
#include <string.h>

#include "conf/capabilities/sysinfo-conf.h"
#include "driver/host/host-priv.h"

#define SMBIOS_TYPE_PROCESSOR 4
#define SMBIOS_TYPE_MEMORY_DEVICE 17
#define SMBIOS_TYPE_END 127

typedef struct {
    const guint8 *data;             /* formatted area, data[1] bytes */
    guint8 length;
    const char *strings;            /* string set after the formatted area */
    gsize strings_len;
} SmbiosStruct;

static guint8
sm_byte(const SmbiosStruct *s, guint off)
{
    return off < s->length ? s->data[off] : 0;
}

static guint16
sm_word(const SmbiosStruct *s, guint off)
{
    return off + 1 < s->length ? (guint16) (s->data[off] | s->data[off + 1] << 8) : 0;
}

static guint32
sm_dword(const SmbiosStruct *s, guint off)
{
    return off + 3 < s->length ?
        (guint32) s->data[off] | (guint32) s->data[off + 1] << 8 |
        (guint32) s->data[off + 2] << 16 | (guint32) s->data[off + 3] << 24 : 0;
}

/* String number @idx (1-based) of the structure, NULL if absent or blank. */
static char *
sm_string(const SmbiosStruct *s, guint off)
{
    guint idx = sm_byte(s, off);
    gsize pos = 0;

    if (idx == 0)
        return NULL;
    while (pos < s->strings_len) {
        gsize len = strnlen(s->strings + pos, s->strings_len - pos);

        if (len == 0)
            return NULL;
        if (--idx == 0) {
            g_autofree char *str = g_strndup(s->strings + pos, len);

            g_strstrip(str);
            if (!*str || !g_utf8_validate(str, -1, NULL))
                return NULL;
            return g_steal_pointer(&str);
        }
        pos += len + 1;
    }
    return NULL;
}

static void
sec_add_string(SysinfoSection *sec, const char *key, const SmbiosStruct *s,
               guint off)
{
    g_autofree char *v = sm_string(s, off);

    if (v)
        sysinfo_section_add(sec, key, v);
}

/* "<v> <unit>": "2600 MHz", "3200 MT/s" */
static void
sec_add_unit(SysinfoSection *sec, const char *key, guint v, const char *unit)
{
    g_autofree char *text = g_strdup_printf("%u %s", v, unit);

    sysinfo_section_add(sec, key, text);
}

static const char *
smbios_processor_type(guint8 v)
{
    static const char *const names[] = {
        NULL, "Other", "Unknown", "Central Processor", "Math Processor",
        "DSP Processor", "Video Processor",
    };

    return v < G_N_ELEMENTS(names) ? names[v] : NULL;
}

static const char *
smbios_processor_family(guint16 v)
{
    switch (v) {
    case 0x01: return "Other";
    case 0x02: return "Unknown";
    case 0x6B: return "Zen";
    case 0x84: return "Opteron";
    case 0xB3: return "Xeon";
    case 0xC6: return "Core i7";
    case 0xCD: return "Core i5";
    case 0xCE: return "Core i3";
    default: return NULL;
    }
}

static void
smbios_add_processor(Sysinfo *info, const SmbiosStruct *s)
{
    SysinfoSection *sec = sysinfo_add_section(info, "processor");
    guint16 family = sm_byte(s, 0x06);
    guint32 eax = sm_dword(s, 0x08);
    guint8 status = sm_byte(s, 0x18);
    static const char *const cpu_status[] = {
        "Unknown", "Enabled", "Disabled By User", "Disabled By BIOS", "Idle",
        NULL, NULL, "Other",
    };
    guint fam, model;

    if (family == 0xFE && s->length > 0x29)
        family = sm_word(s, 0x28);
    sec_add_string(sec, "socket_destination", s, 0x04);
    if (smbios_processor_type(sm_byte(s, 0x05)))
        sysinfo_section_add(sec, "type", smbios_processor_type(sm_byte(s, 0x05)));
    if (smbios_processor_family(family))
        sysinfo_section_add(sec, "family", smbios_processor_family(family));
    sec_add_string(sec, "manufacturer", s, 0x07);
    if (eax) {
        g_autofree char *sig = NULL;

        /* CPUID.1:EAX decoded as dmidecode does for x86 */
        fam = (eax >> 8) & 0xf;
        model = (eax >> 4) & 0xf;
        if (fam == 0xf)
            fam += (eax >> 20) & 0xff;
        if (fam == 0x6 || fam >= 0xf)
            model += ((eax >> 16) & 0xf) << 4;
        sig = g_strdup_printf("Type %u, Family %u, Model %u, Stepping %u",
                              (eax >> 12) & 0x3, fam, model, eax & 0xf);
        sysinfo_section_add(sec, "signature", sig);
    }
    sec_add_string(sec, "version", s, 0x10);
    if (sm_word(s, 0x12))
        sec_add_unit(sec, "external_clock", sm_word(s, 0x12), "MHz");
    if (sm_word(s, 0x14))
        sec_add_unit(sec, "max_speed", sm_word(s, 0x14), "MHz");
    if (s->length > 0x18) {
        g_autofree char *st = !(status & 0x40) ? g_strdup("Unpopulated") :
            g_strdup_printf("Populated, %s", cpu_status[status & 7] ?
                            cpu_status[status & 7] : "Other");

        sysinfo_section_add(sec, "status", st);
    }
    sec_add_string(sec, "serial_number", s, 0x20);
    sec_add_string(sec, "part_number", s, 0x22);
}

static const char *
smbios_form_factor(guint8 v)
{
    static const char *const names[] = {
        NULL, "Other", "Unknown", "SIMM", "SIP", "Chip", "DIP", "ZIP",
        "Proprietary Card", "DIMM", "TSOP", "Row Of Chips", "RIMM", "SODIMM",
        "SRIMM", "FB-DIMM", "Die",
    };

    return v < G_N_ELEMENTS(names) ? names[v] : NULL;
}

static const char *
smbios_memory_type(guint8 v)
{
    switch (v) {
    case 0x01: return "Other";
    case 0x02: return "Unknown";
    case 0x03: return "DRAM";
    case 0x07: return "RAM";
    case 0x0F: return "SDRAM";
    case 0x12: return "DDR";
    case 0x13: return "DDR2";
    case 0x18: return "DDR3";
    case 0x1A: return "DDR4";
    case 0x22: return "DDR5";
    default: return NULL;
    }
}

static char *
smbios_type_detail(guint16 v)
{
    static const char *const names[] = {
        NULL, "Other", "Unknown", "Fast-paged", "Static Column",
        "Pseudo-static", "RAMBus", "Synchronous", "CMOS", "EDO",
        "Window DRAM", "Cache DRAM", "Non-Volatile", "Registered (Buffered)",
        "Unbuffered (Unregistered)", "LRDIMM",
    };
    g_autoptr(GString) out = g_string_new(NULL);
    guint bit;

    for (bit = 1; bit < G_N_ELEMENTS(names); bit++) {
        if (v & (1u << bit))
            g_string_append_printf(out, "%s%s", out->len ? " " : "", names[bit]);
    }
    return out->len ? g_string_free(g_steal_pointer(&out), FALSE) : NULL;
}

/* Size in MiB; 0 for an empty slot or an unknown size. */
static guint64
smbios_memory_size_mib(const SmbiosStruct *s)
{
    guint16 size = sm_word(s, 0x0C);

    if (size == 0 || size == 0xFFFF)
        return 0;
    if (size == 0x7FFF)
        return sm_dword(s, 0x1C) & 0x7FFFFFFF;
    if (size & 0x8000)
        return (size & 0x7FFF) / 1024;      /* KiB granularity */
    return size;
}

static void
smbios_add_memory(Sysinfo *info, const SmbiosStruct *s)
{
    guint64 mib = smbios_memory_size_mib(s);
    SysinfoSection *sec;
    g_autofree char *size = NULL;
    g_autofree char *detail = NULL;

    /* libvirt lists populated slots only */
    if (mib == 0)
        return;
    sec = sysinfo_add_section(info, "memory_device");
    size = mib % 1024 == 0 ?
        g_strdup_printf("%" G_GUINT64_FORMAT " GB", mib / 1024) :
        g_strdup_printf("%" G_GUINT64_FORMAT " MB", mib);
    sysinfo_section_add(sec, "size", size);
    if (smbios_form_factor(sm_byte(s, 0x0E)))
        sysinfo_section_add(sec, "form_factor", smbios_form_factor(sm_byte(s, 0x0E)));
    sec_add_string(sec, "locator", s, 0x10);
    sec_add_string(sec, "bank_locator", s, 0x11);
    if (smbios_memory_type(sm_byte(s, 0x12)))
        sysinfo_section_add(sec, "type", smbios_memory_type(sm_byte(s, 0x12)));
    detail = smbios_type_detail(sm_word(s, 0x13));
    if (detail)
        sysinfo_section_add(sec, "type_detail", detail);
    if (sm_word(s, 0x15))
        sec_add_unit(sec, "speed", sm_word(s, 0x15), "MT/s");
    sec_add_string(sec, "manufacturer", s, 0x17);
    sec_add_string(sec, "serial_number", s, 0x18);
    sec_add_string(sec, "part_number", s, 0x1A);
}

/* Length of the string set at @p (through its double NUL), or 0. */
static gsize
smbios_strings_end(const guint8 *p, gsize avail)
{
    gsize i;

    for (i = 0; i + 1 < avail; i++) {
        if (p[i] == 0 && p[i + 1] == 0)
            return i + 2;
    }
    return 0;
}

guint
host_smbios_parse(const guint8 *data, gsize len, Sysinfo *info)
{
    gsize pos = 0;
    guint count = 0;

    while (pos + 4 <= len) {
        SmbiosStruct s = { data + pos, data[pos + 1], NULL, 0 };
        gsize strs;

        if (s.length < 4 || pos + s.length > len)
            break;
        strs = smbios_strings_end(data + pos + s.length, len - pos - s.length);
        if (strs == 0)
            break;
        s.strings = (const char *) data + pos + s.length;
        s.strings_len = strs;
        if (data[pos] == SMBIOS_TYPE_END)
            break;
        if (data[pos] == SMBIOS_TYPE_PROCESSOR)
            smbios_add_processor(info, &s);
        else if (data[pos] == SMBIOS_TYPE_MEMORY_DEVICE)
            smbios_add_memory(info, &s);
        pos += s.length + strs;
        count++;
    }
    return count;
}
