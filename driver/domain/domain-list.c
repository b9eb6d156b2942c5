/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "driver/domain/domain-list.h"
#include "util/error.h"
#include "util/i18n.h"

struct DomainObjList {
    GRWLock lock;
    GHashTable *by_name;    /* name -> DomainObj* (one reference) */
    GHashTable *by_uuid;    /* uuid string -> DomainObj* (same reference) */
};

DomainObjList *
domain_obj_list_new(void)
{
    DomainObjList *list = g_new0(DomainObjList, 1);

    g_rw_lock_init(&list->lock);
    list->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) domain_obj_unref);
    list->by_uuid = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return list;
}

void
domain_obj_list_free(DomainObjList *list)
{
    if (!list)
        return;
    g_hash_table_destroy(list->by_uuid);
    g_hash_table_destroy(list->by_name);
    g_rw_lock_clear(&list->lock);
    g_free(list);
}

static char *
uuid_key(const unsigned char *uuid)
{
    char buf[DOMAIN_UUID_STRLEN];

    domain_uuid_format(uuid, buf);
    return g_strdup(buf);
}

/* Returns the object referenced and locked, or NULL. */
static DomainObj *
lock_found(DomainObj *obj)
{
    if (!obj)
        return NULL;
    domain_obj_ref(obj);
    domain_obj_lock(obj);
    return obj;
}

DomainObj *
domain_obj_list_find_by_uuid(DomainObjList *list, const unsigned char *uuid)
{
    g_autofree char *key = uuid_key(uuid);
    DomainObj *obj;

    g_rw_lock_reader_lock(&list->lock);
    obj = lock_found(g_hash_table_lookup(list->by_uuid, key));
    g_rw_lock_reader_unlock(&list->lock);
    return obj;
}

DomainObj *
domain_obj_list_find_by_name(DomainObjList *list, const char *name)
{
    DomainObj *obj;

    g_rw_lock_reader_lock(&list->lock);
    obj = lock_found(g_hash_table_lookup(list->by_name, name));
    g_rw_lock_reader_unlock(&list->lock);
    return obj;
}

DomainObj *
domain_obj_list_find_by_id(DomainObjList *list, int id)
{
    GHashTableIter it;
    gpointer value;
    DomainObj *found = NULL;

    if (id < 0)
        return NULL;
    g_rw_lock_reader_lock(&list->lock);
    g_hash_table_iter_init(&it, list->by_name);
    while (!found && g_hash_table_iter_next(&it, NULL, &value)) {
        DomainObj *obj = value;

        domain_obj_lock(obj);
        if (domain_obj_get_id(obj) == id)
            found = domain_obj_ref(obj);
        else
            domain_obj_unlock(obj);
    }
    g_rw_lock_reader_unlock(&list->lock);
    return found;
}

/* The existing object of (*def)'s UUID takes the new definition. */
static int
list_assign_existing(DomainObj *obj, DomainDef **def, unsigned int flags,
                     DomainDef **old_def)
{
    char uuid[DOMAIN_UUID_STRLEN];

    domain_def_get_uuid_string(obj->def, uuid);
    if (obj->removing) {
        error_report(VK_FROM_DOMAIN, VK_ERR_OPERATION_FAILED,
                     _("domain '%1$s' is already being removed"), obj->def->name);
        return -1;
    }
    if (strcmp(obj->def->name, (*def)->name) != 0) {
        error_report(VK_FROM_DOMAIN, VK_ERR_OPERATION_FAILED,
                     _("domain '%1$s' is already defined with uuid %2$s"),
                     obj->def->name, uuid);
        return -1;
    }
    if (flags & DOMAIN_OBJ_LIST_ADD_CHECK_LIVE) {
        if (domain_obj_is_active(obj)) {
            error_report(VK_FROM_DOMAIN, VK_ERR_OPERATION_INVALID,
                         _("domain '%1$s' is already active"), obj->def->name);
            return -1;
        }
        if (!obj->persistent) {
            error_report(VK_FROM_DOMAIN, VK_ERR_OPERATION_INVALID,
                         _("domain '%1$s' is already being started"), obj->def->name);
            return -1;
        }
    }
    if (domain_obj_is_active(obj)) {
        *old_def = obj->newdef;
        obj->newdef = g_steal_pointer(def);
    } else if (flags & DOMAIN_OBJ_LIST_ADD_LIVE) {
        /* Starting: the config waits in newdef until shutdown. */
        if (!obj->newdef)
            obj->newdef = obj->def;
        else
            domain_def_free(obj->def);
        obj->def = g_steal_pointer(def);
    } else {
        *old_def = obj->def;
        obj->def = g_steal_pointer(def);
    }
    return 0;
}

DomainObj *
domain_obj_list_add(DomainObjList *list, DomainDef **def, unsigned int flags,
                    DomainDef **old_def, bool *added)
{
    g_autofree char *key = uuid_key((*def)->uuid);
    DomainObj *obj;

    *old_def = NULL;
    *added = false;
    g_rw_lock_writer_lock(&list->lock);
    if ((obj = g_hash_table_lookup(list->by_uuid, key))) {
        domain_obj_lock(obj);
        if (list_assign_existing(obj, def, flags, old_def) < 0) {
            domain_obj_unlock(obj);
            g_rw_lock_writer_unlock(&list->lock);
            return NULL;
        }
        domain_obj_ref(obj);
        g_rw_lock_writer_unlock(&list->lock);
        return obj;
    }
    if ((obj = g_hash_table_lookup(list->by_name, (*def)->name))) {
        char uuid[DOMAIN_UUID_STRLEN];

        domain_def_get_uuid_string(obj->def, uuid);
        error_report(VK_FROM_DOMAIN, VK_ERR_OPERATION_FAILED,
                     _("domain '%1$s' already exists with uuid %2$s"),
                     (*def)->name, uuid);
        g_rw_lock_writer_unlock(&list->lock);
        return NULL;
    }
    obj = domain_obj_new(g_steal_pointer(def));
    g_hash_table_insert(list->by_name, g_strdup(obj->def->name), obj);
    g_hash_table_insert(list->by_uuid, g_steal_pointer(&key), obj);
    domain_obj_ref(obj);
    domain_obj_lock(obj);
    g_rw_lock_writer_unlock(&list->lock);
    *added = true;
    return obj;
}

void
domain_obj_list_remove(DomainObjList *list, DomainObj *obj)
{
    g_autofree char *key = uuid_key(obj->def->uuid);

    obj->removing = true;
    domain_obj_ref(obj);
    domain_obj_unlock(obj);
    g_rw_lock_writer_lock(&list->lock);
    domain_obj_lock(obj);
    if (g_hash_table_lookup(list->by_uuid, key) == obj) {
        g_hash_table_remove(list->by_uuid, key);
        g_hash_table_remove(list->by_name, obj->def->name);
    }
    g_rw_lock_writer_unlock(&list->lock);
    domain_obj_unref(obj);
}

static void
def_rename(DomainDef *def, const char *new_name)
{
    if (def) {
        g_free(def->name);
        def->name = g_strdup(new_name);
    }
}

int
domain_obj_list_rename(DomainObjList *list, DomainObj *obj, const char *new_name)
{
    g_autofree char *old_name = g_strdup(obj->def->name);
    int ret = -1;

    domain_obj_unlock(obj);
    g_rw_lock_writer_lock(&list->lock);
    domain_obj_lock(obj);
    if (g_hash_table_contains(list->by_name, new_name)) {
        error_report(VK_FROM_DOMAIN, VK_ERR_OPERATION_INVALID,
                     _("domain with name '%1$s' already exists"), new_name);
        goto out;
    }
    /* The list's reference moves from the old key to the new one. */
    {
        gpointer old_key = NULL;

        g_hash_table_steal_extended(list->by_name, old_name, &old_key, NULL);
        g_free(old_key);
    }
    g_hash_table_insert(list->by_name, g_strdup(new_name), obj);
    def_rename(obj->def, new_name);
    def_rename(obj->newdef, new_name);
    ret = 0;
 out:
    g_rw_lock_writer_unlock(&list->lock);
    return ret;
}

GPtrArray *
domain_obj_list_collect(DomainObjList *list)
{
    GPtrArray *objs;
    GHashTableIter it;
    gpointer value;

    g_rw_lock_reader_lock(&list->lock);
    objs = g_ptr_array_new_full(g_hash_table_size(list->by_name),
                                (GDestroyNotify) domain_obj_unref);
    g_hash_table_iter_init(&it, list->by_name);
    while (g_hash_table_iter_next(&it, NULL, &value))
        g_ptr_array_add(objs, domain_obj_ref(value));
    g_rw_lock_reader_unlock(&list->lock);
    return objs;
}

guint
domain_obj_list_size(DomainObjList *list)
{
    guint n;

    g_rw_lock_reader_lock(&list->lock);
    n = g_hash_table_size(list->by_name);
    g_rw_lock_reader_unlock(&list->lock);
    return n;
}
