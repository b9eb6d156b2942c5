/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The i8042 keyboard controller, present for its reset line (command 0xFE). */
#pragma once

#include "hv/devices/device.h"

Device *i8042_create(DeviceEnv *env, const char *id);
void i8042_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write);
