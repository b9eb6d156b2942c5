/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtio-net: receiveq0 / transmitq0 on a tap.  Every buffer starts with a
 * 12-byte virtio_net_hdr; without offloads the device writes a zeroed header
 * with num_buffers = 1 and ignores the driver's.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <net/if.h>

#include "hv/pci/pci.h"
#include "hv/virtio/rx-pump.h"
#include "hv/virtio/virtio-net.h"

#define NET_QUEUE_SIZE  256
#define NET_MAX_IOV     1024

typedef struct {
    VirtioDevice vdev;
    int tap_fd;
    bool vnet_hdr;          /* the tap reads / writes the header itself */
    uint8_t config[VIRTIO_NET_CONFIG_SIZE];
    RxPump rx;
    VirtqElement rx_elem;
    VirtqElement tx_elem;
    struct iovec iov[NET_MAX_IOV];
} VirtioNet;

static void
net_config_read(VirtioDevice *vdev, uint32_t offset, uint8_t *data, uint32_t len)
{
    memcpy(data, ((VirtioNet *) vdev)->config + offset, len);
}

/* Frame part of a chain's readable or writable side, after the header. */
static unsigned int
net_frame_iov(VirtioNet *net, const VirtqElement *e, bool writable)
{
    const struct iovec *iov = writable ? e->iov + e->out_num : e->iov;
    unsigned int n = writable ? e->in_num : e->out_num;
    size_t total = writable ? e->in_len : e->out_len;
    size_t skip = net->vnet_hdr ? 0 : VIRTIO_NET_HDR_SIZE;

    return iov_slice(iov, n, skip, total - skip, net->iov, NET_MAX_IOV);
}

static void
net_tx(VirtioNet *net, VirtQueue *vq)
{
    VirtioDevice *vdev = &net->vdev;
    bool pushed = false;

    while (virtio_device_pop(vdev, vq, &net->tx_elem) > 0) {
        unsigned int n;

        if (net->tx_elem.out_len < VIRTIO_NET_HDR_SIZE) {
            virtio_device_set_needs_reset(vdev, "transmit buffer without header");
            break;
        }
        n = net_frame_iov(net, &net->tx_elem, false);
        /* a frame the tap refuses is dropped, as on a real wire */
        if (n > 0)
            (void) !writev(net->tap_fd, net->iov, (int) n);
        virtqueue_push(vq, &net->tx_elem, 0);
        pushed = true;
    }
    if (pushed)
        virtio_device_notify_queue(vdev, vq);
}

static bool
net_rx_one(VirtioNet *net, VirtQueue *vq, RxPumpWait *wait)
{
    VirtqElement *e = &net->rx_elem;
    uint8_t hdr[VIRTIO_NET_HDR_SIZE] = { 0 };
    unsigned int n;
    ssize_t r;

    if (e->in_len < VIRTIO_NET_HDR_SIZE) {
        virtio_device_set_needs_reset(&net->vdev, "receive buffer smaller than the header");
        *wait = RX_PUMP_WAIT_KICK;
        return false;
    }
    n = net_frame_iov(net, e, true);
    r = readv(net->tap_fd, net->iov, (int) n);
    if (r <= 0) {
        virtqueue_unpop(vq);
        *wait = rx_pump_read_result(r);
        return false;
    }
    if (!net->vnet_hdr)
        r += VIRTIO_NET_HDR_SIZE;
    /* num_buffers = 1; the rest of our header is zero (no offloads) */
    hdr[10] = 1;
    if (net->vnet_hdr)
        iov_from_buf(e->iov + e->out_num, e->in_num, 10, hdr + 10, 2);
    else
        iov_from_buf(e->iov + e->out_num, e->in_num, 0, hdr, sizeof(hdr));
    virtqueue_push(vq, e, (uint32_t) r);
    return true;
}

static RxPumpWait
net_rx_drain(VirtioDevice *vdev)
{
    VirtioNet *net = (VirtioNet *) vdev;
    VirtQueue *vq = &vdev->queues[VIRTIO_NET_RX];
    RxPumpWait wait = RX_PUMP_WAIT_KICK;
    bool pushed = false;

    while (virtio_device_running(vdev) && vq->enabled) {
        if (!rx_pump_fd_readable(net->tap_fd)) {
            wait = RX_PUMP_WAIT_INPUT;
            break;
        }
        if (virtio_device_pop(vdev, vq, &net->rx_elem) <= 0)
            break;
        if (!net_rx_one(net, vq, &wait))
            break;
        pushed = true;
    }
    if (pushed)
        virtio_device_notify_queue(vdev, vq);
    return wait;
}

static void
net_queue_notify(VirtioDevice *vdev, unsigned int q)
{
    VirtioNet *net = (VirtioNet *) vdev;

    if (q == VIRTIO_NET_TX)
        net_tx(net, &vdev->queues[q]);
    else
        rx_pump_kick(&net->rx);
}

static int
net_activate(VirtioDevice *vdev)
{
    rx_pump_kick(&((VirtioNet *) vdev)->rx);
    return 0;
}

static int
net_save(VirtioDevice *vdev, GByteArray *out)
{
    state_put(out, pci_get_word(((VirtioNet *) vdev)->config + 6), 2);
    return 0;
}

static int
net_load(VirtioDevice *vdev, StateReader *in)
{
    pci_set_word(((VirtioNet *) vdev)->config + 6, (uint16_t) state_get(in, 2) & VIRTIO_NET_S_LINK_UP);
    return in->bad ? -EINVAL : 0;
}

static void
net_destroy(VirtioDevice *vdev)
{
    VirtioNet *net = (VirtioNet *) vdev;

    rx_pump_stop(&net->rx);
    virtqueue_element_clear(&net->rx_elem);
    virtqueue_element_clear(&net->tx_elem);
    virtio_device_cleanup(vdev);
    g_free(net);
}

static const VirtioDeviceOps virtio_net_ops = {
    .name = "net",
    .device_id = VIRTIO_ID_NET,
    .config_read = net_config_read,
    .activate = net_activate,
    .queue_notify = net_queue_notify,
    .save = net_save,
    .load = net_load,
    .destroy = net_destroy,
};

/* A tap opened with IFF_VNET_HDR must use our 12-byte header. */
static int
net_probe_tap(VirtioNet *net)
{
    struct ifreq ifr = { 0 };
    int len = VIRTIO_NET_HDR_SIZE;

    if (ioctl(net->tap_fd, TUNGETIFF, &ifr) < 0)
        return 0;   /* not a tap: a socket in tests */
    if (!(ifr.ifr_flags & IFF_VNET_HDR))
        return 0;
    if (ioctl(net->tap_fd, TUNSETVNETHDRSZ, &len) < 0)
        return -errno;
    net->vnet_hdr = true;
    return 0;
}

VirtioDevice *
virtio_net_create(int tap_fd, const uint8_t mac[6])
{
    VirtioNet *net;

    if (tap_fd < 0)
        return NULL;
    net = g_new0(VirtioNet, 1);
    net->tap_fd = tap_fd;
    memcpy(net->config, mac, 6);
    pci_set_word(net->config + 6, VIRTIO_NET_S_LINK_UP);
    virtio_device_init(&net->vdev, &virtio_net_ops,
                       VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS),
                       2, NET_QUEUE_SIZE, VIRTIO_NET_CONFIG_SIZE);
    if (net_probe_tap(net) < 0 ||
        rx_pump_start(&net->rx, &net->vdev, tap_fd, -1, net_rx_drain, "virtio-net-rx") < 0) {
        net_destroy(&net->vdev);
        return NULL;
    }
    return &net->vdev;
}

void
virtio_net_set_link(VirtioDevice *vdev, bool up)
{
    VirtioNet *net = (VirtioNet *) vdev;

    virtio_device_lock(vdev);
    pci_set_word(net->config + 6, up ? VIRTIO_NET_S_LINK_UP : 0);
    if (vdev->status & VIRTIO_STATUS_DRIVER_OK)
        virtio_device_notify_config(vdev);
    else
        vdev->config_generation++;
    virtio_device_unlock(vdev);
}
