/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Writes the machine's ACPI tables (for NVCPUS vCPUs) as DIR/<SIG>.dat for iasl. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/boot/acpi-tables.h"
#include "hv/core/layout.h"

static uint32_t
rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int
dump(const char *dir, const uint8_t *t)
{
    g_autofree char *path = g_strdup_printf("%s/%.4s.dat", dir, (const char *)t);

    return g_file_set_contents(path, (const char *)t, rd32(t + 4), NULL) ? 0 : 1;
}

int
main(int argc, char **argv)
{
    uint32_t ids[255];
    AcpiConfig cfg = { .apic_ids = ids, .pvpanic = true };
    g_autoptr(GByteArray) blob = NULL;
    const uint8_t *xsdt, *fadt;
    int r = 0;

    if (argc != 3)
        return 2;
    cfg.nvcpus = (unsigned int)atoi(argv[2]);
    for (unsigned int i = 0; i < 255; i++)
        ids[i] = i;
    blob = acpi_tables_build(&cfg, LAYOUT_ACPI_ADDR);
    if (!blob)
        return 1;
    xsdt = blob->data + (rd32(blob->data + 24) - LAYOUT_ACPI_ADDR);
    r |= dump(argv[1], xsdt);
    for (uint32_t i = 0; i < (rd32(xsdt + 4) - 36) / 8; i++) {
        const uint8_t *t = blob->data + (rd32(xsdt + 36 + 8 * i) - LAYOUT_ACPI_ADDR);

        r |= dump(argv[1], t);
        if (!memcmp(t, "FACP", 4)) {
            fadt = t;
            r |= dump(argv[1], blob->data + (rd32(fadt + 40) - LAYOUT_ACPI_ADDR));
        }
    }
    return r;
}
