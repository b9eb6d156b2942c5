/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtio-net.  Without arguments: TX and RX over a SOCK_SEQPACKET pair (one
 * frame per message, like a tap).  With --tap: a real tap device in a
 * private network namespace (unshare(CLONE_NEWNET), gone with the process),
 * with and without IFF_VNET_HDR, frames seen and injected through an
 * AF_PACKET socket on the tap; skipped (77) where /dev/net/tun or namespaces
 * are unusable.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hv/virtio/virtio-net.h"
#include "tests/virtio/vtest.h"

#define ETHERTYPE_TEST 0x88b5
#define NET_FEATURES (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_NET_F_MAC) | \
                      VIRTIO_BIT(VIRTIO_NET_F_STATUS))

static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static size_t
make_frame(uint8_t *f, const char *payload)
{
    size_t len = 14 + strlen(payload);

    memset(f, 0xff, 6);
    memcpy(f + 6, guest_mac, 6);
    f[12] = ETHERTYPE_TEST >> 8;
    f[13] = ETHERTYPE_TEST & 0xff;
    memcpy(f + 14, payload, strlen(payload));
    if (len < 60) {
        memset(f + len, 0, 60 - len);
        len = 60;
    }
    return len;
}

static void
net_setup(VtMachine *m, VtDev *d, int fd)
{
    vt_machine_init(m);
    VT_CHECK(vt_dev_setup(m, d, virtio_net_create(fd, guest_mac), NET_FEATURES));
    VT_CHECK(vt_cf8_read(m, d->slot, PCI_DEVICE_ID, 2) == 0x1041);
    VT_CHECK(vt_cf8_read(m, d->slot, PCI_CLASS_DEVICE, 2) == 0x0200);
    for (int i = 0; i < 6; i++)
        VT_CHECK(vt_mmio_read(m, d->bar + VIRTIO_PCI_DEVICE_OFFSET + i, 1) == guest_mac[i]);
    VT_CHECK(vt_mmio_read(m, d->bar + VIRTIO_PCI_DEVICE_OFFSET + 6, 2) == VIRTIO_NET_S_LINK_UP);
    vt_queue_setup(d, VIRTIO_NET_RX, 16);
    vt_queue_setup(d, VIRTIO_NET_TX, 16);
    vt_driver_ok(d);
    VT_CHECK(vt_status(d) & VIRTIO_STATUS_DRIVER_OK);
}

/* Sends one frame from the guest, header and frame in separate buffers. */
static void
guest_tx(VtDev *d, const char *payload, uint16_t idx)
{
    uint64_t hdr = vt_alloc(d->m, VIRTIO_NET_HDR_SIZE, 8), frame = vt_alloc(d->m, 1514, 8);
    size_t len = make_frame(vt_ptr(d->m, frame), payload);
    uint32_t id, used;

    vt_desc(d, VIRTIO_NET_TX, idx, hdr, VIRTIO_NET_HDR_SIZE, VIRTQ_DESC_F_NEXT, idx + 1);
    vt_desc(d, VIRTIO_NET_TX, idx + 1, frame, (uint32_t) len, 0, 0);
    vt_kick(d, VIRTIO_NET_TX, idx);
    VT_CHECK(vt_wait_used(d, VIRTIO_NET_TX, &id, &used, 0) && id == idx);
}

static void
post_rx(VtDev *d, uint16_t idx, uint64_t *buf)
{
    *buf = vt_alloc(d->m, 1526, 8);
    vt_desc(d, VIRTIO_NET_RX, idx, *buf, 1526, VIRTQ_DESC_F_WRITE, 0);
    vt_kick(d, VIRTIO_NET_RX, idx);
}

/* Waits for an RX completion carrying our test ethertype; returns its buffer. */
static uint8_t *
guest_rx_wait(VtDev *d, uint64_t bufs[4], uint32_t *len)
{
    uint32_t id;

    for (int tries = 0; tries < 16; tries++) {
        uint8_t *p;

        VT_CHECK(vt_wait_used(d, VIRTIO_NET_RX, &id, len, VT_WAIT_MS));
        VT_CHECK(id < 4);
        p = vt_ptr(d->m, bufs[id]);
        VT_CHECK(*len >= VIRTIO_NET_HDR_SIZE);
        VT_CHECK(p[10] == 1 && p[11] == 0);     /* num_buffers */
        if (*len >= VIRTIO_NET_HDR_SIZE + 14 && p[VIRTIO_NET_HDR_SIZE + 12] == 0x88 &&
            p[VIRTIO_NET_HDR_SIZE + 13] == 0xb5)
            return p;
        post_rx(d, (uint16_t) id, &bufs[id]);   /* kernel noise: recycle */
    }
    VT_CHECK(!"no test frame received");
    return NULL;
}

static void
test_socketpair(void)
{
    VtMachine m;
    VtDev d;
    int sv[2];
    uint8_t got[2048], frame[128];
    uint64_t bufs[4];
    uint32_t len;
    size_t flen;
    uint8_t *p;

    VT_CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
    net_setup(&m, &d, sv[0]);
    guest_tx(&d, "frame from the guest", 0);
    flen = make_frame(frame, "frame from the guest");
    VT_CHECK(recv(sv[1], got, sizeof(got), MSG_DONTWAIT) == (ssize_t) flen);
    VT_CHECK(memcmp(got, frame, flen) == 0);

    for (uint16_t i = 0; i < 4; i++)
        post_rx(&d, i, &bufs[i]);
    flen = make_frame(frame, "frame for the guest");
    VT_CHECK(send(sv[1], frame, flen, 0) == (ssize_t) flen);
    p = guest_rx_wait(&d, bufs, &len);
    VT_CHECK(len == VIRTIO_NET_HDR_SIZE + flen);
    VT_CHECK(memcmp(p + VIRTIO_NET_HDR_SIZE, frame, flen) == 0);

    /* link down / up: configuration change on the config vector, new generation */
    {
        uint8_t gen = (uint8_t) vt_common_read(&d, VIRTIO_PCI_COMMON_CFGGENERATION, 1);

        vt_msix_enable(&d, 3);
        vt_common_write(&d, VIRTIO_PCI_COMMON_MSIX, 2, 2);
        virtio_net_set_link(virtio_pci_get_device(pci_bus_get_device(m.bus, d.slot)), false);
        VT_CHECK(vt_mmio_read(&m, d.bar + VIRTIO_PCI_DEVICE_OFFSET + 6, 2) == 0);
        VT_CHECK(vt_common_read(&d, VIRTIO_PCI_COMMON_CFGGENERATION, 1) != gen);
        VT_CHECK(vt_msi_count(&m) == 1 && m.msi_data[0] == 0x42);
        virtio_net_set_link(virtio_pci_get_device(pci_bus_get_device(m.bus, d.slot)), true);
        VT_CHECK(vt_mmio_read(&m, d.bar + VIRTIO_PCI_DEVICE_OFFSET + 6, 2) == VIRTIO_NET_S_LINK_UP);
    }

    /* a receive buffer too small for the header breaks the device only */
    {
        uint64_t tiny = vt_alloc(&m, 4, 4);

        vt_desc(&d, VIRTIO_NET_RX, 9, tiny, 4, VIRTQ_DESC_F_WRITE, 0);
        /* three fill the buffers still posted, the fourth hits the tiny one */
        for (uint16_t i = 0; i < 4; i++)
            VT_CHECK(send(sv[1], frame, flen, 0) == (ssize_t) flen);
        vt_kick(&d, VIRTIO_NET_RX, 9);
        for (int i = 0; i < VT_WAIT_MS / 5 && !(vt_status(&d) & VIRTIO_STATUS_NEEDS_RESET); i++)
            usleep(5000);
        VT_CHECK(vt_status(&d) & VIRTIO_STATUS_NEEDS_RESET);
    }
    vt_machine_cleanup(&m);
    close(sv[0]);
    close(sv[1]);
}

static int
open_tap(const char *name, bool vnet_hdr)
{
    struct ifreq ifr = { 0 };
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    int s;

    if (fd < 0)
        return -1;
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet_hdr ? IFF_VNET_HDR : 0);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        close(fd);
        return -1;
    }
    s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    VT_CHECK(s >= 0);
    VT_CHECK(ioctl(s, SIOCGIFFLAGS, &ifr) == 0);
    ifr.ifr_flags |= IFF_UP;
    VT_CHECK(ioctl(s, SIOCSIFFLAGS, &ifr) == 0);
    close(s);
    return fd;
}

static int
open_packet_socket(const char *ifname)
{
    struct sockaddr_ll sll = {
        .sll_family = AF_PACKET,
        .sll_protocol = htons(ETHERTYPE_TEST),
        .sll_ifindex = (int) if_nametoindex(ifname),
    };
    struct timeval tv = { .tv_sec = 3 };
    int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETHERTYPE_TEST));

    VT_CHECK(s >= 0);
    VT_CHECK(bind(s, (struct sockaddr *) &sll, sizeof(sll)) == 0);
    VT_CHECK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
    return s;
}

static void
test_tap(const char *ifname, bool vnet_hdr)
{
    VtMachine m;
    VtDev d;
    int tap = open_tap(ifname, vnet_hdr), pkt;
    uint8_t got[2048], frame[128];
    uint64_t bufs[4];
    uint32_t len;
    size_t flen;
    uint8_t *p;

    VT_CHECK(tap >= 0);
    pkt = open_packet_socket(ifname);
    net_setup(&m, &d, tap);

    /* guest -> tap: the kernel sees the frame on the interface */
    guest_tx(&d, "tap frame from the guest", 0);
    flen = make_frame(frame, "tap frame from the guest");
    VT_CHECK(recv(pkt, got, sizeof(got), 0) == (ssize_t) flen);
    VT_CHECK(memcmp(got, frame, flen) == 0);

    /* tap -> guest: a frame sent on the interface lands in a receive buffer */
    for (uint16_t i = 0; i < 4; i++)
        post_rx(&d, i, &bufs[i]);
    flen = make_frame(frame, "tap frame for the guest");
    VT_CHECK(send(pkt, frame, flen, 0) == (ssize_t) flen);
    p = guest_rx_wait(&d, bufs, &len);
    VT_CHECK(len == VIRTIO_NET_HDR_SIZE + flen);
    VT_CHECK(memcmp(p + VIRTIO_NET_HDR_SIZE, frame, flen) == 0);
    VT_CHECK(p[0] == 0 && p[1] == 0);       /* no flags, GSO_NONE */
    vt_machine_cleanup(&m);
    close(pkt);
    close(tap);
}

int
main(int argc, char **argv)
{
    int fd;

    if (argc > 1 && strcmp(argv[1], "--tap") == 0) {
        if (unshare(CLONE_NEWNET) < 0) {
            printf("SKIP: cannot create a network namespace: %s\n", strerror(errno));
            return 77;
        }
        fd = open_tap("vktest0", false);
        if (fd < 0) {
            printf("SKIP: /dev/net/tun is unusable: %s\n", strerror(errno));
            return 77;
        }
        close(fd);
        test_tap("vktest1", false);
        test_tap("vktest2", true);
    } else {
        test_socketpair();
    }
    printf("ok\n");
    return 0;
}
