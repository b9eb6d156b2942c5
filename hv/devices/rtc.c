/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CMOS RTC.  Time registers are computed from the host clock plus an offset
 * the guest can move by writing them; BCD or binary and 12/24 h follow
 * status register B.  No alarm or periodic interrupt is generated (Linux
 * uses the HPET-less PIT/LAPIC timers); status C reads 0.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "hv/core/layout.h"
#include "hv/core/vm.h"
#include "hv/devices/rtc.h"

#define RTC_SEC     0x00
#define RTC_MIN     0x02
#define RTC_HOUR    0x04
#define RTC_WDAY    0x06
#define RTC_MDAY    0x07
#define RTC_MON     0x08
#define RTC_YEAR    0x09
#define RTC_REG_A   0x0a
#define RTC_REG_B   0x0b
#define RTC_REG_C   0x0c
#define RTC_REG_D   0x0d
#define RTC_CENTURY 0x32

#define REG_B_24H   0x02
#define REG_B_DM    0x04    /* binary */
#define REG_B_SET   0x80

typedef struct {
    GMutex lock;
    uint8_t index;
    uint8_t cmos[128];
    int64_t offset;         /* guest seconds - host seconds */
    struct tm frozen;       /* time while REG_B_SET is set */
} Rtc;

static uint8_t
to_bcd(const Rtc *r, unsigned int v)
{
    if (r->cmos[RTC_REG_B] & REG_B_DM)
        return (uint8_t)v;
    return (uint8_t)(((v / 10) << 4) | (v % 10));
}

static unsigned int
from_bcd(const Rtc *r, uint8_t v)
{
    if (r->cmos[RTC_REG_B] & REG_B_DM)
        return v;
    return (v >> 4) * 10 + (v & 0xf);
}

static void
rtc_now(const Rtc *r, struct tm *tm)
{
    time_t t;

    if (r->cmos[RTC_REG_B] & REG_B_SET) {
        *tm = r->frozen;
        return;
    }
    t = time(NULL) + r->offset;
    gmtime_r(&t, tm);
}

static uint8_t
rtc_hour(const Rtc *r, int hour)
{
    unsigned int h;

    if (r->cmos[RTC_REG_B] & REG_B_24H)
        return to_bcd(r, (unsigned int)hour);
    h = hour % 12 ? hour % 12 : 12;
    return to_bcd(r, h) | (hour >= 12 ? 0x80 : 0);
}

static uint8_t
rtc_read_reg(Rtc *r, uint8_t idx)
{
    struct tm tm;

    if (idx > RTC_YEAR && idx != RTC_CENTURY)
        return idx == RTC_REG_C ? 0 : r->cmos[idx];
    rtc_now(r, &tm);
    switch (idx) {
    case RTC_SEC: return to_bcd(r, (unsigned int)tm.tm_sec);
    case RTC_MIN: return to_bcd(r, (unsigned int)tm.tm_min);
    case RTC_HOUR: return rtc_hour(r, tm.tm_hour);
    case RTC_WDAY: return to_bcd(r, (unsigned int)tm.tm_wday + 1);
    case RTC_MDAY: return to_bcd(r, (unsigned int)tm.tm_mday);
    case RTC_MON: return to_bcd(r, (unsigned int)tm.tm_mon + 1);
    case RTC_YEAR: return to_bcd(r, (unsigned int)(tm.tm_year % 100));
    case RTC_CENTURY: return to_bcd(r, (unsigned int)(1900 + tm.tm_year) / 100);
    default: return r->cmos[idx];
    }
}

static void
rtc_write_time(Rtc *r, uint8_t idx, uint8_t v)
{
    struct tm tm;
    unsigned int n = from_bcd(r, v & (idx == RTC_HOUR ? 0x7f : 0xff));

    rtc_now(r, &tm);
    switch (idx) {
    case RTC_SEC: tm.tm_sec = (int)n; break;
    case RTC_MIN: tm.tm_min = (int)n; break;
    case RTC_HOUR:
        if (!(r->cmos[RTC_REG_B] & REG_B_24H))
            n = (n % 12) + ((v & 0x80) ? 12 : 0);
        tm.tm_hour = (int)n;
        break;
    case RTC_MDAY: tm.tm_mday = (int)n; break;
    case RTC_MON: tm.tm_mon = (int)n - 1; break;
    case RTC_YEAR: tm.tm_year = (tm.tm_year / 100) * 100 + (int)n; break;
    case RTC_CENTURY: tm.tm_year = (int)n * 100 + tm.tm_year % 100 - 1900; break;
    default: return;
    }
    if (r->cmos[RTC_REG_B] & REG_B_SET)
        r->frozen = tm;
    else
        r->offset = (int64_t)timegm(&tm) - (int64_t)time(NULL);
}

static void
rtc_write_reg(Rtc *r, uint8_t idx, uint8_t v)
{
    if (idx <= RTC_YEAR || idx == RTC_CENTURY) {
        if (idx != RTC_WDAY)
            rtc_write_time(r, idx, v);
        return;
    }
    switch (idx) {
    case RTC_REG_A:
        r->cmos[idx] = v & 0x7f;        /* UIP is read-only (and never set) */
        break;
    case RTC_REG_B:
        if ((v & REG_B_SET) && !(r->cmos[RTC_REG_B] & REG_B_SET))
            rtc_now(r, &r->frozen);
        if (!(v & REG_B_SET) && (r->cmos[RTC_REG_B] & REG_B_SET))
            r->offset = (int64_t)timegm(&r->frozen) - (int64_t)time(NULL);
        r->cmos[idx] = v;
        break;
    case RTC_REG_C:
    case RTC_REG_D:
        break;
    default:
        r->cmos[idx] = v;
    }
}

void
rtc_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write)
{
    Device *dev = opaque;
    Rtc *r = dev->priv;

    g_mutex_lock(&r->lock);
    if (offset == 0 && is_write)
        r->index = data[0] & 0x7f;      /* bit 7 is the NMI mask */
    else if (offset == 0)
        data[0] = 0xff;
    else if (is_write)
        rtc_write_reg(r, r->index, data[0]);
    else
        data[0] = rtc_read_reg(r, r->index);
    g_mutex_unlock(&r->lock);
}

static void
rtc_set_mem(Rtc *r, uint64_t mem_size, unsigned int nvcpus)
{
    uint64_t low = vm_memory_low_size(mem_size);
    uint64_t high = vm_memory_high_size(mem_size);
    uint64_t ext_kb = low > (1 << 20) ? (low - (1 << 20)) >> 10 : 0;
    uint64_t above16 = low > (16 << 20) ? (low - (16 << 20)) >> 16 : 0;
    uint64_t above4g = high >> 16;

    ext_kb = MIN(ext_kb, 0xfc00);
    above16 = MIN(above16, 0xffff);
    r->cmos[0x14] = 0x06;                   /* equipment: FPU, VGA-less */
    r->cmos[0x15] = 640 & 0xff;             /* base memory in KiB */
    r->cmos[0x16] = 640 >> 8;
    r->cmos[0x17] = r->cmos[0x30] = ext_kb & 0xff;
    r->cmos[0x18] = r->cmos[0x31] = (ext_kb >> 8) & 0xff;
    r->cmos[0x34] = above16 & 0xff;          /* 64 KiB units above 16 MiB */
    r->cmos[0x35] = (above16 >> 8) & 0xff;
    r->cmos[0x5b] = above4g & 0xff;          /* 64 KiB units above 4 GiB */
    r->cmos[0x5c] = (above4g >> 8) & 0xff;
    r->cmos[0x5d] = (above4g >> 16) & 0xff;
    r->cmos[0x5f] = (uint8_t)(nvcpus - 1);
}

static void
rtc_reset(Device *dev)
{
    Rtc *r = dev->priv;

    g_mutex_lock(&r->lock);
    r->cmos[RTC_REG_A] = 0x26;
    r->cmos[RTC_REG_B] = REG_B_24H;
    r->cmos[RTC_REG_C] = 0;
    r->cmos[RTC_REG_D] = 0x80;              /* valid RAM and time */
    g_mutex_unlock(&r->lock);
}

/* State v1: index, offset (8 bytes LE), the 128 CMOS bytes. */
static int
rtc_save(Device *dev, GByteArray *out)
{
    Rtc *r = dev->priv;
    uint8_t st[2 + 8 + 128];

    g_mutex_lock(&r->lock);
    st[0] = 1;
    st[1] = r->index;
    for (int i = 0; i < 8; i++)
        st[2 + i] = (uint8_t)((uint64_t)r->offset >> (8 * i));
    memcpy(st + 10, r->cmos, 128);
    g_mutex_unlock(&r->lock);
    g_byte_array_append(out, st, sizeof(st));
    return 0;
}

static int
rtc_load(Device *dev, const uint8_t *d, size_t len)
{
    Rtc *r = dev->priv;
    uint64_t off = 0;

    if (len != 138 || d[0] != 1)
        return -EINVAL;
    for (int i = 0; i < 8; i++)
        off |= (uint64_t)d[2 + i] << (8 * i);
    g_mutex_lock(&r->lock);
    r->index = d[1] & 0x7f;
    r->offset = (int64_t)off;
    memcpy(r->cmos, d + 10, 128);
    r->cmos[RTC_REG_B] &= ~REG_B_SET;
    g_mutex_unlock(&r->lock);
    return 0;
}

static void
rtc_destroy(Device *dev)
{
    Rtc *r = dev->priv;

    g_mutex_clear(&r->lock);
    g_free(r);
}

static const DeviceOps rtc_ops = {
    .type = "rtc",
    .io = rtc_io,
    .reset = rtc_reset,
    .save = rtc_save,
    .load = rtc_load,
    .destroy = rtc_destroy,
};

void
rtc_set_offset(Device *dev, int64_t seconds)
{
    Rtc *r = dev->priv;

    g_mutex_lock(&r->lock);
    r->offset = seconds;
    g_mutex_unlock(&r->lock);
}

Device *
rtc_create(DeviceEnv *env, const char *id, uint64_t mem_size, unsigned int nvcpus)
{
    Rtc *r = g_new0(Rtc, 1);
    Device *dev = device_new(&rtc_ops, id, env, r);

    g_mutex_init(&r->lock);
    rtc_set_mem(r, mem_size, nvcpus);
    dev->io_base = LAYOUT_PIO_RTC;
    dev->io_len = 2;
    return dev;
}
