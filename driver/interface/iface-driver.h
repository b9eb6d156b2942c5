/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host interface driver (libvirt's interface driver semantics on top
 * of rtnetlink): every live link but loopback is an interface; persistent
 * definitions live in <config>/interfaces/NAME.xml.  Active means the link
 * exists and is IFF_UP; inactive means down, or defined but absent.
 * INTERFACE_CREATE brings a definition up (bridges, bonds and vlans are
 * created, ethernet links configured); DHCP protocol blocks are kept and
 * reported but no DHCP client is run.  CHANGE_BEGIN/COMMIT/ROLLBACK keep a
 * checkpoint in <state>/interfaces-checkpoint/ (see iface-txn.c).
 * Every function reports its error (VK_FROM_INTERFACE) and returns -1/NULL.
 */
#pragma once

#include <stdbool.h>

#include <glib.h>

typedef struct IfaceDriver IfaceDriver;

/* Values of virConnectListAllInterfacesFlags. */
typedef enum {
    IFACE_LIST_INACTIVE = 1 << 0,
    IFACE_LIST_ACTIVE = 1 << 1,
} IfaceListFlags;

/* VIR_INTERFACE_XML_INACTIVE: the persistent definition. */
#define IFACE_XML_INACTIVE (1u << 0)
/* VIR_INTERFACE_DEFINE_VALIDATE. */
#define IFACE_DEFINE_VALIDATE (1u << 0)

/* What clients get for an interface: its name and MAC ("" when none). */
typedef struct {
    char *name;
    char *mac;
} IfaceRef;

void iface_ref_free(IfaceRef *ref);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IfaceRef, iface_ref_free)

IfaceDriver *iface_driver_new(const char *def_dir, const char *checkpoint_dir);
void iface_driver_free(IfaceDriver *drv);

/* The daemon's driver: <config dir>/interfaces, created on first use. */
IfaceDriver *iface_driver_get_default(void);

/* IfaceRef* sorted by name; @flags IfaceListFlags (0 = all). */
GPtrArray *iface_driver_list(IfaceDriver *drv, unsigned flags);

IfaceRef *iface_driver_lookup_by_name(IfaceDriver *drv, const char *name);
IfaceRef *iface_driver_lookup_by_mac(IfaceDriver *drv, const char *mac);

char *iface_driver_get_xml(IfaceDriver *drv, const char *name, unsigned flags);
IfaceRef *iface_driver_define(IfaceDriver *drv, const char *xml, unsigned flags);
int iface_driver_undefine(IfaceDriver *drv, const char *name);
int iface_driver_create(IfaceDriver *drv, const char *name, unsigned flags);
int iface_driver_destroy(IfaceDriver *drv, const char *name, unsigned flags);
/* 1 active, 0 inactive, -1 error (NO_INTERFACE). */
int iface_driver_is_active(IfaceDriver *drv, const char *name);

int iface_driver_change_begin(IfaceDriver *drv, unsigned flags);
int iface_driver_change_commit(IfaceDriver *drv, unsigned flags);
int iface_driver_change_rollback(IfaceDriver *drv, unsigned flags);
