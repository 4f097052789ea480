/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * verify.c - checking a trail: one line against its place in the chain,
 * the walk over a whole file (lithsm_audit_verify, and lithsm_audit_open
 * before it continues a trail), and locations (a postgresql:// one goes to
 * pg_verify.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "audit/audit.h"
#include "pg/pg.h"

/* A line holds a record and the members the trail adds. */
#define AUDIT_LINE_MAX (LITHSM_AUDIT_RECORD_MAX + 128u)

const char *lithsm_audit_problem_name(lithsm_audit_problem p)
{
    switch (p) {
    case LITHSM_AUDIT_OK:
        return "ok";
    case LITHSM_AUDIT_BAD_JSON:
        return "json";
    case LITHSM_AUDIT_BAD_SEQ:
        return "seq";
    case LITHSM_AUDIT_BAD_PREV:
        return "prev";
    case LITHSM_AUDIT_TORN:
        return "torn";
    case LITHSM_AUDIT_ANCHOR:
        return "anchor";
    case LITHSM_AUDIT_HEAD:
        return "head";
    }
    return "unknown";
}

lithsm_err audit_hash_hex(char *hex, const char *s, size_t n)
{
    unsigned char md[AUDIT_HASH_LEN];
    unsigned int md_len = 0;
    size_t i;

    if (EVP_Digest(s, n, md, &md_len, EVP_sha256(), NULL) != 1 ||
        md_len != AUDIT_HASH_LEN)
        return lithsm_fail(LITHSM_ERR_CRYPTO, "audit: SHA-256 failed");
    for (i = 0; i < AUDIT_HASH_LEN; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return LITHSM_OK;
}

void audit_build_line(lithsm_buf *out, uint64_t seq, const char *prev_hex,
                      const char *body, size_t n)
{
    /* body is "{...}": its members follow the trail's. */
    lithsm_buf_printf(out, "{\"seq\":%" PRIu64 ",\"prev\":\"%s\"", seq,
                      prev_hex);
    if (n > 2)
        lithsm_buf_putc(out, ',');
    if (n >= 2)
        lithsm_buf_add(out, body + 1, n - 1);
}

static lithsm_audit_problem say(char *detail, size_t size,
                                lithsm_audit_problem p, const char *fmt, ...)
    LITHSM_PRINTF(4, 5);

static lithsm_audit_problem say(char *detail, size_t size,
                                lithsm_audit_problem p, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, size, fmt, ap);
    va_end(ap);
    return p;
}

/* The seq a line that starts {"seq":DIGITS says it has, for the message. */
static lithsm_audit_problem wrong_seq(char *detail, size_t size, const char *s,
                                      size_t n, uint64_t seq)
{
    static const char head[] = "{\"seq\":";
    size_t i = sizeof(head) - 1, digits = 0;
    uint64_t v = 0;

    if (n > i && memcmp(s, head, i) == 0)
        for (; i < n && s[i] >= '0' && s[i] <= '9' && digits < 19; i++) {
            v = v * 10 + (uint64_t)(s[i] - '0');
            digits++;
        }
    if (digits > 0 && i < n && s[i] == ',' &&
        (digits == 1 || s[sizeof(head) - 1] != '0'))
        return say(detail, size, LITHSM_AUDIT_BAD_SEQ,
                   "\"seq\" is %" PRIu64 " where %" PRIu64 " was expected", v,
                   seq);
    return say(detail, size, LITHSM_AUDIT_BAD_SEQ,
               "the line does not start with {\"seq\":%" PRIu64 ",", seq);
}

static lithsm_audit_problem check_prev(char *detail, size_t size, const char *s,
                                       size_t n, uint64_t seq,
                                       const char *prev_hex)
{
    static const char head[] = "\"prev\":\"";
    size_t h = sizeof(head) - 1;

    if (n < h + LITHSM_AUDIT_HASH_HEX_LEN + 2 || memcmp(s, head, h) != 0 ||
        !audit_hex_is_lower(s + h, LITHSM_AUDIT_HASH_HEX_LEN) ||
        s[h + LITHSM_AUDIT_HASH_HEX_LEN] != '"')
        return say(detail, size, LITHSM_AUDIT_BAD_PREV,
                   "\"prev\" is not 64 lowercase hex digits right after "
                   "\"seq\"");
    if (s[h + LITHSM_AUDIT_HASH_HEX_LEN + 1] != ',' &&
        s[h + LITHSM_AUDIT_HASH_HEX_LEN + 1] != '}')
        return say(detail, size, LITHSM_AUDIT_BAD_JSON,
                   "whitespace after \"prev\": not a line the trail wrote");
    if (memcmp(s + h, prev_hex, LITHSM_AUDIT_HASH_HEX_LEN) != 0) {
        if (seq == 1)
            return say(detail, size, LITHSM_AUDIT_BAD_PREV,
                       "\"prev\" of the first record is not 64 zeros");
        return say(detail, size, LITHSM_AUDIT_BAD_PREV,
                   "\"prev\" is not the SHA-256 of line %" PRIu64
                   ": a line before was changed, removed or added",
                   seq - 1);
    }
    return LITHSM_AUDIT_OK;
}

lithsm_audit_problem audit_check_line(char *detail, size_t size, const char *s,
                                      size_t n, uint64_t seq,
                                      const char *prev_hex)
{
    char want[40];
    audit_scan scan;
    int w;

    detail[0] = '\0';
    if (n > AUDIT_LINE_MAX)
        return say(detail, size, LITHSM_AUDIT_BAD_JSON,
                   "the line is longer than %u bytes", AUDIT_LINE_MAX);
    if (memchr(s, '\n', n) != NULL)
        return say(detail, size, LITHSM_AUDIT_BAD_JSON,
                   "a newline inside the line");
    if (!audit_json_scan(&scan, NULL, s, n))
        return say(detail, size, LITHSM_AUDIT_BAD_JSON,
                   "not a JSON object: %s at byte %zu", scan.why, scan.bad_at);
    if (scan.seq_at != 0 || scan.reserved_dup)
        return say(detail, size,
                   scan.seq_at != 0 ? LITHSM_AUDIT_BAD_SEQ
                                    : LITHSM_AUDIT_BAD_JSON,
                   scan.seq_at != 0 ? "the first member is not \"seq\""
                                    : "a second \"seq\" or \"prev\" member");
    if (scan.prev_at != 1)
        return say(detail, size, LITHSM_AUDIT_BAD_PREV,
                   "the second member is not \"prev\"");
    w = snprintf(want, sizeof(want), "{\"seq\":%" PRIu64 ",", seq);
    if (w < 0 || (size_t)w > n || memcmp(s, want, (size_t)w) != 0)
        return wrong_seq(detail, size, s, n, seq);
    return check_prev(detail, size, s + w, n - (size_t)w, seq, prev_hex);
}

lithsm_err audit_count_line(lithsm_audit_problem *p, lithsm_audit_report *rep,
                            const char *s, size_t n, uint64_t anchor_seq,
                            const char *anchor_hex)
{
    char hash[LITHSM_AUDIT_HASH_HEX_LEN + 1];

    *p = LITHSM_AUDIT_OK;
    if (audit_hash_hex(hash, s, n) != LITHSM_OK)
        return LITHSM_ERR_CRYPTO;
    if (rep->records + 1 == anchor_seq &&
        memcmp(hash, anchor_hex, LITHSM_AUDIT_HASH_HEX_LEN) != 0) {
        snprintf(rep->detail, sizeof(rep->detail),
                 "the SHA-256 of line %" PRIu64 " is not the anchor: the "
                 "line was changed",
                 rep->records + 1);
        *p = LITHSM_AUDIT_ANCHOR;
        return LITHSM_OK;
    }
    memcpy(rep->last, hash, sizeof(hash));
    rep->records++;
    return LITHSM_OK;
}

lithsm_audit_problem audit_end_anchor(lithsm_audit_report *rep,
                                      uint64_t anchor_seq)
{
    if (rep->records >= anchor_seq)
        return LITHSM_AUDIT_OK;
    snprintf(rep->detail, sizeof(rep->detail),
             "the trail ends after record %" PRIu64 ", before the "
             "anchor's record: records were cut from its end",
             rep->records);
    return LITHSM_AUDIT_ANCHOR;
}

int audit_hex_is_lower(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* ------------------------------------------------------------------------
 * The walk over a file
 */
typedef struct walker {
    lithsm_audit_report *rep;
    lithsm_buf line;
    uint64_t start; /* offset of the line being read */
    uint64_t size;  /* of the file when the walk began */
    int too_long;   /* the line being read is over AUDIT_LINE_MAX */
    uint64_t anchor_seq;
    const char *anchor_hex;
    int done; /* a problem was found */
} walker;

static void problem(walker *w, lithsm_audit_problem p)
{
    w->rep->problem = p;
    w->rep->seq = w->rep->records + 1;
    w->rep->line = w->rep->records + 1;
    w->rep->offset = w->start;
    w->done = 1;
}

/* A complete line (its newline at offset end) read into w->line. */
static lithsm_err end_line(walker *w, uint64_t end)
{
    lithsm_audit_report *rep = w->rep;
    lithsm_audit_problem p;
    /* Room for the torn-line sentence around it in rep->detail. */
    char detail[sizeof(rep->detail) - 72];

    if (w->too_long)
        p = say(detail, sizeof(detail), LITHSM_AUDIT_BAD_JSON,
                "the line is longer than %u bytes", AUDIT_LINE_MAX);
    else
        p = audit_check_line(detail, sizeof(detail), w->line.data, w->line.len,
                             rep->records + 1, rep->last);
    if (p == LITHSM_AUDIT_BAD_JSON && end + 1 >= w->size) {
        p = LITHSM_AUDIT_TORN;
        snprintf(rep->detail, sizeof(rep->detail),
                 "the last line is not a record (%s): a write that never "
                 "finished",
                 detail);
    } else {
        snprintf(rep->detail, sizeof(rep->detail), "%s", detail);
    }
    if (p == LITHSM_AUDIT_OK &&
        audit_count_line(&p, rep, w->line.data, w->line.len, w->anchor_seq,
                         w->anchor_hex) != LITHSM_OK)
        return LITHSM_ERR_CRYPTO;
    if (p != LITHSM_AUDIT_OK) {
        problem(w, p);
        return LITHSM_OK;
    }
    w->start = end + 1;
    w->line.len = 0;
    return LITHSM_OK;
}

/* Takes the bytes chunk[0..n), which start at file offset `off`. */
static lithsm_err take_chunk(walker *w, const char *chunk, size_t n,
                             uint64_t off)
{
    size_t i = 0;

    while (i < n && !w->done) {
        const char *nl = memchr(chunk + i, '\n', n - i);
        size_t seg = nl != NULL ? (size_t)(nl - chunk) - i : n - i;
        lithsm_err err;

        if (w->line.len + seg > AUDIT_LINE_MAX)
            w->too_long = 1;
        if (!w->too_long)
            lithsm_buf_add(&w->line, chunk + i, seg);
        if (w->line.failed)
            return lithsm_fail(LITHSM_ERR_NOMEM, "audit: out of memory");
        i += seg;
        if (nl == NULL)
            break;
        if ((err = end_line(w, off + i)) != LITHSM_OK)
            return err;
        i++;
    }
    return LITHSM_OK;
}

lithsm_err audit_walk_fd(lithsm_audit_report *rep, uint64_t *size_out, int fd,
                         const char *name, uint64_t anchor_seq,
                         const char *anchor_hex)
{
    enum { CHUNK = 1 << 16 };
    struct stat st;
    char *chunk;
    uint64_t off = 0;
    lithsm_err err = LITHSM_OK;
    walker w;

    memset(rep, 0, sizeof(*rep));
    memcpy(rep->last, AUDIT_ZERO_HASH, sizeof(rep->last));
    memset(&w, 0, sizeof(w));
    w.rep = rep;
    w.anchor_seq = anchor_seq;
    w.anchor_hex = anchor_hex;
    lithsm_buf_init(&w.line);
    if (fstat(fd, &st) != 0)
        return lithsm_fail(LITHSM_ERR_IO, "audit: cannot stat %s: %s", name,
                           strerror(errno));
    w.size = (uint64_t)st.st_size;
    if ((chunk = malloc(CHUNK)) == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "audit: out of memory");
    while (err == LITHSM_OK && !w.done) {
        ssize_t got = read(fd, chunk, CHUNK);

        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            err = lithsm_fail(LITHSM_ERR_IO, "audit: cannot read %s: %s", name,
                              strerror(errno));
            break;
        }
        if (got == 0)
            break;
        err = take_chunk(&w, chunk, (size_t)got, off);
        off += (uint64_t)got;
    }
    if (err == LITHSM_OK && !w.done && (w.line.len > 0 || w.too_long)) {
        snprintf(rep->detail, sizeof(rep->detail),
                 "the last line has no newline: a write that never "
                 "finished");
        problem(&w, LITHSM_AUDIT_TORN);
    }
    if (err == LITHSM_OK && !w.done &&
        audit_end_anchor(rep, anchor_seq) != LITHSM_AUDIT_OK) {
        problem(&w, LITHSM_AUDIT_ANCHOR);
        rep->seq = anchor_seq;
    }
    lithsm_buf_free(&w.line);
    free(chunk);
    *size_out = w.size > off ? w.size : off;
    return err;
}

/* ------------------------------------------------------------------------
 * Locations
 */
lithsm_err audit_location_path(const char **path, const char *where)
{
    size_t k = 0;

    if (strncmp(where, "file:", 5) == 0) {
        where += 5;
        /* file:///abs/path is a URL with an empty host. */
        if (strncmp(where, "//", 2) == 0) {
            if (where[2] != '/')
                return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                                   "audit: a file: location names a host; "
                                   "write file:PATH or file:///PATH");
            where += 2;
        }
    } else {
        while (
            (where[k] >= 'a' && where[k] <= 'z') ||
            (where[k] >= 'A' && where[k] <= 'Z') ||
            (k > 0 && ((where[k] >= '0' && where[k] <= '9') ||
                       where[k] == '+' || where[k] == '-' || where[k] == '.')))
            k++;
        /* Only the scheme is named: the rest may hold a password. */
        if (k > 0 && strncmp(where + k, "://", 3) == 0)
            return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                               "audit: %.*s:// trails are not supported "
                               "(a file: path or postgresql://)",
                               (int)(k > 40 ? 40 : k), where);
    }
    if (where[0] == '\0')
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "audit: the trail's location has no path");
    *path = where;
    return LITHSM_OK;
}

lithsm_err lithsm_audit_verify(lithsm_audit_report *out, const char *where,
                               uint64_t anchor_seq, const char *anchor_hex)
{
    const char *path;
    struct stat st;
    uint64_t size;
    lithsm_err err;
    int fd;

    if (out == NULL || where == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "audit: NULL argument");
    if (anchor_seq != 0 &&
        (anchor_hex == NULL ||
         strlen(anchor_hex) != LITHSM_AUDIT_HASH_HEX_LEN ||
         !audit_hex_is_lower(anchor_hex, LITHSM_AUDIT_HASH_HEX_LEN)))
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "audit: the anchor is not 64 lowercase hex digits");
    if (pg_location_is(where))
        return audit_pg_verify(out, where, anchor_seq, anchor_hex);
    if ((err = audit_location_path(&path, where)) != LITHSM_OK)
        return err;
    /* O_NONBLOCK: a FIFO is refused below, never waited on. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return lithsm_fail(LITHSM_ERR_IO, "audit: cannot open %s: %s", path,
                           strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return lithsm_fail(LITHSM_ERR_IO, "audit: %s is not a regular file",
                           path);
    }
    err = audit_walk_fd(out, &size, fd, path, anchor_seq, anchor_hex);
    close(fd);
    return err;
}
