/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pieces shared by the pool and volume documents. */
#pragma once

#include "conf/xml-strict.h"
#include "conf/storage/storage-conf.h"

#define STORAGE_DOM VK_FROM_STORAGE

/* <permissions> with mode/owner/group/label. */
int storage_perms_parse(xmlNode *node, StoragePerms *perms);
void storage_perms_format(const StoragePerms *perms, xmlNode *parent);
void storage_perms_clear(StoragePerms *perms);

/* <capacity unit='...'>N</capacity> and friends. */
int storage_size_parse(xmlNode *node, uint64_t *out);
void storage_size_format(xmlNode *parent, const char *name, uint64_t value);

/* <extent start='' end=''/> (pool <freeExtent> too), appended to @extents. */
int storage_extent_parse(xmlNode *node, GArray *extents);
/* One element @name per StorageExtent of @extents under @parent. */
void storage_extents_format(const GArray *extents, const char *name, xmlNode *parent);

/* Absolute path with duplicate and trailing slashes removed. */
int storage_path_clean(const char *what, char **path);
