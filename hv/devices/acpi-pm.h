/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ACPI fixed-hardware PM registers: PM1a_EVT (status/enable), PM1a_CNT and
 * the 32-bit PM timer, at the ports of layout.h; SCI on LAYOUT_IRQ_ACPI_SCI.
 */
#pragma once

#include "hv/devices/device.h"

#define PM1_STS_TMR    0x0001
#define PM1_STS_PWRBTN 0x0100
#define PM1_STS_WAK    0x8000
#define PM1_CNT_SCI_EN 0x0001
#define PM1_CNT_SLP_EN 0x2000

Device *acpi_pm_create(DeviceEnv *env, const char *id);
/* Presses the power button: PWRBTN_STS, SCI if enabled (any thread). */
void acpi_pm_power_button(Device *dev);
/* true when the guest has enabled the power-button event. */
bool acpi_pm_power_button_enabled(Device *dev);
void acpi_pm_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write);
