/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtkvmd: options, config, pid file, daemonising, signals, and the
 * servers' lifetime.  SIGTERM/SIGINT stop accepting, let calls in flight
 * finish and exit 0; SIGHUP reloads the config (log level, limits).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib-unix.h>
#include <systemd/sd-daemon.h>

#include "daemon/daemon.h"
#include "daemon/dispatch-admin.h"
#include "daemon/dispatch.h"
#include "daemon/event.h"
#include "daemon/listen.h"
#include "driver/domain/domain-driver.h"
#include "driver/network/network-driver.h"
#include "driver/storage/storage-driver.h"
#include "driver/domain/domain-lifecycle.h"
#include "util/error.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/paths.h"

#define DRAIN_TIMEOUT_US (30 * G_USEC_PER_SEC)

typedef struct {
    char *root;
    char *config;
    char *pid_file;
    gboolean daemonize;
    gboolean verbose;
    gboolean listen_only;
} Options;

static int
parse_options(int argc, char **argv, Options *o)
{
    GOptionEntry entries[] = {
        { "root", 0, 0, G_OPTION_ARG_FILENAME, &o->root,
          N_("keep every path (sockets, config, state) under DIR"), "DIR" },
        { "config", 'f', 0, G_OPTION_ARG_FILENAME, &o->config,
          N_("configuration file"), "FILE" },
        { "daemon", 'd', 0, G_OPTION_ARG_NONE, &o->daemonize,
          N_("run in the background"), NULL },
        { "pid-file", 'p', 0, G_OPTION_ARG_FILENAME, &o->pid_file,
          N_("pid file"), "FILE" },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose,
          N_("log debug messages"), NULL },
        { "listen-only", 0, 0, G_OPTION_ARG_NONE, &o->listen_only,
          N_("serve the RPC layer without starting the drivers"), NULL },
        { NULL }
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_autoptr(GError) err = NULL;

    g_option_context_set_summary(ctx, _("The virtkvm daemon: speaks libvirt's "
                                        "remote protocol on UNIX sockets."));
    g_option_context_add_main_entries(ctx, entries, PACKAGE);
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        fprintf(stderr, "virtkvmd: %s\n", err->message);
        return -1;
    }
    return 0;
}

static void
report_last_error(void)
{
    const VkError *err = error_get_last();

    fprintf(stderr, "virtkvmd: %s\n", err && err->message ? err->message : _("failed"));
}

/* Forks into the background; the parent exits once the child reports
 * readiness (a byte on the pipe) or failure (EOF). */
static int
daemonize(int *ready_fd)
{
    int fds[2];
    pid_t pid;
    char c;

    if (pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0) {
        close(fds[1]);
        _exit(read(fds[0], &c, 1) == 1 ? 0 : 1);
    }
    close(fds[0]);
    if (setsid() < 0)
        return -1;
    *ready_fd = fds[1];
    return 0;
}

static bool
fd_is_regular_file(int fd)
{
    struct stat st;

    return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

static void
daemonize_ready(int ready_fd)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);

    /* Detach from the caller; output redirected to a file (a log) is kept,
     * terminals and pipes are not (a pipe would keep the caller waiting). */
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        if (!fd_is_regular_file(STDOUT_FILENO))
            dup2(null, STDOUT_FILENO);
        if (!fd_is_regular_file(STDERR_FILENO))
            dup2(null, STDERR_FILENO);
        close(null);
    }
    if (write(ready_fd, "1", 1) != 1)
        log_warning("cannot signal readiness");
    close(ready_fd);
}

/* Creates and write-locks the pid file; the lock lives as long as fd. */
static int
pidfile_acquire(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *text = g_strdup_printf("%d\n", (int) getpid());
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    int fd;

    g_mkdir_with_parents(dir, 0755);
    fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        error_report_errno(VK_FROM_NONE, errno, _("cannot open pid file '%1$s'"), path);
        return -1;
    }
    if (fcntl(fd, F_SETLK, &fl) < 0) {
        error_report(VK_FROM_NONE, VK_ERR_OPERATION_INVALID,
                     _("pid file '%1$s' is locked: another virtkvmd is running"), path);
        close(fd);
        return -1;
    }
    if (ftruncate(fd, 0) < 0 || write(fd, text, strlen(text)) != (ssize_t) strlen(text)) {
        error_report_errno(VK_FROM_NONE, errno, _("cannot write pid file '%1$s'"), path);
        close(fd);
        return -1;
    }
    return fd;
}

static void
daemon_emit_event(const VkEvent *ev, void *opaque)
{
    Daemon *d = opaque;

    event_deliver(d->srv, ev);
}

typedef struct {
    Daemon *d;
    gint64 deadline;
    bool flushing;
} Drain;

/* Waits for calls in flight, then for replies to be written. */
static gboolean
drain_tick(gpointer data)
{
    Drain *dr = data;
    Daemon *d = dr->d;
    bool timeout = g_get_monotonic_time() > dr->deadline;

    if (!dr->flushing) {
        if ((server_inflight(d->srv) > 0 || server_inflight(d->admin) > 0) && !timeout)
            return G_SOURCE_CONTINUE;
        dr->flushing = true;
        event_send_connection_closed(d->srv, 0);
        for (int s = 0; s < 2; s++) {
            Server *srv = s ? d->admin : d->srv;
            g_autoptr(GPtrArray) clients = server_list_clients(srv);

            for (guint i = 0; i < clients->len; i++)
                client_close_after_flush(g_ptr_array_index(clients, i));
        }
        dr->deadline = g_get_monotonic_time() + 2 * G_USEC_PER_SEC;
        return G_SOURCE_CONTINUE;
    }
    if (!timeout && (d->srv->nclients > 0 || d->admin->nclients > 0))
        return G_SOURCE_CONTINUE;
    g_main_loop_quit(d->loop);
    return G_SOURCE_REMOVE;
}

static gboolean
on_sigterm(gpointer data)
{
    Daemon *d = data;
    Drain *dr;

    if (d->quitting)
        return G_SOURCE_CONTINUE;
    d->quitting = true;
    log_info("shutting down");
    server_stop_accepting(d->srv);
    server_stop_accepting(d->admin);
    dr = g_new0(Drain, 1);
    dr->d = d;
    dr->deadline = g_get_monotonic_time() + DRAIN_TIMEOUT_US;
    g_timeout_add_full(G_PRIORITY_DEFAULT, 20, drain_tick, dr, g_free);
    return G_SOURCE_CONTINUE;
}

static void
daemon_apply_config(Daemon *d)
{
    ServerLimits limits;

    log_set_level((LogLevel) d->cfg->log_level);
    server_limits_from_config(&limits, d->cfg, false);
    server_set_limits(d->srv, &limits);
    server_limits_from_config(&limits, d->cfg, true);
    server_set_limits(d->admin, &limits);
}

static gboolean
on_sighup(gpointer data)
{
    Daemon *d = data;
    g_autoptr(DaemonConfig) cfg = config_new();

    if (config_load_file(cfg, d->config_path, TRUE) < 0) {
        log_error("reload of %s failed: %s", d->config_path,
                  error_get_last() ? error_get_last()->message : "");
        return G_SOURCE_CONTINUE;
    }
    config_free(d->cfg);
    d->cfg = g_steal_pointer(&cfg);
    daemon_apply_config(d);
    log_info("configuration reloaded from %s", d->config_path);
    return G_SOURCE_CONTINUE;
}

static void
daemon_create_servers(Daemon *d)
{
    ServerLimits limits;

    dispatch_init();
    d->ctx = g_main_context_default();
    d->loop = g_main_loop_new(d->ctx, FALSE);
    server_limits_from_config(&limits, d->cfg, false);
    d->srv = server_new("virtkvmd", d->ctx, &dispatch_remote_program, &limits, d);
    server_limits_from_config(&limits, d->cfg, true);
    d->admin = server_new("admin", d->ctx, &dispatch_admin_program, &limits, d);
    d->event_sink.emit = daemon_emit_event;
    d->event_sink.opaque = d;
}

/* Only the runtime directory: drivers create the persistent ones they
 * write to, so a daemon on the real root leaves /etc and /var alone. */
static void
daemon_make_dirs(void)
{
    g_autofree char *run = paths_run_dir();

    g_mkdir_with_parents(run, 0755);
}

static int
daemon_run(Options *o)
{
    Daemon d = { 0 };
    g_autofree char *pid_path = NULL;
    Listeners *listeners = NULL;
    DomainDriver *domains = NULL;
    int ready_fd = -1, pid_fd = -1, ret = 1;

    paths_init(o->root);
    d.cfg = config_new();
    d.config_path = o->config ? g_strdup(o->config) : paths_daemon_config();
    if (config_load_file(d.cfg, d.config_path, o->config == NULL) < 0) {
        report_last_error();
        goto out;
    }
    paths_set_socket_dir(d.cfg->unix_sock_dir);
    log_set_level(o->verbose ? LOG_LEVEL_DEBUG : (LogLevel) d.cfg->log_level);
    if (o->daemonize && daemonize(&ready_fd) < 0) {
        perror("virtkvmd: cannot daemonize");
        goto out;
    }
    pid_path = o->pid_file ? g_strdup(o->pid_file) : paths_pid_file();
    if ((pid_fd = pidfile_acquire(pid_path)) < 0) {
        report_last_error();
        goto out;
    }
    daemon_make_dirs();
    daemon_create_servers(&d);
    if (!(listeners = listen_setup(&d))) {
        report_last_error();
        unlink(pid_path);
        goto out;
    }
    g_unix_signal_add(SIGTERM, on_sigterm, &d);
    g_unix_signal_add(SIGINT, on_sigterm, &d);
    g_unix_signal_add(SIGHUP, on_sighup, &d);
    /* Drivers get d.event_sink here (unless listen_only).  Storage and
     * networks first: autostarted domains may use their volumes and ports. */
    if (!o->listen_only) {
        g_autofree char *cfg_dir = paths_config_dir();
        g_autofree char *state_dir = paths_state_dir();

        storage_driver_init(&d.event_sink);
        network_driver_init(&d.event_sink);
        domains = domain_driver_new(cfg_dir, state_dir, &d.event_sink);
        domain_driver_load(domains);
        domain_driver_set_default(domains);
        if (domain_lifecycle_init(domains, d.cfg->user, d.cfg->group) < 0) {
            report_last_error();
            goto out;
        }
    }
    sd_notify(0, "READY=1");
    if (ready_fd >= 0)
        daemonize_ready(ready_fd);
    log_info("virtkvmd %s ready", PACKAGE_VERSION);
    g_main_loop_run(d.loop);
    sd_notify(0, "STOPPING=1");
    listen_cleanup(listeners);
    if (!o->listen_only) {
        network_driver_shutdown();
        storage_driver_shutdown();
    }
    unlink(pid_path);
    ret = 0;
 out:
    domain_driver_set_default(NULL);
    if (domains)
        domain_lifecycle_shutdown_daemon();
    domain_driver_free(domains);
    if (d.srv) {
        server_free(d.admin);
        server_free(d.srv);
        g_main_loop_unref(d.loop);
    }
    if (pid_fd >= 0)
        close(pid_fd);
    config_free(d.cfg);
    g_free(d.config_path);
    return ret;
}

int
main(int argc, char **argv)
{
    Options o = { 0 };
    int ret;

    i18n_init();
    signal(SIGPIPE, SIG_IGN);
    if (parse_options(argc, argv, &o) < 0)
        return 2;
    ret = daemon_run(&o);
    g_free(o.root);
    g_free(o.config);
    g_free(o.pid_file);
    return ret;
}
