/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the legacy devices' register handlers (guest-controlled port I/O)
 * and their state loaders: each 4-byte record is one access
 * (device, offset, size/direction, value); a record with device 0xff feeds
 * the rest of the input to a device's load().
 */
#include <stddef.h>
#include <stdint.h>

#include "hv/devices/acpi-pm.h"
#include "hv/devices/i8042.h"
#include "hv/devices/rtc.h"
#include "hv/devices/serial.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
ignore_request(void *opaque, VmRequest req, const char *detail)
{
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static DeviceEnv env = { .vm = NULL, .request = ignore_request };
    static const IoHandler io[4] = { serial_io, i8042_io, rtc_io, acpi_pm_io };
    static const uint64_t span[4] = { 8, 5, 2, 12 };
    Device *devs[4];

    devs[0] = serial_create(&env, "s", 0x3f8, 4, NULL);
    devs[1] = i8042_create(&env, "k");
    devs[2] = rtc_create(&env, "r", 64 << 20, 1);
    devs[3] = acpi_pm_create(&env, "p");
    for (int i = 0; i < 4; i++)
        device_reset(devs[i]);
    for (size_t i = 0; i + 4 <= size; i += 4) {
        unsigned int d = data[i] & 3;
        uint8_t buf[4] = { data[i + 3], data[i + 2], data[i + 1], data[i] };
        uint32_t len = 1U << ((data[i + 2] >> 1) & 3);

        if (data[i] == 0xff) {
            (void)device_load(devs[data[i + 1] & 3], data + i + 4, size - i - 4);
            break;
        }
        if (len > 4)
            len = 4;
        io[d](devs[d], data[i + 1] % (span[d] + 2), buf, len, data[i + 2] & 1);
    }
    for (int i = 0; i < 4; i++) {
        g_autoptr(GByteArray) st = g_byte_array_new();

        if (device_save(devs[i], st) != 0 || device_load(devs[i], st->data, st->len) != 0)
            __builtin_trap();
        device_free(devs[i]);
    }
    return 0;
}
