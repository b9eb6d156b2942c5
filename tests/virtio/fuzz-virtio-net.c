/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtio-net on a non-blocking SOCK_SEQPACKET pair (one frame per message,
 * like a tap) with two frames waiting to be received.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hv/virtio/virtio-net.h"
#include "tests/virtio/fuzz-virtio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t mac[6] = { 0x52, 0x54, 0, 0, 0, 1 };
    FuzzGuest g;
    VirtioDevice *vdev;
    int sv[2];

    if (!fuzz_guest_init(&g, data, size))
        return 0;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
        abort();
    (void) !send(sv[1], data, MIN(size, (size_t) 1514), 0);
    (void) !send(sv[1], data, MIN(size, (size_t) 60), 0);
    vdev = virtio_net_create(sv[0], mac);
    if (!vdev)
        abort();
    fuzz_guest_run(&g, vdev);
    virtio_device_free(vdev);
    fuzz_guest_cleanup(&g);
    close(sv[0]);
    close(sv[1]);
    return 0;
}
