/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* 16550A-compatible UART (COM1) with its character backend. */
#pragma once

#include "hv/devices/char-backend.h"
#include "hv/devices/device.h"

/* Takes ownership of @backend (may be NULL: output dropped). */
Device *serial_create(DeviceEnv *env, const char *id, uint16_t port, unsigned int irq,
                      CharBackend *backend);

/* The pty path when the backend is a pty, else NULL. */
const char *serial_pty_path(Device *dev);

/* Exposed for unit tests: one register access. */
void serial_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write);
