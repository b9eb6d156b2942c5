/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The virtkvmd.conf parser on arbitrary bytes. */
#include <stdint.h>

#include "daemon/config.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    DaemonConfig *cfg = config_new();

    config_parse_data(cfg, (const char *) data, size, "fuzz");
    config_free(cfg);
    error_reset();
    return 0;
}
