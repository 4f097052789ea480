/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * verify.h - the verify layer inside liblithsm; not installed.
 *
 * Two parts: the AuthSig rule, which the flow shares to decide whether a
 * stored wallet AuthSig is still good, and what the files of lib/verify
 * share to check SessionSigs as a node does (verify.c runs the steps,
 * envelope.c the SessionSig and its signed message, capability.c the
 * capabilities, coverage.c the ReCap and delegation checks).
 */
#ifndef LITHSM_VERIFY_INTERNAL_H
#define LITHSM_VERIFY_INTERNAL_H

#include "util/util.h"

/* ------------------------------------------------------------------------
 * The AuthSig rule
 */

/* What lithsm_authsig_check() found; the first failing step wins. */
typedef enum {
    LITHSM_AUTHSIG_VALID = 0,
    LITHSM_AUTHSIG_MALFORMED,         /* SIWE, time or address unusable */
    LITHSM_AUTHSIG_EXPIRED,           /* now >= Expiration Time */
    LITHSM_AUTHSIG_NOT_YET_VALID,     /* now < Not Before */
    LITHSM_AUTHSIG_SIGNATURE_INVALID, /* does not recover to the SIWE address */
    LITHSM_AUTHSIG_ADDRESS_MISMATCH   /* "address" is not the SIWE address */
} lithsm_authsig_verdict;

/* As long as a verify result's detail: a detail built from it is cut
 * where the detail would have been. */
#define LITHSM_AUTHSIG_WHY_LEN 256

typedef struct lithsm_authsig_check {
    lithsm_authsig_verdict verdict;
    /* The parsed SIWE, NULL when it does not parse; owned, freed by
     * lithsm_authsig_check_clear(). */
    lithsm_siwe_msg *siwe;
    /* The SIWE address, once the check got that far. */
    lithsm_eth_address siwe_address;
    /* For MALFORMED and SIGNATURE_INVALID: what failed, e.g.
     * "Expiration Time: <why>" (no capability name in front). */
    char why[LITHSM_AUTHSIG_WHY_LEN];
} lithsm_authsig_check;

/*
 * The rule a Lit node applies to each AuthSig among a SessionSig's
 * capabilities (siwe's verify({time: now}) plus the "address" field,
 * reference 11.3), and the JS SDK's checkNeedToResignSessionKey to a stored
 * wallet AuthSig (10.2): the SIWE parses strictly, now is inside
 * [Not Before, Expiration Time) with no grace, the EIP-191 signature `sig`
 * (65 bytes of hex) recovers to the SIWE address, and `address` is that
 * address (any case a checksum allows).  With check_signature 0 (a BLS
 * AuthSig of a PKP, which no one here can check) the signature step is
 * skipped.  Returns LITHSM_OK with a verdict in *out, or LITHSM_ERR_NOMEM;
 * *out is cleared first and must be cleared by the caller after.
 */
lithsm_err lithsm_authsig_verify(lithsm_authsig_check *out, const char *sig,
                                 size_t sig_len, const char *msg,
                                 size_t msg_len, const char *address,
                                 int64_t now_ms, int check_signature);

void lithsm_authsig_check_clear(lithsm_authsig_check *c);

/* ------------------------------------------------------------------------
 * Inside lib/verify
 */

/* The four capability reasons, per role. */
typedef struct lithsm_cap_role {
    const char *name;
    lithsm_verify_reason signature_invalid, expired, not_yet_valid,
        address_mismatch;
} lithsm_cap_role;

extern const lithsm_cap_role lithsm_role_authsig, lithsm_role_delegation;

/*
 * A capability as a node checks it, computed once per verification call
 * and kept for every entry that carries the same three strings (a map's
 * entries share the delegation and the wallet AuthSig).  Verdicts are
 * kept with their detail after "capability N", so each entry still names
 * its own index.
 */
typedef struct lithsm_vcap {
    char *sig, *msg, *address; /* the key: exact copies */
    size_t sig_len, msg_len, address_len;
    lithsm_verify_reason reason; /* step 6; LITHSM_VERIFY_OK if it passed */
    char tail[LITHSM_AUTHSIG_WHY_LEN + 32];
    lithsm_authsig_check check; /* its SIWE and address */
    const lithsm_cap_role *role;
    /* Step 7, as the wallet AuthSig: its ReCap and the verdict on it. */
    int wallet_done;
    lithsm_verify_reason wallet_reason;
    char wallet_tail[256];
    lithsm_recap *recap;
    /* Step 8, as a delegation: whether it shuts out `deleg_wallet`. */
    int deleg_done, deleg_denied;
    lithsm_eth_address deleg_wallet;
} lithsm_vcap;

/* What one verification call keeps across entries. */
typedef struct lithsm_vcache {
    lithsm_vcap **caps;
    size_t n_caps, cap_room;
    /* The last session public key and its OpenSSL key. */
    uint8_t pub[32];
    struct evp_pkey_st *pkey;
    /* The signed body parsed last (owned) and, when it can serve as a
     * template for the next entries, its text up to the nodeAddress value
     * (tmpl_at bytes; 0: no template).  node_address holds the value of an
     * entry whose body is the template's. */
    json_object *body;
    char *tmpl;
    size_t tmpl_at;
    char *node_address;
    size_t node_address_room;
} lithsm_vcache;

void lithsm_vcap_free(lithsm_vcap *c);
void lithsm_vcache_free(lithsm_vcache *cache);

/* The verification of one entry. */
typedef struct lithsm_vstate {
    lithsm_verify_result *res;
    int rejected;
    int64_t now_ms, grace_ms;
    const char *node_url;
    lithsm_vcache *cache;

    /* The outer SessionSig (borrowed). */
    const json_object *outer;
    const char *sig_hex, *address;
    size_t address_len;
    const char *signed_message;
    size_t signed_message_len;

    /* Its signed JSON body (borrowed from the cache). */
    json_object *body;
    const char *session_key;
    size_t session_key_len;
    json_object *requests, *caps;
    const char *issued_at, *expiration, *node_address;
    size_t n_caps;
    lithsm_vcap **vcaps; /* n_caps, borrowed from the cache */
} lithsm_vstate;

/* Records the verdict `reason` with a detail naming the defect; the first
 * rejection wins. */
void lithsm_vreject(lithsm_vstate *st, lithsm_verify_reason reason,
                    const char *fmt, ...) LITHSM_PRINTF(3, 4);

/* A string member of a JSON object, or NULL when it is missing, not a
 * string, or holds a NUL (which C string checks would silently cut). */
const char *lithsm_vget_str(const json_object *obj, const char *key,
                            size_t *len_out);

/* The steps, in the order of tests/vectors/verify-negative.json's
 * check_order.  Each rejects through lithsm_vreject() and returns an error
 * only when memory runs out or OpenSSL fails. */
void lithsm_vcheck_outer(lithsm_vstate *st);
lithsm_err lithsm_vcheck_session_signature(lithsm_vstate *st);
void lithsm_vcheck_body(lithsm_vstate *st);
int lithsm_node_addr_eq(const char *x, const char *y);
void lithsm_vcheck_times(lithsm_vstate *st);
lithsm_err lithsm_vcheck_capabilities(lithsm_vstate *st);
lithsm_err lithsm_vcheck_wallet(lithsm_vstate *st);
lithsm_err lithsm_vcheck_delegations(lithsm_vstate *st);

#endif /* LITHSM_VERIFY_INTERNAL_H */
