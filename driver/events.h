/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * How drivers announce events (a domain started, a pool was refreshed...)
 * without depending on the daemon: the daemon hands each driver a
 * VkEventSink at init; the driver fills a VkEvent and calls
 * event_sink_emit().  The daemon sends it to every client whose
 * registration matches (family, event_id, object), encoded as libvirt's
 * event message.  Emitting is cheap and never blocks; any thread.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef enum {
    VK_EVENT_DOMAIN,        /* event_id: VIR_DOMAIN_EVENT_ID_* */
    VK_EVENT_NETWORK,       /* VIR_NETWORK_EVENT_ID_* */
    VK_EVENT_STORAGE_POOL,  /* VIR_STORAGE_POOL_EVENT_ID_* */
    VK_EVENT_NODE_DEVICE,   /* VIR_NODE_DEVICE_EVENT_ID_* */
    VK_EVENT_SECRET,        /* VIR_SECRET_EVENT_ID_* */
    VK_EVENT_FAMILY_LAST,
} VkEventFamily;

/*
 * The object and the event's fields.  Which fields matter depends on the
 * event (libvirt's callback arguments):
 *   lifecycle events (domain 0, network 0, pool 0, nodedev 0, secret 0):
 *       event, detail
 *   domain REBOOT (1), pool REFRESH (1), nodedev UPDATE (1),
 *   secret VALUE_CHANGED (1): nothing more
 *   domain RTC_CHANGE (2): num = offset; WATCHDOG (3): event = action;
 *   BALLOON_CHANGE (13): num = actual KiB;
 *   DEVICE_REMOVED (15), DEVICE_ADDED (19): str = device alias
 * Events the daemon cannot encode yet are dropped with a debug message.
 */
typedef struct {
    VkEventFamily family;
    int event_id;
    const char *name;        /* object name; secret: usage id */
    unsigned char uuid[16];  /* domain, network, pool, secret */
    int id;                  /* domain: id (-1 inactive); secret: usage type */
    int event;
    int detail;
    int64_t num;
    const char *str;
} VkEvent;

typedef void (*VkEventEmitFunc)(const VkEvent *ev, void *opaque);

typedef struct {
    VkEventEmitFunc emit;
    void *opaque;
} VkEventSink;

static inline void
event_sink_emit(const VkEventSink *sink, const VkEvent *ev)
{
    if (sink && sink->emit)
        sink->emit(ev, sink->opaque);
}
