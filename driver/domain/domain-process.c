/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Starting and stopping the virtkvm-vmm process of a domain.
 *
 * The daemon opens every privileged resource (/dev/kvm, images, taps, the
 * serial file, the listening control socket, the log) and hands them to
 * the VMM at the fixed fd numbers of domain-launch.h.  The VMM is started
 * through a double fork in its own session, so it is not our child and
 * survives a daemon restart (no PDEATHSIG); death is seen through a pidfd
 * and the control socket's EOF (domain-monitor.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>

#include "driver/domain/domain-launch.h"
#include "driver/domain/domain-net.h"
#include "driver/domain/domain-runtime.h"
#include "driver/host/host.h"
#include "util/error.h"
#include "util/i18n.h"
#include "util/log.h"

#define START_TIMEOUT_MS 15000

static guint64 runtime_gen;

DomainRuntime *
domain_runtime_new(void)
{
    DomainRuntime *rt = g_new0(DomainRuntime, 1);

    rt->gen = g_atomic_int_add((gint *) &runtime_gen, 1) + 1;
    rt->pid = -1;
    rt->console_fd = -1;
    rt->taps = g_ptr_array_new_with_free_func(g_free);
    rt->labelled = g_ptr_array_new_with_free_func(g_free);
    return rt;
}

void
domain_runtime_free(DomainRuntime *rt)
{
    if (!rt)
        return;
    if (rt->console_fd >= 0)
        close(rt->console_fd);
    g_free(rt->ctl_path);
    g_free(rt->pty_path);
    g_free(rt->log_path);
    g_free(rt->shutdown_reason);
    g_ptr_array_unref(rt->taps);
    g_ptr_array_unref(rt->labelled);
    security_guest_free(rt->sec);
    g_free(rt);
}

bool
domain_process_alive(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int) pid);
    g_autofree char *buf = NULL;
    const char *p;

    if (pid <= 0 || !g_file_get_contents(path, &buf, NULL, NULL))
        return false;
    /* a zombie is dead */
    if (!(p = strrchr(buf, ')')))
        return false;
    return p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

static bool
proc_stat_fields(pid_t pid, unsigned long long *utime, unsigned long long *stime)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int) pid);
    g_autofree char *buf = NULL;
    g_auto(GStrv) f = NULL;
    const char *p;

    if (pid <= 0 || !g_file_get_contents(path, &buf, NULL, NULL) ||
        !(p = strrchr(buf, ')')))
        return false;
    f = g_strsplit(p + 2, " ", 0);
    /* after "comm": state(0) ... utime(11) stime(12) */
    if (g_strv_length(f) < 13)
        return false;
    *utime = g_ascii_strtoull(f[11], NULL, 10);
    *stime = g_ascii_strtoull(f[12], NULL, 10);
    return true;
}

unsigned long long
domain_process_cpu_time(pid_t pid)
{
    unsigned long long u, s;
    long hz = sysconf(_SC_CLK_TCK);

    if (!proc_stat_fields(pid, &u, &s) || hz <= 0)
        return 0;
    return (u + s) * (1000000000ULL / (unsigned long long) hz);
}

unsigned long long
domain_process_rss_kib(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/statm", (int) pid);
    g_autofree char *buf = NULL;
    unsigned long long size, rss;

    if (!g_file_get_contents(path, &buf, NULL, NULL) ||
        sscanf(buf, "%llu %llu", &size, &rss) != 2)
        return 0;
    return rss * (unsigned long long) (sysconf(_SC_PAGESIZE) / 1024);
}

/* --- resources -------------------------------------------------------- */

typedef struct {
    int src[64];
    int dst[64];
    int n;
} FdMap;

static void
fdmap_add(FdMap *m, int src, int dst)
{
    m->src[m->n] = src;
    m->dst[m->n] = dst;
    m->n++;
}

static void
fdmap_close(FdMap *m)
{
    for (int i = 0; i < m->n; i++)
        if (m->src[i] >= 0)
            close(m->src[i]);
    m->n = 0;
}

static void
log_line(int fd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
log_line(int fd, const char *fmt, ...)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *ts = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");
    g_autofree char *msg = NULL;
    g_autofree char *line = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    line = g_strdup_printf("%s.%03d+0000: %s\n", ts,
                           g_date_time_get_microsecond(now) / 1000, msg);
    if (write(fd, line, strlen(line)) < 0) {
        /* the log is best effort */
    }
}

void
domain_process_log(DomainRuntime *rt, const char *msg)
{
    int fd;

    if (!rt->log_path || (fd = open(rt->log_path, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0)
        return;
    log_line(fd, "%s", msg);
    close(fd);
}

static int
open_listen_socket(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        error_report(VK_FROM_QEMU, VK_ERR_INTERNAL_ERROR,
                     _("control socket path '%1$s' too long"), path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    unlink(path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 ||
        chmod(path, 0600) < 0 || listen(fd, 32) < 0) {
        error_report_errno(VK_FROM_QEMU, errno,
                           _("cannot create control socket '%1$s'"), path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static int
open_disks(DomainObj *obj, DomainRuntime *rt, FdMap *m)
{
    DomainLifecycleCtx *ctx = domain_lifecycle_ctx();

    for (guint i = 0; i < obj->def->disks->len; i++) {
        const DomainDiskDef *disk = g_ptr_array_index(obj->def->disks, i);
        unsigned int flags = (disk->readonly ? SECURITY_IMAGE_READONLY : 0) |
                             (disk->shareable ? SECURITY_IMAGE_SHAREABLE : 0);
        int fd = open(disk->src_path, (disk->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);

        if (fd < 0) {
            error_report_errno(VK_FROM_QEMU, errno,
                               _("Cannot access storage file '%1$s'"), disk->src_path);
            return -1;
        }
        fdmap_add(m, fd, DOMAIN_LAUNCH_FD_DISK0 + (int) i);
        if (!flags) {
            if (security_manager_set_image_label(ctx->sec, rt->sec, disk->src_path, 0) < 0)
                return -1;
            g_ptr_array_add(rt->labelled, g_strdup(disk->src_path));
        }
    }
    return 0;
}

static int
open_chr(const DomainChrDef *chr, FdMap *m, int target)
{
    int fd;

    if (domain_launch_chr_kind(chr) != DOMAIN_LAUNCH_CHR_FD)
        return 0;
    fd = open(chr->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        error_report_errno(VK_FROM_QEMU, errno,
                           _("cannot open serial file '%1$s'"), chr->path);
        return -1;
    }
    fdmap_add(m, fd, target);
    return 0;
}

static int
check_memory(const DomainDef *def)
{
    HostNodeInfo info;

    if (host_node_get_info(&info) < 0)
        return 0;
    if (def->memory_kib > info.memory) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_FAILED,
                     _("domain memory %1$llu KiB exceeds the host's %2$llu KiB"),
                     def->memory_kib, (unsigned long long) info.memory);
        return -1;
    }
    return 0;
}

static int
memfd_with(const char *text)
{
    int fd = memfd_create("virtkvm-launch", MFD_CLOEXEC);
    size_t len = strlen(text), off = 0;

    if (fd < 0)
        return -1;
    while (off < len) {
        ssize_t n = write(fd, text + off, len - off);

        if (n <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t) n;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

/* --- spawning ----------------------------------------------------------- */

/* In the grandchild: only async-signal-safe calls. */
static G_GNUC_NORETURN void
child_exec(FdMap *m, int status_fd, const SecurityProcess *proc,
           const char *vmm, char *const argv[])
{
    int tmp[64];
    sigset_t set;
    int err;

    /* out of the way of the fixed numbers (it could be one of them) */
    status_fd = fcntl(status_fd, F_DUPFD_CLOEXEC, 200);
    for (int i = 0; i < m->n; i++)
        if ((tmp[i] = fcntl(m->src[i], F_DUPFD, 100)) < 0)
            goto fail;
    for (int i = 0; i < m->n; i++)
        if (dup2(tmp[i], m->dst[i]) < 0)
            goto fail;
    for (int fd = 3; fd < DOMAIN_LAUNCH_FD_END; fd++) {
        bool keep = false;

        for (int i = 0; i < m->n; i++)
            keep |= m->dst[i] == fd;
        if (!keep && fd != status_fd)
            close(fd);
    }
    for (int i = 0; i < m->n; i++)
        if (tmp[i] != status_fd)
            close(tmp[i]);
    /* everything else goes at exec (status_fd is close-on-exec too) */
    if (syscall(SYS_close_range, DOMAIN_LAUNCH_FD_END, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */) < 0) {
        for (int fd = DOMAIN_LAUNCH_FD_END; fd < 65536; fd++)
            if (fd != status_fd)
                close(fd);
    }
    sigemptyset(&set);
    sigprocmask(SIG_SETMASK, &set, NULL);
    for (int s = 1; s < NSIG; s++)
        signal(s, SIG_DFL);
    if ((err = security_process_apply(proc)) < 0) {
        errno = -err;
        goto fail;
    }
    execv(vmm, argv);
 fail:
    err = errno;
    if (write(status_fd, &err, sizeof(err)) < 0) {
        /* nothing left to do */
    }
    _exit(127);
}

/* Forks the VMM detached; returns its pid or -1 with an error. */
static pid_t
spawn_vmm(FdMap *m, const SecurityProcess *proc, const char *name)
{
    const char *vmm = host_vmm_path();
    g_autofree char *guest_arg = g_strdup_printf("guest=%s", name);
    char *argv[] = { (char *) vmm, (char *) "--launch", (char *) "-",
                     (char *) "-name", guest_arg, NULL };
    int pfd[2];
    pid_t child, pid = -1;
    int err = 0, status;
    ssize_t n;

    if (pipe2(pfd, O_CLOEXEC) < 0) {
        error_report_errno(VK_FROM_QEMU, errno, "%s",
                           _("cannot create pipe"));
        return -1;
    }
    if ((child = fork()) < 0) {
        error_report_errno(VK_FROM_QEMU, errno, "%s",
                           _("cannot fork the VMM"));
        close(pfd[0]);
        close(pfd[1]);
        return -1;
    }
    if (child == 0) {
        pid_t gc;

        close(pfd[0]);
        setsid();
        gc = fork();
        if (gc == 0)
            child_exec(m, pfd[1], proc, vmm, argv);
        if (write(pfd[1], &gc, sizeof(gc)) < 0)
            _exit(1);
        _exit(0);
    }
    close(pfd[1]);
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    n = read(pfd[0], &pid, sizeof(pid));
    if (n == sizeof(pid) && pid > 0 && read(pfd[0], &err, sizeof(err)) == sizeof(err)) {
        close(pfd[0]);
        error_report_errno(VK_FROM_QEMU, err,
                           _("cannot execute '%1$s'"), vmm);
        return -1;
    }
    close(pfd[0]);
    if (n != sizeof(pid) || pid <= 0) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_FAILED, "%s",
                     _("cannot fork the VMM"));
        return -1;
    }
    return pid;
}

/* The last line of the log (the VMM's reason for exiting), or NULL. */
static char *
log_last_line(const char *path)
{
    g_autofree char *buf = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents(path, &buf, NULL, NULL))
        return NULL;
    lines = g_strsplit(g_strstrip(buf), "\n", 0);
    for (int i = (int) g_strv_length(lines) - 1; i >= 0; i--)
        if (*lines[i] && !strstr(lines[i], "+0000: "))
            return g_strdup(lines[i]);
    return NULL;
}

/* Waits until the VMM answers query-devices; records the pty path. */
static int
wait_ready(DomainRuntime *rt, const char *name)
{
    gint64 deadline = g_get_monotonic_time() + START_TIMEOUT_MS * 1000LL;

    while (g_get_monotonic_time() < deadline) {
        json_object *devs;

        if (!domain_process_alive(rt->pid)) {
            g_autofree char *why = log_last_line(rt->log_path);

            error_report(VK_FROM_QEMU, VK_ERR_OPERATION_FAILED,
                         _("virtkvm-vmm of domain '%1$s' exited while starting: %2$s"),
                         name, why ? why : _("no reason logged"));
            return -1;
        }
        devs = domain_monitor_command(rt->ctl_path, "query-devices", 2000);
        if (devs) {
            for (size_t i = 0; i < json_object_array_length(devs); i++) {
                json_object *d = json_object_array_get_idx(devs, i), *pty, *bus;

                /* the serial port is the ISA device with a pty */
                if (json_object_object_get_ex(d, "pty", &pty) &&
                    json_object_object_get_ex(d, "bus", &bus) &&
                    !g_strcmp0(json_object_get_string(bus), "isa") && !rt->pty_path)
                    rt->pty_path = g_strdup(json_object_get_string(pty));
            }
            json_object_put(devs);
            error_reset();
            return 0;
        }
        g_usleep(5000);
    }
    error_report(VK_FROM_QEMU, VK_ERR_OPERATION_TIMEOUT,
                 _("virtkvm-vmm of domain '%1$s' did not answer in time"), name);
    return -1;
}

static int
open_log(DomainRuntime *rt, const char *name)
{
    DomainLifecycleCtx *ctx = domain_lifecycle_ctx();
    int fd;

    rt->log_path = g_strdup_printf("%s/%s.log", ctx->log_dir, name);
    fd = open(rt->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        error_report_errno(VK_FROM_QEMU, errno,
                           _("cannot open log file '%1$s'"), rt->log_path);
    return fd;
}

static int
setup_security(DomainObj *obj, DomainRuntime *rt)
{
    DomainLifecycleCtx *ctx = domain_lifecycle_ctx();
    char uuid[DOMAIN_UUID_STRLEN];

    domain_def_get_uuid_string(obj->def, uuid);
    rt->sec = security_guest_new(obj->def->name, uuid);
    return security_manager_gen_label(ctx->sec, rt->sec);
}

static int
process_open_all(DomainObj *obj, DomainRuntime *rt, FdMap *m, bool start_paused)
{
    DomainLifecycleCtx *ctx = domain_lifecycle_ctx();
    g_autofree char *launch = NULL;
    int fd, logfd;

    if ((logfd = open_log(rt, obj->def->name)) < 0)
        return -1;
    fdmap_add(m, logfd, 2);
    fd = dup(logfd);
    fdmap_add(m, fd, 1);
    log_line(logfd, "starting up domain %s", obj->def->name);
    if ((fd = open("/dev/kvm", O_RDWR | O_CLOEXEC)) < 0) {
        error_report_errno(VK_FROM_QEMU, errno, "%s",
                           _("cannot open /dev/kvm"));
        return -1;
    }
    fdmap_add(m, fd, DOMAIN_LAUNCH_FD_KVM);
    rt->ctl_path = g_strdup_printf("%s/%s.ctl", ctx->run_dir, obj->def->name);
    if ((fd = open_listen_socket(rt->ctl_path)) < 0)
        return -1;
    fdmap_add(m, fd, DOMAIN_LAUNCH_FD_CONTROL);
    if (open_disks(obj, rt, m) < 0 ||
        open_chr(domain_launch_serial(obj->def), m, DOMAIN_LAUNCH_FD_SERIAL) < 0 ||
        domain_net_setup(obj, rt, m->src + m->n) < 0)
        return -1;
    for (guint i = 0; i < obj->def->nets->len; i++) {
        m->dst[m->n] = DOMAIN_LAUNCH_FD_NIC0 + (int) i;
        m->n++;
    }
    if (!(launch = domain_launch_build(obj->def, start_paused)))
        return -1;
    if ((fd = memfd_with(launch)) < 0) {
        error_report_errno(VK_FROM_QEMU, errno, "%s",
                           _("cannot pass the launch description"));
        return -1;
    }
    fdmap_add(m, fd, 0);
    return 0;
}

/* The live XML shows the serial pty (<source path='/dev/pts/N'/>). */
static void
set_pty_paths(DomainDef *def, const char *pty)
{
    GPtrArray *lists[] = { def->serials, def->consoles };

    if (!pty)
        return;
    for (guint l = 0; l < G_N_ELEMENTS(lists); l++) {
        for (guint i = 0; lists[l] && i < lists[l]->len; i++) {
            DomainChrDef *chr = g_ptr_array_index(lists[l], i);

            if (chr->type == DOMAIN_CHR_TYPE_PTY &&
                (l == 0 || !chr->target_type || g_str_equal(chr->target_type, "serial"))) {
                g_free(chr->path);
                chr->path = g_strdup(pty);
            }
        }
    }
}

int
domain_process_start(DomainObj *obj, bool start_paused)
{
    DomainLifecycleCtx *ctx = domain_lifecycle_ctx();
    DomainRuntime *rt;
    g_autoptr(SecurityProcess) proc = NULL;
    FdMap m = { .n = 0 };

    if (!ctx->sec) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_FAILED,
                     _("cannot start guests: %1$s"), ctx->sec_error ? ctx->sec_error : "?");
        return -1;
    }
    if (domain_launch_check(obj->def) < 0 || check_memory(obj->def) < 0)
        return -1;
    if (g_mkdir_with_parents(ctx->run_dir, 0700) < 0 ||
        g_mkdir_with_parents(ctx->log_dir, 0700) < 0) {
        error_report_errno(VK_FROM_QEMU, errno,
                           _("cannot create '%1$s'"), ctx->run_dir);
        return -1;
    }
    rt = domain_runtime_new();
    obj->priv = rt;
    obj->priv_free = (GDestroyNotify) domain_runtime_free;
    if (setup_security(obj, rt) < 0 ||
        process_open_all(obj, rt, &m, start_paused) < 0 ||
        security_manager_prepare_process(ctx->sec, rt->sec, &proc) < 0)
        goto fail;
    rt->pid = spawn_vmm(&m, proc, obj->def->name);
    fdmap_close(&m);
    if (rt->pid < 0)
        goto fail;
    rt->start_mono = g_get_monotonic_time();
    if (wait_ready(rt, obj->def->name) < 0) {
        domain_process_kill(rt, 0);
        goto fail;
    }
    set_pty_paths(obj->def, rt->pty_path);
    return 0;

 fail:
    fdmap_close(&m);
    domain_process_cleanup(obj);
    return -1;
}

int
domain_process_kill(DomainRuntime *rt, int grace_ms)
{
    gint64 deadline;

    if (rt->pid <= 0 || !domain_process_alive(rt->pid))
        return 0;
    if (grace_ms > 0) {
        json_object *r = domain_monitor_command(rt->ctl_path, "quit", grace_ms);

        json_object_put(r);
        error_reset();
        deadline = g_get_monotonic_time() + grace_ms * 1000LL;
        while (g_get_monotonic_time() < deadline && domain_process_alive(rt->pid))
            g_usleep(2000);
    }
    if (domain_process_alive(rt->pid))
        kill(rt->pid, SIGKILL);
    deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (g_get_monotonic_time() < deadline && domain_process_alive(rt->pid))
        g_usleep(1000);
    return domain_process_alive(rt->pid) ? -1 : 0;
}

void
domain_process_cleanup(DomainObj *obj)
{
    DomainLifecycleCtx *ctx = domain_lifecycle_ctx();
    DomainRuntime *rt = domain_runtime_get(obj);

    VkError *saved;

    if (!rt || rt->stopped)
        return;
    rt->stopped = true;
    saved = error_steal_last();
    domain_net_cleanup(obj, rt);
    for (guint i = 0; i < rt->labelled->len; i++)
        security_manager_restore_image_label(ctx->sec, rt->sec,
                                             g_ptr_array_index(rt->labelled, i), 0);
    g_ptr_array_set_size(rt->labelled, 0);
    if (rt->sec)
        security_manager_release_label(ctx->sec, rt->sec);
    if (rt->ctl_path)
        unlink(rt->ctl_path);
    domain_status_remove(obj->def->name);
    domain_process_log(rt, "shutting down");
    error_reset();
    if (saved)
        error_restore(saved);
}
