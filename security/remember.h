/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Durable memory of a file's original label while guests use it.
 *
 * Stored on the file itself as extended attributes (root only, like
 * libvirt's trusted.libvirt.security.*):
 *   trusted.virtkvm.security.<model>            original label ("+0:+0", context)
 *   trusted.virtkvm.security.ref_<model>        decimal reference count
 *   trusted.virtkvm.security.timestamp_<model>  boot id of the host that wrote them
 * The records survive a daemon restart; records from an earlier boot are
 * stale (no guest can still hold the file) and are discarded.  One process
 * (the daemon) updates them, under a mutex.
 */
#pragma once

#include <glib.h>

#define SECURITY_REMEMBER_UNSUPPORTED (-2)  /* fs without trusted xattrs */
#define SECURITY_REMEMBER_NONE (-3)         /* nothing recorded for @path */

/*
 * Takes a reference on @path for @model.  The first reference records
 * @current_label as the original.  Returns the new reference count (>= 1),
 * SECURITY_REMEMBER_UNSUPPORTED, or -1 with an error reported.
 */
int security_remember_push(const char *path, const char *model,
                           const char *current_label);

/*
 * Drops a reference.  Returns the remaining count; at 0 *orig_label is the
 * recorded original (caller frees) and the records are removed.  Returns
 * SECURITY_REMEMBER_NONE / _UNSUPPORTED when there is no record, or -1
 * with an error reported.
 */
int security_remember_pop(const char *path, const char *model,
                          char **orig_label);

/* The reference count of @path for @model; 0 when no (fresh) record exists. */
int security_remember_refcount(const char *path, const char *model);
