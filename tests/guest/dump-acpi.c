/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Writes the ACPI tables virtkvm-vmm builds (hv/boot/acpi-tables.c) for a
 * one-vCPU machine, as laid out at LAYOUT_ACPI_ADDR, to a file: test-kvm.py
 * loads them so the guest's ACPI parsing is checked against the real tables.
 */
#include <stdio.h>

#include "hv/boot/acpi-tables.h"
#include "hv/core/layout.h"

int
main(int argc, char **argv)
{
    static const uint32_t apic_ids[1] = { 0 };
    AcpiConfig cfg = { .nvcpus = 1, .apic_ids = apic_ids, .pvpanic = false };
    g_autoptr(GByteArray) blob = NULL;
    FILE *f;

    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTPUT\n", argv[0]);
        return 2;
    }
    blob = acpi_tables_build(&cfg, LAYOUT_ACPI_ADDR);
    if (!blob) {
        fprintf(stderr, "acpi_tables_build failed\n");
        return 1;
    }
    f = fopen(argv[1], "wb");
    if (!f || fwrite(blob->data, 1, blob->len, f) != blob->len || fclose(f) != 0) {
        perror(argv[1]);
        return 1;
    }
    return 0;
}
