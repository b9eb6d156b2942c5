/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * DAC confinement: the VMM runs as an unprivileged user:group and the
 * files it must open are chowned to that identity while the guest runs.
 * These plain functions are what the DAC driver of the security manager
 * uses; the domain driver normally goes through security/manager.h.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include <glib.h>

/*
 * Resolves "name", "+uid" (user) and "name", "+gid" (group; NULL = the
 * user's primary group).  0, or -1 with VK_ERR_INVALID_ARG reported.
 */
int security_dac_resolve(const char *user, const char *group, uid_t *uid,
                         gid_t *gid);

/* Parses a DAC label "+UID:+GID" or "user:group"; 0 or -1 (error reported). */
int security_dac_parse_label(const char *label, uid_t *uid, gid_t *gid);

/* "+UID:+GID" */
char *security_dac_format_label(uid_t uid, gid_t gid);

/*
 * Chowns @path to @uid:@gid; with @remember, the first user of the file
 * records its current owner (see security/remember.h) and later users
 * only take a reference.  Read-only and shareable files must not be passed
 * here (the manager filters them).
 */
int security_dac_set_owner(const char *path, uid_t uid, gid_t gid,
                           bool remember);

/*
 * Drops this guest's reference; the last one chowns @path back to its
 * recorded owner.  Without a record (remembering off or unsupported) the
 * owner becomes root:root, as libvirt does.
 */
int security_dac_restore_owner(const char *path, bool remember);
