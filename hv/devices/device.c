/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Generic device plumbing; see device.h. */
#include <errno.h>

#include "hv/devices/device.h"

Device *
device_new(const DeviceOps *ops, const char *id, DeviceEnv *env, void *priv)
{
    Device *dev = g_new0(Device, 1);

    dev->ops = ops;
    dev->id = g_strdup(id);
    dev->env = env;
    dev->priv = priv;
    dev->pio = true;
    return dev;
}

int
device_realize(Device *dev)
{
    IoHandler handler = dev->ops->io;
    IoBus *bus = dev->pio ? &dev->env->vm->pio : &dev->env->vm->mmio;
    int r;

    if (handler && dev->io_len) {
        r = io_bus_register(bus, dev->io_base, dev->io_len, handler, dev);
        if (r < 0)
            return r;
    }
    if (dev->ops->realize) {
        r = dev->ops->realize(dev);
        if (r < 0) {
            if (handler && dev->io_len)
                io_bus_unregister(bus, dev->io_base, dev);
            return r;
        }
    }
    dev->realized = true;
    if (dev->ops->reset)
        dev->ops->reset(dev);
    return 0;
}

void
device_reset(Device *dev)
{
    if (dev->ops->reset)
        dev->ops->reset(dev);
}

int
device_save(Device *dev, GByteArray *out)
{
    return dev->ops->save ? dev->ops->save(dev, out) : 0;
}

int
device_load(Device *dev, const uint8_t *data, size_t len)
{
    if (!dev->ops->load)
        return len == 0 ? 0 : -EINVAL;
    return dev->ops->load(dev, data, len);
}

void
device_free(Device *dev)
{
    if (!dev)
        return;
    if (dev->realized && dev->io_len)
        io_bus_unregister(dev->pio ? &dev->env->vm->pio : &dev->env->vm->mmio,
                          dev->io_base, dev);
    if (dev->ops->destroy)
        dev->ops->destroy(dev);
    g_free(dev->id);
    g_free(dev);
}
