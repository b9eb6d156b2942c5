/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small ACPI Machine Language encoder: enough of the grammar for a static
 * DSDT (scopes, devices, names, integers, strings, packages, buffers and
 * resource templates).  Every builder appends to a GByteArray.
 */
#pragma once

#include <stdint.h>

#include <glib.h>

/* PkgLength-prefixed body: appends @op, the encoded length of @body, @body. */
void aml_append_pkg(GByteArray *out, const uint8_t *op, size_t oplen, const GByteArray *body);

/* Name segment path: "\\_SB_" / "PCI0" style, 4-char segments joined by '.'. */
void aml_name_string(GByteArray *out, const char *path);

void aml_integer(GByteArray *out, uint64_t v);
void aml_string(GByteArray *out, const char *s);
uint32_t aml_eisaid(const char *id);

/* Name(path, <value already encoded in @value>) */
void aml_name(GByteArray *out, const char *path, const GByteArray *value);
void aml_name_int(GByteArray *out, const char *path, uint64_t v);
void aml_name_eisaid(GByteArray *out, const char *path, const char *id);

/* Scope(path) { body } and Device(path) { body } */
void aml_scope(GByteArray *out, const char *path, const GByteArray *body);
void aml_device(GByteArray *out, const char *path, const GByteArray *body);

/* Package(n) { elements already encoded in @elems } */
void aml_package(GByteArray *out, const GByteArray *elems, unsigned int n);

/* Package(n) { integers } */
void aml_package_ints(GByteArray *out, const uint64_t *v, unsigned int n);

/* Buffer wrapping a resource template; an end tag is added. */
void aml_resource_template(GByteArray *out, const GByteArray *descs);

/* Resource descriptors. */
void aml_res_io(GByteArray *out, uint16_t base, uint8_t len);
void aml_res_irq(GByteArray *out, uint8_t irq);
void aml_res_word_bus(GByteArray *out, uint16_t min, uint16_t max);
void aml_res_word_io(GByteArray *out, uint16_t min, uint16_t max);
void aml_res_dword_mem(GByteArray *out, uint32_t min, uint32_t max);
