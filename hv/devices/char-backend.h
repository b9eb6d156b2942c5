/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Character backends for serial-like devices: a file, a pty, a listening
 * UNIX socket (one client at a time), an inherited fd or stdio.  Output is
 * written from any thread and never blocks (dropped when the peer is slow);
 * input is read on the main loop and handed to the device as it has room.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "hv/core/launch.h"

typedef struct CharBackend CharBackend;

/* How many bytes the device can take now; 0 pauses reading. */
typedef size_t (*CharCanRead)(void *opaque);
typedef void (*CharRead)(void *opaque, const uint8_t *buf, size_t len);

/* Opens the backend described by @cfg; NULL with -errno in *err. */
CharBackend *char_backend_open(const LaunchChar *cfg, int *err);
void char_backend_free(CharBackend *cb);

/* Starts delivering input (on the thread-default main context). */
void char_backend_set_reader(CharBackend *cb, CharCanRead can_read, CharRead read,
                             void *opaque);
/* Tells the backend the device has room again (any thread). */
void char_backend_kick(CharBackend *cb);

void char_backend_write(CharBackend *cb, const uint8_t *buf, size_t len);

/* The pty's slave path for a pty backend, else NULL. */
const char *char_backend_pty_path(const CharBackend *cb);
