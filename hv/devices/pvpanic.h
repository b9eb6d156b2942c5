/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pvpanic ISA device (port 0x505, ACPI id QEMU0001). */
#pragma once

#include "hv/core/layout.h"
#include "hv/devices/device.h"

#define PVPANIC_PORT LAYOUT_PIO_PVPANIC

Device *pvpanic_create(DeviceEnv *env, const char *id);
