/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ACPI tables for the machine: RSDP (v2), XSDT, FADT (+FACS), DSDT, MADT
 * and MCFG, laid out in one blob loaded at LAYOUT_ACPI_ADDR.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

typedef struct {
    unsigned int nvcpus;
    const uint32_t *apic_ids;   /* nvcpus entries */
    bool pvpanic;               /* describe the pvpanic port (QEMU0001) */
} AcpiConfig;

/*
 * Builds the tables as they appear at guest address @base (the RSDP is
 * first).  Returns the blob (never larger than LAYOUT_ACPI_SIZE) or NULL.
 */
GByteArray *acpi_tables_build(const AcpiConfig *cfg, uint64_t base);

/* DSDT AML body (without the table header), exposed for tests. */
GByteArray *acpi_dsdt_body(const AcpiConfig *cfg);

/* 8-bit sum of @len bytes (a valid table sums to 0). */
uint8_t acpi_checksum(const uint8_t *p, size_t len);
