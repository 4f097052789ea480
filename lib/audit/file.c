/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * file.c - the file backend of the audit trail.
 *
 * One process owns the file (flock).  An append checks and compacts the
 * caller's record on its own thread, then, under the lock, takes the next
 * seq, builds its line after the previous line's hash and queues it.
 * Group commit: the first waiting thread that finds no write in progress
 * becomes the leader, takes every queued line, and writes and fdatasyncs
 * them with the lock released; threads that queue meanwhile wait on the
 * condition variable, and one of them leads the next batch.  A thread
 * returns once the durable seq reaches its own, so no caller is answered
 * before its record is on disk, and lines reach the file in seq order.
 * After a failed write or sync nothing more is written (the file's state
 * is unknown until it is reopened and checked).
 *
 * The public calls live here; a "postgresql://" trail is an audit_pg
 * (postgres.c) that they hand each call to, after the record is checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "pg/pg.h"

/* Lines queued or being written. */
typedef struct batch {
    char *data;
    size_t len, cap;
} batch;

struct lithsm_audit {
    audit_pg *pg; /* a PostgreSQL trail (postgres.c); NULL: a file */
    int fd;
    char *path; /* for messages */
    pthread_mutex_t lock;
    pthread_cond_t written;
    uint64_t next_seq;    /* the seq the next record gets */
    uint64_t durable_seq; /* every record up to it is on disk */
    char prev[LITHSM_AUDIT_HASH_HEX_LEN + 1];    /* hash of the last queued */
    char durable[LITHSM_AUDIT_HASH_HEX_LEN + 1]; /* of the last durable */
    batch queued, spare;
    int flushing; /* a leader is writing */
    int broken;   /* errno of a failed write or sync, else 0 */
    uint64_t appends, syncs, torn_bytes;
};

static int batch_add(batch *b, const char *s, size_t n)
{
    if (b->cap - b->len < n + 1) {
        size_t cap = b->cap ? b->cap : 4096;
        char *p;

        while (cap - b->len < n + 1) {
            if (cap > SIZE_MAX / 2)
                return 0;
            cap *= 2;
        }
        if ((p = realloc(b->data, cap)) == NULL)
            return 0;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len++] = '\n';
    return 1;
}

static int write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? errno : EIO;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The leader's part: writes and syncs every queued line (the lock held on
 * entry and exit, released while writing). */
static void flush_queued(lithsm_audit *a)
{
    uint64_t last = a->next_seq - 1, count = last - a->durable_seq;
    char hash[sizeof(a->prev)];
    batch b = a->queued;
    int err;

    memcpy(hash, a->prev, sizeof(hash));
    a->queued = a->spare;
    a->queued.len = 0;
    a->flushing = 1;
    pthread_mutex_unlock(&a->lock);

    err = write_all(a->fd, b.data, b.len);
    if (err == 0 && fdatasync(a->fd) != 0)
        err = errno;

    pthread_mutex_lock(&a->lock);
    a->syncs++;
    a->spare = b;
    a->flushing = 0;
    if (err == 0) {
        a->durable_seq = last;
        a->appends += count;
        memcpy(a->durable, hash, sizeof(hash));
    } else {
        a->broken = err;
    }
    pthread_cond_broadcast(&a->written);
}

/* Waits (leading batches when no one else does) until record `seq` is
 * durable or the trail broke.  The lock is held. */
static lithsm_err wait_durable(lithsm_audit *a, uint64_t seq)
{
    while (a->durable_seq < seq && a->broken == 0) {
        if (a->flushing)
            pthread_cond_wait(&a->written, &a->lock);
        else
            flush_queued(a);
    }
    if (a->durable_seq >= seq)
        return LITHSM_OK;
    return lithsm_fail(LITHSM_ERR_IO,
                       "audit: writing %s failed (%s); it takes no more "
                       "records until it is reopened",
                       a->path, strerror(a->broken));
}

/* Queues the line of the compact record body as the next seq; the lock
 * is held. */
static lithsm_err queue_line(lithsm_audit *a, uint64_t *seq_out, char *hash,
                             const lithsm_buf *body)
{
    lithsm_buf line;
    lithsm_err err = LITHSM_OK;

    lithsm_buf_init(&line);
    audit_build_line(&line, a->next_seq, a->prev, body->data, body->len);
    if (line.failed)
        err = lithsm_fail(LITHSM_ERR_NOMEM, "audit: out of memory");
    else if ((err = audit_hash_hex(hash, line.data, line.len)) != LITHSM_OK)
        ;
    else if (!batch_add(&a->queued, line.data, line.len))
        err = lithsm_fail(LITHSM_ERR_NOMEM, "audit: out of memory");
    if (err == LITHSM_OK) {
        *seq_out = a->next_seq++;
        memcpy(a->prev, hash, sizeof(a->prev));
    }
    lithsm_buf_free(&line);
    return err;
}

lithsm_err audit_compact_record(lithsm_buf *body, const char *record,
                                size_t len)
{
    audit_scan scan;

    if (len > LITHSM_AUDIT_RECORD_MAX)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "audit: the record is larger than %u bytes",
                           LITHSM_AUDIT_RECORD_MAX);
    if (!audit_json_scan(&scan, body, record, len))
        return lithsm_fail(scan.too_deep ? LITHSM_ERR_RANGE : LITHSM_ERR_PARSE,
                           "audit: the record is not a JSON object: %s at "
                           "byte %zu",
                           scan.why, scan.bad_at);
    if (scan.seq_at >= 0 || scan.prev_at >= 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "audit: the record has a member named \"%s\": "
                           "the trail adds it",
                           scan.seq_at >= 0 ? "seq" : "prev");
    if (body->failed)
        return lithsm_fail(LITHSM_ERR_NOMEM, "audit: out of memory");
    return LITHSM_OK;
}

lithsm_err lithsm_audit_append(uint64_t *seq_out, char *hash_out,
                               lithsm_audit *a, const char *record,
                               size_t record_len)
{
    char hash[LITHSM_AUDIT_HASH_HEX_LEN + 1];
    uint64_t seq = 0;
    lithsm_buf body;
    lithsm_err err;

    if (a == NULL || record == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "audit: NULL argument");
    lithsm_buf_init(&body);
    err = audit_compact_record(&body, record, record_len);
    if (err == LITHSM_OK && a->pg != NULL) {
        err = audit_pg_append(&seq, hash, a->pg, &body);
    } else if (err == LITHSM_OK) {
        pthread_mutex_lock(&a->lock);
        if (a->broken != 0)
            err = wait_durable(a, a->next_seq);
        else if ((err = queue_line(a, &seq, hash, &body)) == LITHSM_OK)
            err = wait_durable(a, seq);
        pthread_mutex_unlock(&a->lock);
    }
    lithsm_buf_free(&body);
    if (err != LITHSM_OK)
        return err;
    if (seq_out != NULL)
        *seq_out = seq;
    if (hash_out != NULL)
        memcpy(hash_out, hash, sizeof(hash));
    return LITHSM_OK;
}

lithsm_err lithsm_audit_probe(lithsm_audit *a)
{
    lithsm_err err = LITHSM_OK;

    if (a == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "audit: NULL argument");
    if (a->pg != NULL)
        return audit_pg_probe(a->pg);
    pthread_mutex_lock(&a->lock);
    if (a->broken != 0)
        err = lithsm_fail(LITHSM_ERR_IO,
                          "audit: writing %s failed (%s); it takes no more "
                          "records until it is reopened",
                          a->path, strerror(a->broken));
    pthread_mutex_unlock(&a->lock);
    return err;
}

void lithsm_audit_get_stats(lithsm_audit_stats *out, lithsm_audit *a)
{
    if (a->pg != NULL) {
        audit_pg_get_stats(out, a->pg);
        return;
    }
    pthread_mutex_lock(&a->lock);
    out->last_seq = a->durable_seq;
    out->appends = a->appends;
    out->syncs = a->syncs;
    out->torn_bytes = a->torn_bytes;
    memcpy(out->last, a->durable, sizeof(out->last));
    pthread_mutex_unlock(&a->lock);
}

void lithsm_audit_close(lithsm_audit *a)
{
    if (a == NULL)
        return;
    audit_pg_close(a->pg);
    if (a->fd >= 0)
        close(a->fd);
    pthread_cond_destroy(&a->written);
    pthread_mutex_destroy(&a->lock);
    free(a->queued.data);
    free(a->spare.data);
    free(a->path);
    free(a);
}

/* ------------------------------------------------------------------------
 * Opening
 */

/* Syncs the directory holding path, so a file made there stays. */
static lithsm_err sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    int fd, err = 0;

    if (slash == NULL)
        dir = strdup(".");
    else
        dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
    if (dir == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "audit: out of memory");
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0)
        err = errno;
    if (fd >= 0)
        close(fd);
    if (err != 0) {
        lithsm_fail(LITHSM_ERR_IO, "audit: cannot sync the directory %s: %s",
                    dir, strerror(err));
        free(dir);
        return LITHSM_ERR_IO;
    }
    free(dir);
    return LITHSM_OK;
}

/* Opens the file, making it (mode 0600, its directory synced) if it is
 * missing, and takes the lock. */
static lithsm_err open_file(lithsm_audit *a)
{
    const int flags = O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
    int tries, created = 0;
    struct stat st;

    for (tries = 0; a->fd < 0 && tries < 3; tries++) {
        a->fd = open(a->path, flags);
        if (a->fd < 0 && errno == ENOENT) {
            a->fd = open(a->path, flags | O_CREAT | O_EXCL, 0600);
            created = a->fd >= 0;
        }
        if (a->fd < 0 && errno != ENOENT && errno != EEXIST)
            break;
    }
    if (a->fd < 0)
        return lithsm_fail(LITHSM_ERR_IO, "audit: cannot open %s: %s", a->path,
                           errno == ELOOP ? "it is a symbolic link"
                                          : strerror(errno));
    if (flock(a->fd, LOCK_EX | LOCK_NB) != 0)
        return lithsm_fail(LITHSM_ERR_IO,
                           "audit: %s is in use: another process (or "
                           "another open in this one) holds its lock%s%s",
                           a->path, errno == EWOULDBLOCK ? "" : ": ",
                           errno == EWOULDBLOCK ? "" : strerror(errno));
    if (fstat(a->fd, &st) != 0 || !S_ISREG(st.st_mode))
        return lithsm_fail(LITHSM_ERR_IO, "audit: %s is not a regular file",
                           a->path);
    if ((st.st_mode & 022) != 0)
        return lithsm_fail(LITHSM_ERR_IO,
                           "audit: %s is writable by group or others (mode "
                           "%04lo): make it 0600",
                           a->path, (unsigned long)(st.st_mode & 07777));
    return created ? sync_dir(a->path) : LITHSM_OK;
}

/* Cuts the torn last line the walk found. */
static lithsm_err cut_torn(lithsm_audit *a, char **warning_out,
                           const lithsm_audit_report *rep, uint64_t size)
{
    lithsm_buf w;

    if (ftruncate(a->fd, (off_t)rep->offset) != 0)
        return lithsm_fail(LITHSM_ERR_IO,
                           "audit: cannot cut the torn last line of %s: %s",
                           a->path, strerror(errno));
    a->torn_bytes = size - rep->offset;
    if (warning_out == NULL)
        return LITHSM_OK;
    lithsm_buf_init(&w);
    lithsm_buf_printf(&w,
                      "audit: %s: cut %llu bytes of line %llu, never "
                      "acknowledged: %s",
                      a->path, (unsigned long long)a->torn_bytes,
                      (unsigned long long)rep->line, rep->detail);
    return lithsm_buf_finish(&w, warning_out, NULL);
}

/* Checks the trail so far and takes its last seq and hash. */
static lithsm_err load(lithsm_audit *a, char **warning_out)
{
    lithsm_audit_report rep;
    uint64_t size;
    lithsm_err err;

    if ((err = audit_walk_fd(&rep, &size, a->fd, a->path, 0, NULL)) !=
        LITHSM_OK)
        return err;
    if (rep.problem == LITHSM_AUDIT_TORN)
        err = cut_torn(a, warning_out, &rep, size);
    else if (rep.problem != LITHSM_AUDIT_OK)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "audit: %s: record %llu (line %llu) is broken: "
                           "%s; the trail was left as it is (see 'lithsm "
                           "audit verify')",
                           a->path, (unsigned long long)rep.seq,
                           (unsigned long long)rep.line, rep.detail);
    if (err != LITHSM_OK)
        return err;
    /* What the chain continues from must be on disk before any record
     * that depends on it (a crashed writer may have left it unsynced). */
    if (fdatasync(a->fd) != 0)
        return lithsm_fail(LITHSM_ERR_IO, "audit: cannot sync %s: %s", a->path,
                           strerror(errno));
    a->syncs++;
    a->durable_seq = rep.records;
    a->next_seq = rep.records + 1;
    memcpy(a->prev, rep.last, sizeof(a->prev));
    memcpy(a->durable, rep.last, sizeof(a->durable));
    return LITHSM_OK;
}

lithsm_err lithsm_audit_open(lithsm_audit **out, char **warning_out,
                             const char *where)
{
    const char *path;
    lithsm_audit *a;
    lithsm_err err;

    if (warning_out != NULL)
        *warning_out = NULL;
    if (out == NULL || where == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "audit: NULL argument");
    *out = NULL;
    if (pg_location_is(where))
        path = "";
    else if ((err = audit_location_path(&path, where)) != LITHSM_OK)
        return err;
    if ((a = calloc(1, sizeof(*a))) == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "audit: out of memory");
    a->fd = -1;
    if ((a->path = lithsm_strdup(path)) == NULL) {
        free(a);
        return lithsm_fail(LITHSM_ERR_NOMEM, "audit: out of memory");
    }
    pthread_mutex_init(&a->lock, NULL);
    pthread_cond_init(&a->written, NULL);
    if (pg_location_is(where)) {
        err = audit_pg_open(&a->pg, where);
    } else {
        err = open_file(a);
        if (err == LITHSM_OK)
            err = load(a, warning_out);
    }
    if (err != LITHSM_OK) {
        if (warning_out != NULL) {
            free(*warning_out);
            *warning_out = NULL;
        }
        lithsm_audit_close(a);
        return err;
    }
    *out = a;
    return LITHSM_OK;
}
