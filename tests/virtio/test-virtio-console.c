/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtio-console through pipes: guest output reaches the backend, backend
 * input reaches guest receive buffers (posted before or after the data),
 * and end of file on the input is harmless.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "hv/virtio/virtio-console.h"
#include "tests/virtio/vtest.h"

static void
post_rx(VtDev *d, uint16_t idx, uint64_t buf, uint32_t len)
{
    vt_desc(d, 0, idx, buf, len, VIRTQ_DESC_F_WRITE, 0);
    vt_kick(d, 0, idx);
}

static void
test_console(void)
{
    VtMachine m;
    VtDev d;
    int in[2], out[2];
    uint64_t buf, rx1, rx2;
    uint32_t id, len;
    char got[64] = { 0 };
    const char *msg = "hello from the guest\n";

    VT_CHECK(pipe(in) == 0 && pipe(out) == 0);
    vt_machine_init(&m);
    VT_CHECK(vt_dev_setup(&m, &d, virtio_console_create(in[0], out[1]),
                          VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX)));
    VT_CHECK(vt_cf8_read(&m, d.slot, PCI_DEVICE_ID, 2) == 0x1043);
    VT_CHECK(vt_mmio_read(&m, d.bar + VIRTIO_PCI_DEVICE_OFFSET + 4, 4) == 1);
    VT_CHECK(vt_common_read(&d, VIRTIO_PCI_COMMON_NUMQ, 2) == 2);
    vt_queue_setup(&d, 0, 16);
    vt_queue_setup(&d, 1, 16);
    vt_msix_enable(&d, 3);
    vt_common_write(&d, VIRTIO_PCI_COMMON_Q_SELECT, 0, 2);
    vt_common_write(&d, VIRTIO_PCI_COMMON_Q_MSIX, 0, 2);
    vt_common_write(&d, VIRTIO_PCI_COMMON_Q_SELECT, 1, 2);
    vt_common_write(&d, VIRTIO_PCI_COMMON_Q_MSIX, 1, 2);
    vt_driver_ok(&d);

    /* guest -> backend */
    buf = vt_alloc(&m, 64, 8);
    memcpy(vt_ptr(&m, buf), msg, strlen(msg));
    vt_desc(&d, 1, 0, buf, (uint32_t) strlen(msg), 0, 0);
    vt_kick(&d, 1, 0);
    VT_CHECK(vt_wait_used(&d, 1, &id, &len, 0) && id == 0);
    VT_CHECK(read(out[0], got, sizeof(got)) == (ssize_t) strlen(msg));
    VT_CHECK(strcmp(got, msg) == 0);
    VT_CHECK(vt_msi_count(&m) == 1 && m.msi_data[0] == 0x41);

    /* backend -> guest, buffer first */
    rx1 = vt_alloc(&m, 64, 8);
    post_rx(&d, 0, rx1, 64);
    VT_CHECK(write(in[1], "ping", 4) == 4);
    VT_CHECK(vt_wait_used(&d, 0, &id, &len, VT_WAIT_MS));
    VT_CHECK(id == 0 && len == 4 && memcmp(vt_ptr(&m, rx1), "ping", 4) == 0);

    /* data first, then the buffer */
    VT_CHECK(write(in[1], "pong!", 5) == 5);
    usleep(20000);
    rx2 = vt_alloc(&m, 3, 8);
    post_rx(&d, 1, rx2, 3);         /* too small: split over two buffers */
    VT_CHECK(vt_wait_used(&d, 0, &id, &len, VT_WAIT_MS));
    VT_CHECK(id == 1 && len == 3 && memcmp(vt_ptr(&m, rx2), "pon", 3) == 0);
    post_rx(&d, 2, rx1, 64);
    VT_CHECK(vt_wait_used(&d, 0, &id, &len, VT_WAIT_MS));
    VT_CHECK(id == 2 && len == 2 && memcmp(vt_ptr(&m, rx1), "g!", 2) == 0);

    /* end of file on the input: no spin, no crash, TX still works */
    post_rx(&d, 3, rx1, 64);
    close(in[1]);
    usleep(20000);
    vt_desc(&d, 1, 1, buf, 2, 0, 0);
    vt_kick(&d, 1, 1);
    VT_CHECK(vt_wait_used(&d, 1, &id, &len, 0) && id == 1);
    VT_CHECK(read(out[0], got, sizeof(got)) == 2);
    VT_CHECK(!(vt_status(&d) & VIRTIO_STATUS_NEEDS_RESET));

    /* reset while the receive thread waits, then tear down */
    vt_common_write(&d, VIRTIO_PCI_COMMON_STATUS, 0, 1);
    vt_machine_cleanup(&m);
    close(in[0]);
    close(out[0]);
    close(out[1]);
}

/* A backend that does not read: the vCPU never blocks, output resumes later. */
static void
test_backpressure(void)
{
    VtMachine m;
    VtDev d;
    int out[2];
    uint64_t buf;
    uint32_t id, len;
    uint8_t got[3 * 8192];
    size_t have = 0;
    struct rusage r0, r1;
    double cpu;

    VT_CHECK(pipe(out) == 0);
    VT_CHECK(fcntl(out[0], F_SETPIPE_SZ, 4096) >= 0);
    vt_machine_init(&m);
    VT_CHECK(vt_dev_setup(&m, &d, virtio_console_create(-1, out[1]), VIRTIO_BIT(VIRTIO_F_VERSION_1)));
    vt_queue_setup(&d, 0, 8);
    vt_queue_setup(&d, 1, 8);
    vt_driver_ok(&d);
    buf = vt_alloc(&m, sizeof(got), 8);
    for (size_t i = 0; i < sizeof(got); i++)
        ((uint8_t *) vt_ptr(&m, buf))[i] = (uint8_t) (i * 13 + i / 256);
    for (uint16_t i = 0; i < 3; i++) {
        vt_desc(&d, 1, i, buf + 8192u * i, 8192, 0, 0);
        vt_kick(&d, 1, i);      /* returns although the pipe is full */
    }
    VT_CHECK(!vt_wait_used(&d, 1, &id, &len, 50));
    /* parked output costs no CPU */
    getrusage(RUSAGE_SELF, &r0);
    usleep(200000);
    getrusage(RUSAGE_SELF, &r1);
    cpu = (double) (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec + r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
          (double) (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec + r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
    VT_CHECK(cpu < 0.1);
    /* the reader catches up: everything arrives, in order, all chains complete */
    for (int tries = 0; have < sizeof(got) && tries < 2000; tries++) {
        ssize_t n = read(out[0], got + have, sizeof(got) - have);

        VT_CHECK(n > 0);
        have += (size_t) n;
    }
    VT_CHECK(have == sizeof(got));
    VT_CHECK(memcmp(got, vt_ptr(&m, buf), sizeof(got)) == 0);
    for (int i = 0; i < 3; i++)
        VT_CHECK(vt_wait_used(&d, 1, &id, &len, VT_WAIT_MS) && id == (uint32_t) i);
    vt_machine_cleanup(&m);
    close(out[0]);
    close(out[1]);
}

static void
test_output_only(void)
{
    VtMachine m;
    VtDev d;
    uint64_t buf;
    uint32_t id, len;

    vt_machine_init(&m);
    VT_CHECK(vt_dev_setup(&m, &d, virtio_console_create(-1, -1), VIRTIO_BIT(VIRTIO_F_VERSION_1)));
    vt_queue_setup(&d, 0, 8);
    vt_queue_setup(&d, 1, 8);
    vt_driver_ok(&d);
    buf = vt_alloc(&m, 8, 8);
    vt_desc(&d, 1, 0, buf, 8, 0, 0);
    vt_kick(&d, 1, 0);
    VT_CHECK(vt_wait_used(&d, 1, &id, &len, 0));
    post_rx(&d, 0, buf, 8);
    vt_machine_cleanup(&m);
}

int
main(void)
{
    test_console();
    test_backpressure();
    test_output_only();
    printf("ok\n");
    return 0;
}
