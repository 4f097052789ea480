/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * lit.h - what the files of lib/lit share inside the library: the ReCap
 * body, JavaScript's key order, Lit prefixes and typed JSON parsing.
 * Not installed.
 */
#ifndef LITHSM_LIT_H
#define LITHSM_LIT_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "util/util.h"

#define LITHSM_RECAP_URN_PREFIX "urn:recap:"
#define LITHSM_RECAP_URN_PREFIX_LEN (sizeof(LITHSM_RECAP_URN_PREFIX) - 1)

/* A ReCap (recap.c): "att" (resource URI -> "ns/name" -> list of nota-bene
 * objects) and "prf" (a list of strings), keys in insertion order. */
struct lithsm_recap {
    json_object *att;
    json_object *prf;
};

/* The argument checks of a function that writes a ReCap as text into *out
 * (set to NULL first): LITHSM_ERR_INVALID_ARG without out or recap. */
lithsm_err lithsm_recap_text_args(char **out, const lithsm_recap *recap);

/* ------------------------------------------------------------------------
 * JavaScript's key order (recap_order.c): UTF-16 code units, and array
 * indices ("0" .. "4294967294") listed first by value.
 */

/* strcmp in JavaScript's order. */
int lithsm_js_strcmp(const char *a, const char *b);

/* 1 if `s` is an array index, its value then in *val; 0 otherwise. */
int lithsm_js_array_index(const char *s, uint32_t *val);

/* The keys of `obj` sorted with lithsm_js_strcmp (borrowed strings).
 * *keys_out is NULL for an empty object; the caller frees the array.
 * LITHSM_ERR_NOMEM. */
lithsm_err lithsm_js_sorted_keys(const char ***keys_out, size_t *n_out,
                                 json_object *obj);

/* Appends `v` as compact JSON with every object's keys sorted
 * (siwe-recap's canonicalize()).  LITHSM_ERR_NOMEM. */
lithsm_err lithsm_js_write_sorted(lithsm_buf *b, json_object *v);

/* ------------------------------------------------------------------------
 * resources.c
 */

/* 1 and the first ability whose resource prefix is `prefix[0..n)`, or 0
 * if it is not a Lit prefix. */
int lithsm_ability_for_prefix(lithsm_ability *out, const char *prefix,
                              size_t n);

/* lithsm_json_parse (errors naming `what`), then the top value must be of
 * `type`, else LITHSM_ERR_PARSE with the message `type_error`.  *out is
 * owned by the caller on success, NULL otherwise. */
lithsm_err lithsm_lit_json_parse_as(json_object **out, const char *text,
                                    size_t len, const char *what,
                                    json_type type, const char *type_error);

/* ------------------------------------------------------------------------
 * session_sign.c: the per-node messages of a SessionSigs map and their
 * signatures
 */

/* Appends the message signed for the node `url`: prefix (the signed JSON
 * up to and including "nodeAddress":) + JSON(url) + "}". */
void lithsm_session_message(lithsm_buf *msg, const lithsm_buf *prefix,
                            const char *url);

/* OpenSSL's key type, named without including its headers. */
struct evp_pkey_st;

/* sigs[i] = lowercase hex of the Ed25519 signature of node i's message by
 * pkey, for the n nodes; on several threads for a large map.  Errors:
 * LITHSM_ERR_NOMEM, LITHSM_ERR_CRYPTO. */
lithsm_err lithsm_session_sign_all(char (*sigs)[129], struct evp_pkey_st *pkey,
                                   const lithsm_buf *prefix,
                                   const char *const *urls, size_t n);

#endif /* LITHSM_LIT_H */
