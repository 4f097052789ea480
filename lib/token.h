/*
 * token.h - helpers shared by the token signer (signer_pkcs11.c) and key
 * generation (keygen.c): a library context with the lithsm and default
 * providers, OpenSSL errors turned into lithsm details, and the final
 * pkcs11: URI built from a URI and lithsm_token_opts.
 */
#ifndef LITHSM_TOKEN_H
#define LITHSM_TOKEN_H

#include <openssl/provider.h>

#include "internal.h"

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

#endif
