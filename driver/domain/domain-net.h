/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host side of a domain's interfaces: a tap per <interface> (type
 * ethernet: a new tap or the one named in <target dev>; bridge: a new tap
 * enslaved to the existing Linux bridge; network: a port of the virtual
 * network (driver/network) and a tap on its bridge), host MAC derived from the guest
 * MAC (fe:xx:..), link up.  Taps we create are not persistent: they go
 * away with the last fd, i.e. when the VMM exits.
 */
#pragma once

#include "driver/domain/domain-runtime.h"

/* Opens one tap fd per interface into @fds (in order); records the tap
 * names in the live definition (<target dev>). 0 or -1 (all closed). */
int domain_net_setup(DomainObj *obj, DomainRuntime *rt, int *fds);

/* Removes what setup created (taps still present). */
void domain_net_cleanup(DomainObj *obj, DomainRuntime *rt);
