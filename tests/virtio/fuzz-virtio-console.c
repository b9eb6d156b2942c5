/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* virtio-console reading a pipe that holds some input, writing to /dev/null. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "hv/virtio/virtio-console.h"
#include "tests/virtio/fuzz-virtio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzGuest g;
    VirtioDevice *vdev;
    int in[2], out;

    if (!fuzz_guest_init(&g, data, size))
        return 0;
    out = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (out < 0 || pipe2(in, O_CLOEXEC | O_NONBLOCK) < 0)
        abort();
    (void) !write(in[1], data, MIN(size, (size_t) 4096));
    vdev = virtio_console_create(in[0], out);
    if (!vdev)
        abort();
    fuzz_guest_run(&g, vdev);
    virtio_device_free(vdev);
    fuzz_guest_cleanup(&g);
    close(in[0]);
    close(in[1]);
    close(out);
    return 0;
}
