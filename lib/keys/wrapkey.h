/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * wrapkey.h - an AES-256 key in a PKCS#11 token that seals data with
 * AES-256-GCM in the token (the lithsm provider's LITHSM-AES-GCM,
 * lithsm_provider.h): what the wrapped session store (store/wrapped.c)
 * keeps its entries under.  Not installed.
 */
#ifndef LITHSM_WRAPKEY_H
#define LITHSM_WRAPKEY_H

#include "util/util.h"

/* Bytes a sealed text adds to its plaintext: IV (12) and tag (16). */
#define LITHSM_WRAP_OVERHEAD 28

typedef struct lithsm_wrap_key lithsm_wrap_key;

/* Opens the AES key `uri` names (a pkcs11: URI; type=secret-key is added
 * when it has no type=), with opts' module and PIN source as for
 * lithsm_signer_open_token (opts may be NULL).  One reference; the key is
 * shared by threads (seal and unseal take it as they are).
 * Returns: OK; INVALID_ARG for a URI that is not pkcs11: or has a type=
 * other than secret-key, or opts refused by lithsm_p11_uri; PARSE for an
 * empty attribute; PKCS11 when the provider, the token or the key cannot
 * be opened (lithsm_last_error_token_unavailable() says whether the token
 * is only absent now); KEY for an object that is not such a key; NOMEM. */
lithsm_err lithsm_wrap_key_open(lithsm_wrap_key **out, const char *uri,
                                const lithsm_token_opts *opts);
lithsm_wrap_key *lithsm_wrap_key_ref(lithsm_wrap_key *k);
/* Drops a reference; the last one closes the key.  NULL is a no-op. */
void lithsm_wrap_key_unref(lithsm_wrap_key *k);

/* *out (malloc'd, *out_len = in_len + LITHSM_WRAP_OVERHEAD) = IV ||
 * ciphertext || tag of in under the key, bound to aad.
 * Returns: OK; PKCS11 when the token does not encrypt; NOMEM. */
lithsm_err lithsm_wrap_key_seal(uint8_t **out, size_t *out_len,
                                lithsm_wrap_key *k, const uint8_t *aad,
                                size_t aad_len, const uint8_t *in,
                                size_t in_len);

/* The plaintext of what seal made, in a new NUL-terminated buffer *out
 * (*out_len bytes before the NUL) that the caller wipes and frees.
 * Returns: OK; PARSE when it does not decrypt (too short, changed, another
 * key or another aad); PKCS11 when the token does not answer; NOMEM. */
lithsm_err lithsm_wrap_key_unseal(uint8_t **out, size_t *out_len,
                                  lithsm_wrap_key *k, const uint8_t *aad,
                                  size_t aad_len, const uint8_t *in,
                                  size_t in_len);

#endif /* LITHSM_WRAPKEY_H */
