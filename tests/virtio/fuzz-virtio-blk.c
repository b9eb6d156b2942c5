/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* virtio-blk on a 64 KiB memfd disk (raw). */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hv/virtio/virtio-blk.h"
#include "tests/virtio/fuzz-virtio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    BlockOpenOptions opts = { .format = BLOCK_FORMAT_RAW, .read_only = size % 7 == 0 };
    VirtioBlkConfig cfg = { .serial = "fuzz", .queue_size = 64 };
    BlockBackend *bb = NULL;
    FuzzGuest g;
    VirtioDevice *vdev;
    int fd;

    if (!fuzz_guest_init(&g, data, size))
        return 0;
    fd = memfd_create("fuzz-disk", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, 0x10000) < 0 || block_open_fd(fd, &opts, &bb) < 0)
        abort();
    vdev = virtio_blk_create(bb, &cfg);
    if (!vdev)
        abort();
    fuzz_guest_run(&g, vdev);
    virtio_device_free(vdev);
    fuzz_guest_cleanup(&g);
    return 0;
}
