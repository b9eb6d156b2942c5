/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ACPI PM1 event/control blocks and PM timer.  One I/O range covers
 * PM1a_EVT (0..3), PM1a_CNT (4..5) and PM_TMR (8..11).  Status bits are
 * write-1-to-clear; the SCI level is (STS & EN) over the events we raise.
 * SLP_EN with SLP_TYP = LAYOUT_ACPI_S5_SLP_TYP asks the machine to power off.
 */
#include <errno.h>
#include <string.h>

#include "hv/core/layout.h"
#include "hv/devices/acpi-pm.h"

#define PM_TMR_HZ 3579545ULL
#define PM1_EVENTS (PM1_STS_TMR | PM1_STS_PWRBTN | 0x0020 | 0x0400)

typedef struct {
    GMutex lock;
    uint16_t sts;
    uint16_t en;
    uint16_t cnt;
    bool sci;
    int64_t tmr_base;   /* monotonic us at timer 0 */
} AcpiPm;

static void
acpi_pm_update_sci(Device *dev)
{
    AcpiPm *p = dev->priv;
    bool level = (p->sts & p->en & PM1_EVENTS) != 0;

    if (level == p->sci)
        return;
    p->sci = level;
    if (dev->env && dev->env->vm && dev->env->vm->vm_fd >= 0)
        (void)vm_set_irq(dev->env->vm, LAYOUT_IRQ_ACPI_SCI, level);
}

static uint32_t
acpi_pm_timer(const AcpiPm *p)
{
    uint64_t us = (uint64_t)(g_get_monotonic_time() - p->tmr_base);

    return (uint32_t)(us * PM_TMR_HZ / 1000000ULL);
}

static void
acpi_pm_sleep(Device *dev, uint16_t v)
{
    unsigned int typ = (v >> 10) & 7;

    if (typ == LAYOUT_ACPI_S5_SLP_TYP && dev->env && dev->env->request)
        dev->env->request(dev->env->opaque, VM_REQUEST_SHUTDOWN, "acpi-s5");
}

static uint32_t
acpi_pm_read(AcpiPm *p, unsigned int reg)
{
    switch (reg) {
    case 0: return p->sts | ((uint32_t)p->en << 16);
    case 4: return p->cnt | PM1_CNT_SCI_EN;
    case 8: return acpi_pm_timer(p);
    default: return 0;
    }
}

static void
acpi_pm_write(Device *dev, unsigned int reg, uint32_t v, uint32_t mask)
{
    AcpiPm *p = dev->priv;

    if (reg == 0) {
        p->sts &= ~(uint16_t)(v & mask);
        if (mask >> 16)
            p->en = (uint16_t)(((p->en & ~(mask >> 16)) | ((v & mask) >> 16)));
    } else if (reg == 4) {
        uint16_t c = (uint16_t)((p->cnt & ~mask) | (v & mask));

        p->cnt = c & ~PM1_CNT_SLP_EN;
        if (c & PM1_CNT_SLP_EN & mask)
            acpi_pm_sleep(dev, c);
    }
}

void
acpi_pm_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write)
{
    Device *dev = opaque;
    AcpiPm *p = dev->priv;
    unsigned int reg = offset >= 8 ? 8 : offset >= 4 ? 4 : 0;
    unsigned int shift;
    uint32_t mask, v = 0;

    if (offset >= 12 || len == 0 || offset - reg + len > 4 || (reg == 4 && offset >= 6))
        return;
    shift = (unsigned int)(offset - reg) * 8;
    mask = (len >= 4 ? 0xffffffffU : ((1U << (len * 8)) - 1)) << shift;
    g_mutex_lock(&p->lock);
    if (is_write) {
        for (uint32_t i = 0; i < len; i++)
            v |= (uint32_t)data[i] << (8 * i);
        acpi_pm_write(dev, reg, v << shift, mask);
        acpi_pm_update_sci(dev);
    } else {
        v = acpi_pm_read(p, reg) >> shift;
        for (uint32_t i = 0; i < len; i++)
            data[i] = (uint8_t)(v >> (8 * i));
    }
    g_mutex_unlock(&p->lock);
}

void
acpi_pm_power_button(Device *dev)
{
    AcpiPm *p = dev->priv;

    g_mutex_lock(&p->lock);
    p->sts |= PM1_STS_PWRBTN;
    acpi_pm_update_sci(dev);
    g_mutex_unlock(&p->lock);
}

bool
acpi_pm_power_button_enabled(Device *dev)
{
    AcpiPm *p = dev->priv;
    bool en;

    g_mutex_lock(&p->lock);
    en = p->en & PM1_STS_PWRBTN;
    g_mutex_unlock(&p->lock);
    return en;
}

static void
acpi_pm_reset(Device *dev)
{
    AcpiPm *p = dev->priv;

    g_mutex_lock(&p->lock);
    p->sts = p->en = 0;
    p->cnt = PM1_CNT_SCI_EN;
    p->tmr_base = g_get_monotonic_time();
    acpi_pm_update_sci(dev);
    g_mutex_unlock(&p->lock);
}

/* State v1: sts, en, cnt (LE16 each), timer value (LE32). */
static int
acpi_pm_save(Device *dev, GByteArray *out)
{
    AcpiPm *p = dev->priv;
    uint8_t st[11];
    uint32_t t;

    g_mutex_lock(&p->lock);
    t = acpi_pm_timer(p);
    st[0] = 1;
    st[1] = p->sts & 0xff; st[2] = p->sts >> 8;
    st[3] = p->en & 0xff; st[4] = p->en >> 8;
    st[5] = p->cnt & 0xff; st[6] = p->cnt >> 8;
    for (int i = 0; i < 4; i++)
        st[7 + i] = (uint8_t)(t >> (8 * i));
    g_mutex_unlock(&p->lock);
    g_byte_array_append(out, st, sizeof(st));
    return 0;
}

static int
acpi_pm_load(Device *dev, const uint8_t *d, size_t len)
{
    AcpiPm *p = dev->priv;
    uint32_t t = 0;

    if (len != 11 || d[0] != 1)
        return -EINVAL;
    for (int i = 0; i < 4; i++)
        t |= (uint32_t)d[7 + i] << (8 * i);
    g_mutex_lock(&p->lock);
    p->sts = (uint16_t)(d[1] | (d[2] << 8));
    p->en = (uint16_t)(d[3] | (d[4] << 8));
    p->cnt = (uint16_t)(d[5] | (d[6] << 8));
    p->tmr_base = g_get_monotonic_time() - (int64_t)((uint64_t)t * 1000000ULL / PM_TMR_HZ);
    acpi_pm_update_sci(dev);
    g_mutex_unlock(&p->lock);
    return 0;
}

static void
acpi_pm_destroy(Device *dev)
{
    AcpiPm *p = dev->priv;

    g_mutex_clear(&p->lock);
    g_free(p);
}

static const DeviceOps acpi_pm_ops = {
    .type = "acpi-pm",
    .io = acpi_pm_io,
    .reset = acpi_pm_reset,
    .save = acpi_pm_save,
    .load = acpi_pm_load,
    .destroy = acpi_pm_destroy,
};

Device *
acpi_pm_create(DeviceEnv *env, const char *id)
{
    AcpiPm *p = g_new0(AcpiPm, 1);
    Device *dev = device_new(&acpi_pm_ops, id, env, p);

    g_mutex_init(&p->lock);
    dev->io_base = LAYOUT_PIO_ACPI_PM1A_EVT;
    dev->io_len = LAYOUT_PIO_ACPI_PM_TMR + 4 - LAYOUT_PIO_ACPI_PM1A_EVT;
    return dev;
}
