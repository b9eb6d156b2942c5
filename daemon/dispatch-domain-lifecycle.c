/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Procedures of running domains: create, destroy, shutdown, reboot,
 * reset, suspend/resume, control info, vcpus, time, memory.  The
 * semantics live in driver/domain/domain-lifecycle.c.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "daemon/dispatch-families.h"
#include "daemon/protocol/virtkvm_remote.h"
#include "daemon/protocol/virtkvm_remote_lifecycle.h"
#include "driver/domain/domain-balloon.h"
#include "driver/domain/domain-console.h"
#include "driver/domain/domain-driver.h"
#include "driver/domain/domain-lifecycle.h"
#include "driver/domain/domain-stats.h"
#include "util/error.h"
#include "util/i18n.h"

#define DRV domain_driver_get_default()

static void
make_dom(remote_nonnull_domain *dom, DomainObj *obj)
{
    dom->name = g_strdup(obj->def->name);
    memcpy(dom->uuid, obj->def->uuid, DOMAIN_UUID_BUFLEN);
    dom->id = domain_obj_get_id(obj);
}

static DomainObj *
get_obj(const remote_nonnull_domain *dom)
{
    return domain_driver_lookup(DRV, (const unsigned char *) dom->uuid, dom->name);
}

typedef int (*ObjFunc)(DomainDriver *drv, DomainObj *obj, unsigned int flags);

static int
with_obj(const remote_nonnull_domain *dom, ObjFunc fn, unsigned int flags)
{
    DomainObj *obj = get_obj(dom);
    int r;

    if (!obj)
        return -1;
    r = fn(DRV, obj, flags);
    domain_obj_end_api(obj);
    return r;
}

/* --- create --------------------------------------------------------------- */

static int
create_common(DispatchCall *call, const remote_nonnull_domain *dom, unsigned int flags,
              remote_nonnull_domain *out)
{
    DomainObj *obj = get_obj(dom);
    int r;

    if (!obj)
        return -1;
    r = domain_lifecycle_create(DRV, obj, flags, call->client);
    if (r == 0 && out)
        make_dom(out, obj);
    domain_obj_end_api(obj);
    return r;
}

static int
domain_create(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_create_args *args = argsp;

    return create_common(call, &args->dom, 0, NULL);
}

static int
domain_create_with_flags(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_create_with_flags_args *args = argsp;
    remote_domain_create_with_flags_ret *ret = retp;

    return create_common(call, &args->dom, args->flags, &ret->dom);
}

static int
domain_create_xml(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_create_xml_args *args = argsp;
    remote_domain_create_xml_ret *ret = retp;
    DomainObj *obj;

    if (!DRV) {
        error_report(VK_FROM_QEMU, VK_ERR_NO_SUPPORT, "%s", _("no domain driver"));
        return -1;
    }
    if (!(obj = domain_lifecycle_create_xml(DRV, args->xml_desc, args->flags, call->client)))
        return -1;
    make_dom(&ret->dom, obj);
    domain_obj_end_api(obj);
    return 0;
}

/* --- stop, pause, reset ----------------------------------------------------- */

static int
domain_destroy(DispatchCall *call, void *argsp, void *retp)
{
    return with_obj(&((remote_domain_destroy_args *) argsp)->dom, domain_lifecycle_destroy, 0);
}

static int
domain_destroy_flags(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_destroy_flags_args *args = argsp;

    return with_obj(&args->dom, domain_lifecycle_destroy, args->flags);
}

static int
domain_shutdown(DispatchCall *call, void *argsp, void *retp)
{
    return with_obj(&((remote_domain_shutdown_args *) argsp)->dom, domain_lifecycle_shutdown, 0);
}

static int
domain_shutdown_flags(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_shutdown_flags_args *args = argsp;

    return with_obj(&args->dom, domain_lifecycle_shutdown, args->flags);
}

static int
domain_reboot(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_reboot_args *args = argsp;

    return with_obj(&args->dom, domain_lifecycle_reboot, args->flags);
}

static int
domain_reset(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_reset_args *args = argsp;

    return with_obj(&args->dom, domain_lifecycle_reset, args->flags);
}

static int
suspend_fn(DomainDriver *drv, DomainObj *obj, unsigned int flags)
{
    return domain_lifecycle_suspend(drv, obj);
}

static int
resume_fn(DomainDriver *drv, DomainObj *obj, unsigned int flags)
{
    return domain_lifecycle_resume(drv, obj);
}

static int
domain_suspend(DispatchCall *call, void *argsp, void *retp)
{
    return with_obj(&((remote_domain_suspend_args *) argsp)->dom, suspend_fn, 0);
}

static int
domain_resume(DispatchCall *call, void *argsp, void *retp)
{
    return with_obj(&((remote_domain_resume_args *) argsp)->dom, resume_fn, 0);
}

/* --- queries ------------------------------------------------------------------ */

static int
domain_get_control_info(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_get_control_info_args *args = argsp;
    remote_domain_get_control_info_ret *ret = retp;
    DomainObj *obj;

    if (domain_driver_check_flags(args->flags, 0, "qemuDomainGetControlInfo") < 0 ||
        !(obj = get_obj(&args->dom)))
        return -1;
    if (!domain_obj_is_active(obj)) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("domain is not running"));
        domain_obj_end_api(obj);
        return -1;
    }
    /* VIR_DOMAIN_CONTROL_OK: commands go on their own connection */
    ret->state = 0;
    ret->details = 0;
    ret->stateTime = 0;
    domain_obj_end_api(obj);
    return 0;
}

static int
domain_get_vcpus(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_get_vcpus_args *args = argsp;
    remote_domain_get_vcpus_ret *ret = retp;
    g_autofree DomainVcpuInfo *vinfo = NULL;
    DomainObj *obj;
    unsigned int n;

    if (args->maxinfo < 1 || args->maxinfo > REMOTE_VCPUINFO_MAX ||
        args->maplen < 0 || (gint64) args->maxinfo * args->maplen > REMOTE_CPUMAPS_MAX) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, "%s", _("maxinfo or maplen out of range"));
        return -1;
    }
    if (!(obj = get_obj(&args->dom)))
        return -1;
    if (!domain_obj_is_active(obj)) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("cannot list vcpu pinning for an inactive domain"));
        domain_obj_end_api(obj);
        return -1;
    }
    n = MIN((unsigned int) args->maxinfo, domain_def_get_vcpus(obj->def));
    vinfo = g_new0(DomainVcpuInfo, MAX(n, 1));
    domain_stats_vcpus(obj, vinfo, n);
    ret->info.info_len = n;
    ret->info.info_val = g_new0(remote_vcpu_info, n);
    ret->cpumaps.cpumaps_len = n * (unsigned int) args->maplen;
    ret->cpumaps.cpumaps_val = g_malloc0(MAX(ret->cpumaps.cpumaps_len, 1));
    for (unsigned int i = 0; i < n; i++) {
        ret->info.info_val[i].number = i;
        ret->info.info_val[i].state = 1;    /* VIR_VCPU_RUNNING */
        ret->info.info_val[i].cpu_time = vinfo[i].time_ns;
        ret->info.info_val[i].cpu = vinfo[i].cpu;
        for (int b = 0; b < args->maplen; b++)
            ret->cpumaps.cpumaps_val[i * (unsigned int) args->maplen + (unsigned int) b] = 0xff;
    }
    domain_obj_end_api(obj);
    return 0;
}

static int
domain_get_time(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_get_time_args *args = argsp;
    DomainObj *obj;

    if (!(obj = get_obj(&args->dom)))
        return -1;
    if (!domain_obj_is_active(obj))
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("domain is not running"));
    else
        error_report(VK_FROM_QEMU, VK_ERR_ARGUMENT_UNSUPPORTED, "%s",
                     _("QEMU guest agent is not configured"));
    domain_obj_end_api(obj);
    return -1;
}

static int
set_memory_common(const remote_nonnull_domain *dom, unsigned long long kib,
                  unsigned int flags)
{
    DomainObj *obj = get_obj(dom);
    int r;

    if (!obj)
        return -1;
    r = domain_balloon_set_memory(obj, kib, flags);
    domain_obj_end_api(obj);
    return r;
}

static int
domain_set_memory(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_set_memory_args *args = argsp;

    return set_memory_common(&args->dom, args->memory, 0);
}

static int
domain_set_memory_flags(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_set_memory_flags_args *args = argsp;

    if (domain_driver_check_flags(args->flags, 0x7, "qemuDomainSetMemoryFlags") < 0)
        return -1;
    return set_memory_common(&args->dom, args->memory, args->flags);
}


/* --- stats -------------------------------------------------------------------- */

static int
domain_block_stats(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_block_stats_args *args = argsp;
    remote_domain_block_stats_ret *ret = retp;
    DomainObj *obj = get_obj(&args->dom);
    DomainBlockStats st;
    int r;

    if (!obj)
        return -1;
    r = domain_stats_block(obj, args->path, &st);
    domain_obj_end_api(obj);
    if (r < 0)
        return -1;
    ret->rd_req = st.rd_req;
    ret->rd_bytes = st.rd_bytes;
    ret->wr_req = st.wr_req;
    ret->wr_bytes = st.wr_bytes;
    ret->errs = st.errs;
    return 0;
}

/*
 * As libvirt's qemu driver: nparams 0 asks for the count; the known
 * counters go out as llong in the order wr_bytes, wr_operations, rd_bytes,
 * rd_operations, flush_operations, at most nparams of them.
 */
static int
domain_block_stats_flags(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_block_stats_flags_args *args = argsp;
    remote_domain_block_stats_flags_ret *ret = retp;
    DomainObj *obj;
    DomainBlockStats st;
    const char *names[] = { "wr_bytes", "wr_operations", "rd_bytes", "rd_operations",
                            "flush_operations" };
    long long vals[G_N_ELEMENTS(names)];
    int r, n = 0;

    if (args->nparams < 0 || args->nparams > REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, "%s", _("nparams too large"));
        return -1;
    }
    /* VIR_TYPED_PARAM_STRING_OKAY */
    if (domain_driver_check_flags(args->flags, 0x4, "qemuDomainBlockStatsFlags") < 0 ||
        !(obj = get_obj(&args->dom)))
        return -1;
    r = domain_stats_block(obj, args->path, &st);
    domain_obj_end_api(obj);
    if (r < 0)
        return -1;
    vals[0] = st.wr_bytes;
    vals[1] = st.wr_req;
    vals[2] = st.rd_bytes;
    vals[3] = st.rd_req;
    vals[4] = st.flush_req;
    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
        n += vals[i] != -1;
    if (args->nparams == 0) {
        ret->nparams = n;
        return 0;
    }
    ret->params.params_val = g_new0(remote_typed_param, G_N_ELEMENTS(names));
    n = 0;
    for (guint i = 0; i < G_N_ELEMENTS(names) && n < args->nparams; i++) {
        remote_typed_param *p;

        if (vals[i] == -1)
            continue;
        p = &ret->params.params_val[n++];
        p->field = g_strdup(names[i]);
        p->value.type = DOMAIN_PARAM_LLONG;
        p->value.remote_typed_param_value_u.l = vals[i];
    }
    ret->params.params_len = (u_int) n;
    ret->nparams = n;
    return 0;
}

static int
domain_interface_stats(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_interface_stats_args *args = argsp;
    remote_domain_interface_stats_ret *ret = retp;
    DomainObj *obj = get_obj(&args->dom);
    DomainIfStats st;
    int r;

    if (!obj)
        return -1;
    r = domain_stats_interface(obj, args->device, &st);
    domain_obj_end_api(obj);
    if (r < 0)
        return -1;
    ret->rx_bytes = st.rx_bytes;
    ret->rx_packets = st.rx_packets;
    ret->rx_errs = st.rx_errs;
    ret->rx_drop = st.rx_drop;
    ret->tx_bytes = st.tx_bytes;
    ret->tx_packets = st.tx_packets;
    ret->tx_errs = st.tx_errs;
    ret->tx_drop = st.tx_drop;
    return 0;
}

static int
domain_memory_stats(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_memory_stats_args *args = argsp;
    remote_domain_memory_stats_ret *ret = retp;
    DomainObj *obj;
    int tags[2];
    unsigned long long vals[2];
    int n;

    if (args->maxStats > REMOTE_DOMAIN_MEMORY_STATS_MAX) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, "%s",
                     _("maxStats > REMOTE_DOMAIN_MEMORY_STATS_MAX"));
        return -1;
    }
    if (domain_driver_check_flags(args->flags, 0, "qemuDomainMemoryStats") < 0 ||
        !(obj = get_obj(&args->dom)))
        return -1;
    n = domain_stats_memory(obj, MIN(args->maxStats, 2), tags, vals);
    domain_obj_end_api(obj);
    if (n < 0)
        return -1;
    ret->stats.stats_len = (u_int) n;
    ret->stats.stats_val = g_new0(remote_domain_memory_stat, MAX(n, 1));
    for (int i = 0; i < n; i++) {
        ret->stats.stats_val[i].tag = tags[i];
        ret->stats.stats_val[i].val = vals[i];
    }
    return 0;
}

static void
stats_record(remote_domain_stats_record *rec, DomainObj *obj, unsigned int groups)
{
    g_autoptr(GArray) params = domain_stats_new();

    make_dom(&rec->dom, obj);
    domain_stats_collect(obj, groups, params);
    rec->params.params_len = params->len;
    rec->params.params_val = g_new0(remote_typed_param, MAX(params->len, 1));
    for (guint i = 0; i < params->len; i++) {
        DomainStatParam *p = &g_array_index(params, DomainStatParam, i);
        remote_typed_param *out = &rec->params.params_val[i];

        out->field = g_strdup(p->field);
        out->value.type = p->type;
        switch (p->type) {
        case DOMAIN_PARAM_INT:
            out->value.remote_typed_param_value_u.i = (int) p->l;
            break;
        case DOMAIN_PARAM_UINT:
            out->value.remote_typed_param_value_u.ui = (u_int) p->l;
            break;
        case DOMAIN_PARAM_LLONG:
            out->value.remote_typed_param_value_u.l = p->l;
            break;
        case DOMAIN_PARAM_ULLONG:
            out->value.remote_typed_param_value_u.ul = (u_quad_t) p->l;
            break;
        default:
            out->value.remote_typed_param_value_u.s = g_strdup(p->s ? p->s : "");
            break;
        }
    }
}

static int
connect_get_all_domain_stats(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_get_all_domain_stats_args *args = argsp;
    remote_connect_get_all_domain_stats_ret *ret = retp;
    unsigned int groups = args->stats ? args->stats : DOMAIN_STATS_SUPPORTED;
    g_autoptr(GPtrArray) objs = g_ptr_array_new();

    if (!DRV)
        return 0;
    if (args->doms.doms_len) {
        for (u_int i = 0; i < args->doms.doms_len; i++) {
            DomainObj *obj = get_obj(&args->doms.doms_val[i]);

            if (!obj) {
                for (guint j = 0; j < objs->len; j++)
                    domain_obj_unref(g_ptr_array_index(objs, j));
                return -1;
            }
            g_ptr_array_add(objs, domain_obj_ref(obj));
            domain_obj_end_api(obj);
        }
    } else {
        g_autoptr(GArray) refs = domain_driver_list_all(DRV, args->flags & 0xff);

        if (!refs)
            return -1;
        for (guint i = 0; i < refs->len; i++) {
            DomainRef *ref = &g_array_index(refs, DomainRef, i);
            DomainObj *obj = domain_driver_lookup_by_uuid(DRV, ref->uuid);

            if (!obj) {
                error_reset();
                continue;
            }
            g_ptr_array_add(objs, domain_obj_ref(obj));
            domain_obj_end_api(obj);
        }
    }
    ret->retStats.retStats_len = objs->len;
    ret->retStats.retStats_val = g_new0(remote_domain_stats_record, MAX(objs->len, 1));
    for (guint i = 0; i < objs->len; i++) {
        DomainObj *obj = g_ptr_array_index(objs, i);

        domain_obj_lock(obj);
        stats_record(&ret->retStats.retStats_val[i], obj, groups & DOMAIN_STATS_SUPPORTED);
        domain_obj_unlock(obj);
        domain_obj_unref(obj);
    }
    return 0;
}

/* --- console ------------------------------------------------------------------ */

/* One console stream: the pty fd pumped to the client by a thread. */
typedef struct {
    gint refs;
    int fd;
    int wake;                   /* eventfd: takeover or end */
    Stream *st;
    unsigned char uuid[DOMAIN_UUID_BUFLEN];
} ConsoleStream;

static void
console_unref(ConsoleStream *c)
{
    if (!g_atomic_int_dec_and_test(&c->refs))
        return;
    close(c->fd);
    close(c->wake);
    g_free(c);
}

static void
console_end(ConsoleStream *c)
{
    uint64_t one = 1;

    domain_console_close(c->uuid, c->wake);
    if (write(c->wake, &one, sizeof(one)) < 0) {
        /* already signalled */
    }
}

static gpointer
console_pump(gpointer data)
{
    ConsoleStream *c = data;
    char buf[4096];

    for (;;) {
        struct pollfd p[2] = {
            { .fd = c->fd, .events = POLLIN },
            { .fd = c->wake, .events = POLLIN },
        };
        ssize_t n;

        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents) {
            stream_send_eof(c->st);
            break;
        }
        n = read(c->fd, buf, sizeof(buf));
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n <= 0) {
            /* the VMM closed the pty: the guest is gone */
            stream_send_eof(c->st);
            break;
        }
        if (stream_send_data(c->st, buf, (size_t) n) < 0)
            break;
    }
    domain_console_close(c->uuid, c->wake);
    stream_unref(c->st);
    console_unref(c);
    return NULL;
}

static void
console_start(Stream *st, void *opaque)
{
    ConsoleStream *c = opaque;

    g_atomic_int_inc(&c->refs);
    c->st = stream_ref(st);     /* the pump's; dropped when it ends */
    g_thread_unref(g_thread_new("vk-console", console_pump, c));
}

static int
console_data(Stream *st, const char *buf, size_t len, void *opaque)
{
    ConsoleStream *c = opaque;

    while (len) {
        ssize_t n = write(c->fd, buf, len);

        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            struct pollfd p = { .fd = c->fd, .events = POLLOUT };

            if (poll(&p, 1, 100) <= 0)
                return 0;   /* a serial line drops what it cannot take */
            continue;
        }
        if (n < 0)
            return 0;
        buf += n;
        len -= (size_t) n;
    }
    return 0;
}

static int
console_finish(Stream *st, void *opaque)
{
    console_end(opaque);
    return 0;
}

static void
console_abort(Stream *st, void *opaque)
{
    console_end(opaque);
}

static void
console_free(void *opaque)
{
    console_unref(opaque);
}

static const StreamOps console_ops = {
    .start = console_start,
    .data = console_data,
    .finish = console_finish,
    .abort = console_abort,
    .free = console_free,
};

static int
domain_open_console(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_open_console_args *args = argsp;
    DomainObj *obj = get_obj(&args->dom);
    ConsoleStream *c;
    int fd, wake = -1;

    if (!obj)
        return -1;
    fd = domain_console_open(obj, args->dev_name ? *args->dev_name : NULL,
                             args->flags, &wake);
    if (fd < 0) {
        domain_obj_end_api(obj);
        return -1;
    }
    c = g_new0(ConsoleStream, 1);
    c->refs = 1;
    c->fd = fd;
    c->wake = wake;
    memcpy(c->uuid, obj->def->uuid, DOMAIN_UUID_BUFLEN);
    domain_obj_end_api(obj);
    if (!dispatch_open_stream(call, &console_ops, c)) {
        console_end(c);
        console_unref(c);
        return -1;
    }
    return 0;
}

/* --- connection close: AUTODESTROY ------------------------------------------ */

typedef struct {
    DomainDriver *drv;
    void *client;
} ClosedConn;

static gpointer
closed_thread(gpointer data)
{
    ClosedConn *c = data;

    domain_lifecycle_conn_closed(c->drv, c->client);
    g_free(c);
    return NULL;
}

void
dispatch_domain_lifecycle_client_closed(Client *client)
{
    ClosedConn *c;

    if (!DRV)
        return;
    /* destroying takes time: not on the main loop */
    c = g_new0(ClosedConn, 1);
    c->drv = DRV;
    c->client = client;
    g_thread_unref(g_thread_new("vk-autodestroy", closed_thread, c));
}

static const DispatchEntry lifecycle_entries[] = {
    DISPATCH_ENTRY_NORET(9, domain_create, remote_domain_create_args, 0),
    DISPATCH_ENTRY(196, domain_create_with_flags, remote_domain_create_with_flags_args,
                   remote_domain_create_with_flags_ret, 0),
    DISPATCH_ENTRY(10, domain_create_xml, remote_domain_create_xml_args,
                   remote_domain_create_xml_ret, 0),
    DISPATCH_ENTRY_NORET(12, domain_destroy, remote_domain_destroy_args, 0),
    DISPATCH_ENTRY_NORET(234, domain_destroy_flags, remote_domain_destroy_flags_args, 0),
    DISPATCH_ENTRY_NORET(33, domain_shutdown, remote_domain_shutdown_args, 0),
    DISPATCH_ENTRY_NORET(258, domain_shutdown_flags, remote_domain_shutdown_flags_args, 0),
    DISPATCH_ENTRY_NORET(27, domain_reboot, remote_domain_reboot_args, 0),
    DISPATCH_ENTRY_NORET(245, domain_reset, remote_domain_reset_args, 0),
    DISPATCH_ENTRY_NORET(34, domain_suspend, remote_domain_suspend_args, 0),
    DISPATCH_ENTRY_NORET(28, domain_resume, remote_domain_resume_args, 0),
    DISPATCH_ENTRY(229, domain_get_control_info, remote_domain_get_control_info_args,
                   remote_domain_get_control_info_ret, 0),
    DISPATCH_ENTRY(20, domain_get_vcpus, remote_domain_get_vcpus_args,
                   remote_domain_get_vcpus_ret, 0),
    DISPATCH_ENTRY(337, domain_get_time, remote_domain_get_time_args,
                   remote_domain_get_time_ret, 0),
    DISPATCH_ENTRY_NORET(31, domain_set_memory, remote_domain_set_memory_args, 0),
    DISPATCH_ENTRY_NORET(204, domain_set_memory_flags, remote_domain_set_memory_flags_args, 0),
    DISPATCH_ENTRY_NORET(201, domain_open_console, remote_domain_open_console_args, 0),
    DISPATCH_ENTRY(64, domain_block_stats, remote_domain_block_stats_args,
                   remote_domain_block_stats_ret, 0),
    DISPATCH_ENTRY(243, domain_block_stats_flags, remote_domain_block_stats_flags_args,
                   remote_domain_block_stats_flags_ret, 0),
    DISPATCH_ENTRY(65, domain_interface_stats, remote_domain_interface_stats_args,
                   remote_domain_interface_stats_ret, 0),
    DISPATCH_ENTRY(159, domain_memory_stats, remote_domain_memory_stats_args,
                   remote_domain_memory_stats_ret, 0),
    DISPATCH_ENTRY(344, connect_get_all_domain_stats,
                   remote_connect_get_all_domain_stats_args,
                   remote_connect_get_all_domain_stats_ret, 0),
};

const DispatchFamily dispatch_family_domain_lifecycle = {
    lifecycle_entries, G_N_ELEMENTS(lifecycle_entries)
};
