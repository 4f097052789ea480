/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * audit.h - the audit trail's parts (lithsm_audit.h is the public side);
 * not installed.
 *
 *  json_scan.c  a strict JSON checker that also removes insignificant
 *               whitespace and finds the top-level "seq"/"prev" members;
 *  verify.c     one line of a trail checked against its place in the
 *               chain, the walk over a whole file, locations;
 *  file.c       the file backend: open (lock, check, cut a torn tail),
 *               append with group commit, close; the public calls, which
 *               hand a PostgreSQL trail to postgres.c;
 *  postgres.c   the PostgreSQL backend: open, append with group commit
 *               (one transaction per batch under the head row's lock);
 *  pg_verify.c  checking a PostgreSQL trail row by row.
 */
#ifndef LITHSM_AUDIT_INTERNAL_H
#define LITHSM_AUDIT_INTERNAL_H

#include "util/util.h"

#define AUDIT_HASH_LEN 32
#define AUDIT_ZERO_HASH \
    "0000000000000000000000000000000000000000000000000000000000000000"

/* What audit_json_scan() found. */
typedef struct audit_scan {
    long seq_at;      /* index of the top-level member named "seq", or -1 */
    long prev_at;     /* the same for "prev" */
    int reserved_dup; /* a second top-level "seq" or "prev" */
    size_t members;   /* top-level members */
    size_t bad_at;    /* on failure: the byte offset of the problem */
    const char *why;  /* on failure: the problem, a static string */
    int too_deep;     /* on failure: nesting over LITHSM_AUDIT_DEPTH_MAX */
} audit_scan;

/* Checks that s[0..n) is exactly one JSON object (RFC 8259, valid UTF-8,
 * no lone surrogate escape, nesting at most LITHSM_AUDIT_DEPTH_MAX) and
 * fills *scan.  When `compact` is not NULL, the object's text without the
 * whitespace between tokens is appended to it.  Returns 1 if it is, 0 with
 * scan->why and scan->bad_at set. */
int audit_json_scan(audit_scan *scan, lithsm_buf *compact, const char *s,
                    size_t n);

/* The problem with one line of a trail, the line being s[0..n) without
 * its newline, expected to be record `seq` chained after `prev_hex`; a
 * sentence in detail[0..size) when not OK (no value of the line in it). */
lithsm_audit_problem audit_check_line(char *detail, size_t size, const char *s,
                                      size_t n, uint64_t seq,
                                      const char *prev_hex);

/* The line of record `seq` after `prev_hex` holding the members of the
 * compact object text body[0..n) (as audit_json_scan() writes it), without
 * a newline, appended to out. */
void audit_build_line(lithsm_buf *out, uint64_t seq, const char *prev_hex,
                      const char *body, size_t n);

/* Lowercase hex SHA-256 of s[0..n) into hex (65 bytes). */
lithsm_err audit_hash_hex(char *hex, const char *s, size_t n);

/* Checks the trail read from fd (from its current offset, which must be
 * 0) into *rep; `name` names it in messages; anchor_seq and anchor_hex as
 * for lithsm_audit_verify() (0 and NULL: none).  *size_out gets the size
 * of the file.  Returns OK whatever the trail holds; IO, CRYPTO or NOMEM
 * when it cannot be read. */
lithsm_err audit_walk_fd(lithsm_audit_report *rep, uint64_t *size_out, int fd,
                         const char *name, uint64_t anchor_seq,
                         const char *anchor_hex);

/* The file path of a location ("file:PATH" or PATH) into *path (borrowed
 * from where).  INVALID_ARG for another scheme or an empty path. */
lithsm_err audit_location_path(const char **path, const char *where);

/* 1 if s[0..n) is lowercase hex digits only. */
int audit_hex_is_lower(const char *s, size_t n);

/* Checks the record text record[0..len) (a JSON object within the limits,
 * no "seq" or "prev" member) and appends its compact form to body. */
lithsm_err audit_compact_record(lithsm_buf *body, const char *record,
                                size_t len);

/* Counts s[0..n), a line audit_check_line() found good as record
 * rep->records + 1, into rep (records, last) unless it is the anchor's
 * record and hashes otherwise: then *p = LITHSM_AUDIT_ANCHOR with
 * rep->detail set.  CRYPTO when SHA-256 fails. */
lithsm_err audit_count_line(lithsm_audit_problem *p, lithsm_audit_report *rep,
                            const char *s, size_t n, uint64_t anchor_seq,
                            const char *anchor_hex);

/* LITHSM_AUDIT_ANCHOR with rep->detail set when a trail of rep->records
 * ended before anchor_seq; OK otherwise. */
lithsm_audit_problem audit_end_anchor(lithsm_audit_report *rep,
                                      uint64_t anchor_seq);

/* The PostgreSQL backend (postgres.c).  A trail at a "postgresql://"
 * location: open (pool, schema, a check of the head), append of a
 * compact record (group commit), probe, stats, close. */
typedef struct audit_pg audit_pg;

lithsm_err audit_pg_open(audit_pg **out, const char *conninfo);
lithsm_err audit_pg_append(uint64_t *seq_out, char *hash_out, audit_pg *pg,
                           const lithsm_buf *body);
lithsm_err audit_pg_probe(audit_pg *pg);
void audit_pg_get_stats(lithsm_audit_stats *out, audit_pg *pg);
void audit_pg_close(audit_pg *pg);

/* lithsm_audit_verify() of a "postgresql://" location (pg_verify.c); the
 * anchor already checked. */
lithsm_err audit_pg_verify(lithsm_audit_report *out, const char *conninfo,
                           uint64_t anchor_seq, const char *anchor_hex);

#endif /* LITHSM_AUDIT_INTERNAL_H */
