/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* virtio-net: MAC from config space, one test frame out, test frames in. */
#include "guest.h"

#define NET_MAX 2
#define NET_RXBUFS 4
#define NET_BUFSZ 1536
#define NET_HDR_LEN 12           /* virtio_net_hdr with num_buffers (virtio 1.x) */
#define ETHERTYPE_TEST 0x88b5

#define VIRTIO_NET_F_MAC (1ull << 5)

typedef struct {
    virtio_dev vd;
    virtqueue rxq, txq;
    uint8_t mac[6];
    uint32_t seq;
    uint32_t rx_other;
    uint8_t rx[NET_RXBUFS][NET_BUFSZ] __attribute__((aligned(16)));
    uint8_t tx[NET_BUFSZ] __attribute__((aligned(16)));
} net_dev;

static net_dev nets[NET_MAX];
static unsigned nnets;
static bool probed;

static void
rx_post(net_dev *n, uint8_t *buf)
{
    uint64_t addr = (uintptr_t)buf;
    uint32_t len = NET_BUFSZ;
    uint16_t flags = VRING_DESC_F_WRITE;

    vq_submit(&n->rxq, &addr, &len, &flags, 1);
}

static void
net_probe_one(pci_dev *p)
{
    net_dev *n = &nets[nnets];
    virtqueue *qs[2] = { &n->rxq, &n->txq };

    if (virtio_init(&n->vd, p, VIRTIO_NET_F_MAC, qs, 2) < 0) {
        kprintf("net%u: init failed\n", nnets);
        nnets++;
        return;
    }
    for (unsigned i = 0; i < 6; i++) {
        n->mac[i] = (n->vd.features & VIRTIO_NET_F_MAC) ?
            mmio_read8(n->vd.devcfg + i) : (uint8_t)(i == 0 ? 0x02 : i);
    }
    for (unsigned i = 0; i < NET_RXBUFS; i++)
        rx_post(n, n->rx[i]);
    kprintf("net%u: pci %02x:%02x.%x mac %02x:%02x:%02x:%02x:%02x:%02x\n", nnets,
            p->bus, p->dev, p->fn, n->mac[0], n->mac[1], n->mac[2], n->mac[3],
            n->mac[4], n->mac[5]);
    nnets++;
}

int
net_probe_all(void)
{
    if (probed)
        return (int)nnets;
    probed = true;
    for (unsigned i = 0; i < pci_ndevs && nnets < NET_MAX; i++) {
        if (virtio_type_of(&pci_devs[i]) == 1)
            net_probe_one(&pci_devs[i]);
    }
    if (!nnets)
        kprintf("net: no device\n");
    return (int)nnets;
}

static unsigned
fmt_u32(char *out, uint32_t v)
{
    char tmp[10];
    unsigned n = 0, k = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        out[k++] = tmp[--n];
    return k;
}

int
net_send(unsigned idx)
{
    static const char text[] = "virtkvm-test-frame ";
    net_dev *n;
    uint8_t *f;
    uint64_t addr;
    uint32_t len = NET_HDR_LEN + 60;
    uint16_t flags = 0;
    unsigned plen;

    net_probe_all();
    if (idx >= nnets || !nets[idx].vd.ok) {
        kprintf("error: no net%u\n", idx);
        return -1;
    }
    n = &nets[idx];
    memset(n->tx, 0, NET_HDR_LEN + 60);
    f = n->tx + NET_HDR_LEN;
    memset(f, 0xff, 6);
    memcpy(f + 6, n->mac, 6);
    f[12] = ETHERTYPE_TEST >> 8;
    f[13] = ETHERTYPE_TEST & 0xff;
    memcpy(f + 14, text, sizeof(text) - 1);
    plen = sizeof(text) - 1;
    plen += fmt_u32((char *)f + 14 + plen, ++n->seq);
    addr = (uintptr_t)n->tx;
    vq_submit(&n->txq, &addr, &len, &flags, 1);
    if (vq_wait(&n->txq, NULL) < 0) {
        kprintf("net%u: send timeout\n", idx);
        return -1;
    }
    kprintf("net%u: sent 60 bytes seq %u\n", idx, n->seq);
    return 0;
}

static void
net_rx_one(unsigned idx, const uint8_t *buf, uint32_t len)
{
    const uint8_t *f = buf + NET_HDR_LEN;
    char text[65];
    unsigned k = 0;

    if (len < NET_HDR_LEN + 14 || (f[12] << 8 | f[13]) != ETHERTYPE_TEST) {
        nets[idx].rx_other++;
        return;
    }
    for (uint32_t i = NET_HDR_LEN + 14; i < len && k < 64; i++) {
        if (buf[i] < ' ' || buf[i] > '~')
            break;
        text[k++] = (char)buf[i];
    }
    text[k] = '\0';
    kprintf("net%u: received %u bytes from %02x:%02x:%02x:%02x:%02x:%02x payload %s\n", idx,
            len - NET_HDR_LEN, f[6], f[7], f[8], f[9], f[10], f[11], k ? text : "-");
}

void
net_poll(void)
{
    for (unsigned i = 0; i < nnets; i++) {
        net_dev *n = &nets[i];
        uint32_t len;
        int id;

        if (!n->vd.ok)
            continue;
        while ((id = vq_poll(&n->rxq, &len)) >= 0) {
            uint8_t *buf = (uint8_t *)(uintptr_t)n->rxq.desc[id].addr;

            net_rx_one(i, buf, len < NET_BUFSZ ? len : NET_BUFSZ);
            rx_post(n, buf);
        }
    }
}
