/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pvpanic: reading the port gives the supported events, writing bit 0 reports a panic. */
#include "hv/devices/pvpanic.h"

#define PVPANIC_PANICKED 0x1
#define PVPANIC_CRASHLOADED 0x2

static void
pvpanic_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write)
{
    Device *dev = opaque;

    if (!is_write) {
        data[0] = PVPANIC_PANICKED | PVPANIC_CRASHLOADED;
        return;
    }
    if ((data[0] & PVPANIC_PANICKED) && dev->env && dev->env->request)
        dev->env->request(dev->env->opaque, VM_REQUEST_PANIC, "pvpanic");
}

static const DeviceOps pvpanic_ops = {
    .type = "pvpanic",
    .io = pvpanic_io,
};

Device *
pvpanic_create(DeviceEnv *env, const char *id)
{
    Device *dev = device_new(&pvpanic_ops, id, env, NULL);

    dev->io_base = PVPANIC_PORT;
    dev->io_len = 1;
    return dev;
}
