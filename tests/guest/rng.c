/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* virtio-rng: N bytes from the entropy device, printed in hex. */
#include "guest.h"

#define RNG_MAX 64

static virtio_dev rng_vd;
static virtqueue rng_q;
static bool probed, found;
static uint8_t rng_buf[RNG_MAX];

static bool
rng_probe(void)
{
    if (probed)
        return found;
    probed = true;
    for (unsigned i = 0; i < pci_ndevs; i++) {
        virtqueue *qs[1] = { &rng_q };
        pci_dev *p = &pci_devs[i];

        if (virtio_type_of(p) != 4)
            continue;
        if (virtio_init(&rng_vd, p, 0, qs, 1) < 0) {
            kprintf("rng0: init failed\n");
            return false;
        }
        kprintf("rng0: pci %02x:%02x.%x\n", p->bus, p->dev, p->fn);
        found = true;
        return true;
    }
    kprintf("rng: no device\n");
    return false;
}

int
rng_read(unsigned n)
{
    unsigned got = 0;

    if (n == 0 || n > RNG_MAX) {
        kprintf("error: count must be 1..%u\n", RNG_MAX);
        return -1;
    }
    if (!rng_probe())
        return -1;
    /* The device may return fewer bytes than asked: ask again (bounded). */
    for (unsigned tries = 0; got < n && tries < 16; tries++) {
        uint64_t addr = (uintptr_t)rng_buf + got;
        uint32_t len = n - got, done = 0;
        uint16_t flags = VRING_DESC_F_WRITE;

        vq_submit(&rng_q, &addr, &len, &flags, 1);
        if (vq_wait(&rng_q, &done) < 0)
            break;
        got += done < len ? done : len;
    }
    if (got < n) {
        kprintf("rng0: short read %u of %u\n", got, n);
        return -1;
    }
    kprintf("rng0: %u bytes ", n);
    for (unsigned i = 0; i < n; i++)
        kprintf("%02x", rng_buf[i]);
    kprintf("\n");
    return 0;
}
