/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* MC146818 CMOS RTC at ports 0x70/0x71, with the PC memory-size bytes. */
#pragma once

#include "hv/devices/device.h"

Device *rtc_create(DeviceEnv *env, const char *id, uint64_t mem_size, unsigned int nvcpus);
void rtc_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write);
/* Test hook: guest time = host time + offset seconds. */
void rtc_set_offset(Device *dev, int64_t seconds);
