/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AML encoding (ACPI 6.x, section 20); see aml.h. */
#include <string.h>

#include "hv/boot/aml.h"

#define AML_ZERO_OP      0x00
#define AML_ONE_OP       0x01
#define AML_NAME_OP      0x08
#define AML_BYTE_PREFIX  0x0a
#define AML_WORD_PREFIX  0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_STRING_PREFIX 0x0d
#define AML_QWORD_PREFIX 0x0e
#define AML_SCOPE_OP     0x10
#define AML_BUFFER_OP    0x11
#define AML_PACKAGE_OP   0x12
#define AML_EXT_PREFIX   0x5b
#define AML_DEVICE_OP    0x82
#define AML_DUAL_PREFIX  0x2e
#define AML_MULTI_PREFIX 0x2f
#define AML_ROOT_CHAR    '\\'

static void
put(GByteArray *out, const void *p, size_t n)
{
    g_byte_array_append(out, p, n);
}

static void
put8(GByteArray *out, uint8_t v)
{
    put(out, &v, 1);
}

static void
put16(GByteArray *out, uint16_t v)
{
    put8(out, v & 0xff);
    put8(out, v >> 8);
}

static void
put32(GByteArray *out, uint32_t v)
{
    put16(out, v & 0xffff);
    put16(out, v >> 16);
}

/* PkgLength covers itself plus the body. */
static void
aml_pkg_length(GByteArray *out, size_t body)
{
    size_t total;

    if (body + 1 < 0x40) {
        put8(out, (uint8_t)(body + 1));
        return;
    }
    if (body + 2 < 0x1000) {
        total = body + 2;
        put8(out, 0x40 | (total & 0xf));
        put8(out, (total >> 4) & 0xff);
        return;
    }
    if (body + 3 < 0x100000) {
        total = body + 3;
        put8(out, 0x80 | (total & 0xf));
        put8(out, (total >> 4) & 0xff);
        put8(out, (total >> 12) & 0xff);
        return;
    }
    total = body + 4;
    put8(out, 0xc0 | (total & 0xf));
    put8(out, (total >> 4) & 0xff);
    put8(out, (total >> 12) & 0xff);
    put8(out, (total >> 20) & 0xff);
}

void
aml_append_pkg(GByteArray *out, const uint8_t *op, size_t oplen, const GByteArray *body)
{
    put(out, op, oplen);
    aml_pkg_length(out, body->len);
    put(out, body->data, body->len);
}

static void
aml_name_seg(GByteArray *out, const char *seg, size_t len)
{
    char s[4] = { '_', '_', '_', '_' };

    memcpy(s, seg, len > 4 ? 4 : len);
    put(out, s, 4);
}

void
aml_name_string(GByteArray *out, const char *path)
{
    g_auto(GStrv) segs = NULL;
    unsigned int n;

    if (*path == AML_ROOT_CHAR) {
        put8(out, AML_ROOT_CHAR);
        path++;
    }
    while (*path == '^') {
        put8(out, '^');
        path++;
    }
    segs = g_strsplit(path, ".", -1);
    n = g_strv_length(segs);
    if (n == 0 || (n == 1 && !*segs[0])) {
        put8(out, 0x00);        /* NullName */
        return;
    }
    if (n == 2) {
        put8(out, AML_DUAL_PREFIX);
    } else if (n > 2) {
        put8(out, AML_MULTI_PREFIX);
        put8(out, (uint8_t)n);
    }
    for (unsigned int i = 0; i < n; i++)
        aml_name_seg(out, segs[i], strlen(segs[i]));
}

void
aml_integer(GByteArray *out, uint64_t v)
{
    if (v == 0) {
        put8(out, AML_ZERO_OP);
    } else if (v == 1) {
        put8(out, AML_ONE_OP);
    } else if (v <= 0xff) {
        put8(out, AML_BYTE_PREFIX);
        put8(out, (uint8_t)v);
    } else if (v <= 0xffff) {
        put8(out, AML_WORD_PREFIX);
        put16(out, (uint16_t)v);
    } else if (v <= 0xffffffffULL) {
        put8(out, AML_DWORD_PREFIX);
        put32(out, (uint32_t)v);
    } else {
        put8(out, AML_QWORD_PREFIX);
        put32(out, (uint32_t)v);
        put32(out, (uint32_t)(v >> 32));
    }
}

void
aml_string(GByteArray *out, const char *s)
{
    put8(out, AML_STRING_PREFIX);
    put(out, s, strlen(s) + 1);
}

/* "PNP0A08" -> compressed EISA id, stored little-endian as the spec's
 * byte-swapped big-endian value. */
uint32_t
aml_eisaid(const char *id)
{
    uint32_t v;

    v = (uint32_t)((id[0] - 0x40) & 0x1f) << 26 |
        (uint32_t)((id[1] - 0x40) & 0x1f) << 21 |
        (uint32_t)((id[2] - 0x40) & 0x1f) << 16 |
        (uint32_t)g_ascii_xdigit_value(id[3]) << 12 |
        (uint32_t)g_ascii_xdigit_value(id[4]) << 8 |
        (uint32_t)g_ascii_xdigit_value(id[5]) << 4 |
        (uint32_t)g_ascii_xdigit_value(id[6]);
    return GUINT32_SWAP_LE_BE(v);
}

void
aml_name(GByteArray *out, const char *path, const GByteArray *value)
{
    put8(out, AML_NAME_OP);
    aml_name_string(out, path);
    put(out, value->data, value->len);
}

void
aml_name_int(GByteArray *out, const char *path, uint64_t v)
{
    g_autoptr(GByteArray) val = g_byte_array_new();

    aml_integer(val, v);
    aml_name(out, path, val);
}

void
aml_name_eisaid(GByteArray *out, const char *path, const char *id)
{
    g_autoptr(GByteArray) val = g_byte_array_new();

    put8(val, AML_DWORD_PREFIX);
    put32(val, aml_eisaid(id));
    aml_name(out, path, val);
}

static void
aml_named_block(GByteArray *out, const uint8_t *op, size_t oplen, const char *path,
                const GByteArray *body)
{
    g_autoptr(GByteArray) inner = g_byte_array_new();

    aml_name_string(inner, path);
    put(inner, body->data, body->len);
    aml_append_pkg(out, op, oplen, inner);
}

void
aml_scope(GByteArray *out, const char *path, const GByteArray *body)
{
    static const uint8_t op[] = { AML_SCOPE_OP };

    aml_named_block(out, op, 1, path, body);
}

void
aml_device(GByteArray *out, const char *path, const GByteArray *body)
{
    static const uint8_t op[] = { AML_EXT_PREFIX, AML_DEVICE_OP };

    aml_named_block(out, op, 2, path, body);
}

void
aml_package(GByteArray *out, const GByteArray *elems, unsigned int n)
{
    static const uint8_t op[] = { AML_PACKAGE_OP };
    g_autoptr(GByteArray) body = g_byte_array_new();

    put8(body, (uint8_t)n);
    put(body, elems->data, elems->len);
    aml_append_pkg(out, op, 1, body);
}

void
aml_package_ints(GByteArray *out, const uint64_t *v, unsigned int n)
{
    static const uint8_t op[] = { AML_PACKAGE_OP };
    g_autoptr(GByteArray) body = g_byte_array_new();

    put8(body, (uint8_t)n);
    for (unsigned int i = 0; i < n; i++)
        aml_integer(body, v[i]);
    aml_append_pkg(out, op, 1, body);
}

void
aml_resource_template(GByteArray *out, const GByteArray *descs)
{
    static const uint8_t op[] = { AML_BUFFER_OP };
    g_autoptr(GByteArray) body = g_byte_array_new();

    aml_integer(body, descs->len + 2);
    put(body, descs->data, descs->len);
    /* End tag; a zero checksum byte means "treat as valid". */
    put8(body, 0x79);
    put8(body, 0x00);
    aml_append_pkg(out, op, 1, body);
}

void
aml_res_io(GByteArray *out, uint16_t base, uint8_t len)
{
    put8(out, 0x47);
    put8(out, 0x01);           /* 16-bit decode */
    put16(out, base);
    put16(out, base);
    put8(out, 1);
    put8(out, len);
}

void
aml_res_irq(GByteArray *out, uint8_t irq)
{
    put8(out, 0x22);
    put16(out, (uint16_t)(1U << irq));
}

static void
aml_res_word(GByteArray *out, uint8_t type, uint8_t tflags, uint16_t min, uint16_t max)
{
    put8(out, 0x88);
    put16(out, 13);
    put8(out, type);
    put8(out, 0x0c);           /* MinFixed, MaxFixed, positive decode, producer */
    put8(out, tflags);
    put16(out, 0);             /* granularity */
    put16(out, min);
    put16(out, max);
    put16(out, 0);             /* translation */
    put16(out, (uint16_t)(max - min + 1));
}

void
aml_res_word_bus(GByteArray *out, uint16_t min, uint16_t max)
{
    aml_res_word(out, 2, 0, min, max);
}

void
aml_res_word_io(GByteArray *out, uint16_t min, uint16_t max)
{
    aml_res_word(out, 1, 3, min, max);
}

void
aml_res_dword_mem(GByteArray *out, uint32_t min, uint32_t max)
{
    put8(out, 0x87);
    put16(out, 23);
    put8(out, 0);              /* memory */
    put8(out, 0x0c);
    put8(out, 0x03);           /* read-write, cacheable */
    put32(out, 0);
    put32(out, min);
    put32(out, max);
    put32(out, 0);
    put32(out, max - min + 1);
}
