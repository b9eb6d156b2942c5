/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The driver's pool list and lock, shared by the pool and volume calls. */
#pragma once

#include "driver/storage/storage-driver.h"
#include "driver/storage/storage-priv.h"

void storage_lock(void);
void storage_unlock(void);

/* Locked lookups: NULL with NO_STORAGE_POOL reported. */
StoragePoolObj *storage_pool_obj_by_uuid(const unsigned char *uuid);
StoragePoolObj *storage_pool_obj_by_name(const char *name);
/* As above, and OPERATION_INVALID when the pool is not active. */
StoragePoolObj *storage_pool_obj_active_by_uuid(const unsigned char *uuid);
StoragePoolObj *storage_pool_obj_active_by_name(const char *name);
GPtrArray *storage_pool_objs(void);

/* Runs the backend refresh and replaces the pool's volumes. */
int storage_pool_obj_refresh(StoragePoolObj *pool);
/* Rewrites the live state file of an active pool. */
int storage_pool_obj_save_state(StoragePoolObj *pool);

/* A pool's volume by name: NULL with NO_STORAGE_VOL reported. */
StorageVolObj *storage_vol_obj_by_name(StoragePoolObj *pool, const char *name);

void storage_vol_id_fill(StorageVolId *out, StoragePoolObj *pool, const StorageVolDef *vol);
void storage_pool_emit(StoragePoolObj *pool, int event_id, int event);
