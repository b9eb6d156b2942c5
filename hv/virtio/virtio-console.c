/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtio-console, single port: receiveq0 / transmitq0, a stream in both
 * directions.
 */
#include <errno.h>
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
} VirtioConsole;

static void
console_config_read(VirtioDevice *vdev, uint32_t offset, uint8_t *data, uint32_t len)
{
    uint8_t cfg[VIRTIO_CONSOLE_CONFIG_SIZE] = { 0 };

    /* cols, rows 0 (no SIZE feature); max_nr_ports 1 */
    pci_set_long(cfg + 4, 1);
    memcpy(data, cfg + offset, len);
}

static void
console_write_all(int fd, const struct iovec *iov, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        const uint8_t *p = iov[i].iov_base;
        size_t left = iov[i].iov_len;

        while (left > 0) {
            ssize_t w = write(fd, p, left);

            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return;     /* backend gone: output is dropped */
            p += w;
            left -= (size_t) w;
        }
    }
}

static void
console_tx(VirtioConsole *con, VirtQueue *vq)
{
    VirtioDevice *vdev = &con->vdev;
    bool pushed = false;

    while (virtio_device_pop(vdev, vq, &con->tx_elem) > 0) {
        if (con->out_fd >= 0)
            console_write_all(con->out_fd, con->tx_elem.iov, con->tx_elem.out_num);
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

    while (virtio_device_running(vdev) && vq->enabled) {
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
    if (in_fd >= 0 &&
        rx_pump_start(&con->rx, &con->vdev, in_fd, console_rx_drain, "virtio-console-rx") < 0) {
        console_destroy(&con->vdev);
        return NULL;
    }
    return &con->vdev;
}
