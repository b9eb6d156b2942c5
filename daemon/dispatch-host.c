/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host information procedures, answered by the host driver
 * (driver/host/host.h): capabilities, domain capabilities, node info and
 * statistics, free memory, sysinfo, max vcpus and the security model.
 */
#include <string.h>

#include "daemon/dispatch-families.h"
#include "daemon/protocol/virtkvm_remote.h"
#include "driver/host/host.h"
#include "util/error.h"
#include "util/i18n.h"

static int
host_get_capabilities(DispatchCall *call, void *args, void *retp)
{
    remote_connect_get_capabilities_ret *ret = retp;

    return (ret->capabilities = host_capabilities_format()) ? 0 : -1;
}

static const char *
opt(remote_string s)
{
    return s ? *s : NULL;
}

static int
host_get_domain_capabilities(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_get_domain_capabilities_args *args = argsp;
    remote_connect_get_domain_capabilities_ret *ret = retp;

    ret->capabilities = host_domain_capabilities_format(opt(args->emulatorbin),
                                                        opt(args->arch),
                                                        opt(args->machine),
                                                        opt(args->virttype));
    return ret->capabilities ? 0 : -1;
}

static int
host_get_info(DispatchCall *call, void *args, void *retp)
{
    remote_node_get_info_ret *ret = retp;
    HostNodeInfo info;

    memset(&info, 0, sizeof(info));
    if (host_node_get_info(&info) < 0)
        return -1;
    memcpy(ret->model, info.model, sizeof(ret->model));
    ret->memory = info.memory;
    ret->cpus = (int) info.cpus;
    ret->mhz = (int) info.mhz;
    ret->nodes = (int) info.nodes;
    ret->sockets = (int) info.sockets;
    ret->cores = (int) info.cores;
    ret->threads = (int) info.threads;
    return 0;
}

/*
 * Both statistics calls: reads @get's statistics for @which into *stats.
 * nparams 0 asks for the count only.  Returns how many of them the reply
 * carries (copied with host_stat_copy()), or -1.
 */
static int
host_stats_get(int (*get)(int which, GArray **stats), int which, int nparams,
               GArray **stats, int *ret_nparams)
{
    if (nparams < 0 || nparams > REMOTE_NODE_MEMORY_STATS_MAX) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, "%s", _("nparams too large"));
        return -1;
    }
    if (get(which, stats) < 0)
        return -1;
    *ret_nparams = (int) (*stats)->len;
    if (nparams == 0)
        return 0;
    *ret_nparams = (int) MIN((*stats)->len, (guint) nparams);
    return *ret_nparams;
}

static void
host_stat_copy(GArray *stats, int i, remote_nonnull_string *field, u_quad_t *value)
{
    const HostNodeStat *st = &g_array_index(stats, HostNodeStat, i);

    *field = g_strdup(st->field);
    *value = st->value;
}

static int
host_get_memory_stats(DispatchCall *call, void *argsp, void *retp)
{
    remote_node_get_memory_stats_args *args = argsp;
    remote_node_get_memory_stats_ret *ret = retp;
    g_autoptr(GArray) stats = NULL;
    int n = host_stats_get(host_node_get_memory_stats, args->cellNum, args->nparams,
                           &stats, &ret->nparams);

    if (n < 0)
        return -1;
    ret->params.params_len = (u_int) n;
    ret->params.params_val = g_new0(remote_node_get_memory_stats, n);
    for (int i = 0; i < n; i++)
        host_stat_copy(stats, i, &ret->params.params_val[i].field,
                       &ret->params.params_val[i].value);
    return 0;
}

static int
host_get_cpu_stats(DispatchCall *call, void *argsp, void *retp)
{
    remote_node_get_cpu_stats_args *args = argsp;
    remote_node_get_cpu_stats_ret *ret = retp;
    g_autoptr(GArray) stats = NULL;
    int n = host_stats_get(host_node_get_cpu_stats, args->cpuNum, args->nparams,
                           &stats, &ret->nparams);

    if (n < 0)
        return -1;
    ret->params.params_len = (u_int) n;
    ret->params.params_val = g_new0(remote_node_get_cpu_stats, n);
    for (int i = 0; i < n; i++)
        host_stat_copy(stats, i, &ret->params.params_val[i].field,
                       &ret->params.params_val[i].value);
    return 0;
}

static int
host_get_free_memory(DispatchCall *call, void *args, void *retp)
{
    remote_node_get_free_memory_ret *ret = retp;
    guint64 bytes = 0;

    if (host_node_get_free_memory(&bytes) < 0)
        return -1;
    ret->freeMem = bytes;
    return 0;
}

static int
host_get_cells_free_memory(DispatchCall *call, void *argsp, void *retp)
{
    remote_node_get_cells_free_memory_args *args = argsp;
    remote_node_get_cells_free_memory_ret *ret = retp;
    int n = 0;

    if (args->maxcells <= 0 || args->maxcells > REMOTE_NODE_MAX_CELLS) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, "%s",
                     _("maxCells > REMOTE_NODE_MAX_CELLS"));
        return -1;
    }
    ret->cells.cells_val = g_new0(u_quad_t, args->maxcells);
    if (host_node_get_cells_free_memory(args->startCell, args->maxcells,
                                        (guint64 *) ret->cells.cells_val, &n) < 0) {
        g_clear_pointer(&ret->cells.cells_val, g_free);
        return -1;
    }
    ret->cells.cells_len = (u_int) n;
    return 0;
}

static int
host_get_sysinfo(DispatchCall *call, void *args, void *retp)
{
    remote_connect_get_sysinfo_ret *ret = retp;

    return (ret->sysinfo = host_sysinfo_format()) ? 0 : -1;
}

static int
host_get_hostname_proc(DispatchCall *call, void *args, void *retp)
{
    remote_connect_get_hostname_ret *ret = retp;

    return (ret->hostname = host_get_hostname()) ? 0 : -1;
}

static int
host_get_max_vcpus_proc(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_get_max_vcpus_args *args = argsp;
    remote_connect_get_max_vcpus_ret *ret = retp;

    ret->max_vcpus = host_get_max_vcpus(opt(args->type));
    return ret->max_vcpus < 0 ? -1 : 0;
}

static int
host_get_security_model(DispatchCall *call, void *args, void *retp)
{
    remote_node_get_security_model_ret *ret = retp;
    g_autofree char *model = NULL;
    g_autofree char *doi = NULL;

    if (host_node_get_security_model(&model, &doi) < 0)
        return -1;
    /* Sent as char arrays including the terminating NUL, as libvirt does. */
    ret->model.model_len = (u_int) MIN(strlen(model) + 1, (size_t) REMOTE_SECURITY_MODEL_MAX);
    ret->model.model_val = g_strndup(model, ret->model.model_len - 1);
    ret->doi.doi_len = (u_int) MIN(strlen(doi) + 1, (size_t) REMOTE_SECURITY_DOI_MAX);
    ret->doi.doi_val = g_strndup(doi, ret->doi.doi_len - 1);
    return 0;
}

static const DispatchEntry host_entries[] = {
    DISPATCH_ENTRY_NOARGS(7, host_get_capabilities,
                          remote_connect_get_capabilities_ret, 0),
    DISPATCH_ENTRY(342, host_get_domain_capabilities,
                   remote_connect_get_domain_capabilities_args,
                   remote_connect_get_domain_capabilities_ret, 0),
    DISPATCH_ENTRY_NOARGS(6, host_get_info, remote_node_get_info_ret, 0),
    DISPATCH_ENTRY(228, host_get_memory_stats, remote_node_get_memory_stats_args,
                   remote_node_get_memory_stats_ret, 0),
    DISPATCH_ENTRY(227, host_get_cpu_stats, remote_node_get_cpu_stats_args,
                   remote_node_get_cpu_stats_ret, 0),
    DISPATCH_ENTRY_NOARGS(102, host_get_free_memory,
                          remote_node_get_free_memory_ret, 0),
    DISPATCH_ENTRY(101, host_get_cells_free_memory,
                   remote_node_get_cells_free_memory_args,
                   remote_node_get_cells_free_memory_ret, 0),
    DISPATCH_ENTRY(203, host_get_sysinfo, remote_connect_get_sysinfo_args,
                   remote_connect_get_sysinfo_ret, 0),
    DISPATCH_ENTRY_NOARGS(59, host_get_hostname_proc,
                          remote_connect_get_hostname_ret, 0),
    DISPATCH_ENTRY(5, host_get_max_vcpus_proc, remote_connect_get_max_vcpus_args,
                   remote_connect_get_max_vcpus_ret, 0),
    DISPATCH_ENTRY_NOARGS(122, host_get_security_model,
                          remote_node_get_security_model_ret, 0),
};

const DispatchFamily dispatch_family_host = {
    host_entries, G_N_ELEMENTS(host_entries)
};
