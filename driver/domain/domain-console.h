/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Console sessions of running domains (DOMAIN_OPEN_CONSOLE): the serial
 * port's pty (created by the VMM; its path is in the runtime) opened raw
 * by the daemon.  One session per domain: a second open fails unless
 * forced, which ends the first (its wake fd becomes readable).
 */
#pragma once

#include "driver/domain/domain-driver.h"

enum {
    DOMAIN_CONSOLE_FORCE = 1 << 0,
    DOMAIN_CONSOLE_SAFE = 1 << 1,
};

/*
 * Opens the console @dev_name (NULL: the first serial / console, or an
 * alias "serial0" / "console0") of @obj (locked, running).  Returns the
 * pty fd (non-blocking, raw) and *@wake_fd, an eventfd that becomes
 * readable when the session is taken over; -1 with libvirt's errors.
 */
int domain_console_open(DomainObj *obj, const char *dev_name, unsigned int flags,
                        int *wake_fd);

/* Ends the session identified by @wake_fd (the caller closes its fds). */
void domain_console_close(const unsigned char *uuid, int wake_fd);
