/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtio-console, single port: receiveq0 / transmitq0, a stream in both
 * directions.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hv/pci/pci.h"
#include "hv/virtio/rx-pump.h"
#include "hv/virtio/virtio-console.h"

#define CONSOLE_QUEUE_SIZE  128
#define CONSOLE_RX          0
#define CONSOLE_TX          1

typedef struct {
    VirtioDevice vdev;
    int in_fd;
    int out_fd;
    RxPump rx;
    VirtqElement rx_elem;
    VirtqElement tx_elem;
    bool tx_pending;        /* tx_elem popped, not yet fully written */
    size_t tx_done;         /* bytes of tx_elem already written */
} VirtioConsole;

static void
console_config_read(VirtioDevice *vdev, uint32_t offset, uint8_t *data, uint32_t len)
{
    uint8_t cfg[VIRTIO_CONSOLE_CONFIG_SIZE] = { 0 };

    /* cols, rows 0 (no SIZE feature); max_nr_ports 1 */
    pci_set_long(cfg + 4, 1);
    memcpy(data, cfg + offset, len);
}

/*
 * Writes what is left of the current output chain without blocking.  Returns
 * false when the backend is full (the chain stays pending and the pump
 * thread resumes us once @out_fd is writable).
 */
static bool
console_tx_flush(VirtioConsole *con)
{
    const VirtqElement *e = &con->tx_elem;

    while (con->out_fd >= 0 && con->tx_done < e->out_len) {
        struct iovec iov[64];
        unsigned int n = iov_slice(e->iov, e->out_num, con->tx_done, e->out_len - con->tx_done,
                                   iov, G_N_ELEMENTS(iov));
        ssize_t w = writev(con->out_fd, iov, (int) n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN)
            return false;
        if (w <= 0)
            break;      /* backend gone: the rest is dropped */
        con->tx_done += (size_t) w;
    }
    return true;
}

static void
console_tx(VirtioConsole *con, VirtQueue *vq)
{
    VirtioDevice *vdev = &con->vdev;
    bool pushed = false;

    for (;;) {
        if (!con->tx_pending) {
            if (virtio_device_pop(vdev, vq, &con->tx_elem) <= 0)
                break;
            con->tx_pending = true;
            con->tx_done = 0;
        }
        if (!console_tx_flush(con)) {
            __atomic_store_n(&con->rx.out_blocked, true, __ATOMIC_RELEASE);
            rx_pump_kick(&con->rx);
            break;
        }
        con->tx_pending = false;
        virtqueue_push(vq, &con->tx_elem, 0);
        pushed = true;
    }
    if (pushed)
        virtio_device_notify_queue(vdev, vq);
}

static RxPumpWait
console_rx_drain(VirtioDevice *vdev)
{
    VirtioConsole *con = (VirtioConsole *) vdev;
    VirtQueue *vq = &vdev->queues[CONSOLE_RX];
    RxPumpWait ret = RX_PUMP_WAIT_KICK;
    bool pushed = false;

    if (__atomic_load_n(&con->rx.out_blocked, __ATOMIC_ACQUIRE) &&
        rx_pump_fd_writable(con->out_fd)) {
        __atomic_store_n(&con->rx.out_blocked, false, __ATOMIC_RELEASE);
        if (virtio_device_running(vdev))
            console_tx(con, &vdev->queues[CONSOLE_TX]);
    }
    while (con->in_fd >= 0 && virtio_device_running(vdev) && vq->enabled) {
        VirtqElement *e = &con->rx_elem;
        ssize_t n;

        if (!rx_pump_fd_readable(con->in_fd)) {
            ret = RX_PUMP_WAIT_INPUT;
            break;
        }
        if (virtio_device_pop(vdev, vq, e) <= 0)
            break;
        if (e->in_num == 0) {
            /* nothing writable: hand it back empty */
            virtqueue_push(vq, e, 0);
            pushed = true;
            continue;
        }
        n = readv(con->in_fd, e->iov + e->out_num, (int) MIN(e->in_num, 1024u));
        if (n <= 0) {
            virtqueue_unpop(vq);
            ret = rx_pump_read_result(n);
            break;
        }
        virtqueue_push(vq, e, (uint32_t) n);
        pushed = true;
    }
    if (pushed)
        virtio_device_notify_queue(vdev, vq);
    return ret;
}

static void
console_queue_notify(VirtioDevice *vdev, unsigned int q)
{
    VirtioConsole *con = (VirtioConsole *) vdev;

    if (q == CONSOLE_TX)
        console_tx(con, &vdev->queues[q]);
    else
        rx_pump_kick(&con->rx);
}

static void
console_reset(VirtioDevice *vdev)
{
    VirtioConsole *con = (VirtioConsole *) vdev;

    /* the pending chain belonged to the old rings */
    con->tx_pending = false;
    __atomic_store_n(&con->rx.out_blocked, false, __ATOMIC_RELEASE);
}

static int
console_activate(VirtioDevice *vdev)
{
    rx_pump_kick(&((VirtioConsole *) vdev)->rx);
    return 0;
}

static void
console_destroy(VirtioDevice *vdev)
{
    VirtioConsole *con = (VirtioConsole *) vdev;

    rx_pump_stop(&con->rx);
    virtqueue_element_clear(&con->rx_elem);
    virtqueue_element_clear(&con->tx_elem);
    virtio_device_cleanup(vdev);
    g_free(con);
}

static const VirtioDeviceOps virtio_console_ops = {
    .name = "console",
    .device_id = VIRTIO_ID_CONSOLE,
    .config_read = console_config_read,
    .activate = console_activate,
    .reset = console_reset,
    .queue_notify = console_queue_notify,
    .destroy = console_destroy,
};

VirtioDevice *
virtio_console_create(int in_fd, int out_fd)
{
    VirtioConsole *con = g_new0(VirtioConsole, 1);

    con->in_fd = in_fd;
    con->out_fd = out_fd;
    virtio_device_init(&con->vdev, &virtio_console_ops, 0, 2, CONSOLE_QUEUE_SIZE,
                       VIRTIO_CONSOLE_CONFIG_SIZE);
    /* output never blocks a vCPU: a full backend parks the chain instead */
    if (out_fd >= 0 && fcntl(out_fd, F_SETFL, fcntl(out_fd, F_GETFL) | O_NONBLOCK) < 0)
        con->out_fd = -1;
    if ((in_fd >= 0 || con->out_fd >= 0) &&
        rx_pump_start(&con->rx, &con->vdev, in_fd, con->out_fd, console_rx_drain,
                      "virtio-console") < 0) {
        console_destroy(&con->vdev);
        return NULL;
    }
    return &con->vdev;
}
