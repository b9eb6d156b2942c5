/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * i8042 controller without keyboard or mouse attached.  Decodes ports 0x60
 * (data) to 0x64 (status/command); 0x61 belongs to the in-kernel PIT.  A
 * pulse of output-port bit 0 (commands 0xF0-0xFE with bit 0 clear, or a
 * write of the output port with bit 0 clear) resets the machine.
 */
#include <errno.h>

#include "hv/core/layout.h"
#include "hv/devices/i8042.h"

#define STS_OBF   0x01
#define STS_SYS   0x04
#define STS_CMD   0x08
#define STS_UNLOCKED 0x10

#define CMD_READ_CTR   0x20
#define CMD_WRITE_CTR  0x60
#define CMD_DISABLE_AUX 0xa7
#define CMD_ENABLE_AUX 0xa8
#define CMD_TEST_AUX   0xa9
#define CMD_SELF_TEST  0xaa
#define CMD_TEST_KBD   0xab
#define CMD_DISABLE_KBD 0xad
#define CMD_ENABLE_KBD 0xae
#define CMD_READ_OUT   0xd0
#define CMD_WRITE_OUT  0xd1

typedef struct {
    GMutex lock;
    uint8_t status;
    uint8_t ctr;        /* controller configuration ("command byte") */
    uint8_t out;        /* output buffer */
    uint8_t outport;
    uint8_t pending;    /* command waiting for its data byte */
} I8042;

static void
i8042_output(I8042 *k, uint8_t v)
{
    k->out = v;
    k->status |= STS_OBF;
}

static void
i8042_reset_request(Device *dev)
{
    if (dev->env && dev->env->request)
        dev->env->request(dev->env->opaque, VM_REQUEST_RESET, "i8042");
}

static void
i8042_command(Device *dev, uint8_t cmd)
{
    I8042 *k = dev->priv;

    k->status |= STS_CMD;
    switch (cmd) {
    case CMD_READ_CTR:
        i8042_output(k, k->ctr);
        break;
    case CMD_WRITE_CTR:
    case CMD_WRITE_OUT:
        k->pending = cmd;
        break;
    case CMD_SELF_TEST:
        i8042_output(k, 0x55);
        break;
    case CMD_TEST_KBD:
    case CMD_TEST_AUX:
        i8042_output(k, 0x00);
        break;
    case CMD_READ_OUT:
        i8042_output(k, k->outport);
        break;
    case CMD_DISABLE_AUX:
        k->ctr |= 0x20;
        break;
    case CMD_ENABLE_AUX:
        k->ctr &= ~0x20;
        break;
    case CMD_DISABLE_KBD:
        k->ctr |= 0x10;
        break;
    case CMD_ENABLE_KBD:
        k->ctr &= ~0x10;
        break;
    default:
        if (cmd >= 0xf0 && !(cmd & 1))
            i8042_reset_request(dev);
        break;
    }
}

static void
i8042_data(Device *dev, uint8_t v)
{
    I8042 *k = dev->priv;

    k->status &= ~STS_CMD;
    switch (k->pending) {
    case CMD_WRITE_CTR:
        k->ctr = v;
        break;
    case CMD_WRITE_OUT:
        k->outport = v;
        if (!(v & 1))
            i8042_reset_request(dev);
        break;
    default:
        /* A byte for the (absent) keyboard: it times out. */
        i8042_output(k, 0xfe);
        break;
    }
    k->pending = 0;
}

void
i8042_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write)
{
    Device *dev = opaque;
    I8042 *k = dev->priv;

    if (offset != 0 && offset != 4)
        return;
    g_mutex_lock(&k->lock);
    if (offset == 4 && is_write) {
        i8042_command(dev, data[0]);
    } else if (offset == 4) {
        data[0] = k->status;
    } else if (is_write) {
        i8042_data(dev, data[0]);
    } else {
        data[0] = k->out;
        k->status &= ~STS_OBF;
    }
    g_mutex_unlock(&k->lock);
}

static void
i8042_reset(Device *dev)
{
    I8042 *k = dev->priv;

    g_mutex_lock(&k->lock);
    k->status = STS_SYS | STS_UNLOCKED;
    k->ctr = 0x30;      /* both ports disabled, no IRQs */
    k->out = 0;
    k->outport = 0x01;
    k->pending = 0;
    g_mutex_unlock(&k->lock);
}

static int
i8042_save(Device *dev, GByteArray *out)
{
    I8042 *k = dev->priv;
    uint8_t st[6];

    g_mutex_lock(&k->lock);
    st[0] = 1;
    st[1] = k->status;
    st[2] = k->ctr;
    st[3] = k->out;
    st[4] = k->outport;
    st[5] = k->pending;
    g_mutex_unlock(&k->lock);
    g_byte_array_append(out, st, sizeof(st));
    return 0;
}

static int
i8042_load(Device *dev, const uint8_t *d, size_t len)
{
    I8042 *k = dev->priv;

    if (len != 6 || d[0] != 1)
        return -EINVAL;
    g_mutex_lock(&k->lock);
    k->status = d[1];
    k->ctr = d[2];
    k->out = d[3];
    k->outport = d[4];
    k->pending = d[5];
    g_mutex_unlock(&k->lock);
    return 0;
}

static void
i8042_destroy(Device *dev)
{
    I8042 *k = dev->priv;

    g_mutex_clear(&k->lock);
    g_free(k);
}

static const DeviceOps i8042_ops = {
    .type = "i8042",
    .io = i8042_io,
    .reset = i8042_reset,
    .save = i8042_save,
    .load = i8042_load,
    .destroy = i8042_destroy,
};

Device *
i8042_create(DeviceEnv *env, const char *id)
{
    I8042 *k = g_new0(I8042, 1);
    Device *dev = device_new(&i8042_ops, id, env, k);

    g_mutex_init(&k->lock);
    dev->io_base = LAYOUT_PIO_I8042_DATA;
    dev->io_len = LAYOUT_PIO_I8042_CMD - LAYOUT_PIO_I8042_DATA + 1;
    return dev;
}
