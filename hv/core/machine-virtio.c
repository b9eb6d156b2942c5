/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The machine's virtio devices: opens each backend the launch description
 * names (image path or fd, tap name or fd, console backend) and plugs a
 * virtio-pci function for it on bus 0, in the order rng, disks, nics,
 * console, balloon.  Backend fds the devices do not own are kept in m->fds and
 * closed after the bus is freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_tun.h>

#include "hv/block/block.h"
#include "hv/core/machine.h"
#include "hv/pci/pci.h"
#include "hv/virtio/virtio-balloon.h"
#include "hv/virtio/virtio-blk.h"
#include "hv/virtio/virtio-console.h"
#include "hv/virtio/virtio-net.h"
#include "hv/virtio/virtio-pci.h"
#include "hv/virtio/virtio-rng.h"
#include "util/i18n.h"

static int
machine_plug(Machine *m, VirtioDevice *vdev, const char *what, char **err)
{
    PciDevice *pdev;
    int r;

    if (!vdev) {
        *err = g_strdup_printf(_("cannot create %1$s"), what);
        return -ENOMEM;
    }
    pdev = virtio_pci_create(vdev, &m->vm.mem);
    if (!pdev) {
        virtio_device_free(vdev);
        *err = g_strdup_printf(_("cannot create %1$s"), what);
        return -ENOMEM;
    }
    r = pci_bus_add_device(m->pci, pdev, -1);
    if (r < 0) {
        pdev->ops->destroy(pdev);
        *err = g_strdup_printf(_("cannot plug %1$s: %2$s"), what, g_strerror(-r));
        return r;
    }
    if (r < 32) {
        g_free(m->pci_names[r]);
        m->pci_names[r] = g_strdup(what);
    }
    return 0;
}

static int
machine_add_disk(Machine *m, const LaunchDisk *d, char **err)
{
    BlockOpenOptions opts = {
        .format = strcmp(d->format, "qcow2") == 0 ? BLOCK_FORMAT_QCOW2 : BLOCK_FORMAT_RAW,
        .read_only = d->readonly,
    };
    VirtioBlkConfig cfg = { .serial = d->serial, .read_only = d->readonly };
    BlockBackend *bb = NULL;
    VirtioDevice *vdev;
    int r;

    if (d->fd >= 0) {
        (void)fcntl(d->fd, F_SETFD, FD_CLOEXEC);
        r = block_open_fd(d->fd, &opts, &bb);
    } else {
        r = block_open_path(d->path, &opts, &bb);
    }
    if (r < 0) {
        *err = g_strdup_printf(_("cannot open disk %1$s: %2$s"), d->id, g_strerror(-r));
        return r;
    }
    vdev = virtio_blk_create(bb, &cfg);
    r = machine_plug(m, vdev, d->id, err);
    if (r < 0)
        return r;
    g_ptr_array_add(m->blk_ids, g_strdup(d->id));
    g_ptr_array_add(m->blk_devs, vdev);
    return 0;
}

json_object *
machine_query_blockstats(Machine *m)
{
    json_object *a = json_object_new_array();

    for (guint i = 0; i < m->blk_devs->len; i++) {
        json_object *o = json_object_new_object();
        VirtioBlkStats st;

        virtio_blk_get_stats(g_ptr_array_index(m->blk_devs, i), &st);
        json_object_object_add(o, "id", json_object_new_string(g_ptr_array_index(m->blk_ids, i)));
        json_object_object_add(o, "rd-req", json_object_new_int64((int64_t) st.rd_req));
        json_object_object_add(o, "rd-bytes", json_object_new_int64((int64_t) st.rd_bytes));
        json_object_object_add(o, "wr-req", json_object_new_int64((int64_t) st.wr_req));
        json_object_object_add(o, "wr-bytes", json_object_new_int64((int64_t) st.wr_bytes));
        json_object_object_add(o, "flush-req", json_object_new_int64((int64_t) st.flush_req));
        json_object_array_add(a, o);
    }
    return a;
}

int
machine_set_balloon(Machine *m, uint64_t bytes)
{
    uint64_t ram = m->desc->mem_size;

    if (!m->balloon)
        return -ENODEV;
    if (bytes == 0 || bytes > ram)
        return -EINVAL;
    virtio_balloon_set_target(m->balloon,
                              (uint32_t) ((ram - bytes) / VIRTIO_BALLOON_PAGE_SIZE));
    return 0;
}

/* The guest driver's statistics, when it sends any (VIRTIO_BALLOON_F_STATS_VQ). */
static void
machine_balloon_stats(Machine *m, json_object *o)
{
    static const char *const names[] = {
        "swap-in", "swap-out", "major-faults", "minor-faults", "free-memory",
        "total-memory", "available-memory", "disk-caches", "hugetlb-allocations",
        "hugetlb-failures",
    };
    uint64_t stats[VIRTIO_BALLOON_NR_STATS];
    uint32_t valid = virtio_balloon_get_stats(m->balloon, stats);
    json_object *s;

    if (!valid)
        return;
    s = json_object_new_object();
    for (unsigned int i = 0; i < G_N_ELEMENTS(names); i++) {
        if (valid & (1u << i))
            json_object_object_add(s, names[i], json_object_new_int64((int64_t) stats[i]));
    }
    json_object_object_add(o, "stats", s);
}

json_object *
machine_query_balloon(Machine *m)
{
    json_object *o;
    uint64_t ram = m->desc->mem_size;
    uint64_t actual, target;

    if (!m->balloon)
        return NULL;
    actual = (uint64_t) virtio_balloon_get_actual(m->balloon) * VIRTIO_BALLOON_PAGE_SIZE;
    target = (uint64_t) virtio_balloon_get_target(m->balloon) * VIRTIO_BALLOON_PAGE_SIZE;
    o = json_object_new_object();
    json_object_object_add(o, "actual", json_object_new_int64((int64_t) (ram - MIN(actual, ram))));
    json_object_object_add(o, "target", json_object_new_int64((int64_t) (ram - MIN(target, ram))));
    machine_balloon_stats(m, o);
    return o;
}

/* Attaches to an existing tap interface by name (no privilege needed when
 * the tap is owned by our user). */
static int
machine_open_tap(const char *name)
{
    struct ifreq ifr;
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

    if (fd < 0)
        return -errno;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    g_strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

static void
machine_keep_fd(Machine *m, int fd)
{
    g_array_append_val(m->fds, fd);
}

static int
machine_add_nic(Machine *m, const LaunchNic *n, char **err)
{
    int fd = n->fd;

    if (fd < 0) {
        fd = machine_open_tap(n->tap);
        if (fd < 0) {
            *err = g_strdup_printf(_("cannot open tap %1$s: %2$s"), n->tap, g_strerror(-fd));
            return fd;
        }
    } else {
        (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    machine_keep_fd(m, fd);
    return machine_plug(m, virtio_net_create(fd, n->mac), n->id, err);
}

/* A blocking pty for the console (virtio-console writes block). */
static int
machine_console_pty(Machine *m)
{
    struct termios t;
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

    if (fd < 0)
        return -errno;
    if (grantpt(fd) < 0 || unlockpt(fd) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    if (tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t);
        (void)tcsetattr(fd, TCSANOW, &t);
    }
    g_free(m->console_pty);
    m->console_pty = g_strdup(ptsname(fd));
    return fd;
}

static int
machine_add_console(Machine *m, const LaunchChar *c, char **err)
{
    int in = -1, out = -1;

    switch (c->type) {
    case LAUNCH_CHAR_NONE:
        break;
    case LAUNCH_CHAR_FILE:
        out = open(c->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (out < 0)
            out = -errno;
        break;
    case LAUNCH_CHAR_PTY:
        in = out = machine_console_pty(m);
        break;
    case LAUNCH_CHAR_FD:
        (void)fcntl(c->fd, F_SETFD, FD_CLOEXEC);
        in = out = c->fd;
        break;
    case LAUNCH_CHAR_STDIO:
        in = STDIN_FILENO;
        out = STDOUT_FILENO;
        break;
    case LAUNCH_CHAR_UNIX:
        *err = g_strdup(_("the console does not support 'unix' backends yet; use pty or fd"));
        return -ENOTSUP;
    }
    if (out < -1 || in < -1) {
        int r = out < -1 ? out : in;

        *err = g_strdup_printf(_("cannot open the console backend: %1$s"), g_strerror(-r));
        return r;
    }
    if (out > STDERR_FILENO)
        machine_keep_fd(m, out);
    if (in > STDERR_FILENO && in != out)
        machine_keep_fd(m, in);
    return machine_plug(m, virtio_console_create(in, out), "console0", err);
}

int
machine_build_virtio(Machine *m, char **err)
{
    const LaunchDesc *d = m->desc;
    int r = 0;

    if (d->rng)
        r = machine_plug(m, virtio_rng_create(), "rng0", err);
    for (guint i = 0; r == 0 && i < d->disks->len; i++)
        r = machine_add_disk(m, g_ptr_array_index(d->disks, i), err);
    for (guint i = 0; r == 0 && i < d->nics->len; i++)
        r = machine_add_nic(m, g_ptr_array_index(d->nics, i), err);
    if (r == 0 && d->has_console)
        r = machine_add_console(m, &d->console, err);
    if (r == 0 && d->balloon) {
        VirtioDevice *vdev = virtio_balloon_create();

        r = machine_plug(m, vdev, "balloon0", err);
        if (r == 0)
            m->balloon = vdev;
    }
    return r;
}

void
machine_close_fds(Machine *m)
{
    for (guint i = 0; m->fds && i < m->fds->len; i++)
        close(g_array_index(m->fds, int, i));
    if (m->fds)
        g_array_set_size(m->fds, 0);
}
