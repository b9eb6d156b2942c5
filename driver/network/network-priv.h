/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals shared by the network driver's files. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include <glib.h>

#include "conf/network/network-conf.h"
#include "driver/events.h"
#include "driver/network/network-driver.h"

typedef struct {
    unsigned char uuid[16];
    unsigned char owner_uuid[16];
    char *owner_name;
    char *mac;               /* canonical lower-case */
} NetworkPort;

typedef struct {
    NetworkDef *def;         /* live definition when active, else the config */
    NetworkDef *newdef;      /* config to use after destroy (active + redefined) */
    bool active;
    bool persistent;
    bool autostart;
    pid_t dnsmasq_pid;       /* 0: none */
    GPtrArray *ports;        /* NetworkPort* */
} NetworkObj;

typedef struct {
    GMutex lock;
    GPtrArray *nets;         /* NetworkObj* */
    VkEventSink sink;
} NetworkDriver;

extern NetworkDriver network_driver;

/* Lookups, driver locked; report NO_NETWORK when absent. */
NetworkObj *network_obj_find_uuid(const unsigned char *uuid);
NetworkObj *network_obj_find_name(const char *name);

void network_port_free(NetworkPort *port);

/* A parsed <networkport> document (what a client sends). */
typedef struct {
    bool has_uuid;
    unsigned char uuid[16];
    unsigned char owner_uuid[16];
    char *owner_name;
    char *mac;               /* canonical */
} NetworkPortXml;

/* 0, or -1 with XML_ERROR reported; clear @out after success. */
int network_port_xml_parse(const char *xml, size_t len, NetworkPortXml *out);
void network_port_xml_clear(NetworkPortXml *x);
char *network_port_format(const NetworkObj *obj, const NetworkPort *port);

/* UUID text helpers (libvirt's 8-4-4-4-12 form). */
char *network_uuid_format(const unsigned char *uuid);
int network_uuid_parse(const char *str, unsigned char *uuid);

/* Persistence (network-state.c). */
char *network_config_path(const char *name);
char *network_autostart_path(const char *name);
char *network_status_path(const char *name);
int network_config_save(const NetworkDef *def);
int network_config_delete(const char *name);
int network_autostart_write(const char *name, bool on);
int network_status_save(const NetworkObj *obj);
void network_status_delete(const char *name);
/* Loads every config and status; re-adopts live networks. */
void network_state_load(void);

/* Realisation (network-driver.c). */
int network_obj_start(NetworkObj *obj);
/* Stops dnsmasq, removes nft rules and the bridge.  @loading: other
 * networks may not be loaded yet (keep the table unless it is empty). */
void network_obj_teardown(const NetworkDef *def, pid_t dnsmasq_pid, bool loading);
void network_obj_free(NetworkObj *obj);
