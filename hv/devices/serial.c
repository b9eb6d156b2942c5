/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * 8250/16550A UART.  Transmission is instantaneous (THR is always empty
 * again by the time the guest looks), input comes from the character
 * backend into a 16-byte RX FIFO.  The IRQ line follows the pending
 * interrupt gated by MCR.OUT2, as on a PC.
 */
#include <errno.h>
#include <string.h>

#include "hv/devices/serial.h"

#define UART_FIFO 16

#define IER_RDI  0x01
#define IER_THRI 0x02
#define IER_RLSI 0x04
#define IER_MSI  0x08

#define IIR_NONE 0x01
#define IIR_MSI  0x00
#define IIR_THRI 0x02
#define IIR_RDI  0x04
#define IIR_RLSI 0x06
#define IIR_FIFO 0xc0

#define LCR_DLAB 0x80
#define MCR_DTR  0x01
#define MCR_RTS  0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define LSR_DR   0x01
#define LSR_OE   0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define MSR_CTS  0x10
#define MSR_DSR  0x20
#define MSR_RI   0x40
#define MSR_DCD  0x80
#define FCR_ENABLE 0x01
#define FCR_CLR_RX 0x02

typedef struct {
    GMutex lock;
    CharBackend *backend;
    unsigned int irq;
    bool irq_level;
    uint8_t rx[UART_FIFO];
    unsigned int rx_head, rx_count;
    bool rx_starved;    /* backend paused because the FIFO was full */
    bool thr_pending;   /* THRE interrupt armed */
    uint8_t ier, fcr, lcr, mcr, lsr_err, msr_delta, scr, dll, dlm;
} Serial;

static uint8_t
serial_iir(const Serial *s)
{
    uint8_t fifo = (s->fcr & FCR_ENABLE) ? IIR_FIFO : 0;

    if ((s->ier & IER_RLSI) && s->lsr_err)
        return IIR_RLSI | fifo;
    if ((s->ier & IER_RDI) && s->rx_count)
        return IIR_RDI | fifo;
    if ((s->ier & IER_THRI) && s->thr_pending)
        return IIR_THRI | fifo;
    if ((s->ier & IER_MSI) && s->msr_delta)
        return IIR_MSI | fifo;
    return IIR_NONE | fifo;
}

static void
serial_update_irq(Device *dev)
{
    Serial *s = dev->priv;
    bool level = !(serial_iir(s) & IIR_NONE) && (s->mcr & MCR_OUT2);

    if (level == s->irq_level)
        return;
    s->irq_level = level;
    if (dev->env && dev->env->vm && dev->env->vm->vm_fd >= 0)
        (void)vm_set_irq(dev->env->vm, s->irq, level);
}

static void
serial_rx_push(Serial *s, uint8_t b)
{
    if (s->rx_count == UART_FIFO) {
        s->lsr_err |= LSR_OE;
        return;
    }
    s->rx[(s->rx_head + s->rx_count) % UART_FIFO] = b;
    s->rx_count++;
}

static uint8_t
serial_rx_pop(Device *dev)
{
    Serial *s = dev->priv;
    uint8_t b;

    if (!s->rx_count)
        return 0;
    b = s->rx[s->rx_head];
    s->rx_head = (s->rx_head + 1) % UART_FIFO;
    s->rx_count--;
    if (s->rx_starved) {
        s->rx_starved = false;
        char_backend_kick(s->backend);
    }
    return b;
}

static uint8_t
serial_msr(const Serial *s)
{
    uint8_t m = s->msr_delta;

    if (s->mcr & MCR_LOOP) {
        if (s->mcr & MCR_RTS)
            m |= MSR_CTS;
        if (s->mcr & MCR_DTR)
            m |= MSR_DSR;
        if (s->mcr & MCR_OUT1)
            m |= MSR_RI;
        if (s->mcr & MCR_OUT2)
            m |= MSR_DCD;
        return m;
    }
    return m | MSR_CTS | MSR_DSR | MSR_DCD;
}

static void
serial_tx(Device *dev, uint8_t b)
{
    Serial *s = dev->priv;

    s->thr_pending = false;
    serial_update_irq(dev);
    if (s->mcr & MCR_LOOP)
        serial_rx_push(s, b);
    else
        char_backend_write(s->backend, &b, 1);
    s->thr_pending = true;
}

static void
serial_write(Device *dev, unsigned int reg, uint8_t v)
{
    Serial *s = dev->priv;

    switch (reg) {
    case 0:
        if (s->lcr & LCR_DLAB)
            s->dll = v;
        else
            serial_tx(dev, v);
        break;
    case 1:
        if (s->lcr & LCR_DLAB) {
            s->dlm = v;
        } else {
            if (!(s->ier & IER_THRI) && (v & IER_THRI))
                s->thr_pending = true;
            s->ier = v & 0x0f;
        }
        break;
    case 2:
        if (v & FCR_CLR_RX)
            s->rx_count = 0;
        s->fcr = v & 0xc9;
        break;
    case 3:
        s->lcr = v;
        break;
    case 4:
        s->mcr = v & 0x1f;
        break;
    case 7:
        s->scr = v;
        break;
    default:
        break;      /* LSR and MSR are read-only */
    }
}

static uint8_t
serial_read(Device *dev, unsigned int reg)
{
    Serial *s = dev->priv;
    uint8_t v = 0;

    switch (reg) {
    case 0:
        v = (s->lcr & LCR_DLAB) ? s->dll : serial_rx_pop(dev);
        break;
    case 1:
        v = (s->lcr & LCR_DLAB) ? s->dlm : s->ier;
        break;
    case 2:
        v = serial_iir(s);
        if ((v & 0x0f) == IIR_THRI)
            s->thr_pending = false;
        break;
    case 3:
        v = s->lcr;
        break;
    case 4:
        v = s->mcr;
        break;
    case 5:
        v = LSR_THRE | LSR_TEMT | (s->rx_count ? LSR_DR : 0) | s->lsr_err;
        s->lsr_err = 0;
        break;
    case 6:
        v = serial_msr(s);
        s->msr_delta = 0;
        break;
    case 7:
        v = s->scr;
        break;
    }
    return v;
}

void
serial_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write)
{
    Device *dev = opaque;
    Serial *s = dev->priv;

    if (offset > 7)
        return;
    g_mutex_lock(&s->lock);
    /* Wider accesses touch only the first register, as the ISA bus does. */
    if (is_write)
        serial_write(dev, (unsigned int)offset, data[0]);
    else
        data[0] = serial_read(dev, (unsigned int)offset);
    serial_update_irq(dev);
    g_mutex_unlock(&s->lock);
}

static size_t
serial_can_read(void *opaque)
{
    Device *dev = opaque;
    Serial *s = dev->priv;
    size_t room;

    g_mutex_lock(&s->lock);
    room = UART_FIFO - s->rx_count;
    if (room == 0)
        s->rx_starved = true;
    g_mutex_unlock(&s->lock);
    return room;
}

static void
serial_backend_read(void *opaque, const uint8_t *buf, size_t len)
{
    Device *dev = opaque;
    Serial *s = dev->priv;

    g_mutex_lock(&s->lock);
    for (size_t i = 0; i < len; i++)
        serial_rx_push(s, buf[i]);
    serial_update_irq(dev);
    g_mutex_unlock(&s->lock);
}

static int
serial_realize(Device *dev)
{
    Serial *s = dev->priv;

    if (s->backend)
        char_backend_set_reader(s->backend, serial_can_read, serial_backend_read, dev);
    return 0;
}

static void
serial_reset(Device *dev)
{
    Serial *s = dev->priv;

    g_mutex_lock(&s->lock);
    s->rx_head = s->rx_count = 0;
    s->ier = s->fcr = s->lcr = s->mcr = s->lsr_err = s->msr_delta = s->scr = 0;
    s->dll = 0x0c;      /* 9600 baud */
    s->dlm = 0;
    s->thr_pending = false;
    serial_update_irq(dev);
    g_mutex_unlock(&s->lock);
}

/* State v1: the registers, then the FIFO contents. */
static int
serial_save(Device *dev, GByteArray *out)
{
    Serial *s = dev->priv;
    uint8_t hdr[11];

    g_mutex_lock(&s->lock);
    hdr[0] = 1;
    hdr[1] = s->ier;
    hdr[2] = s->fcr;
    hdr[3] = s->lcr;
    hdr[4] = s->mcr;
    hdr[5] = s->lsr_err;
    hdr[6] = s->scr;
    hdr[7] = s->dll;
    hdr[8] = s->dlm;
    hdr[9] = s->thr_pending;
    hdr[10] = (uint8_t)s->rx_count;
    g_byte_array_append(out, hdr, sizeof(hdr));
    for (unsigned int i = 0; i < s->rx_count; i++)
        g_byte_array_append(out, &s->rx[(s->rx_head + i) % UART_FIFO], 1);
    g_mutex_unlock(&s->lock);
    return 0;
}

static int
serial_load(Device *dev, const uint8_t *d, size_t len)
{
    Serial *s = dev->priv;

    if (len < 11 || d[0] != 1 || d[10] > UART_FIFO || len != 11u + d[10])
        return -EINVAL;
    g_mutex_lock(&s->lock);
    s->ier = d[1] & 0x0f;
    s->fcr = d[2];
    s->lcr = d[3];
    s->mcr = d[4] & 0x1f;
    s->lsr_err = d[5];
    s->scr = d[6];
    s->dll = d[7];
    s->dlm = d[8];
    s->thr_pending = d[9] != 0;
    s->rx_head = 0;
    s->rx_count = d[10];
    memcpy(s->rx, d + 11, d[10]);
    serial_update_irq(dev);
    g_mutex_unlock(&s->lock);
    return 0;
}

static void
serial_destroy(Device *dev)
{
    Serial *s = dev->priv;

    char_backend_free(s->backend);
    g_mutex_clear(&s->lock);
    g_free(s);
}

static const DeviceOps serial_ops = {
    .type = "serial",
    .io = serial_io,
    .realize = serial_realize,
    .reset = serial_reset,
    .save = serial_save,
    .load = serial_load,
    .destroy = serial_destroy,
};

Device *
serial_create(DeviceEnv *env, const char *id, uint16_t port, unsigned int irq,
              CharBackend *backend)
{
    Serial *s = g_new0(Serial, 1);
    Device *dev = device_new(&serial_ops, id, env, s);

    g_mutex_init(&s->lock);
    s->backend = backend;
    s->irq = irq;
    dev->io_base = port;
    dev->io_len = 8;
    return dev;
}

const char *
serial_pty_path(Device *dev)
{
    Serial *s = dev->priv;

    return char_backend_pty_path(s->backend);
}
