/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Domain statistics (see domain-stats.h). */
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "driver/domain/domain-balloon.h"
#include "driver/domain/domain-lifecycle.h"
#include "driver/domain/domain-runtime.h"
#include "driver/domain/domain-stats.h"
#include "util/error.h"
#include "util/i18n.h"

static void
param_clear(gpointer p)
{
    DomainStatParam *sp = p;

    g_free(sp->field);
    g_free(sp->s);
}

GArray *
domain_stats_new(void)
{
    GArray *a = g_array_new(FALSE, TRUE, sizeof(DomainStatParam));

    g_array_set_clear_func(a, param_clear);
    return a;
}

static void G_GNUC_PRINTF(4, 5)
add_num(GArray *out, int type, long long v, const char *fmt, ...)
{
    DomainStatParam p = { .type = type, .l = v };
    va_list ap;

    va_start(ap, fmt);
    p.field = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_array_append_val(out, p);
}

static void G_GNUC_PRINTF(3, 4)
add_str(GArray *out, const char *s, const char *fmt, ...)
{
    DomainStatParam p = { .type = DOMAIN_PARAM_STRING, .s = g_strdup(s) };
    va_list ap;

    va_start(ap, fmt);
    p.field = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_array_append_val(out, p);
}

static long long
sys_counter(const char *tap, const char *name)
{
    g_autofree char *path = g_strdup_printf("/sys/class/net/%s/statistics/%s", tap, name);
    g_autofree char *buf = NULL;

    if (!g_file_get_contents(path, &buf, NULL, NULL))
        return -1;
    return g_ascii_strtoll(buf, NULL, 10);
}

static void
if_stats_of_tap(const char *tap, DomainIfStats *st)
{
    /* the tap's receive is what the guest sent */
    st->rx_bytes = sys_counter(tap, "tx_bytes");
    st->rx_packets = sys_counter(tap, "tx_packets");
    st->rx_errs = sys_counter(tap, "tx_errors");
    st->rx_drop = sys_counter(tap, "tx_dropped");
    st->tx_bytes = sys_counter(tap, "rx_bytes");
    st->tx_packets = sys_counter(tap, "rx_packets");
    st->tx_errs = sys_counter(tap, "rx_errors");
    st->tx_drop = sys_counter(tap, "rx_dropped");
}

static void
collect_state(DomainObj *obj, GArray *out)
{
    add_num(out, DOMAIN_PARAM_INT, obj->state, "state.state");
    add_num(out, DOMAIN_PARAM_INT, obj->reason, "state.reason");
}

static void
collect_cpu(DomainObj *obj, GArray *out)
{
    unsigned long long t = domain_lifecycle_cpu_time(obj);

    add_num(out, DOMAIN_PARAM_ULLONG, (long long) t, "cpu.time");
}

static void
collect_balloon(DomainObj *obj, GArray *out)
{
    pid_t pid = domain_lifecycle_pid(obj);

    add_num(out, DOMAIN_PARAM_ULLONG, (long long) domain_balloon_current_kib(obj),
            "balloon.current");
    add_num(out, DOMAIN_PARAM_ULLONG, (long long) domain_def_get_memory(obj->def),
            "balloon.maximum");
    if (pid > 0)
        add_num(out, DOMAIN_PARAM_ULLONG, (long long) domain_process_rss_kib(pid),
                "balloon.rss");
}

static void
collect_vcpu(DomainObj *obj, GArray *out)
{
    unsigned int n = domain_def_get_vcpus(obj->def);
    g_autofree DomainVcpuInfo *info = g_new0(DomainVcpuInfo, MAX(n, 1));

    domain_stats_vcpus(obj, info, n);
    add_num(out, DOMAIN_PARAM_UINT, n, "vcpu.current");
    add_num(out, DOMAIN_PARAM_UINT, domain_def_get_vcpus_max(obj->def), "vcpu.maximum");
    for (unsigned int i = 0; i < n; i++) {
        add_num(out, DOMAIN_PARAM_INT, 1, "vcpu.%u.state", i);
        add_num(out, DOMAIN_PARAM_ULLONG, (long long) info[i].time_ns, "vcpu.%u.time", i);
    }
}

/* utime+stime (ns) and last CPU of thread @tid of @pid. */
static void
thread_stat(pid_t pid, long long tid, unsigned long long *ns, int *cpu)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/task/%lld/stat", (int) pid, tid);
    g_autofree char *buf = NULL;
    g_auto(GStrv) f = NULL;
    const char *p;
    long hz = sysconf(_SC_CLK_TCK);

    if (!g_file_get_contents(path, &buf, NULL, NULL) || !(p = strrchr(buf, ')')))
        return;
    f = g_strsplit(p + 2, " ", 0);
    /* after comm: utime is field 11, stime 12, processor 36 (0-based) */
    if (g_strv_length(f) < 37 || hz <= 0)
        return;
    *ns = (g_ascii_strtoull(f[11], NULL, 10) + g_ascii_strtoull(f[12], NULL, 10)) *
          (1000000000ULL / (unsigned long long) hz);
    *cpu = (int) g_ascii_strtoll(f[36], NULL, 10);
}

void
domain_stats_vcpus(DomainObj *obj, DomainVcpuInfo *info, unsigned int n)
{
    DomainRuntime *rt = domain_runtime_get(obj);
    json_object *vcpus;

    for (unsigned int i = 0; i < n; i++) {
        info[i].time_ns = 0;
        info[i].cpu = -1;
    }
    if (!rt || !domain_obj_is_active(obj) ||
        !(vcpus = domain_monitor_command(rt->ctl_path, "query-vcpus", 2000))) {
        error_reset();
        return;
    }
    for (size_t i = 0; i < json_object_array_length(vcpus); i++) {
        json_object *v = json_object_array_get_idx(vcpus, i), *idx, *tid;

        if (!json_object_object_get_ex(v, "cpu-index", &idx) ||
            !json_object_object_get_ex(v, "thread-id", &tid) ||
            json_object_get_int(idx) < 0 || (unsigned int) json_object_get_int(idx) >= n)
            continue;
        thread_stat(rt->pid, json_object_get_int64(tid),
                    &info[json_object_get_int(idx)].time_ns,
                    &info[json_object_get_int(idx)].cpu);
    }
    json_object_put(vcpus);
}

static void
collect_net(DomainObj *obj, GArray *out)
{
    GPtrArray *nets = obj->def->nets;

    add_num(out, DOMAIN_PARAM_UINT, nets->len, "net.count");
    for (guint i = 0; i < nets->len; i++) {
        const DomainNetDef *net = g_ptr_array_index(nets, i);
        DomainIfStats st;

        if (!net->target_dev)
            continue;
        add_str(out, net->target_dev, "net.%u.name", i);
        if_stats_of_tap(net->target_dev, &st);
        add_num(out, DOMAIN_PARAM_ULLONG, st.rx_bytes, "net.%u.rx.bytes", i);
        add_num(out, DOMAIN_PARAM_ULLONG, st.rx_packets, "net.%u.rx.pkts", i);
        add_num(out, DOMAIN_PARAM_ULLONG, st.rx_errs, "net.%u.rx.errs", i);
        add_num(out, DOMAIN_PARAM_ULLONG, st.rx_drop, "net.%u.rx.drop", i);
        add_num(out, DOMAIN_PARAM_ULLONG, st.tx_bytes, "net.%u.tx.bytes", i);
        add_num(out, DOMAIN_PARAM_ULLONG, st.tx_packets, "net.%u.tx.pkts", i);
        add_num(out, DOMAIN_PARAM_ULLONG, st.tx_errs, "net.%u.tx.errs", i);
        add_num(out, DOMAIN_PARAM_ULLONG, st.tx_drop, "net.%u.tx.drop", i);
    }
}

/* The VMM's query-blockstats answer (new reference), or NULL with an error. */
static json_object *
query_blockstats(DomainObj *obj)
{
    DomainRuntime *rt = domain_runtime_get(obj);

    if (!rt || !domain_obj_is_active(obj)) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("domain is not running"));
        return NULL;
    }
    return domain_monitor_command(rt->ctl_path, "query-blockstats", 2000);
}

/* Fills @st from the entry of @all whose id is @dst; false when none. */
static bool
blockstats_find(json_object *all, const char *dst, DomainBlockStats *st)
{
    static const char *const keys[] = {
        "rd-req", "rd-bytes", "wr-req", "wr-bytes", "flush-req",
    };
    long long *vals[] = { &st->rd_req, &st->rd_bytes, &st->wr_req, &st->wr_bytes,
                          &st->flush_req };

    st->rd_req = st->rd_bytes = st->wr_req = st->wr_bytes = st->flush_req = -1;
    st->errs = -1;
    for (size_t i = 0; all && i < json_object_array_length(all); i++) {
        json_object *e = json_object_array_get_idx(all, i), *v;

        if (!json_object_object_get_ex(e, "id", &v) ||
            g_strcmp0(json_object_get_string(v), dst) != 0)
            continue;
        for (size_t k = 0; k < G_N_ELEMENTS(keys); k++) {
            if (json_object_object_get_ex(e, keys[k], &v) &&
                json_object_is_type(v, json_type_int))
                *vals[k] = json_object_get_int64(v);
        }
        return true;
    }
    return false;
}

static void
collect_block(DomainObj *obj, GArray *out)
{
    GPtrArray *disks = obj->def->disks;
    json_object *all = query_blockstats(obj);

    if (!all)
        error_reset();
    add_num(out, DOMAIN_PARAM_UINT, disks->len, "block.count");
    for (guint i = 0; i < disks->len; i++) {
        const DomainDiskDef *disk = g_ptr_array_index(disks, i);
        DomainBlockStats st;

        add_str(out, disk->dst, "block.%u.name", i);
        if (disk->src_path)
            add_str(out, disk->src_path, "block.%u.path", i);
        if (!blockstats_find(all, disk->dst, &st))
            continue;
        add_num(out, DOMAIN_PARAM_ULLONG, st.rd_req, "block.%u.rd.reqs", i);
        add_num(out, DOMAIN_PARAM_ULLONG, st.rd_bytes, "block.%u.rd.bytes", i);
        add_num(out, DOMAIN_PARAM_ULLONG, st.wr_req, "block.%u.wr.reqs", i);
        add_num(out, DOMAIN_PARAM_ULLONG, st.wr_bytes, "block.%u.wr.bytes", i);
        add_num(out, DOMAIN_PARAM_ULLONG, st.flush_req, "block.%u.fl.reqs", i);
    }
    json_object_put(all);
}

void
domain_stats_collect(DomainObj *obj, unsigned int groups, GArray *out)
{
    bool active = domain_obj_is_active(obj);

    if (groups & DOMAIN_STATS_STATE)
        collect_state(obj, out);
    if (!active)
        return;
    if (groups & DOMAIN_STATS_CPU_TOTAL)
        collect_cpu(obj, out);
    if (groups & DOMAIN_STATS_BALLOON)
        collect_balloon(obj, out);
    if (groups & DOMAIN_STATS_VCPU)
        collect_vcpu(obj, out);
    if (groups & DOMAIN_STATS_INTERFACE)
        collect_net(obj, out);
    if (groups & DOMAIN_STATS_BLOCK)
        collect_block(obj, out);
}

static int
check_running(DomainObj *obj)
{
    if (!domain_obj_is_active(obj)) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("domain is not running"));
        return -1;
    }
    return 0;
}

int
domain_stats_interface(DomainObj *obj, const char *device, DomainIfStats *st)
{
    if (check_running(obj) < 0)
        return -1;
    for (guint i = 0; i < obj->def->nets->len; i++) {
        const DomainNetDef *net = g_ptr_array_index(obj->def->nets, i);
        char mac[18];

        domain_mac_format(net->mac, mac);
        if (net->target_dev && (g_str_equal(device, net->target_dev) ||
                                g_ascii_strcasecmp(device, mac) == 0)) {
            if_stats_of_tap(net->target_dev, st);
            return 0;
        }
    }
    error_report(VK_FROM_QEMU, VK_ERR_INVALID_ARG,
                 _("invalid path, '%1$s' is not a known interface"), device);
    return -1;
}

int
domain_stats_block(DomainObj *obj, const char *path, DomainBlockStats *st)
{
    json_object *all;

    if (check_running(obj) < 0)
        return -1;
    for (guint i = 0; i < obj->def->disks->len; i++) {
        const DomainDiskDef *disk = g_ptr_array_index(obj->def->disks, i);
        bool found;

        if (g_strcmp0(path, disk->dst) && g_strcmp0(path, disk->src_path))
            continue;
        if (!(all = query_blockstats(obj)))
            return -1;
        found = blockstats_find(all, disk->dst, st);
        json_object_put(all);
        if (!found) {
            error_report(VK_FROM_QEMU, VK_ERR_INTERNAL_ERROR,
                         _("cannot find statistics for device '%1$s'"), disk->dst);
            return -1;
        }
        return 0;
    }
    error_report(VK_FROM_QEMU, VK_ERR_INVALID_ARG,
                 _("invalid path: %1$s"), path);
    return -1;
}

int
domain_stats_memory(DomainObj *obj, unsigned int max, int *tags, unsigned long long *vals)
{
    unsigned int n = 0;
    pid_t pid;

    if (check_running(obj) < 0)
        return -1;
    pid = domain_lifecycle_pid(obj);
    /* VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON = 6, _RSS = 7 */
    if (n < max) {
        tags[n] = 6;
        vals[n++] = domain_balloon_current_kib(obj);
    }
    if (n < max) {
        tags[n] = 7;
        vals[n++] = domain_process_rss_kib(pid);
    }
    return (int) n;
}
