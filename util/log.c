/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <unistd.h>

#include "util/log.h"

static LogLevel current_level = LOG_LEVEL_WARNING;

void
log_set_level(LogLevel level)
{
    g_atomic_int_set((int *) &current_level, level);
}

LogLevel
log_get_level(void)
{
    return g_atomic_int_get((int *) &current_level);
}

void
log_message(LogLevel level, const char *fmt, ...)
{
    static const char *const names[] = { "", "debug", "info", "warning", "error" };
    g_autofree char *text = NULL;
    g_autoptr(GDateTime) now = NULL;
    g_autofree char *stamp = NULL;
    va_list ap;

    if (level < log_get_level())
        return;
    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    now = g_date_time_new_now_utc();
    stamp = g_date_time_format(now, "%Y-%m-%d %H:%M:%S.%f");
    fprintf(stderr, "%s: %d: %s : %s\n", stamp ? stamp : "", (int) getpid(),
            names[level], text);
}
