/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * check-vectors.h - what the parts of tests/check-vectors share: the case
 * being judged, the JSON and comparison helpers, and each file's checker.
 */
#ifndef LITHSM_CHECK_VECTORS_H
#define LITHSM_CHECK_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "util/util.h"

/* One case: its name and the first mismatch found. */
typedef struct {
    const char *file;
    const char *name;
    char why[768];
    char note[512]; /* what a passing case has to say (a refusal's reason) */
} vcase;

/* Records the case's first mismatch; returns 0, so a check can end with
 * `return vec_fail(...)`. */
int vec_fail(vcase *c, const char *fmt, ...) LITHSM_PRINTF(2, 3);
/* vec_fail() naming a library error and its detail. */
int vec_lib_fail(vcase *c, const char *what, lithsm_err err);

/* A member of a vector object, or NULL; a string member, or NULL. */
json_object *vec_get(json_object *o, const char *key);
const char *vec_str(json_object *o, const char *key);
/* JSON.stringify of a vector value; caller frees. */
char *vec_stringify(json_object *v);
/* For printf: a missing value prints as nothing (the compare then fails). */
const char *vec_or_empty(const char *s);

/* 1 when `got` equals `want`, else vec_fail() showing where they part. */
int vec_expect_str(vcase *c, const char *what, const char *got,
                   const char *want);
/* vec_expect_str() against JSON.stringify of `want`. */
int vec_expect_json(vcase *c, const char *what, const char *got_text,
                    json_object *want);
/* "0x" + lowercase hex of b; 0 when out is too small. */
int vec_hex_of(char *out, size_t out_len, const uint8_t *b, size_t n);
/* The software signer of a private key in hex (NULL after vec_fail()). */
lithsm_signer *vec_signer_of(vcase *c, const char *private_key_hex);

/* check-vectors-eth.c: SIWE fields of the siwe package's shape (strings
 * borrowed; `resources` holds 64 pointers), and an EIP-191 hash and
 * signature of a text against a case's expected ones. */
int vec_siwe_fields_of(vcase *c, lithsm_siwe *f, json_object *o,
                       const char **resources);
int vec_check_eip191_of_text(vcase *c, const char *text, json_object *ex,
                             const char *private_key);
/* check-vectors-recap.c: requests of the vectors' shape. */
lithsm_requests *vec_requests_of(vcase *c, json_object *list);
/* check-vectors-session.c: the session SIWE parameters of a case (nonce,
 * domain, the time named issued_at_key, expiration), strings borrowed. */
void vec_session_siwe_params_of(lithsm_session_siwe_params *p, json_object *o,
                                const char *issued_at_key,
                                const char *session_pubkey_hex,
                                const lithsm_requests *reqs);

/* The checkers, one per vector file: 1 when the case passes. */
int check_eip191(vcase *c, json_object *in, json_object *ex);
int check_siwe(vcase *c, json_object *in, json_object *ex);
int check_recap(vcase *c, json_object *in, json_object *ex);
int check_authsig(vcase *c, json_object *in, json_object *ex);
int check_delegation(vcase *c, json_object *in, json_object *ex);
int check_sessionsigs(vcase *c, json_object *in, json_object *ex);
int check_verify(vcase *c, json_object *in, json_object *ex);
/* A case whose `expected` is {"error": true} passes when the input is
 * refused (c->note then gives lithsm's reason). */
int check_eip712(vcase *c, json_object *in, json_object *ex);
int check_transaction(vcase *c, json_object *in, json_object *ex);
int check_abi_call(vcase *c, json_object *in, json_object *ex);

#endif /* LITHSM_CHECK_VECTORS_H */
