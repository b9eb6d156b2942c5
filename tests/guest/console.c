/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* virtio-console, single port (no MULTIPORT): send text, echo what arrives. */
#include "guest.h"

#define CONS_RXBUFS 2
#define CONS_BUFSZ 256

static virtio_dev cons_vd;
static virtqueue cons_rxq, cons_txq;
static uint8_t cons_rx[CONS_RXBUFS][CONS_BUFSZ];
static uint8_t cons_tx[CONS_BUFSZ];
static bool probed, found, echo;

static void
rx_post(uint8_t *buf)
{
    uint64_t addr = (uintptr_t)buf;
    uint32_t len = CONS_BUFSZ;
    uint16_t flags = VRING_DESC_F_WRITE;

    vq_submit(&cons_rxq, &addr, &len, &flags, 1);
}

int
console_probe(void)
{
    if (probed)
        return found ? 0 : -1;
    probed = true;
    for (unsigned i = 0; i < pci_ndevs; i++) {
        virtqueue *qs[2] = { &cons_rxq, &cons_txq };
        pci_dev *p = &pci_devs[i];

        if (virtio_type_of(p) != 3)
            continue;
        if (virtio_init(&cons_vd, p, 0, qs, 2) < 0) {
            kprintf("console0: init failed\n");
            return -1;
        }
        for (unsigned k = 0; k < CONS_RXBUFS; k++)
            rx_post(cons_rx[k]);
        kprintf("console0: pci %02x:%02x.%x\n", p->bus, p->dev, p->fn);
        found = true;
        return 0;
    }
    kprintf("console: no device\n");
    return -1;
}

static int
console_write(const uint8_t *data, uint32_t len)
{
    uint64_t addr = (uintptr_t)cons_tx;
    uint16_t flags = 0;

    if (len > CONS_BUFSZ)
        len = CONS_BUFSZ;
    memcpy(cons_tx, data, len);
    vq_submit(&cons_txq, &addr, &len, &flags, 1);
    return vq_wait(&cons_txq, NULL) < 0 ? -1 : (int)len;
}

int
console_send(const char *text)
{
    uint8_t line[CONS_BUFSZ];
    uint32_t n = (uint32_t)strlen(text);

    if (console_probe() < 0)
        return -1;
    if (n > CONS_BUFSZ - 1)
        n = CONS_BUFSZ - 1;
    memcpy(line, text, n);
    line[n++] = '\n';
    if (console_write(line, n) < 0) {
        kprintf("console0: send timeout\n");
        return -1;
    }
    kprintf("console0: sent %u bytes\n", n);
    return 0;
}

void
console_set_echo(bool on)
{
    if (console_probe() < 0)
        return;
    echo = on;
    kprintf("console0: echo %s\n", on ? "on" : "off");
}

void
console_poll(void)
{
    uint32_t len;
    int id;

    if (!found)
        return;
    while ((id = vq_poll(&cons_rxq, &len)) >= 0) {
        uint8_t *buf = (uint8_t *)(uintptr_t)cons_rxq.desc[id].addr;
        char text[65];
        unsigned k = 0;

        if (len > CONS_BUFSZ)
            len = CONS_BUFSZ;
        for (uint32_t i = 0; i < len && k < 64; i++)
            text[k++] = buf[i] >= ' ' && buf[i] <= '~' ? (char)buf[i] : '.';
        text[k] = '\0';
        kprintf("console0: rx %u bytes %s\n", len, text);
        if (echo && console_write(buf, len) >= 0)
            kprintf("console0: echoed %u bytes\n", len);
        rx_post(buf);
    }
}
