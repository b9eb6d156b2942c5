/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Legacy (non-PCI) devices: each is one file with a constant DeviceOps
 * table.  A device sees the machine only through DeviceEnv: the VM (for its
 * I/O buses and IRQ lines) and a request hook (power-off, reset, panic).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "hv/core/vm.h"

typedef struct {
    Vm *vm;
    /* Thread-safe: called from vCPU threads. */
    void (*request)(void *opaque, VmRequest req, const char *detail);
    void *opaque;
} DeviceEnv;

typedef struct Device Device;

typedef struct {
    const char *type;
    IoHandler io;                           /* for [io_base, io_base+io_len) */
    int (*realize)(Device *dev);
    void (*reset)(Device *dev);             /* power-on state */
    int (*save)(Device *dev, GByteArray *out);
    int (*load)(Device *dev, const uint8_t *data, size_t len);
    void (*destroy)(Device *dev);           /* frees priv */
} DeviceOps;

struct Device {
    const DeviceOps *ops;
    char *id;
    DeviceEnv *env;
    void *priv;
    bool pio;               /* range below is port I/O (else MMIO) */
    uint64_t io_base;
    uint64_t io_len;
    bool realized;
};

Device *device_new(const DeviceOps *ops, const char *id, DeviceEnv *env, void *priv);
/* Registers [io_base, io_base+io_len) with ops->io, then ops->realize. */
int device_realize(Device *dev);
void device_reset(Device *dev);
int device_save(Device *dev, GByteArray *out);
int device_load(Device *dev, const uint8_t *data, size_t len);
void device_free(Device *dev);
