/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Durable file operations for persistent state. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Replaces @path with @len bytes of @data so that a crash at any moment
 * leaves either the old or the new contents: temporary file in the same
 * directory, fsync, rename, fsync of the directory.
 * Returns 0, or -1 with an error reported (domain @err_domain).
 */
int file_write_atomic(const char *path, const void *data, size_t len,
                      mode_t mode, int err_domain);

/* mkdir -p with @mode for created components; 0 or -1 with error reported. */
int file_make_dirs(const char *path, mode_t mode, int err_domain);

/* Removes @path and fsyncs its directory; missing files are not an error. */
int file_remove_durable(const char *path, int err_domain);
