/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * notify-listen - stands in for systemd's notify socket in
 * tests/serve-ops.test:
 *
 *   notify-listen SOCKET WATCH SECONDS
 *
 * binds a unix datagram socket at SOCKET, prints "listening", then for
 * each datagram (sd_notify's "A=1\nB=2") one line
 *
 *   pid=SENDER watch=BYTES A=1 B=2
 *
 * where SENDER is the sending process (SCM_CREDENTIALS, as systemd reads
 * it) and BYTES the size of the file WATCH when it arrived (-1: none), so
 * the test can tell what was written before.  Exits after SECONDS.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int bind_socket(const char *path)
{
    struct sockaddr_un sa;
    int one = 1;
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

    if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
        return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Receives one datagram and prints its line. */
static int take(int fd, const char *watch)
{
    char buf[4096];
    union {
        struct cmsghdr align;
        char space[CMSG_SPACE(sizeof(struct ucred))];
    } ctl;
    struct iovec iov = { buf, sizeof(buf) - 1 };
    struct msghdr msg;
    struct cmsghdr *c;
    struct stat st;
    long pid = -1;
    ssize_t n;

    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctl.space;
    msg.msg_controllen = sizeof(ctl.space);
    if ((n = recvmsg(fd, &msg, 0)) < 0)
        return -1;
    for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
            struct ucred cred;

            memcpy(&cred, CMSG_DATA(c), sizeof(cred));
            pid = (long)cred.pid;
        }
    buf[n] = '\0';
    for (char *p = buf; *p != '\0'; p++)
        if (*p == '\n')
            *p = ' ';
    printf("pid=%ld watch=%lld %s\n", pid,
           stat(watch, &st) == 0 ? (long long)st.st_size : -1ll, buf);
    return fflush(stdout);
}

int main(int argc, char **argv)
{
    time_t end;
    int fd;

    if (argc != 4) {
        fprintf(stderr, "usage: notify-listen SOCKET WATCH SECONDS\n");
        return 2;
    }
    if ((fd = bind_socket(argv[1])) < 0) {
        perror("notify-listen: cannot bind the socket");
        return 1;
    }
    end = time(NULL) + atol(argv[3]);
    printf("listening\n");
    fflush(stdout);
    while (time(NULL) < end) {
        struct pollfd p = { fd, POLLIN, 0 };

        if (poll(&p, 1, 100) > 0 && take(fd, argv[2]) != 0) {
            perror("notify-listen: recvmsg");
            return 1;
        }
    }
    close(fd);
    unlink(argv[1]);
    return 0;
}
