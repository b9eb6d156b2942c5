/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzzes the launch-description parser. */
#include <stddef.h>
#include <stdint.h>

#include "hv/core/launch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *err = NULL;
    LaunchDesc *d = launch_desc_parse((const char *)data, size, &err);

    if (d) {
        if (!d->name || (!d->kernel == (d->kernel_fd < 0)) || d->vcpus == 0 ||
            d->sockets * d->cores * d->threads != d->vcpus || d->mem_size == 0)
            __builtin_trap();
        launch_desc_free(d);
    } else if (!err) {
        __builtin_trap();
    }
    return 0;
}
