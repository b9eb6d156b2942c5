/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "hv/virtio/rx-pump.h"

bool
rx_pump_fd_readable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };

    return poll(&p, 1, 0) == 1 && (p.revents & (POLLIN | POLLHUP | POLLERR));
}

RxPumpWait
rx_pump_read_result(ssize_t n)
{
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return RX_PUMP_WAIT_INPUT;
    return RX_PUMP_EOF;
}

bool
rx_pump_fd_writable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLOUT };

    return poll(&p, 1, 0) == 1;
}

static gpointer
rx_pump_thread(gpointer opaque)
{
    RxPump *pump = opaque;
    RxPumpWait wait = RX_PUMP_WAIT_KICK;
    bool eof = false;

    for (;;) {
        bool want_in = wait == RX_PUMP_WAIT_INPUT && !eof;
        bool want_out = __atomic_load_n(&pump->out_blocked, __ATOMIC_ACQUIRE);
        struct pollfd p[3] = {
            { .fd = pump->kick_fd, .events = POLLIN },
            { .fd = want_in ? pump->in_fd : -1, .events = POLLIN },
            { .fd = want_out ? pump->out_fd : -1, .events = POLLOUT },
        };
        uint64_t v;

        if (poll(p, 3, -1) < 0 && errno != EINTR)
            break;
        if (p[0].revents & POLLIN)
            (void) !read(pump->kick_fd, &v, sizeof(v));
        /* a closed or broken backend fd would make poll() spin */
        if (p[1].revents & POLLNVAL)
            eof = true;
        if (__atomic_load_n(&pump->stop, __ATOMIC_ACQUIRE))
            break;
        virtio_device_lock(pump->vdev);
        wait = pump->drain(pump->vdev);
        virtio_device_unlock(pump->vdev);
        if (wait == RX_PUMP_EOF)
            eof = true;
    }
    return NULL;
}

int
rx_pump_start(RxPump *pump, VirtioDevice *vdev, int in_fd, int out_fd, RxPumpDrain drain,
              const char *name)
{
    pump->out_fd = out_fd;
    pump->vdev = vdev;
    pump->drain = drain;
    pump->in_fd = in_fd;
    pump->stop = 0;
    pump->out_blocked = false;
    pump->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (pump->kick_fd < 0)
        return -errno;
    pump->thread = g_thread_new(name, rx_pump_thread, pump);
    return 0;
}

void
rx_pump_kick(RxPump *pump)
{
    uint64_t one = 1;

    if (pump->thread)
        (void) !write(pump->kick_fd, &one, sizeof(one));
}

void
rx_pump_stop(RxPump *pump)
{
    if (!pump->thread)
        return;
    __atomic_store_n(&pump->stop, 1, __ATOMIC_RELEASE);
    rx_pump_kick(pump);
    g_thread_join(pump->thread);
    pump->thread = NULL;
    close(pump->kick_fd);
    pump->kick_fd = -1;
}
