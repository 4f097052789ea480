/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * safe_file.c - reading input files without blocking, bounded, and secrets
 * as ssh reads them (safe_file.h).  libc only.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "util/safe_file.h"

void lithsm_wipe(void *p, size_t len)
{
    /* A volatile function pointer keeps the compiler from dropping it. */
    static void *(*const volatile do_wipe)(void *, int, size_t) = memset;

    if (p != NULL && len > 0)
        do_wipe(p, 0, len);
}

void lithsm_lock_secret(void *p, size_t len)
{
    if (p != NULL && len > 0)
        (void)mlock(p, len);
}

void lithsm_unlock_secret(void *p, size_t len)
{
    if (p != NULL && len > 0)
        (void)munlock(p, len);
}

void lithsm_file_free(char *buf, size_t len)
{
    if (buf == NULL)
        return;
    lithsm_wipe(buf, len + 1);
    lithsm_unlock_secret(buf, len + 1);
    free(buf);
}

int lithsm_protect_process(void)
{
    struct rlimit none = { 0, 0 };
    int rc = 0;

#ifdef __linux__
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        rc = -1;
#endif
    /* Last: a core limit of 0 seen from outside means both are done. */
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        rc = -1;
    return rc;
}

/* Grows *buf to ncap by hand, so that no copy of a secret stays behind in
 * memory that realloc() would free without wiping. */
static int grow(char **buf, size_t *cap, size_t used, size_t ncap,
                unsigned flags)
{
    char *nbuf = malloc(ncap);

    if (nbuf == NULL)
        return -1;
    if (flags & LITHSM_FILE_SECRET)
        lithsm_lock_secret(nbuf, ncap);
    if (used > 0)
        memcpy(nbuf, *buf, used);
    if (*buf != NULL) {
        lithsm_wipe(*buf, *cap);
        lithsm_unlock_secret(*buf, *cap);
        free(*buf);
    }
    *buf = nbuf;
    *cap = ncap;
    return 0;
}

lithsm_file_status lithsm_fd_read(int fd, unsigned flags, size_t max,
                                  char **out, size_t *len, int *errno_out)
{
    char *buf = NULL;
    size_t cap = 0, n = 0, ncap;
    ssize_t r;
    lithsm_file_status st = LITHSM_FILE_OK;

    *out = NULL;
    *len = 0;
    for (;;) {
        if (n + 1 >= cap) {
            /* The last size holds one byte more than the limit, to see it. */
            ncap = cap == 0 ? 4096 : cap * 2;
            if (ncap > max + 2)
                ncap = max + 2;
            if (grow(&buf, &cap, n, ncap, flags) != 0) {
                st = LITHSM_FILE_NOMEM;
                break;
            }
        }
        r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            *errno_out = errno;
            st = LITHSM_FILE_ERRNO;
            break;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > max) {
            st = LITHSM_FILE_TOO_LARGE;
            break;
        }
    }
    if (st != LITHSM_FILE_OK) {
        lithsm_file_free(buf, cap - 1);
        return st;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return LITHSM_FILE_OK;
}

/* ssh's rule for the folder holding a secret: nobody else may put another
 * file in its place. */
static lithsm_file_status check_parent(const char *path, int *errno_out)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    size_t n;
    struct stat st;

    if (slash == NULL) {
        strcpy(dir, ".");
    } else {
        n = slash == path ? 1 : (size_t)(slash - path);
        if (n >= sizeof(dir)) {
            *errno_out = ENAMETOOLONG;
            return LITHSM_FILE_ERRNO;
        }
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    if (stat(dir, &st) != 0) {
        *errno_out = errno;
        return LITHSM_FILE_ERRNO;
    }
    return (st.st_mode & 022) != 0 ? LITHSM_FILE_PARENT : LITHSM_FILE_OK;
}

static lithsm_file_status check_opened(int fd, const char *path, unsigned flags,
                                       int *errno_out)
{
    struct stat st;

    if (fstat(fd, &st) != 0) {
        *errno_out = errno;
        return LITHSM_FILE_ERRNO;
    }
    if (!S_ISREG(st.st_mode))
        return LITHSM_FILE_NOT_REGULAR;
    if (!(flags & LITHSM_FILE_SECRET))
        return LITHSM_FILE_OK;
    if ((st.st_mode & 077) != 0)
        return LITHSM_FILE_MODE;
    if (st.st_uid != geteuid())
        return LITHSM_FILE_OWNER;
    return check_parent(path, errno_out);
}

lithsm_file_status lithsm_file_read(const char *path, unsigned flags,
                                    size_t max, char **out, size_t *len,
                                    int *errno_out)
{
    lithsm_file_status st;
    int fd, fl;

    *out = NULL;
    *len = 0;
    /* O_NONBLOCK: opening a FIFO with no writer must not wait forever. */
    fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        *errno_out = errno;
        return LITHSM_FILE_ERRNO;
    }
    st = check_opened(fd, path, flags, errno_out);
    if (st == LITHSM_FILE_OK && ((fl = fcntl(fd, F_GETFL)) < 0 ||
                                 fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)) {
        *errno_out = errno;
        st = LITHSM_FILE_ERRNO;
    }
    if (st == LITHSM_FILE_OK)
        st = lithsm_fd_read(fd, flags, max, out, len, errno_out);
    close(fd);
    return st;
}

const char *lithsm_file_problem(lithsm_file_status st, int err)
{
    switch (st) {
    case LITHSM_FILE_OK:
        return "no problem";
    case LITHSM_FILE_ERRNO:
        return strerror(err);
    case LITHSM_FILE_NOT_REGULAR:
        return "not a regular file (a FIFO, device or folder is refused)";
    case LITHSM_FILE_TOO_LARGE:
        return "larger than the size limit";
    case LITHSM_FILE_MODE:
        return "readable by group or others, or writable by them "
               "(chmod 600 it)";
    case LITHSM_FILE_OWNER:
        return "owned by another user";
    case LITHSM_FILE_PARENT:
        return "its folder is writable by group or others";
    case LITHSM_FILE_NOMEM:
        return "out of memory";
    }
    return "unknown problem";
}
