/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * keys.h - signers as the key layer builds them.  Not installed.
 *
 * signer.c         the signer itself, software keys, and the one place
 *                  that decides what kind of key a URI names
 * signer_pem.c     PEM key files (software keys)
 * signer_pkcs11.c  token keys, through OSSL_STORE and the lithsm provider
 * token.c          what token keys and key generation share: a library
 *                  context with the lithsm provider, its errors, the final
 *                  pkcs11: URI built from a URI and lithsm_token_opts
 * keygen.c         key pairs made on a token
 * uri_rules.c     the PIN-source grammar, also compiled into the provider
 *
 * signer.c calls into signer_pem.c and signer_pkcs11.c, never the other way
 * round; those two return what a signer is made of (a secret, or ops, impl
 * and a public key) and signer.c makes it.
 */
#ifndef LITHSM_KEYS_H
#define LITHSM_KEYS_H

#include <openssl/provider.h>

#include "eth/eth.h"
#include "lithsm_provider.h"

/* How a kind of signer signs.  A signer gives either a complete Ethereum
 * signature (sign_eth: software keys through libsecp256k1) or a raw (r, s)
 * as a token does (sign_rs: lithsm_signer_sign_digest then normalises s and
 * finds v with lithsm_eth_sig_from_rs). */
typedef struct lithsm_signer_ops {
    const char *kind; /* "software", "pkcs11", ... for messages */
    lithsm_err (*sign_eth)(lithsm_eth_sig *out, void *impl,
                           const uint8_t hash[32]);
    lithsm_err (*sign_rs)(uint8_t r[32], uint8_t s[32], void *impl,
                          const uint8_t hash[32]);
    /* Is the key still usable (its token there)?  NULL: always. */
    lithsm_err (*check)(void *impl);
    /* Wipes and frees impl; NULL when there is nothing to free. */
    void (*free)(void *impl);
} lithsm_signer_ops;

/* A signer around `impl`, whose public key is `pubkey` (65 or 33 bytes).
 * Takes ownership of impl: on failure ops->free(impl) has been called. */
lithsm_err lithsm_signer_new(lithsm_signer **out, const lithsm_signer_ops *ops,
                             void *impl, const uint8_t *pubkey,
                             size_t pubkey_len);

/* ----------------------------------------------------------- signer_pem.c */

/* The secp256k1 scalar of the unencrypted PEM private key in file `path`;
 * the caller wipes secret, also after a failure. */
lithsm_err lithsm_pem_secret(uint8_t secret[32], const char *path);

/* -------------------------------------------------------- signer_pkcs11.c */

/* Token keys sign with these ops. */
extern const lithsm_signer_ops lithsm_p11_signer_ops;

/* Opens the secp256k1 key a pkcs11: URI names: *impl (for
 * lithsm_p11_signer_ops, freed by its free) and its public key 04||X||Y.
 * With opts, the URI gets opts' module and PIN source (lithsm_p11_uri) and
 * opts->prompt applies; opts NULL: the URI is used as it is, no prompt. */
lithsm_err lithsm_p11_signer_open(void **impl, uint8_t pub[65], const char *uri,
                                  const lithsm_token_opts *opts);

/* ---------------------------------------------------------------- token.c */

typedef struct lithsm_p11_ctx {
    OSSL_LIB_CTX *libctx;
    OSSL_PROVIDER *lithsm;
    OSSL_PROVIDER *deflt;
} lithsm_p11_ctx;

/* A library context of its own, so the application's configuration
 * neither breaks nor sees it.  Closed with lithsm_p11_ctx_close, also after
 * a failure. */
lithsm_err lithsm_p11_ctx_open(lithsm_p11_ctx *c);
void lithsm_p11_ctx_close(lithsm_p11_ctx *c);

/* Turns this thread's OpenSSL errors into one lithsm detail message and
 * empties the queue. */
lithsm_err lithsm_p11_fail_openssl(lithsm_err err, const char *what);

/* The first key (OSSL_STORE_INFO_PKEY) `uri` names, through the lithsm
 * provider of c; with `prompt`, the provider may ask the terminal for the
 * PIN.  Errors, prefixed with `what`, never echo the URI: PKCS11 when it
 * cannot be opened, `not_found` when it names no key. */
lithsm_err lithsm_p11_load_pkey(EVP_PKEY **out, const lithsm_p11_ctx *c,
                                const char *uri, int prompt, const char *what,
                                lithsm_err not_found);

/* Is OpenSSL error e one the lithsm provider raised, with reason `reason`
 * (LITHSM_R_*, lithsm_provider.h)? */
int lithsm_p11_error_is(const lithsm_p11_ctx *c, unsigned long e, int reason);

/* *out = uri with opts' module-path and pin-source appended as query
 * attributes (percent-encoded); freed by the caller. */
lithsm_err lithsm_p11_uri(char **out, const char *uri,
                          const lithsm_token_opts *opts);

/* Appends `value` percent-encoded (RFC 3986 unreserved, '/' and ':' kept)
 * to b. */
void lithsm_p11_pct(lithsm_buf *b, const char *value);

#endif /* LITHSM_KEYS_H */
