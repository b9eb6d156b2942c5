/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>

#include "hv/core/io-bus.h"

void
io_bus_init(IoBus *bus)
{
    g_rw_lock_init(&bus->lock);
    bus->ranges = g_array_new(FALSE, FALSE, sizeof(IoRange));
}

void
io_bus_destroy(IoBus *bus)
{
    if (bus->ranges)
        g_array_free(bus->ranges, TRUE);
    bus->ranges = NULL;
    g_rw_lock_clear(&bus->lock);
}

int
io_bus_register(IoBus *bus, uint64_t base, uint64_t len, IoHandler handler,
                void *opaque)
{
    guint pos = 0;
    IoRange range = { base, len, handler, opaque };

    if (len == 0 || base + len < base || !handler)
        return -EINVAL;

    g_rw_lock_writer_lock(&bus->lock);
    for (pos = 0; pos < bus->ranges->len; pos++) {
        const IoRange *r = &g_array_index(bus->ranges, IoRange, pos);

        if (base < r->base + r->len && r->base < base + len) {
            g_rw_lock_writer_unlock(&bus->lock);
            return -EEXIST;
        }
        if (r->base > base)
            break;
    }
    g_array_insert_val(bus->ranges, pos, range);
    g_rw_lock_writer_unlock(&bus->lock);
    return 0;
}

int
io_bus_unregister(IoBus *bus, uint64_t base, void *opaque)
{
    int ret = -ENOENT;

    g_rw_lock_writer_lock(&bus->lock);
    for (guint i = 0; i < bus->ranges->len; i++) {
        const IoRange *r = &g_array_index(bus->ranges, IoRange, i);

        if (r->base == base && r->opaque == opaque) {
            g_array_remove_index(bus->ranges, i);
            ret = 0;
            break;
        }
    }
    g_rw_lock_writer_unlock(&bus->lock);
    return ret;
}

static bool
io_bus_find(IoBus *bus, uint64_t addr, uint32_t len, IoRange *out)
{
    guint lo = 0, hi;
    bool found = false;

    g_rw_lock_reader_lock(&bus->lock);
    hi = bus->ranges->len;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        const IoRange *r = &g_array_index(bus->ranges, IoRange, mid);

        if (addr < r->base) {
            hi = mid;
        } else if (addr - r->base >= r->len) {
            lo = mid + 1;
        } else {
            /* an access that straddles the end of the range is not decoded */
            if (len <= r->len - (addr - r->base)) {
                *out = *r;
                found = true;
            }
            break;
        }
    }
    g_rw_lock_reader_unlock(&bus->lock);
    return found;
}

bool
io_bus_dispatch(IoBus *bus, uint64_t addr, uint8_t *data, uint32_t len,
                bool is_write)
{
    IoRange r;

    if (!is_write)
        memset(data, 0xff, len);
    if (len == 0 || len > 8 || !io_bus_find(bus, addr, len, &r))
        return false;
    r.handler(r.opaque, addr - r.base, data, len, is_write);
    return true;
}
