/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* parse -> format -> parse -> format: both formats must be equal. */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "util/error.h"

#define FUZZ_MAX_INPUT (64 * 1024)

static inline char *
fuzz_input_string(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return NULL;
    return g_strndup((const char *) data, size);
}

static inline void
fuzz_check_stable(const char *first, const char *second)
{
    if (!second || strcmp(first, second) != 0) {
        fprintf(stderr, "format is not stable:\n--- first\n%s--- second\n%s\n",
                first, second ? second : "(parse failed)");
        abort();
    }
}
