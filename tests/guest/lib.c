/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The few C library routines the guest needs, and a table-driven CRC32. */
#include "guest.h"

void *
memset(void *d, int c, size_t n)
{
    uint8_t *p = d;

    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

void *
memcpy(void *d, const void *s, size_t n)
{
    uint8_t *p = d;
    const uint8_t *q = s;

    while (n--)
        *p++ = *q++;
    return d;
}

int
memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *p = a, *q = b;

    for (; n; n--, p++, q++) {
        if (*p != *q)
            return *p - *q;
    }
    return 0;
}

size_t
strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

int
str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

int
str_starts(const char *s, const char *prefix)
{
    while (*prefix) {
        if (*s++ != *prefix++)
            return 0;
    }
    return 1;
}

const char *
str_skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Copies the next blank-separated word into word; returns what follows it. */
const char *
str_next_word(const char *s, char *word, size_t size)
{
    size_t n = 0;

    s = str_skip_space(s);
    while (*s && *s != ' ' && *s != '\t') {
        if (n + 1 < size)
            word[n++] = *s;
        s++;
    }
    word[n] = '\0';
    return s;
}

/* Decimal, or hexadecimal with 0x; the whole string must be a number. */
int
str_to_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    unsigned base = 10;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return -1;
    for (; *s; s++) {
        unsigned d;

        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = (unsigned)(*s - 'A' + 10);
        else
            return -1;
        v = v * base + d;
    }
    *out = v;
    return 0;
}

static uint32_t crc_table[256];
static bool crc_ready;

/* Standard CRC-32 (IEEE 802.3, reflected, as zlib.crc32 computes it). */
uint32_t
crc32_update(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;

    if (!crc_ready) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;

            for (int k = 0; k < 8; k++)
                c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            crc_table[i] = c;
        }
        crc_ready = true;
    }
    crc = ~crc;
    while (len--)
        crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}
