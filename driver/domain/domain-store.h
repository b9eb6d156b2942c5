/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Persistent domain configs on disk, as libvirt keeps them:
 *   <config>/domains/NAME.xml              the inactive definition
 *                                          (file_write_atomic: a crash
 *                                          leaves the old or the new file)
 *   <config>/domains/autostart/NAME.xml    symlink to it while autostart
 *                                          is on
 * with <config> = paths_config_dir() (/etc/virtkvm under --root).  Only
 * names ending in ".xml" are configs; the temporary files of an
 * interrupted write ("NAME.xml.new-XXXXXX") are removed at load.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "conf/domain/domain-conf.h"

typedef struct {
    char *config_dir;
    char *autostart_dir;
} DomainStore;

/* Creates nothing on disk yet; dirs are made on the first write. */
DomainStore *domain_store_new(const char *config_dir, const char *autostart_dir);
void domain_store_free(DomainStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomainStore, domain_store_free)

char *domain_store_config_path(const DomainStore *store, const char *name);
char *domain_store_autostart_path(const DomainStore *store, const char *name);

/* Writes @def's inactive XML (secure) as its NAME.xml; 0 or -1. */
int domain_store_save(const DomainStore *store, const DomainDef *def);

/* Removes NAME.xml and its autostart link (missing files are fine). */
int domain_store_delete(const DomainStore *store, const char *name);

bool domain_store_get_autostart(const DomainStore *store, const char *name);
int domain_store_set_autostart(const DomainStore *store, const char *name, bool on);

/*
 * Calls @func for every config that parses (taking ownership of @def).
 * Unreadable or invalid files are logged and skipped.  Returns the number
 * of files skipped.
 */
typedef void (*DomainStoreLoadFunc)(DomainDef *def, bool autostart, void *opaque);
int domain_store_load_all(const DomainStore *store, DomainStoreLoadFunc func,
                          void *opaque);
