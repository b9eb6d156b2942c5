/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Placeholder until the qcow2 driver lands. */
#include <errno.h>
#include <unistd.h>

#include "hv/block/block-int.h"

static int
qcow2_open_stub(int fd, const char *path, const BlockOpenOptions *opts, unsigned depth,
                void **state, uint64_t *size)
{
    (void) path; (void) opts; (void) depth; (void) state; (void) size;
    close(fd);
    return -ENOTSUP;
}

const BlockDriver block_driver_qcow2 = {
    .name = "qcow2",
    .format = BLOCK_FORMAT_QCOW2,
    .open = qcow2_open_stub,
};
