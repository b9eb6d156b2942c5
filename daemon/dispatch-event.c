/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Event registration procedures of every object family. */
#include "daemon/dispatch-families.h"
#include "daemon/event.h"
#include "daemon/protocol/virtkvm_remote.h"

static int
event_reply_id(void *retp, int id)
{
    remote_connect_event_callback_register_ret *ret = retp;

    if (id < 0)
        return -1;
    ret->callbackID = id;
    return 0;
}

static int
event_domain_register(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_domain_event_callback_register_any_args *args = argsp;

    return event_reply_id(retp, event_register(call->client, VK_EVENT_DOMAIN,
                                               args->eventID,
                                               args->dom ? (unsigned char *) args->dom->uuid : NULL,
                                               NULL));
}

static int
event_network_register(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_network_event_register_any_args *args = argsp;

    return event_reply_id(retp, event_register(call->client, VK_EVENT_NETWORK,
                                               args->eventID,
                                               args->net ? (unsigned char *) args->net->uuid : NULL,
                                               NULL));
}

static int
event_pool_register(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_storage_pool_event_register_any_args *args = argsp;

    return event_reply_id(retp, event_register(call->client, VK_EVENT_STORAGE_POOL,
                                               args->eventID,
                                               args->pool ? (unsigned char *) args->pool->uuid : NULL,
                                               NULL));
}

static int
event_nodedev_register(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_node_device_event_register_any_args *args = argsp;

    return event_reply_id(retp, event_register(call->client, VK_EVENT_NODE_DEVICE,
                                               args->eventID, NULL,
                                               args->dev ? args->dev->name : NULL));
}

static int
event_secret_register(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_secret_event_register_any_args *args = argsp;

    return event_reply_id(retp, event_register(call->client, VK_EVENT_SECRET,
                                               args->eventID,
                                               args->secret ? (unsigned char *) args->secret->uuid : NULL,
                                               NULL));
}

#define DEREGISTER_FN(fn, family) \
    static int \
    fn(DispatchCall *call, void *argsp, void *retp) \
    { \
        remote_connect_event_callback_deregister_args *args = argsp; \
        return event_deregister(call->client, family, args->callbackID); \
    }

DEREGISTER_FN(event_domain_deregister, VK_EVENT_DOMAIN)
DEREGISTER_FN(event_network_deregister, VK_EVENT_NETWORK)
DEREGISTER_FN(event_pool_deregister, VK_EVENT_STORAGE_POOL)
DEREGISTER_FN(event_nodedev_deregister, VK_EVENT_NODE_DEVICE)
DEREGISTER_FN(event_secret_deregister, VK_EVENT_SECRET)

static int
event_legacy_register_any(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_domain_event_register_any_args *args = argsp;

    return event_register_legacy(call->client, args->eventID);
}

static int
event_legacy_deregister_any(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_domain_event_deregister_any_args *args = argsp;

    return event_deregister_legacy(call->client, args->eventID);
}

/* The oldest API: lifecycle events only. */
static int
event_legacy_register(DispatchCall *call, void *args, void *retp)
{
    remote_connect_domain_event_register_ret *ret = retp;

    if (event_register_legacy(call->client, 0) < 0)
        return -1;
    ret->cb_registered = 1;
    return 0;
}

static int
event_legacy_deregister(DispatchCall *call, void *args, void *retp)
{
    remote_connect_domain_event_deregister_ret *ret = retp;

    if (event_deregister_legacy(call->client, 0) < 0)
        return -1;
    ret->cb_registered = 0;
    return 0;
}

static const DispatchEntry event_entries[] = {
    DISPATCH_ENTRY(316, event_domain_register,
                   remote_connect_domain_event_callback_register_any_args,
                   remote_connect_event_callback_register_ret, DISPATCH_INLINE),
    DISPATCH_ENTRY_NORET(317, event_domain_deregister,
                         remote_connect_event_callback_deregister_args, DISPATCH_INLINE),
    DISPATCH_ENTRY(313, event_network_register,
                   remote_connect_network_event_register_any_args,
                   remote_connect_event_callback_register_ret, DISPATCH_INLINE),
    DISPATCH_ENTRY_NORET(314, event_network_deregister,
                         remote_connect_event_callback_deregister_args, DISPATCH_INLINE),
    DISPATCH_ENTRY(368, event_pool_register,
                   remote_connect_storage_pool_event_register_any_args,
                   remote_connect_event_callback_register_ret, DISPATCH_INLINE),
    DISPATCH_ENTRY_NORET(369, event_pool_deregister,
                         remote_connect_event_callback_deregister_args, DISPATCH_INLINE),
    DISPATCH_ENTRY(374, event_nodedev_register,
                   remote_connect_node_device_event_register_any_args,
                   remote_connect_event_callback_register_ret, DISPATCH_INLINE),
    DISPATCH_ENTRY_NORET(375, event_nodedev_deregister,
                         remote_connect_event_callback_deregister_args, DISPATCH_INLINE),
    DISPATCH_ENTRY(380, event_secret_register,
                   remote_connect_secret_event_register_any_args,
                   remote_connect_event_callback_register_ret, DISPATCH_INLINE),
    DISPATCH_ENTRY_NORET(381, event_secret_deregister,
                         remote_connect_event_callback_deregister_args, DISPATCH_INLINE),
    DISPATCH_ENTRY_NORET(167, event_legacy_register_any,
                         remote_connect_domain_event_register_any_args, DISPATCH_INLINE),
    DISPATCH_ENTRY_NORET(168, event_legacy_deregister_any,
                         remote_connect_domain_event_deregister_any_args, DISPATCH_INLINE),
    DISPATCH_ENTRY_NOARGS(105, event_legacy_register,
                          remote_connect_domain_event_register_ret, DISPATCH_INLINE),
    DISPATCH_ENTRY_NOARGS(106, event_legacy_deregister,
                          remote_connect_domain_event_deregister_ret, DISPATCH_INLINE),
};

const DispatchFamily dispatch_family_event = {
    event_entries, G_N_ELEMENTS(event_entries)
};
