/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * lithsm_verify.h - the verifier: a SessionSig, or a whole SessionSigs map,
 * checked as Lit nodes check them (included by lithsm.h).
 */
#ifndef LITHSM_VERIFY_H
#define LITHSM_VERIFY_H

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Verifier: SessionSigs as Lit nodes check them
 */
typedef enum {
    LITHSM_VERIFY_OK = 0,
    LITHSM_VERIFY_MALFORMED, /* not a SessionSig object */
    LITHSM_VERIFY_UNSUPPORTED_ALGO,
    LITHSM_VERIFY_SESSION_SIGNATURE_INVALID,
    LITHSM_VERIFY_SIGNED_MESSAGE_MALFORMED,
    LITHSM_VERIFY_SESSION_KEY_MISMATCH,
    LITHSM_VERIFY_NODE_ADDRESS_MISMATCH,
    LITHSM_VERIFY_SESSION_EXPIRED,
    LITHSM_VERIFY_SESSION_NOT_YET_VALID, /* issuedAt beyond now + grace */
    LITHSM_VERIFY_SESSION_TOO_LONG,      /* exp < iat or exp > iat + 30 d */
    LITHSM_VERIFY_CAPABILITIES_MISSING,
    LITHSM_VERIFY_CAPABILITY_MALFORMED, /* an AuthSig or its SIWE */
    LITHSM_VERIFY_AUTHSIG_SIGNATURE_INVALID,
    LITHSM_VERIFY_AUTHSIG_EXPIRED,
    LITHSM_VERIFY_AUTHSIG_NOT_YET_VALID,
    LITHSM_VERIFY_AUTHSIG_ADDRESS_MISMATCH,
    LITHSM_VERIFY_DELEGATION_SIGNATURE_INVALID,
    LITHSM_VERIFY_DELEGATION_EXPIRED,
    LITHSM_VERIFY_DELEGATION_NOT_YET_VALID,
    LITHSM_VERIFY_DELEGATION_ADDRESS_MISMATCH,
    LITHSM_VERIFY_SESSION_URI_MISMATCH,
    LITHSM_VERIFY_RECAP_MISSING,
    LITHSM_VERIFY_RECAP_MALFORMED,
    LITHSM_VERIFY_RECAP_STATEMENT_MISMATCH,
    LITHSM_VERIFY_RESOURCE_NOT_COVERED,
    LITHSM_VERIFY_DELEGATEE_NOT_AUTHORIZED
    /* Append new reasons last. */
} lithsm_verify_reason;

/** A verdict.  lithsm_verify_session_sig() sets every member even when it
 *  fails: a check it could not finish reads MALFORMED, "no verdict: ...". */
typedef struct lithsm_verify_result {
    lithsm_verify_reason reason; /* LITHSM_VERIFY_OK: accepted */
    const char *word;       /* lithsm_verify_reason_word(reason) (static) */
    const char *node_error; /* the errorCode a Lit node answers (static);
                             * NULL when accepted */
    int http_status;        /* its HTTP status, 200 when accepted */
    char detail[256];       /* which capability / field, human-readable;
                             * "" when accepted */
} lithsm_verify_result;

/** The reason word of the golden vectors ("ok", "session_expired", ...):
 *  static, never NULL; "unknown" outside the enum. */
LITHSM_API const char *lithsm_verify_reason_word(lithsm_verify_reason reason);

/** Checks one SessionSig object (JSON text session_sig_json[0..json_len))
 *  as the node at `node_url` (compared with the signed nodeAddress) would
 *  at time `now_ms`; `grace_ms` (>= 0) widens the session time window (0
 *  for the golden vectors, 60000 like a Datil node).  Text that is not a
 *  JSON object (over 4 MiB too) is a MALFORMED verdict, not an error.
 *  Returns: OK whenever a verdict was reached (accept or reject: see
 *  result->reason); INVALID_ARG for a NULL or a negative grace_ms; CRYPTO
 *  if OpenSSL cannot set up ed25519; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_verify_session_sig(
    lithsm_verify_result *result, const char *session_sig_json, size_t json_len,
    const char *node_url, int64_t now_ms, int64_t grace_ms);

/** One node's verdict on its entry of a SessionSigs map. */
typedef struct lithsm_verify_entry {
    const char *node_url; /* the map's key (in the same allocation) */
    lithsm_verify_result result;
} lithsm_verify_entry;

/** Checks every entry of a SessionSigs map {node URL: SessionSig} (JSON
 *  text map_json[0..json_len), as lithsm_sessionsigs() writes it) as its
 *  own node would at `now_ms` with `grace_ms`: each entry gets exactly the
 *  verdict lithsm_verify_session_sig() gives for it and its URL.  A
 *  capability shared by entries (same sig, signedMessage and address text)
 *  is checked once per call.
 *  *entries_out: *n_out results in the map's order, in one allocation
 *  (node URLs included) that the caller frees with lithsm_free().
 *  Returns: OK once every entry has a verdict (see each result's reason);
 *  otherwise *entries_out is NULL and *n_out 0: INVALID_ARG for a NULL or
 *  a negative grace_ms; PARSE for text not JSON, or not an object with at
 *  least one entry; RANGE for text over 4 MiB or an integer beyond 2^53;
 *  CRYPTO if OpenSSL cannot set up ed25519; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_verify_session_sigs_map(
    lithsm_verify_entry **entries_out, size_t *n_out, const char *map_json,
    size_t json_len, int64_t now_ms, int64_t grace_ms);

#ifdef __cplusplus
}
#endif

#endif /* LITHSM_VERIFY_H */
