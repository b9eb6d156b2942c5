/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Little-endian writer / bounds-checked reader for device state blobs
 * (save/load for migration and snapshots).  A reader that runs past the end
 * sets ->bad and returns zeros, so a loader checks once at the end.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

static inline void
state_put(GByteArray *out, uint64_t v, unsigned int bytes)
{
    uint8_t b[8];

    for (unsigned int i = 0; i < bytes; i++)
        b[i] = (uint8_t) (v >> (8 * i));
    g_byte_array_append(out, b, bytes);
}

static inline void
state_put_bytes(GByteArray *out, const void *p, size_t len)
{
    g_byte_array_append(out, p, (guint) len);
}

typedef struct {
    const uint8_t *p;
    size_t left;
    bool bad;
} StateReader;

static inline uint64_t
state_get(StateReader *r, unsigned int bytes)
{
    uint64_t v = 0;

    if (r->bad || r->left < bytes) {
        r->bad = true;
        return 0;
    }
    for (unsigned int i = 0; i < bytes; i++)
        v |= (uint64_t) r->p[i] << (8 * i);
    r->p += bytes;
    r->left -= bytes;
    return v;
}

static inline void
state_get_bytes(StateReader *r, void *dst, size_t len)
{
    if (r->bad || r->left < len) {
        r->bad = true;
        memset(dst, 0, len);
        return;
    }
    memcpy(dst, r->p, len);
    r->p += len;
    r->left -= len;
}
