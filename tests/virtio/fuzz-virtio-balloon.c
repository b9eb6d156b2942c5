/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hv/virtio/virtio-balloon.h"
#include "tests/virtio/fuzz-virtio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzGuest g;
    VirtioDevice *vdev;

    if (!fuzz_guest_init(&g, data, size))
        return 0;
    vdev = virtio_balloon_create();
    fuzz_guest_run(&g, vdev);
    virtio_device_free(vdev);
    fuzz_guest_cleanup(&g);
    return 0;
}
