/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared between iface-driver.c and iface-txn.c; not for other layers. */
#pragma once

#include <glib.h>

#include "conf/interface/interface-conf.h"
#include "driver/interface/iface-driver.h"
#include "driver/interface/iface-netlink.h"

#include <netlink/socket.h>

struct IfaceDriver {
    GMutex lock;            /* serialises every driver call */
    char *def_dir;          /* NAME.xml definitions */
    char *ckpt_dir;         /* exists while a transaction runs */
};

/* Definitions on disk: name -> InterfaceDef*; NULL on error. */
GHashTable *iface_defs_load(const char *dir);

/* The link named @name in @links (iface_nl_links), or NULL. */
IfaceNlLink *iface_links_find(GPtrArray *links, const char *name);

/* Brings @def up live (create, enslave, move port addresses, set up). */
int iface_live_start(struct nl_sock *sk, const InterfaceDef *def);

/* Records @name as touched by the running transaction (none: no-op). */
void iface_txn_touch(IfaceDriver *drv, const char *name);

typedef struct nl_sock IfaceSock;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IfaceSock, nl_socket_free)

/* Files of @dir ending in .xml copied into @dst (created); 0 or -1. */
int iface_copy_xml_dir(const char *src, const char *dst);
/* Removes the .xml files of @dir; 0 or -1. */
int iface_clear_xml_dir(const char *dir);
