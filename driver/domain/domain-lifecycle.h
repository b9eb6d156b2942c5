/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running domains: start (as virtkvm-vmm processes), stop, pause, reset,
 * and keeping obj->state true from the VMM's events.  The dispatch layer
 * calls these with the object locked (as returned by a lookup).
 *
 * Events emitted (lifecycle, libvirt's values): STARTED/BOOTED,
 * SUSPENDED/PAUSED, RESUMED/UNPAUSED, SHUTDOWN/FINISHED,
 * STOPPED/{SHUTDOWN,DESTROYED,CRASHED,FAILED}, CRASHED/PANICKED, and the
 * REBOOT event (id 1) on a guest reset.
 *
 * A pvpanic report (<panic model='isa'/>) makes the domain crashed
 * (panicked) with CRASHED/PANICKED; then per <on_crash>: preserve keeps it
 * so (vCPUs stopped, resume or destroy it); destroy stops it, shut off
 * (crashed), STOPPED/CRASHED; restart does the same and starts a new VMM
 * (STARTED/BOOTED), running (crashed).
 */
#pragma once

#include <stdbool.h>

#include "driver/domain/domain-driver.h"

/* virDomainCreateFlags / Destroy / Shutdown / Reboot flags we accept. */
enum {
    DOMAIN_START_PAUSED = 1 << 0,
    DOMAIN_START_AUTODESTROY = 1 << 1,
    DOMAIN_START_BYPASS_CACHE = 1 << 2,
    DOMAIN_START_FORCE_BOOT = 1 << 3,
    DOMAIN_START_VALIDATE = 1 << 4,

    DOMAIN_DESTROY_GRACEFUL = 1 << 0,

    DOMAIN_SHUTDOWN_DEFAULT = 0,
    DOMAIN_SHUTDOWN_ACPI_POWER_BTN = 1 << 0,
};

/* virDomainEventType values used here. */
enum {
    DOMAIN_EVENT_STARTED = 2,
    DOMAIN_EVENT_SUSPENDED = 3,
    DOMAIN_EVENT_RESUMED = 4,
    DOMAIN_EVENT_STOPPED = 5,
    DOMAIN_EVENT_SHUTDOWN = 6,
    DOMAIN_EVENT_CRASHED = 8,
    DOMAIN_EVENT_ID_REBOOT = 1,
};

/*
 * Sets up the lifecycle code for the daemon's driver: security manager
 * (DAC user/group: NULL = "virtkvm"), runtime dirs; reattaches VMMs left
 * running by a previous daemon and starts autostart domains.
 */
int domain_lifecycle_init(DomainDriver *drv, const char *user, const char *group);
void domain_lifecycle_shutdown_daemon(void);

/* DOMAIN_CREATE(_WITH_FLAGS) of @obj (locked). @conn: the client (for
 * AUTODESTROY), opaque. */
int domain_lifecycle_create(DomainDriver *drv, DomainObj *obj, unsigned int flags,
                            void *conn);
/* DOMAIN_CREATE_XML: a transient (or persistent, already defined) domain
 * started from @xml; returns it locked and referenced. */
DomainObj *domain_lifecycle_create_xml(DomainDriver *drv, const char *xml,
                                       unsigned int flags, void *conn);

int domain_lifecycle_shutdown(DomainDriver *drv, DomainObj *obj, unsigned int flags);
int domain_lifecycle_reboot(DomainDriver *drv, DomainObj *obj, unsigned int flags);
int domain_lifecycle_reset(DomainDriver *drv, DomainObj *obj, unsigned int flags);
int domain_lifecycle_destroy(DomainDriver *drv, DomainObj *obj, unsigned int flags);
int domain_lifecycle_suspend(DomainDriver *drv, DomainObj *obj);
int domain_lifecycle_resume(DomainDriver *drv, DomainObj *obj);

/* Destroys every domain started with AUTODESTROY by @conn. */
void domain_lifecycle_conn_closed(DomainDriver *drv, void *conn);

/* Runtime facts for queries (obj locked; 0 when inactive). */
unsigned long long domain_lifecycle_cpu_time(DomainObj *obj);
pid_t domain_lifecycle_pid(DomainObj *obj);
/*
 * DOMAIN_GET_SECURITY_LABEL(_LIST): the label the VMM of @obj runs with
 * under model number @idx of the security stack (0: primary).  Returns 1
 * with *label set, 0 when there is no such label (inactive, no model
 * @idx, no security manager), -1 on error.
 */
int domain_lifecycle_security_label(DomainObj *obj, unsigned int idx,
                                    char **label, int *enforcing);
/* The serial pty path of a running domain, or NULL. */
const char *domain_lifecycle_pty_path(DomainObj *obj);
/* Names of the taps of interface i (NULL when none). */
const char *domain_lifecycle_tap_name(DomainObj *obj, unsigned int i);
