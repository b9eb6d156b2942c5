/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The driver's domains, indexed by name and UUID under one reader/writer
 * lock.  Adding checks name and UUID uniqueness and inserts under the
 * write lock, so of two concurrent defines of one name exactly one wins.
 * Lookups return the object referenced and locked (domain_obj_end_api()
 * releases both) and never report errors: callers word "not found".
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "driver/domain/domain-obj.h"

typedef struct DomainObjList DomainObjList;

DomainObjList *domain_obj_list_new(void);
void domain_obj_list_free(DomainObjList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomainObjList, domain_obj_list_free)

DomainObj *domain_obj_list_find_by_uuid(DomainObjList *list, const unsigned char *uuid);
DomainObj *domain_obj_list_find_by_name(DomainObjList *list, const char *name);
/* Only active domains have ids. */
DomainObj *domain_obj_list_find_by_id(DomainObjList *list, int id);

enum {
    /* @def is a live definition (starting a transient domain) */
    DOMAIN_OBJ_LIST_ADD_LIVE = 1 << 0,
    /* refuse an existing domain that is active or not persistent */
    DOMAIN_OBJ_LIST_ADD_CHECK_LIVE = 1 << 1,
};

/*
 * Adds *@def (taken: *def becomes NULL on success) as a new object, or
 * assigns it to the existing object of the same UUID and name (the
 * replaced definition goes to *@old_def, NULL if none).  Refuses a UUID
 * known under another name and a name known under another UUID
 * (VK_ERR_OPERATION_FAILED, libvirt's messages).  Returns the object
 * referenced and locked, *@added telling whether it is new; NULL with an
 * error.
 */
DomainObj *domain_obj_list_add(DomainObjList *list, DomainDef **def,
                               unsigned int flags, DomainDef **old_def,
                               bool *added);

/*
 * Removes @obj (locked by the caller; still locked on return, and marked
 * removing so waiting jobs fail).  The list's reference is dropped; the
 * caller's stays.
 */
void domain_obj_list_remove(DomainObjList *list, DomainObj *obj);

/*
 * Renames @obj (locked, with a job) to @new_name in the index and in its
 * definitions.  Returns 0, or -1 with VK_ERR_OPERATION_INVALID when the
 * name is taken.
 */
int domain_obj_list_rename(DomainObjList *list, DomainObj *obj, const char *new_name);

/* Every object, referenced and unlocked (free the array to unref). */
GPtrArray *domain_obj_list_collect(DomainObjList *list);

guint domain_obj_list_size(DomainObjList *list);
