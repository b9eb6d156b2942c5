/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The running domain's virtio-balloon through the VMM's control commands
 * `balloon` and `query-balloon` (docs/control-protocol.md).
 */
#pragma once

#include "driver/domain/domain-obj.h"

/*
 * Memory (KiB) the guest has now: query-balloon's "actual" when the domain
 * runs with a balloon and the VMM answers, else the definition's current
 * memory.  Never fails (a failed query is logged and ignored).
 */
unsigned long long domain_balloon_current_kib(DomainObj *obj);

/*
 * SET_MEMORY(_FLAGS): @kib must not exceed the maximum memory
 * (VK_ERR_INVALID_ARG); the domain must run (OPERATION_INVALID) and have a
 * balloon (OPERATION_INVALID otherwise).  Sends `balloon`.  0 or -1.
 */
int domain_balloon_set_memory(DomainObj *obj, unsigned long long kib, unsigned int flags);
