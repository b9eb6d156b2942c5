/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The receive side of a stream device (virtio-net, virtio-console): a
 * thread that waits for input on a backend fd and for the driver's kicks
 * (new receive buffers), and calls the device's drain function with the
 * device lock held.  The fd is never switched to non-blocking mode (it may
 * be shared): drain functions poll it with a zero timeout before reading.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include <glib.h>

#include "hv/virtio/virtio.h"

typedef enum {
    RX_PUMP_WAIT_INPUT,     /* buffers left, input drained: wait for the fd */
    RX_PUMP_WAIT_KICK,      /* no buffers (or device stopped): wait for a kick */
    RX_PUMP_EOF,            /* end of file or a hard error: stop reading */
} RxPumpWait;

typedef RxPumpWait (*RxPumpDrain)(VirtioDevice *vdev);

typedef struct {
    GThread *thread;
    VirtioDevice *vdev;
    RxPumpDrain drain;
    int in_fd;              /* may be -1: kicks only */
    int kick_fd;            /* eventfd */
    int stop;
    /*
     * Optional output side: while the device sets out_blocked (with its lock
     * held) the thread also waits for @out_fd to become writable and then
     * calls drain, which resumes the output.
     */
    int out_fd;
    bool out_blocked;
} RxPump;

/* Starts the thread (@out_fd: -1 when there is no output side); 0 or -errno. */
int rx_pump_start(RxPump *pump, VirtioDevice *vdev, int in_fd, int out_fd, RxPumpDrain drain,
                  const char *name);
/* Makes the thread call drain soon (new buffers, activation). */
void rx_pump_kick(RxPump *pump);
/* Stops and joins the thread (call without the device lock); idempotent. */
void rx_pump_stop(RxPump *pump);

/* Whether @fd has data (or EOF / error) to read now. */
bool rx_pump_fd_readable(int fd);
/* Whether a write to @fd would make progress (or fail) now. */
bool rx_pump_fd_writable(int fd);

/* What a drain function returns after read() gave @n (errno set when < 0). */
RxPumpWait rx_pump_read_result(ssize_t n);
