/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The PCI bus and virtio-pci transport under arbitrary register traffic:
 * a virtio-rng and a virtio-console are plugged, BAR 4 of the rng is
 * placed, then every 12-byte record of the input is one access:
 *
 *   byte 0   target: 0 = port I/O at 0xCF8 + (offset % 8), 1 = ECAM,
 *            2 = MMIO in the PCI window, 3 = the rng's BAR 4
 *   byte 1   bit 0 write, bits 1-2 size (1, 2, 4, 8 bytes)
 *   2..5     le32 offset     6..11  value
 *
 * Afterwards the bus is freed and every range must be gone from the buses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/core/layout.h"
#include "hv/virtio/virtio-console.h"
#include "hv/virtio/virtio-rng.h"
#include "tests/virtio/vtest.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_access(VtMachine *m, uint64_t bar, const uint8_t *rec)
{
    uint32_t len = 1u << ((rec[1] >> 1) & 3), off;
    bool write = rec[1] & 1;
    uint8_t buf[8];

    memcpy(&off, rec + 2, 4);
    memcpy(buf, rec + 4, 8);    /* value: bytes 6..11, padded with the offset */
    memcpy(buf, rec + 6, 6);
    switch (rec[0] & 3) {
    case 0:
        io_bus_dispatch(&m->pio, LAYOUT_PIO_PCI_CONFIG + off % 8, buf, MIN(len, 4u), write);
        break;
    case 1:
        io_bus_dispatch(&m->mmio, LAYOUT_PCI_MMCONFIG_START + off % LAYOUT_PCI_MMCONFIG_SIZE,
                        buf, len, write);
        break;
    case 2:
        io_bus_dispatch(&m->mmio, LAYOUT_PCI_MMIO_START + off % LAYOUT_PCI_MMIO_SIZE,
                        buf, len, write);
        break;
    default:
        io_bus_dispatch(&m->mmio, bar + off % VIRTIO_PCI_BAR_SIZE, buf, len, write);
        break;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    VtMachine m;
    VtDev d;
    int slot;

    log_set_level(LOG_LEVEL_ERROR);
    vt_machine_init(&m);
    vt_dev_setup(&m, &d, virtio_rng_create(), VIRTIO_BIT(VIRTIO_F_VERSION_1));
    slot = pci_bus_add_device(m.bus, virtio_pci_create(virtio_console_create(-1, -1), &m.mem), -1);
    if (slot < 0)
        abort();
    for (size_t i = 0; i + 12 <= size && i < 12 * 4096; i += 12)
        fuzz_access(&m, d.bar, data + i);
    vt_machine_cleanup(&m);
    return 0;
}
