/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Dispatch of remote-program calls: a table indexed by procedure number,
 * filled from one DispatchFamily per file (dispatch-connect.c,
 * dispatch-domain.c, ...).  A family lists DispatchEntry rows; the core
 * checks authentication, the open connection and read-only access,
 * decodes the arguments, runs the handler on a worker and sends the reply
 * (or the thread's last error as remote_error).  Procedures no family
 * implements get VIR_ERR_NO_SUPPORT naming the procedure.
 *
 * Adding a family: write daemon/dispatch-foo.c defining
 *   const DispatchFamily dispatch_family_foo = { entries, G_N_ELEMENTS(entries) };
 * and add it to daemon/dispatch-families.c and daemon/meson.build.
 */
#pragma once

#include <stdbool.h>
#include <rpc/rpc.h>

#include "daemon/client.h"
#include "daemon/daemon.h"
#include "daemon/server.h"
#include "daemon/stream.h"

typedef struct {
    Client *client;
    Daemon *daemon;
    const Message *msg;        /* the call: header, passed fds */
    Message *reply_fds;        /* fds to pass back (dispatch_add_reply_fd) */
    Stream *stream;            /* opened by the handler, if any */
    bool close_after_reply;    /* CONNECT_CLOSE */
} DispatchCall;

/* Returns 0 with ret filled, or -1 with an error reported. */
typedef int (*DispatchFunc)(DispatchCall *call, void *args, void *ret);

typedef enum {
    DISPATCH_NO_AUTH = 1 << 0,     /* allowed before AUTH_LIST */
    DISPATCH_NO_OPEN = 1 << 1,     /* allowed before CONNECT_OPEN */
    DISPATCH_INLINE = 1 << 2,      /* never blocks: answered on the main loop */
    DISPATCH_READONLY_OK = 1 << 3, /* allowed read-only even if the
                                      generated table says mutating */
} DispatchFlags;

typedef struct {
    int proc;
    DispatchFunc func;
    xdrproc_t args_filter;         /* NULL: void arguments */
    size_t args_size;
    xdrproc_t ret_filter;          /* NULL: void return */
    size_t ret_size;
    unsigned flags;                /* DispatchFlags */
} DispatchEntry;

typedef struct {
    const DispatchEntry *entries;
    size_t n;
} DispatchFamily;

/* Shorthand for table rows: DISPATCH_ENTRY(60, fn, args_t, ret_t, flags). */
#define DISPATCH_ENTRY(num, fn, args_t, ret_t, fl) \
    { num, fn, (xdrproc_t) xdr_##args_t, sizeof(args_t), \
      (xdrproc_t) xdr_##ret_t, sizeof(ret_t), fl }
#define DISPATCH_ENTRY_NOARGS(num, fn, ret_t, fl) \
    { num, fn, NULL, 0, (xdrproc_t) xdr_##ret_t, sizeof(ret_t), fl }
#define DISPATCH_ENTRY_NORET(num, fn, args_t, fl) \
    { num, fn, (xdrproc_t) xdr_##args_t, sizeof(args_t), NULL, 0, fl }
#define DISPATCH_ENTRY_VOID(num, fn, fl) \
    { num, fn, NULL, 0, NULL, 0, fl }

/* The families, NULL-terminated (dispatch-families.c). */
extern const DispatchFamily *const dispatch_remote_families[];

/* Builds the procedure table; call once before serving. */
void dispatch_init(void);

/* The remote program's server hooks. */
extern const ServerProgram dispatch_remote_program;

/*
 * Opens a stream tied to this call; it starts (ops->start) once the OK
 * reply has been queued, and is aborted if the handler fails.
 */
Stream *dispatch_open_stream(DispatchCall *call, const StreamOps *ops,
                             void *opaque);

/* Adds an fd (dup'ed) to the reply, making it REPLY_WITH_FDS. */
int dispatch_add_reply_fd(DispatchCall *call, int fd);

/* Takes fd number idx passed with the call (CALL_WITH_FDS), or -1. */
int dispatch_steal_call_fd(DispatchCall *call, unsigned idx);

/* Connection state helpers for handlers. */
bool dispatch_client_readonly(DispatchCall *call);

/* Queues the reply/error for a call with hdr (shared with admin). */
void dispatch_send_reply(Client *client, const PacketHeader *call_hdr,
                         int ret, xdrproc_t ret_filter, void *retobj,
                         Message *fds);
/* Reports the error and sends it. */
void dispatch_send_error_now(Client *client, const PacketHeader *call_hdr);
