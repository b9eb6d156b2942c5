/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The SMBIOS table comes from firmware: any bytes must walk safely and
 * still produce a well-formed sysinfo document.
 */
#include <stdint.h>
#include <string.h>

#include <libxml/parser.h>

#include "conf/capabilities/sysinfo-conf.h"
#include "driver/host/host-priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(Sysinfo) info = sysinfo_new();
    g_autofree char *xml = NULL;
    xmlDoc *doc;

    host_smbios_parse(data, size, info);
    xml = sysinfo_format(info);
    if (!xml)
        __builtin_trap();
    doc = xmlReadMemory(xml, (int) strlen(xml), "sysinfo.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        __builtin_trap();
    xmlFreeDoc(doc);
    return 0;
}
