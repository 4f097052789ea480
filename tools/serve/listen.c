/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * listen.c - lithsm-serve's unix socket (serve.h): what the service
 * listens on, and a second libmicrohttpd daemon, without TLS, on an
 * AF_UNIX socket made here.  The kernel authenticates its callers: the
 * caller is the connecting process's uid (SO_PEERCRED), "uid:<n>", which
 * the policy matches with `match = uid:<n>`.
 *
 * libmicrohttpd 0.9.75 takes the listening socket (MHD_OPTION_LISTEN_SOCKET)
 * and handles AF_UNIX peers: accept() gives the family-only address of an
 * unnamed client, which it keeps without asking for an IP address.
 */
#define _GNU_SOURCE /* struct ucred */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "serve.h"

#define THREAD_STACK (512u * 1024u)
#define SUN_PATH_MAX (sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

int serve_listen_mode_parse(serve_config *cfg, const char *v, char *err,
                            size_t err_len)
{
    size_t n = strspn(v, "01234567");
    unsigned long mode;

    mode = n >= 1 && n <= 4 && v[n] == '\0' ? strtoul(v, NULL, 8) : 01000;
    if (mode > 0777) {
        snprintf(err, err_len,
                 "serve/listen_unix_mode: not an octal mode from 0 to 0777");
        return -1;
    }
    cfg->listen_unix_mode = (unsigned)mode;
    cfg->listen_unix_mode_set = 1;
    return 0;
}

int serve_listen_check(const serve_config *cfg, char *err, size_t err_len)
{
    const char *tls = cfg->tls_cert != NULL    ? "tls_cert"
                      : cfg->tls_key != NULL   ? "tls_key"
                      : cfg->client_ca != NULL ? "client_ca"
                                               : NULL;
    const char *u = cfg->listen_unix;

    if (cfg->host[0] == '\0' && u == NULL)
        snprintf(err, err_len, "serve: listen or listen_unix is required");
    else if (cfg->host[0] != '\0' &&
             (cfg->tls_cert == NULL || cfg->tls_key == NULL ||
              cfg->client_ca == NULL))
        snprintf(err, err_len,
                 "serve: listen needs tls_cert, tls_key and client_ca");
    else if (cfg->host[0] == '\0' && tls != NULL)
        snprintf(err, err_len, "serve/%s: only with listen (TLS)", tls);
    else if (u == NULL && cfg->listen_unix_mode_set)
        snprintf(err, err_len, "serve/listen_unix_mode: only with listen_unix");
    else if (u != NULL && (strlen(u) > SUN_PATH_MAX || u[strlen(u) - 1] == '/'))
        snprintf(err, err_len,
                 "serve/listen_unix: not a file path of at most %zu bytes",
                 SUN_PATH_MAX);
    else
        return 0;
    return -1;
}

/* 1 when a process accepts connections on the socket at path, 0 when it
 * is stale (connection refused), -1 when that cannot be known. */
static int socket_in_use(const char *path)
{
    struct sockaddr_un sa;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), rc;

    if (fd < 0)
        return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path));
    rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    rc = rc == 0 ? 1 : errno == ECONNREFUSED ? 0 : -1;
    close(fd);
    return rc;
}

/* Makes room for the socket at path: nothing there, or a stale socket of
 * this user, removed.  Anything else is refused. */
static int clear_path(const cli_command *cmd, const char *path)
{
    struct stat st;
    int used;

    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        cli_error(cmd, "serve/listen_unix: '%s': %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISSOCK(st.st_mode)) {
        cli_error(cmd,
                  "serve/listen_unix: '%s' exists and is not a socket; "
                  "it is left alone",
                  path);
        return -1;
    }
    if (st.st_uid != geteuid()) {
        cli_error(cmd, "serve/listen_unix: '%s' is a socket of uid %u", path,
                  (unsigned)st.st_uid);
        return -1;
    }
    if ((used = socket_in_use(path)) != 0) {
        cli_error(cmd, "serve/listen_unix: '%s' %s", path,
                  used > 0 ? "is in use by another process"
                           : "cannot be checked for use");
        return -1;
    }
    if (unlink(path) != 0) {
        cli_error(cmd, "serve/listen_unix: cannot remove the stale '%s': %s",
                  path, strerror(errno));
        return -1;
    }
    serve_log("info", "removed a stale socket", "path", path);
    return 0;
}

/* A listening socket at s->cfg.listen_unix, made with its mode. */
static int make_socket(const cli_command *cmd, serve *s)
{
    const char *path = s->cfg.listen_unix;
    struct sockaddr_un sa;
    struct stat st;
    mode_t old;
    int fd, rc, e;

    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path));
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        cli_error(cmd, "serve/listen_unix: socket: %s", strerror(errno));
        return -1;
    }
    /* The file is made with the mode asked for, never wider. */
    old = umask((mode_t)(0777 & ~s->cfg.listen_unix_mode));
    rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    e = errno;
    umask(old);
    if (rc == 0 && lstat(path, &st) == 0) {
        s->unix_bound = 1;
        s->unix_dev = (unsigned long long)st.st_dev;
        s->unix_ino = (unsigned long long)st.st_ino;
    }
    if (rc != 0 || !s->unix_bound || listen(fd, SOMAXCONN) != 0) {
        cli_error(cmd, "serve/listen_unix: cannot listen on '%s': %s", path,
                  strerror(rc != 0 ? e : errno));
        close(fd);
        return -1;
    }
    return fd;
}

size_t serve_daemon_options(struct MHD_OptionItem *opts, serve *s)
{
    size_t n = 0;

    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED,
                                         (intptr_t)serve_on_completed, s };
    /* Connections beyond the request limit still get their 503. */
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT,
                                         2 * s->cfg.max_connections + 8, NULL };
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
                                         s->cfg.request_timeout_s, NULL };
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_STACK_SIZE,
                                         THREAD_STACK, NULL };
    return n;
}

int serve_unix_start(const cli_command *cmd, serve *s)
{
    struct MHD_OptionItem opts[2 + SERVE_DAEMON_OPTIONS];
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ITC;
    size_t n = 0;
    int fd;

    s->unix_fd = -1;
    if (s->cfg.listen_unix == NULL)
        return 0;
    if (clear_path(cmd, s->cfg.listen_unix) != 0 ||
        (fd = make_socket(cmd, s)) < 0)
        return -1;
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_SOCKET, fd, NULL };
    n += serve_daemon_options(opts + n, s);
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
    s->unix_daemon = MHD_start_daemon(flags, 0, NULL, NULL, serve_on_request, s,
                                      MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    if (s->unix_daemon == NULL) {
        close(fd);
        cli_error(cmd, "serve/listen_unix: cannot serve on '%s'",
                  s->cfg.listen_unix);
        return -1;
    }
    return 0;
}

/* Removes the socket file when it is still the one made here. */
static void unlink_ours(serve *s)
{
    struct stat st;

    if (!s->unix_bound)
        return;
    s->unix_bound = 0;
    if (lstat(s->cfg.listen_unix, &st) == 0 &&
        (unsigned long long)st.st_dev == s->unix_dev &&
        (unsigned long long)st.st_ino == s->unix_ino)
        unlink(s->cfg.listen_unix);
}

void serve_unix_quiesce(serve *s)
{
    if (s->unix_daemon != NULL && s->unix_fd < 0)
        s->unix_fd = MHD_quiesce_daemon(s->unix_daemon);
    unlink_ours(s);
}

void serve_unix_stop(serve *s)
{
    /* Quiesced first, the listening socket is closed here, after the
     * daemon's threads are gone (as libmicrohttpd asks). */
    if (s->unix_daemon != NULL) {
        serve_unix_quiesce(s);
        MHD_stop_daemon(s->unix_daemon);
        s->unix_daemon = NULL;
        if (s->unix_fd >= 0)
            close(s->unix_fd);
        s->unix_fd = -1;
    }
    unlink_ours(s);
}

int serve_unix_caller(struct MHD_Connection *conn, char *caller,
                      size_t caller_len, char fingerprint[65])
{
    const union MHD_ConnectionInfo *info;
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    struct ucred cred;
    socklen_t cred_len = sizeof(cred);

    info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info == NULL)
        return -1;
    if (getsockname(info->connect_fd, (struct sockaddr *)&ss, &len) != 0)
        return -1;
    if (ss.ss_family != AF_UNIX)
        return 0;
    if (getsockopt(info->connect_fd, SOL_SOCKET, SO_PEERCRED, &cred,
                   &cred_len) != 0 ||
        cred_len != sizeof(cred) ||
        (size_t)snprintf(caller, caller_len, "uid:%u", (unsigned)cred.uid) >=
            caller_len)
        return -1;
    fingerprint[0] = '\0';
    return 1;
}
