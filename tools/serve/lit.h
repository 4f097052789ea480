/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * lit.h - what lit.c (the Lit routes' checks and answers, POST
 * /v1/delegations) and lit_session.c (POST /v1/session-sigs, the
 * networks and the session store) share inside lithsm-serve.
 *
 * Threads: the wallet or owner signs through serve_key_sign (keys.c),
 * and requests served from a cached session do not sign with it at all;
 * a lithsm_client has no lock (lithsm_node.h: one call
 * at a time), so a network's client is used under serve_network.lock only
 * to refresh the blockhash and copy the node list, and the flow then runs
 * with that nonce and list and no client.  The file store is safe for
 * threads.
 */
#ifndef LITHSM_SERVE_LIT_H
#define LITHSM_SERVE_LIT_H

#include "serve.h"

#define LIT_REASON_MAX 512

/* A member a body may hold: its JSON type, and whether it must. */
typedef struct lit_member {
    const char *name;
    json_type type;
    int required;
} lit_member;

/* Reads the members of object `body` (called `at`, NULL for the body)
 * into slots (slots[i] for m[i], NULL when absent): -1 with the reason
 * naming the member for one not in m, one of another type (null too) or
 * a required one missing. */
int lit_read_members(json_object **slots, json_object *body, const char *at,
                     const lit_member *m, size_t n, char *reason, size_t len);

/* A JSON string with no NUL inside (json-c reads "a\u0000b" as "a"). */
int lit_plain_string(json_object *v);

/* v's string, or NULL for NULL. */
const char *lit_str(json_object *v);

/* The error answers: lit_fail any status, lit_bad 400. */
void lit_fail(serve_outcome *o, unsigned status, const char *code,
              const char *reason);
void lit_bad(serve_outcome *o, const char *reason);

/* A failed library call after the policy allowed: 503 when a token or
 * the network is not available now (`unavailable`), 400 for what the
 * input made it refuse, else 500; logged, and nothing was given out. */
void lit_failed(serve_outcome *o, lithsm_err err, int unavailable,
                const char *reason);
void lit_lib_failed(serve_outcome *o, lithsm_err err, int unavailable,
                    const char *what);

/* "0x" + 64 hex digits (a blockhash). */
int lit_nonce_ok(const char *nonce);

/* An optional "expiration": RFC 3339, after now, at most max_ms from now
 * (0: no maximum).  Returns 0, or -1 with reason. */
int lit_expiration_ok(const char *text, int64_t max_ms, char *reason,
                      size_t len);

/* Copies an AuthSig's "sig" into sig->signature and the EIP-191 hash of
 * its "signedMessage" into sig->digest.  Returns 0 or -1. */
int lit_note_authsig(serve_signed *sig, const char *authsig);

/* POST /v1/session-sigs with its body parsed (lit_session.c). */
void lit_session_sigs(serve *s, serve_request *req, json_object *body,
                      serve_signed *sig, serve_outcome *o);

#endif /* LITHSM_SERVE_LIT_H */
