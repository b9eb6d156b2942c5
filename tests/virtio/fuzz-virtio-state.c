/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Loading device state (a migration stream is untrusted input): the input is
 * a pci_device_save() blob loaded into a running virtio-rng function, which
 * is then notified so restored rings are used.  Load must refuse or accept
 * without crashing, and the machine must still tear down cleanly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/virtio/virtio-rng.h"
#include "tests/virtio/vtest.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    VtMachine m;
    VtDev d;

    log_set_level(LOG_LEVEL_ERROR);
    vt_machine_init(&m);
    vt_dev_setup(&m, &d, virtio_rng_create(), VIRTIO_BIT(VIRTIO_F_VERSION_1));
    vt_queue_setup(&d, 0, 8);
    vt_driver_ok(&d);
    if (pci_device_load(pci_bus_get_device(m.bus, d.slot), data, size) == 0) {
        /* wherever the BAR went, notify through the loaded placement */
        uint64_t notify;

        if (virtio_pci_notify_address(pci_bus_get_device(m.bus, d.slot), 0, &notify) == 0)
            vt_mmio_write(&m, notify, 0, 2);
        virtio_pci_queue_notify(pci_bus_get_device(m.bus, d.slot), 0);
    }
    vt_machine_cleanup(&m);
    return 0;
}
