/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * lithsm_audit.h - the audit trail of a signing service: one hash-chained
 * JSON line per request, made durable before the request is answered
 * (included by lithsm.h).
 *
 * The trail is a file of JSON lines, one record per line, each line ending
 * with "\n".  Line i (i = 1, 2, ...) is a JSON object whose members are,
 * in this order:
 *
 *     {"seq":i,"prev":"<64 hex>", <the caller's members, as given>}
 *
 *  - "seq" is the decimal record number: 1 on the first line, one more on
 *    each next line, no gap;
 *  - "prev" is the lowercase hex SHA-256 of line i-1's exact bytes, its
 *    newline excluded (64 zeros on line 1);
 *  - then the members of the object the caller appended, in the caller's
 *    order, with the whitespace between JSON tokens removed (nothing else
 *    changes: strings, numbers and keys keep their exact text).  No other
 *    member is named "seq" or "prev".
 *
 * So "prev" of line i+1 commits to every byte of line i, and through it
 * to every line before.  There is no per-record "hash" member (a line
 * cannot hold its own hash): the hash of the last line, which nothing in
 * the file commits to yet, is what lithsm_audit_append() and
 * lithsm_audit_verify() give as the trail's head; keep it somewhere else
 * (a log, a ticket, another machine) to also detect the loss of the last
 * lines.  An auditor checks a trail with sha256sum and jq alone: the
 * recipe is in 'lithsm audit --help' (doc/cli/lithsm-audit.txt).
 *
 * Records are kept as given: never put a PIN, a session secret, a private
 * key or a password in one.  The module never logs a record, and its
 * error messages name members and positions, never values.
 *
 * Where a trail lives is a location: "file:PATH" or a plain PATH, or a
 * PostgreSQL connection URI "postgresql://..." (or "postgres://"; libpq's
 * URI syntax, without a password: put it in a password file, passfile=
 * or PGPASSFILE).  Other schemes are refused.
 *
 * A PostgreSQL trail: ONE CHAIN FOR THE FLEET.  Every process that opens
 * the same database appends to one chain: table lithsm_audit holds one row
 * per record (seq, line), `line` being exactly the bytes line seq of a
 * file trail would hold (same format, same hashes), and the one row of
 * lithsm_audit_head holds the seq and hash of the last line.  Each batch
 * of appends is one transaction that locks that row (SELECT ... FOR
 * UPDATE), builds its lines after the head it read, inserts them, moves
 * the head and commits.  Why one chain rather than one per instance tied
 * by a global sequence:
 *  - the trail is the same object whatever its storage: a copy of the
 *    rows in seq order is a file trail that 'lithsm audit verify FILE',
 *    the sha256sum + jq recipe and any earlier anchor accept:
 *        psql -XAt -c "SELECT line FROM lithsm_audit ORDER BY seq" \
 *            "$URI" > trail.jsonl
 *    (not psql's \copy in its default text format: it doubles every
 *    backslash of the JSON escapes);
 *  - one head and one anchor cover every instance's records: a record
 *    removed, changed, reordered or added by anyone breaks the one chain,
 *    and an instance that stops appending cannot hide a cut of its own
 *    tail behind the others' progress;
 *  - instances come and go (a new one needs no chain of its own, a
 *    retired one leaves none unanchored).
 * The cost: appends from all instances serialize on the head row, one
 * transaction (one commit, one WAL flush) per batch at a time.  Group
 * commit inside each process keeps that to one transaction per batch, not
 * per record; tests/bench-audit measures it (see docs/deployment.md for
 * figures).  A signing service needs far fewer records per second than
 * that (its HSM bounds it first).
 *
 * A PostgreSQL trail never breaks like a file trail: a failed transaction
 * (server away, connection lost, even during COMMIT) fails every record
 * of its batch with NETWORK (PROTOCOL when the server refused a
 * statement) and is rolled back, and the next append tries again on a
 * new connection, with no reopening.  A record whose COMMIT outcome is
 * unknown (the connection broke after COMMIT was sent) may be in the
 * trail although its caller got an error: it was then never acknowledged
 * (nothing depending on it was given out), and it is a complete, chained
 * record.  A record acknowledged is always in the trail, exactly once.
 */
#ifndef LITHSM_AUDIT_H
#define LITHSM_AUDIT_H

#ifdef __cplusplus
extern "C" {
#endif

/* The hex SHA-256 of a line: 64 lowercase digits (+ NUL: 65 bytes). */
#define LITHSM_AUDIT_HASH_HEX_LEN 64

/* The largest record lithsm_audit_append() takes, in bytes of its text. */
#define LITHSM_AUDIT_RECORD_MAX (16u * 1024u * 1024u)

/* How deeply arrays and objects may nest in a record. */
#define LITHSM_AUDIT_DEPTH_MAX 256

/** An open audit trail, owned by one process (a file trail; a PostgreSQL
 *  trail is shared by every process that opens it).  Unlike other liblithsm
 *  objects it has its own lock: lithsm_audit_append() and
 *  lithsm_audit_get_stats() may be called from many threads at once.
 *  lithsm_audit_close() must not run concurrently with any call. */
typedef struct lithsm_audit lithsm_audit;

/** Opens (creating if missing) the trail at `where` for appending.
 *
 *  A new file is made with mode 0600 and its directory synced once; the
 *  file is opened with O_APPEND and O_NOFOLLOW (a symbolic link is
 *  refused), and must be a regular file not writable by group or others.
 *  The process takes an exclusive lock on it (flock): a second opener,
 *  in this process or another, fails with IO naming the file.
 *
 *  The whole existing trail is checked as lithsm_audit_verify() checks
 *  it, to continue its chain.  A last line that is torn (no newline, or
 *  not JSON: a crash in the middle of a write, whose record was never
 *  acknowledged) is cut off the file; then *warning_out (when not NULL)
 *  is set to a sentence saying so, for the caller to log (free it with
 *  lithsm_free()), and the stats count the bytes cut.  *warning_out is
 *  NULL otherwise.  Any other damage refuses the trail.
 *
 *  A "postgresql://" location: a pool of two connections (made again by
 *  itself after an outage); the schema is created or upgraded on open
 *  (under a lock: instances never race), and the head is checked against
 *  the last row (a full check of the rows is lithsm_audit_verify()'s).
 *  Many processes may open it at once: that is the point.  *warning_out
 *  is always NULL.
 *
 *  Returns: OK; INVALID_ARG for a NULL out or where, or a location that is
 *  not a path, "file:" or "postgresql://" (the scheme is named), or a
 *  connection URI that does not parse or holds a password; IO when the
 *  file cannot be made, opened, locked, read, cut or synced, or is not a
 *  regular file writable only by its owner; PARSE when a record before the
 *  last (or a last one that is complete JSON) is broken: the message names
 *  its seq, line and problem (PostgreSQL: the head does not match the last
 *  row); NETWORK when the server cannot be reached; PROTOCOL when it
 *  refused a statement or its schema is newer than this build's (both
 *  versions named); NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_audit_open(lithsm_audit **out, char **warning_out,
                                        const char *where);

/** Appends one record and returns once it is durable (written and
 *  fdatasync'ed).  `record` is the text of a JSON object (RFC 8259, valid
 *  UTF-8, at most LITHSM_AUDIT_RECORD_MAX bytes, nesting at most
 *  LITHSM_AUDIT_DEPTH_MAX, no top-level member named "seq" or "prev"); the
 *  trail adds "seq" and "prev" before its members (see the top of this
 *  file).  *seq_out (may be NULL) gets the record's seq, hash_out (may be
 *  NULL; 65 bytes) the hex SHA-256 of its line, which the next record's
 *  "prev" will be.
 *
 *  Thread-safe: appends from concurrent threads are written in seq order
 *  and share fdatasync calls (group commit); each call returns only when
 *  its own record is durable.  After a failed write or sync the trail is
 *  in an unknown state: every later append fails with IO, and the caller
 *  must close and reopen it (which checks it and cuts a torn tail).
 *
 *  A PostgreSQL trail: durable means committed.  Concurrent appends in one
 *  process share one transaction (group commit; the stats' "syncs" count
 *  transactions); appends of other processes interleave between batches,
 *  so a process's seqs need not be consecutive.  A failure fails the
 *  records of one batch only (see the top of this file).
 *
 *  Returns: OK; INVALID_ARG for a NULL a or record, or a record with a
 *  member named "seq" or "prev"; PARSE for a record that is not a JSON
 *  object (the byte offset is named); RANGE for a record over the size or
 *  nesting limit; IO when the write or sync fails (or failed before);
 *  NETWORK when the PostgreSQL server cannot be reached or the connection
 *  broke (the next append tries again); PROTOCOL when it refused a
 *  statement; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_audit_append(uint64_t *seq_out, char *hash_out,
                                          lithsm_audit *a, const char *record,
                                          size_t record_len);

/** OK when `a` can take appends now; otherwise the error the next append
 *  would give, with lithsm_last_error() saying why (a file trail whose
 *  write failed: IO until it is reopened; a PostgreSQL trail whose server
 *  is away: NETWORK until it is back, which needs no reopening).  For a
 *  readiness check; a PostgreSQL trail asks its server ("SELECT 1").
 *  Thread-safe. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_audit_probe(lithsm_audit *a);

/** What an open trail has done. */
typedef struct lithsm_audit_stats {
    uint64_t last_seq;   /* seq of the last durable record (0: none);
                            PostgreSQL: of the last this process appended */
    uint64_t appends;    /* records appended since the trail was opened */
    uint64_t syncs;      /* fdatasync calls since then (group commit: fewer
                            than appends under concurrency); PostgreSQL:
                            transactions committed */
    uint64_t torn_bytes; /* bytes of a torn last line cut at open (0: none) */
    char last[LITHSM_AUDIT_HASH_HEX_LEN + 1]; /* hash of the last line
                                                 (64 zeros: none) (PG:
                                                 this process's last) */
} lithsm_audit_stats;

/** Fills *out with `a`'s counters.  Thread-safe; both are unchecked. */
LITHSM_API void lithsm_audit_get_stats(lithsm_audit_stats *out,
                                       lithsm_audit *a);

/** Closes the trail and releases its lock.  No call on `a` may be running.
 *  NULL is a no-op. */
LITHSM_API void lithsm_audit_close(lithsm_audit *a);

/** What is wrong with a trail: the first problem found. */
typedef enum {
    LITHSM_AUDIT_OK = 0,
    LITHSM_AUDIT_BAD_JSON, /* a line is not a JSON object of the form above */
    LITHSM_AUDIT_BAD_SEQ,  /* "seq" missing, misplaced or not the next one */
    LITHSM_AUDIT_BAD_PREV, /* "prev" missing, misplaced, or not the SHA-256
                              of the line before */
    LITHSM_AUDIT_TORN,     /* the last line has no newline or is not JSON:
                              a write that never finished (open cuts it) */
    LITHSM_AUDIT_ANCHOR,   /* the line of the anchor's seq does not hash to
                              the anchor, or the trail ends before it */
    LITHSM_AUDIT_HEAD      /* a PostgreSQL trail only: lithsm_audit_head
                              does not name the last record (its seq or
                              hash differs: records cut from the end, rows
                              past the head, the last line or the head
                              changed) */
} lithsm_audit_problem;

/** The result of lithsm_audit_verify(). */
typedef struct lithsm_audit_report {
    lithsm_audit_problem problem;
    uint64_t records; /* good records before the problem (all when OK) */
    char last[LITHSM_AUDIT_HASH_HEX_LEN + 1]; /* hash of the last good line
                                                 (64 zeros: none) */
    /* When problem is not OK: */
    uint64_t seq;     /* the broken record: the seq it should have */
    uint64_t line;    /* its line number (1-based; equal to seq) */
    uint64_t offset;  /* the byte offset where that line starts (0 in a
                         PostgreSQL trail) */
    char detail[200]; /* what is wrong, in words (never the line's values) */
} lithsm_audit_report;

/** A static word for a problem: "ok", "json", "seq", "prev", "torn",
 *  "anchor", "head". */
LITHSM_API const char *lithsm_audit_problem_name(lithsm_audit_problem p);

/** Checks the whole trail at `where` (a location as for
 *  lithsm_audit_open(); read only, no lock taken) and fills *out: OK with
 *  the record count and the last line's hash, or the first broken record.
 *  A trail being appended to may show a torn last line.
 *
 *  The chain cannot show a change to the last line, or lines cut from the
 *  end: an anchor can.  When anchor_seq is not 0, anchor_hex (64 lowercase
 *  hex; may be NULL when anchor_seq is 0) is the hash of line anchor_seq
 *  as kept elsewhere (a "last" from an earlier check or append); a
 *  different hash, or a trail of fewer records, is LITHSM_AUDIT_ANCHOR.
 *
 *  A "postgresql://" location: the rows of lithsm_audit are read in seq
 *  order, streamed (never all in memory), in one read-only snapshot
 *  (REPEATABLE READ: appends meanwhile are not seen); each line gets the
 *  checks a file's line gets, a missing seq is BAD_SEQ naming it ("a
 *  record was removed"), and lithsm_audit_head must name the last line
 *  (seq and hash), else LITHSM_AUDIT_HEAD.  out->line is the seq and
 *  out->offset 0.  Nothing is created or changed: a role that may only
 *  SELECT the lithsm tables can verify.
 *
 *  Returns: OK (whether or not the trail is intact: see out->problem);
 *  INVALID_ARG for a NULL, a bad anchor_hex, or a location that is not a
 *  path, "file:" or a valid "postgresql://" URI; IO when the file cannot
 *  be opened or read, or is not a regular file; NETWORK when the server
 *  cannot be reached or the connection broke; PROTOCOL when the database
 *  has no lithsm schema or another version of it (named), or refused a
 *  query; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_audit_verify(lithsm_audit_report *out,
                                          const char *where,
                                          uint64_t anchor_seq,
                                          const char *anchor_hex);

#ifdef __cplusplus
}
#endif

#endif /* LITHSM_AUDIT_H */
