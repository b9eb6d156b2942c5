/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the domain driver's files only. */
#pragma once

#include "driver/domain/domain-driver.h"

struct DomainDriver {
    DomainObjList *domains;
    DomainStore *store;
    char *nvram_dir;
    VkEventSink sink;
    bool has_sink;
};

/* Writes the persistent definition of @obj. */
int domain_driver_save_config(DomainDriver *drv, DomainObj *obj);

/* A lifecycle event for @obj (locked) sent under @name. */
void domain_driver_emit_named(DomainDriver *drv, DomainObj *obj, const char *name,
                              int event, int detail);
