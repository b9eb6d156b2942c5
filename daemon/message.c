/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "daemon/message.h"

#include <fcntl.h>
#include <unistd.h>

Message *
message_new(void)
{
    return g_new0(Message, 1);
}

Message *
message_new_out(GByteArray *buf)
{
    Message *msg = message_new();

    msg->buf = buf;
    return msg;
}

void
message_free(Message *msg)
{
    if (!msg)
        return;
    if (msg->buf)
        g_byte_array_unref(msg->buf);
    for (unsigned i = 0; i < msg->nfds; i++) {
        if (msg->fds[i] >= 0)
            close(msg->fds[i]);
    }
    g_free(msg->fds);
    g_free(msg);
}

int
message_add_fd(Message *msg, int fd)
{
    int copy;

    if (msg->nfds >= PACKET_MAX_FDS)
        return -1;
    copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (copy < 0)
        return -1;
    msg->fds = g_renew(int, msg->fds, msg->nfds + 1);
    msg->fds[msg->nfds++] = copy;
    return 0;
}

int
message_steal_fd(Message *msg, unsigned idx)
{
    int fd;

    if (idx >= msg->nfds)
        return -1;
    fd = msg->fds[idx];
    msg->fds[idx] = -1;
    return fd;
}
