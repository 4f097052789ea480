/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * lithsm_pg.h - PostgreSQL backends for a fleet of signing services
 * (included by lithsm.h): the session store, the shared rate limits, and
 * the schema they and the audit trail (lithsm_audit.h, location
 * "postgresql://...") live in.
 *
 * A connection is named by a libpq URI, "postgresql://[user@]host[:port]
 * /dbname[?param=value&...]" ("postgres://" too); a unix socket is
 * "postgresql://user@/dbname?host=/run/postgresql".  Every libpq
 * parameter works (sslmode=verify-full, sslrootcert, sslcert, sslkey,
 * passfile, connect_timeout, options...), except a password: it would
 * sit in a config file or a command line, so a URI holding one is
 * refused; give it in a password file (passfile= or PGPASSFILE).
 * Messages and logs show a location as scheme://user@host:port/dbname.
 *
 * Unless the URI says otherwise, connections are made with
 * connect_timeout=5, application_name=lithsm, TCP keepalives, and
 * tcp_user_timeout=10000 (a server that stops answering is given up
 * after 10 s).  When the server is away, calls fail with NETWORK at once
 * and the next call connects again: nothing needs restarting.
 *
 * Every opener creates or upgrades the schema (tables lithsm_schema,
 * lithsm_audit, lithsm_audit_head, lithsm_store, lithsm_rate) in one
 * transaction under an advisory lock, so instances starting together
 * never race; lithsm_pg_migrate() does only that, for a deployment whose
 * service role may not change the schema.
 */
#ifndef LITHSM_PG_H
#define LITHSM_PG_H

#ifdef __cplusplus
extern "C" {
#endif

/** Creates or upgrades lithsm's schema in the database at `conninfo`.
 *  *from_out (may be NULL) gets the version it had (0: none), *to_out
 *  (may be NULL) the version it has now.
 *  Returns: OK; INVALID_ARG for a NULL or a URI that is not a PostgreSQL
 *  location, does not parse or holds a password; NETWORK when the server
 *  cannot be reached; PROTOCOL when a statement fails (e.g. no right to
 *  create tables) or the database's schema is newer than this build. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_pg_migrate(int *from_out, int *to_out,
                                        const char *conninfo);

/** A session store in table lithsm_store, shared by every process that
 *  opens the same database: entries are replaced atomically (one row per
 *  key), and the store has a lock per key (a PostgreSQL advisory lock
 *  held on its own connection) so that processes making a new session
 *  for the same key make it once (lithsm_store_set_lock()).  The lock is
 *  waited for at most 30 s (then NETWORK, saying so); a process that dies
 *  holding it loses its connection, and the server releases the lock.  A
 *  thread holding a key's lock reads and writes that key on the lock's
 *  connection, so fewer connections than threads cannot deadlock.  At
 *  most `connections` (1 to 64; 0: 8) connections are kept; ops are safe
 *  from several threads.  Values hold session secrets: the copy returned
 *  is wiped by liblithsm, but libpq's own buffers are not (wrap the store
 *  with lithsm_store_wrapped_new() to keep the secrets sealed by a token
 *  key, on the wire and in the database too).
 *  Returns: as lithsm_pg_migrate(), INVALID_ARG for over 64 connections,
 *  and NOMEM.  Its ops fail with NETWORK while the server is away, and
 *  work again once it is back, without reopening the store. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_store_postgres_new(lithsm_store **out,
                                                const char *conninfo,
                                                unsigned connections);

/** Token buckets kept in the database (table lithsm_rate) instead of in
 *  one process: every process that shares them draws from the same
 *  bucket per caller name, refilled by the database server's clock.
 *  A take's commit does not wait for the disk (synchronous_commit off
 *  for it alone): a server crash can give callers back only the tokens
 *  of its last instants.
 *  Thread-safe.  See lithsm_policy_set_rates(). */
typedef struct lithsm_rates lithsm_rates;

/** Opens shared rate limits in the database at `conninfo`, with at most
 *  `connections` (1 to 64; 0: 4) connections.
 *  Returns: as lithsm_pg_migrate(), and NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_rates_postgres_new(lithsm_rates **out,
                                                const char *conninfo,
                                                unsigned connections);

/** Takes one token from `name`'s bucket of `burst` tokens refilled with
 *  `rate` tokens per `period_ms`: *taken = 1, or 0 when it is empty.
 *  Returns: OK; INVALID_ARG for a NULL, an empty name or a zero rate,
 *  period or burst; NETWORK when the database is away; PROTOCOL. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_rates_take(int *taken, lithsm_rates *r,
                                        const char *name, uint64_t rate,
                                        uint64_t period_ms, uint64_t burst);

/** OK when the database of `r` answers now; otherwise NETWORK with
 *  lithsm_last_error() saying why (a readiness check: the next take
 *  reconnects by itself).  INVALID_ARG for a NULL.  Thread-safe. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_rates_probe(lithsm_rates *r);

/** Closes the connections; NULL is a no-op.  No call may be running, and
 *  no policy may still use r. */
LITHSM_API void lithsm_rates_free(lithsm_rates *r);

#ifdef __cplusplus
}
#endif

#endif /* LITHSM_PG_H */
