/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * store.c - the key-value store behind the session cache, and the default
 * file store.
 *
 * The file store keeps one file per key in one directory.  A put writes a
 * fresh temporary file in that directory, fsyncs it and renames it over the
 * key: rename() is atomic, so a reader (in any process) sees the old value
 * or the new one, never a mix, and a crash leaves at worst a stray
 * ".tmp-*" file, which the next opening of the store removes once it is
 * older than any write can take (it may hold a session secret).  An entry
 * that is not a regular 0600 file of this user reads as corrupt; removing
 * one that is a directory moves it aside as ".bad-*".  Writers of the same
 * key race harmlessly: the last rename wins and both values were complete;
 * the flow takes the store's lock (flock on ".lock-<key>", file_lock) to
 * make one session rather than one per process.  Every path is resolved
 * against the directory's descriptor, opened once and checked (ours, not
 * group- or world-writable, not a symbolic link), so a swapped path cannot
 * redirect the secrets.
 */
#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <sys/file.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "store/held.h"
#include "store/store.h"

struct lithsm_store {
    lithsm_store_ops ops;
    void *ctx;
    lithsm_err (*lock)(void *ctx, const char *key);
    void (*unlock)(void *ctx, const char *key);
};

static atomic_uint lock_wait_ms = 30000;

void lithsm_store_set_lock_wait_ms(unsigned ms)
{
    atomic_store(&lock_wait_ms, ms);
}

unsigned lithsm_store_lock_wait_ms(void)
{
    return atomic_load(&lock_wait_ms);
}

int lithsm_store_key_valid(const char *key)
{
    size_t i, n;

    if (key == NULL || key[0] == '\0' || key[0] == '.')
        return 0;
    n = strlen(key);
    if (n > LITHSM_STORE_KEY_MAX)
        return 0;
    for (i = 0; i < n; i++) {
        char c = key[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static lithsm_err bad_key(const char *key)
{
    /* The key is not a secret; print a bounded prefix of it. */
    return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                       "store: key \"%.60s\" is not 1 to %d characters of "
                       "a-z, 0-9, '.', '_', '-' (not starting with '.')",
                       key ? key : "(null)", LITHSM_STORE_KEY_MAX);
}

static void wipe_free(char *s)
{
    if (s != NULL) {
        lithsm_memzero(s, strlen(s));
        free(s);
    }
}

lithsm_err lithsm_store_new(lithsm_store **out, const lithsm_store_ops *ops,
                            void *ctx)
{
    lithsm_store *store;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "store: no output");
    *out = NULL;
    /* On failure ctx stays the caller's: ops->free is not called. */
    if (ops == NULL || ops->get == NULL || ops->put == NULL ||
        ops->remove == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "store: the ops need get, put and remove");
    store = calloc(1, sizeof(*store));
    if (store == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "store: out of memory");
    store->ops = *ops;
    store->ctx = ctx;
    *out = store;
    return LITHSM_OK;
}

void lithsm_store_free(lithsm_store *store)
{
    if (store == NULL)
        return;
    if (store->ops.free != NULL)
        store->ops.free(store->ctx);
    free(store);
}

lithsm_err lithsm_store_get(lithsm_store *store, const char *key,
                            char **value_out)
{
    char *value = NULL;
    lithsm_err err;

    if (value_out == NULL || store == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "store: NULL argument");
    *value_out = NULL;
    if (!lithsm_store_key_valid(key))
        return bad_key(key);
    err = store->ops.get(store->ctx, key, &value);
    if (err != LITHSM_OK) {
        wipe_free(value);
        return err;
    }
    if (value != NULL && strlen(value) > LITHSM_STORE_VALUE_MAX) {
        wipe_free(value);
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "store: entry %s is larger than %u bytes", key,
                           LITHSM_STORE_VALUE_MAX);
    }
    *value_out = value;
    return LITHSM_OK;
}

lithsm_err lithsm_store_put(lithsm_store *store, const char *key,
                            const char *value)
{
    if (store == NULL || value == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "store: NULL argument");
    if (!lithsm_store_key_valid(key))
        return bad_key(key);
    if (strlen(value) > LITHSM_STORE_VALUE_MAX)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "store: a value for %s is larger than %u bytes", key,
                           LITHSM_STORE_VALUE_MAX);
    return store->ops.put(store->ctx, key, value);
}

lithsm_err lithsm_store_remove(lithsm_store *store, const char *key)
{
    if (store == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "store: NULL argument");
    if (!lithsm_store_key_valid(key))
        return bad_key(key);
    return store->ops.remove(store->ctx, key);
}

lithsm_err lithsm_store_set_lock(lithsm_store *store,
                                 lithsm_err (*lock)(void *ctx, const char *key),
                                 void (*unlock)(void *ctx, const char *key))
{
    if (store == NULL || lock == NULL || unlock == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "store: a lock needs a store, lock and unlock");
    store->lock = lock;
    store->unlock = unlock;
    return LITHSM_OK;
}

int lithsm_store_has_lock(const lithsm_store *store)
{
    return store != NULL && store->lock != NULL;
}

lithsm_err lithsm_store_lock(lithsm_store *store, const char *key)
{
    if (store == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "store: NULL argument");
    if (!lithsm_store_key_valid(key))
        return bad_key(key);
    return store->lock != NULL ? store->lock(store->ctx, key) : LITHSM_OK;
}

void lithsm_store_unlock(lithsm_store *store, const char *key)
{
    if (store != NULL && store->unlock != NULL && lithsm_store_key_valid(key))
        store->unlock(store->ctx, key);
}

/* ------------------------------------------------------------------------
 * The file store
 */
typedef struct file_store {
    int dirfd;
    char *dir;     /* for messages */
    held_set held; /* the lock files this process's threads hold */
} file_store;

/* An entry the store did not write as it writes them (a regular file of
 * this user, mode 0600) reads as corrupt: the caller removes it and makes
 * a new one, rather than failing on it forever. */
static lithsm_err check_entry(const file_store *fs, const char *key,
                              const struct stat *st)
{
    if (S_ISDIR(st->st_mode))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "store: entry %s in %s is a directory", key,
                           fs->dir);
    if (!S_ISREG(st->st_mode))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "store: entry %s in %s is not a regular file", key,
                           fs->dir);
    if (st->st_uid != geteuid())
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "store: entry %s in %s belongs to uid %lu, not to "
                           "this user",
                           key, fs->dir, (unsigned long)st->st_uid);
    if ((st->st_mode & 07777) != 0600)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "store: entry %s in %s has mode %04lo, not 0600",
                           key, fs->dir, (unsigned long)(st->st_mode & 07777));
    if (st->st_size < 0 || (uintmax_t)st->st_size > LITHSM_STORE_VALUE_MAX)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "store: entry %s in %s is larger than %u bytes", key,
                           fs->dir, LITHSM_STORE_VALUE_MAX);
    return LITHSM_OK;
}

/* Opens an entry without following a link or waiting on a FIFO; *fd_out
 * stays -1 when there is none. */
static lithsm_err open_entry(const file_store *fs, const char *key, int *fd_out)
{
    *fd_out =
        openat(fs->dirfd, key, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (*fd_out >= 0 || errno == ENOENT)
        return LITHSM_OK;
    if (errno == ELOOP)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "store: entry %s in %s is a symbolic link", key,
                           fs->dir);
    /* A socket (ENXIO) or an entry we may not read is no entry of ours. */
    if (errno == ENXIO || errno == EACCES || errno == EPERM)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "store: cannot open entry %s in %s: %s", key,
                           fs->dir, strerror(errno));
    return lithsm_fail(LITHSM_ERR_IO, "store: cannot open %s in %s: %s", key,
                       fs->dir, strerror(errno));
}

static lithsm_err file_get(void *ctx, const char *key, char **value_out)
{
    file_store *fs = ctx;
    struct stat st;
    char *buf = NULL;
    size_t len = 0, want = 0;
    lithsm_err err;
    int fd;

    *value_out = NULL;
    if ((err = open_entry(fs, key, &fd)) != LITHSM_OK || fd < 0)
        return err;
    if (fstat(fd, &st) != 0) {
        err = lithsm_fail(LITHSM_ERR_IO, "store: cannot stat %s in %s: %s", key,
                          fs->dir, strerror(errno));
        goto done;
    }
    if ((err = check_entry(fs, key, &st)) != LITHSM_OK)
        goto done;
    /* Files are replaced, never rewritten in place, so the size holds; read
     * no more than it in any case. */
    want = (size_t)st.st_size;
    buf = malloc(want + 1);
    if (buf == NULL) {
        err = lithsm_fail(LITHSM_ERR_NOMEM, "store: out of memory");
        goto done;
    }
    while (len < want) {
        ssize_t n = read(fd, buf + len, want - len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err = lithsm_fail(LITHSM_ERR_IO, "store: cannot read %s in %s: %s",
                              key, fs->dir, strerror(errno));
            goto done;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    if (memchr(buf, '\0', len) != NULL) {
        err =
            lithsm_fail(LITHSM_ERR_PARSE,
                        "store: entry %s in %s holds a NUL byte", key, fs->dir);
        goto done;
    }
    *value_out = buf;
    buf = NULL;

done:
    if (buf != NULL) {
        lithsm_memzero(buf, want + 1);
        free(buf);
    }
    close(fd);
    return err;
}

static lithsm_err write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return LITHSM_ERR_IO;
        p += n;
        len -= (size_t)n;
    }
    return LITHSM_OK;
}

/* Creates a new temporary file in the directory (like mkstemp, but relative
 * to the directory's descriptor). */
static int open_temp(file_store *fs, char name[sizeof(".tmp-") + 32])
{
    int tries;

    for (tries = 0; tries < 32; tries++) {
        uint8_t rnd[16];
        int fd;

        if (RAND_bytes(rnd, sizeof(rnd)) != 1)
            return -1;
        memcpy(name, ".tmp-", 5);
        if (lithsm_hex_encode(name + 5, 33, rnd, sizeof(rnd)) != LITHSM_OK)
            return -1;
        fd = openat(fs->dirfd, name,
                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

static lithsm_err file_put(void *ctx, const char *key, const char *value)
{
    file_store *fs = ctx;
    char tmp[sizeof(".tmp-") + 32];
    const char *what;
    int fd, saved;

    fd = open_temp(fs, tmp);
    if (fd < 0)
        return lithsm_fail(LITHSM_ERR_IO,
                           "store: cannot create a temporary file in %s: %s",
                           fs->dir, strerror(errno));
    /* 0600 whatever the umask left. */
    what = "set the mode of";
    if (fchmod(fd, 0600) != 0)
        goto fail;
    what = "write";
    if (write_all(fd, value, strlen(value)) != LITHSM_OK)
        goto fail;
    what = "fsync";
    if (fsync(fd) != 0)
        goto fail;
    what = "close";
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    what = "rename";
    if (renameat(fs->dirfd, tmp, fs->dirfd, key) != 0)
        goto fail;
    /* Make the rename itself durable; failure here loses nothing we can
     * report usefully, the new value is in place. */
    (void)fsync(fs->dirfd);
    return LITHSM_OK;

fail:
    saved = errno;
    if (fd >= 0)
        close(fd);
    unlinkat(fs->dirfd, tmp, 0);
    return lithsm_fail(LITHSM_ERR_IO,
                       "store: cannot %s the new value of %s in %s: %s", what,
                       key, fs->dir, strerror(saved));
}

/* Moves a directory planted at an entry's path aside, under a name no
 * key can have (".bad-" and random hex), so the entry can be written again
 * and nothing in it is lost. */
static lithsm_err move_aside(file_store *fs, const char *key)
{
    char name[sizeof(".bad-") + 32];
    uint8_t rnd[16];

    memcpy(name, ".bad-", 5);
    if (RAND_bytes(rnd, sizeof(rnd)) != 1 ||
        lithsm_hex_encode(name + 5, 33, rnd, sizeof(rnd)) != LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_CRYPTO,
                           "store: no random name to move %s aside", key);
    if (renameat(fs->dirfd, key, fs->dirfd, name) != 0)
        return lithsm_fail(LITHSM_ERR_IO,
                           "store: entry %s in %s is a directory and cannot "
                           "be moved aside: %s",
                           key, fs->dir, strerror(errno));
    return LITHSM_OK;
}

static lithsm_err file_remove(void *ctx, const char *key)
{
    file_store *fs = ctx;

    if (unlinkat(fs->dirfd, key, 0) == 0 || errno == ENOENT)
        return LITHSM_OK;
    if (errno == EISDIR || errno == EPERM)
        return move_aside(fs, key);
    return lithsm_fail(LITHSM_ERR_IO, "store: cannot remove %s in %s: %s", key,
                       fs->dir, strerror(errno));
}

/* The lock of entry `key`: flock(LOCK_EX) on ".lock-" + key in the
 * directory, a name no key can have.  flock locks belong to the open file
 * description, so two threads of one process exclude each other as two
 * processes do, and the kernel releases the lock of a process that died.
 * Lock files are never removed: removing one while another process waits
 * on it would let a third lock a new file of the same name. */
static lithsm_err file_lock(void *ctx, const char *key)
{
    file_store *fs = ctx;
    char name[sizeof(".lock-") + LITHSM_STORE_KEY_MAX];
    unsigned waited = 0, limit = lithsm_store_lock_wait_ms();
    struct timespec pause = { 0, 5 * 1000 * 1000 };
    lithsm_err err;
    int fd, saved;

    if (held_find(&fs->held, key) != NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "store: this thread already holds the lock on %s",
                           key);
    snprintf(name, sizeof(name), ".lock-%s", key);
    fd = openat(fs->dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
                0600);
    if (fd < 0)
        return lithsm_fail(LITHSM_ERR_IO,
                           "store: cannot open the lock file %s in %s: %s",
                           name, fs->dir, strerror(errno));
    /* Polled rather than blocking, so that the wait is bounded. */
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        saved = errno;
        if (saved == EINTR)
            continue;
        if (saved != EWOULDBLOCK || waited >= limit) {
            close(fd);
            if (saved == EWOULDBLOCK)
                return lithsm_fail(LITHSM_ERR_IO,
                                   "store: the lock on %s in %s was not "
                                   "released within %u ms",
                                   key, fs->dir, limit);
            return lithsm_fail(LITHSM_ERR_IO, "store: cannot lock %s in %s: %s",
                               name, fs->dir, strerror(saved));
        }
        nanosleep(&pause, NULL);
        waited += 5;
    }
    err = held_add(&fs->held, key, (void *)(intptr_t)(fd + 1));
    if (err != LITHSM_OK)
        close(fd); /* releases the lock */
    return err;
}

static void file_unlock(void *ctx, const char *key)
{
    file_store *fs = ctx;
    void *handle = held_take(&fs->held, key);

    if (handle != NULL)
        close((int)(intptr_t)handle - 1); /* releases the lock */
}

static void file_free(void *ctx)
{
    file_store *fs = ctx;
    size_t i;

    if (fs == NULL)
        return;
    for (i = 0; i < fs->held.n; i++)
        close((int)(intptr_t)fs->held.slots[i].handle - 1);
    held_destroy(&fs->held);
    if (fs->dirfd >= 0)
        close(fs->dirfd);
    free(fs->dir);
    free(fs);
}

static const lithsm_store_ops file_ops = {
    file_get,
    file_put,
    file_remove,
    file_free,
};

/* Opens the directory and refuses one that others could tamper with. */
static lithsm_err open_dir(int *fd_out, const char *dir)
{
    struct stat st;
    int fd;

    *fd_out = -1;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return lithsm_fail(LITHSM_ERR_IO,
                           "store: cannot create the directory %s: %s", dir,
                           strerror(errno));
    if (lstat(dir, &st) != 0)
        return lithsm_fail(LITHSM_ERR_IO, "store: cannot stat %s: %s", dir,
                           strerror(errno));
    if (S_ISLNK(st.st_mode))
        return lithsm_fail(LITHSM_ERR_IO,
                           "store: %s is a symbolic link; give the real "
                           "directory",
                           dir);
    if (!S_ISDIR(st.st_mode))
        return lithsm_fail(LITHSM_ERR_IO, "store: %s is not a directory", dir);
    /* Check what was opened, not the path: it may have changed since. */
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return lithsm_fail(LITHSM_ERR_IO, "store: cannot open %s: %s", dir,
                           strerror(errno));
    if (fstat(fd, &st) != 0) {
        close(fd);
        return lithsm_fail(LITHSM_ERR_IO, "store: cannot stat %s: %s", dir,
                           strerror(errno));
    }
    if (st.st_uid != geteuid()) {
        close(fd);
        return lithsm_fail(LITHSM_ERR_IO,
                           "store: %s belongs to uid %lu, not to this user "
                           "(uid %lu)",
                           dir, (unsigned long)st.st_uid,
                           (unsigned long)geteuid());
    }
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        close(fd);
        return lithsm_fail(LITHSM_ERR_IO,
                           "store: %s is writable by group or others (mode "
                           "%04lo); chmod 700 it",
                           dir, (unsigned long)(st.st_mode & 07777));
    }
    *fd_out = fd;
    return LITHSM_OK;
}

/* A put takes milliseconds; a temporary file this old was left by a
 * writer that died between creating and renaming it. */
#define STALE_TEMP_SECONDS 600

static void remove_stale_temps(int dirfd)
{
    int fd = dup(dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;
    struct stat st;
    time_t now = time(NULL);

    if (d == NULL) {
        if (fd >= 0)
            close(fd);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, ".tmp-", 5) != 0 ||
            fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode) || now - st.st_mtime < STALE_TEMP_SECONDS)
            continue;
        unlinkat(dirfd, e->d_name, 0);
    }
    closedir(d);
}

lithsm_err lithsm_store_file_new(lithsm_store **out, const char *dir)
{
    file_store *fs;
    lithsm_err err;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "store: no output");
    *out = NULL;
    if (dir == NULL || dir[0] == '\0')
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "store: no directory given");
    fs = calloc(1, sizeof(*fs));
    if (fs == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "store: out of memory");
    fs->dirfd = -1;
    held_init(&fs->held);
    fs->dir = lithsm_strdup(dir);
    if (fs->dir == NULL) {
        file_free(fs);
        return lithsm_fail(LITHSM_ERR_NOMEM, "store: out of memory");
    }
    err = open_dir(&fs->dirfd, dir);
    if (err == LITHSM_OK) {
        remove_stale_temps(fs->dirfd);
        err = lithsm_store_new(out, &file_ops, fs);
    }
    if (err == LITHSM_OK)
        err = lithsm_store_set_lock(*out, file_lock, file_unlock);
    if (err != LITHSM_OK)
        file_free(fs);
    return err;
}
