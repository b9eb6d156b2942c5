/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The remote-program families, one per dispatch-*.c file. */
#pragma once

#include "daemon/dispatch.h"

extern const DispatchFamily dispatch_family_connect;
extern const DispatchFamily dispatch_family_domain;
extern const DispatchFamily dispatch_family_domain_lifecycle;
/* A client closed: destroys the domains it started with AUTODESTROY. */
void dispatch_domain_lifecycle_client_closed(Client *client);
extern const DispatchFamily dispatch_family_event;
extern const DispatchFamily dispatch_family_network;
extern const DispatchFamily dispatch_family_storage;
extern const DispatchFamily dispatch_family_nodedev;
extern const DispatchFamily dispatch_family_secret;
extern const DispatchFamily dispatch_family_interface;
extern const DispatchFamily dispatch_family_host;

/* Formats a 16-byte UUID as libvirt prints it. */
char *dispatch_uuid_format(const unsigned char *uuid);
