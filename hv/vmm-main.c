/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtkvm-vmm: runs one guest from a launch description.
 *
 *   virtkvm-vmm --launch FILE|- [-name guest=NAME]
 *
 * Exit codes: 0 the guest shut down (or quit), 1 the VMM could not start
 * the guest, 2 bad command line or launch description (nothing touched).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib-unix.h>

#include "hv/control/control-server.h"
#include "hv/core/launch.h"
#include "hv/core/machine.h"
#include "util/i18n.h"

#define VMM_EXIT_FAILURE 1
#define VMM_EXIT_USAGE   2

typedef struct {
    const char *launch;
    char *name;
} VmmArgs;

static void
vmm_usage(FILE *f)
{
    fprintf(f, _("Usage: virtkvm-vmm --launch FILE|- [-name guest=NAME]\n"));
}

/* -name accepts QEMU's "guest=NAME[,debug-threads=on]" or a bare NAME. */
static char *
vmm_parse_name(const char *arg)
{
    g_auto(GStrv) parts = g_strsplit(arg, ",", -1);

    for (char **p = parts; *p; p++) {
        if (g_str_has_prefix(*p, "guest="))
            return g_strdup(*p + 6);
        if (!strchr(*p, '=') && p == parts)
            return g_strdup(*p);
    }
    return NULL;
}

static int
vmm_parse_args(int argc, char **argv, VmmArgs *a)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];

        if ((!strcmp(s, "--launch") || !strcmp(s, "-launch")) && i + 1 < argc) {
            a->launch = argv[++i];
        } else if (g_str_has_prefix(s, "--launch=")) {
            a->launch = s + 9;
        } else if ((!strcmp(s, "-name") || !strcmp(s, "--name")) && i + 1 < argc) {
            g_free(a->name);
            a->name = vmm_parse_name(argv[++i]);
            if (!a->name || !*a->name)
                return -1;
        } else if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            vmm_usage(stdout);
            exit(0);
        } else if (!strcmp(s, "--version")) {
            printf("virtkvm-vmm %s\n", PACKAGE_VERSION);
            exit(0);
        } else {
            return -1;
        }
    }
    return a->launch ? 0 : -1;
}

static LaunchDesc *
vmm_read_launch(const VmmArgs *a)
{
    g_autoptr(GError) gerr = NULL;
    g_autofree char *data = NULL;
    g_autofree char *err = NULL;
    gsize len = 0;
    LaunchDesc *desc;

    if (!strcmp(a->launch, "-")) {
        g_autoptr(GIOChannel) ch = g_io_channel_unix_new(STDIN_FILENO);

        g_io_channel_set_encoding(ch, NULL, NULL);
        if (g_io_channel_read_to_end(ch, &data, &len, &gerr) != G_IO_STATUS_NORMAL) {
            fprintf(stderr, _("virtkvm-vmm: cannot read the launch description: %1$s\n"),
                    gerr ? gerr->message : "?");
            return NULL;
        }
    } else if (!g_file_get_contents(a->launch, &data, &len, &gerr)) {
        fprintf(stderr, _("virtkvm-vmm: cannot read the launch description: %1$s\n"),
                gerr->message);
        return NULL;
    }
    desc = launch_desc_parse(data, len, &err);
    if (!desc) {
        fprintf(stderr, _("virtkvm-vmm: invalid launch description: %1$s\n"), err);
        return NULL;
    }
    if (a->name && strcmp(a->name, desc->name) != 0) {
        fprintf(stderr, _("virtkvm-vmm: -name guest=%1$s does not match the launch description's name '%2$s'\n"),
                a->name, desc->name);
        launch_desc_free(desc);
        return NULL;
    }
    return desc;
}

static gboolean
vmm_on_signal(gpointer data)
{
    machine_shutdown(data, "host-signal", false);
    return G_SOURCE_CONTINUE;
}

static int
vmm_run(Machine *m)
{
    ControlServer *srv = NULL;
    const LaunchDesc *d = m->desc;
    g_autofree char *err = NULL;
    guint sig_term, sig_int;
    int r;

    r = machine_build(m, &err);
    if (r < 0) {
        fprintf(stderr, "virtkvm-vmm: %s\n", err);
        return VMM_EXIT_FAILURE;
    }
    if (d->control_path || d->control_fd >= 0) {
        srv = control_server_new(m, d->control_path, d->control_fd, &r);
        if (!srv) {
            fprintf(stderr, _("virtkvm-vmm: cannot open the control socket: %1$s\n"),
                    g_strerror(-r));
            return VMM_EXIT_FAILURE;
        }
        machine_set_event_handler(m, control_server_event, srv);
    }
    m->loop = g_main_loop_new(NULL, FALSE);
    sig_term = g_unix_signal_add(SIGTERM, vmm_on_signal, m);
    sig_int = g_unix_signal_add(SIGINT, vmm_on_signal, m);
    r = machine_start(m);
    if (r < 0) {
        fprintf(stderr, _("virtkvm-vmm: cannot start vCPUs: %1$s\n"), g_strerror(-r));
        m->exit_code = VMM_EXIT_FAILURE;
    } else {
        g_main_loop_run(m->loop);
    }
    g_source_remove(sig_term);
    g_source_remove(sig_int);
    if (srv) {
        control_server_flush(srv);
        machine_set_event_handler(m, NULL, NULL);
        control_server_free(srv);
    }
    g_main_loop_unref(m->loop);
    m->loop = NULL;
    return m->exit_code;
}

int
main(int argc, char **argv)
{
    VmmArgs args = { 0 };
    g_autofree char *err = NULL;
    g_autofree char *comm = NULL;
    LaunchDesc *desc;
    Machine *m;
    int code;

    i18n_init();
    signal(SIGPIPE, SIG_IGN);
    if (vmm_parse_args(argc, argv, &args) < 0) {
        g_free(args.name);
        vmm_usage(stderr);
        return VMM_EXIT_USAGE;
    }
    desc = vmm_read_launch(&args);
    g_free(args.name);
    if (!desc)
        return VMM_EXIT_USAGE;
    comm = g_strdup_printf("vmm-%s", desc->name);
    prctl(PR_SET_NAME, comm, 0, 0, 0);
    m = machine_new(desc, &err);
    if (!m) {
        fprintf(stderr, "virtkvm-vmm: %s\n", err);
        return VMM_EXIT_FAILURE;
    }
    code = vmm_run(m);
    machine_free(m);
    return code;
}
