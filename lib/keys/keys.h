/*
 * keys.h - signers as the key layer builds them: the ops a kind of signer
 * implements, and what the token signer (signer_pkcs11.c) and key generation
 * (keygen.c) share: a library context with the lithsm and default
 * providers, OpenSSL errors turned into lithsm details, and the final
 * pkcs11: URI built from a URI and lithsm_token_opts.  Not installed.
 */
#ifndef LITHSM_KEYS_H
#define LITHSM_KEYS_H

#include <openssl/provider.h>

#include "eth/eth.h"

/* How a kind of signer signs.  A signer gives either a complete Ethereum
 * signature (sign_eth: software keys through libsecp256k1) or a raw (r, s)
 * as a token does (sign_rs: lithsm_signer_sign_digest then normalises s and
 * finds v with lithsm_eth_sig_from_rs).  A PKCS#11 signer plugs in here. */
typedef struct lithsm_signer_ops {
    const char *kind; /* "software", "pkcs11", ... for messages */
    lithsm_err (*sign_eth)(lithsm_eth_sig *out, void *impl,
                           const uint8_t hash[32]);
    lithsm_err (*sign_rs)(uint8_t r[32], uint8_t s[32], void *impl,
                          const uint8_t hash[32]);
    /* Wipes and frees impl; NULL when there is nothing to free. */
    void (*free)(void *impl);
} lithsm_signer_ops;

/* A signer around `impl`, whose public key is `pubkey` (65 or 33 bytes).
 * Takes ownership of impl: on failure ops->free(impl) has been called. */
lithsm_err lithsm_signer_new(lithsm_signer **out, const lithsm_signer_ops *ops,
                             void *impl, const uint8_t *pubkey,
                             size_t pubkey_len);

/* signer_pkcs11.c: opens a pkcs11: URI through OSSL_STORE with the lithsm
 * provider (lithsm_signer_open calls it for pkcs11: URIs). */
lithsm_err lithsm_signer_open_pkcs11(lithsm_signer **out, const char *uri);

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

/* *out = uri with opts' module-path and pin-source appended as query
 * attributes (percent-encoded); freed by the caller. */
lithsm_err lithsm_p11_uri(char **out, const char *uri,
                          const lithsm_token_opts *opts);

/* Appends `value` percent-encoded (RFC 3986 unreserved, '/' and ':' kept)
 * to b. */
void lithsm_p11_pct(lithsm_buf *b, const char *value);

#endif /* LITHSM_KEYS_H */
