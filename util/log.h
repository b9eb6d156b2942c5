/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Logging for the daemon layers: one line per message on stderr (or the
 * journal when the daemon runs under systemd), filtered by level.
 */
#pragma once

#include <glib.h>

typedef enum {
    LOG_LEVEL_DEBUG = 1,
    LOG_LEVEL_INFO = 2,
    LOG_LEVEL_WARNING = 3,
    LOG_LEVEL_ERROR = 4,
} LogLevel;

void log_set_level(LogLevel level);
LogLevel log_get_level(void);
void log_message(LogLevel level, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#define log_debug(...) \
    do { if (log_get_level() <= LOG_LEVEL_DEBUG) log_message(LOG_LEVEL_DEBUG, __VA_ARGS__); } while (0)
#define log_info(...) log_message(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warning(...) log_message(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_error(...) log_message(LOG_LEVEL_ERROR, __VA_ARGS__)
