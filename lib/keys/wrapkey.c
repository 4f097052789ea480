/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * wrapkey.c - an AES-256 key of a PKCS#11 token, reached through OSSL_STORE
 * and the lithsm provider, sealing and unsealing with AES-256-GCM computed
 * by the token (LITHSM-AES-GCM: EVP_PKEY_encrypt / EVP_PKEY_decrypt, the
 * AAD as a context parameter).  Like the token signer, it has a library
 * context of its own (token.c).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "keys/keys.h"
#include "keys/wrapkey.h"

#define SECRET_TYPE "type=secret-key"

struct lithsm_wrap_key {
    int refs;
    lithsm_p11_ctx ctx;
    EVP_PKEY *pkey;
};

lithsm_wrap_key *lithsm_wrap_key_ref(lithsm_wrap_key *k)
{
    __atomic_add_fetch(&k->refs, 1, __ATOMIC_RELAXED);
    return k;
}

void lithsm_wrap_key_unref(lithsm_wrap_key *k)
{
    if (k == NULL || __atomic_sub_fetch(&k->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    EVP_PKEY_free(k->pkey);
    lithsm_p11_ctx_close(&k->ctx);
    free(k);
}

/* Where type= is in the URI's path, or NULL. */
static const char *path_type(const char *path, size_t path_len)
{
    size_t i;

    for (i = 0; i < path_len; i += strcspn(path + i, ";?") + 1)
        if (strncmp(path + i, "type=", 5) == 0)
            return path + i;
    return NULL;
}

/* *out = uri naming a secret key: its type= must be secret-key, and is
 * added to the path (before any query) when absent. */
static lithsm_err secret_uri(char **out, const char *uri)
{
    const char *path, *type;
    size_t path_len, n = strlen(SECRET_TYPE);
    lithsm_buf b;

    *out = NULL;
    if (strncmp(uri, "pkcs11:", 7) != 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "store wrap key: not a pkcs11: URI");
    path = uri + 7;
    path_len = strcspn(path, "?");
    type = path_type(path, path_len);
    if (type != NULL &&
        (strncmp(type, SECRET_TYPE, n) != 0 || strchr(";?", type[n]) == NULL))
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "store wrap key: the URI must name a secret key "
                           "(type=secret-key), not another type");
    lithsm_buf_init(&b);
    lithsm_buf_add(&b, uri, 7 + path_len);
    if (type == NULL) {
        if (path_len > 0)
            lithsm_buf_putc(&b, ';');
        lithsm_buf_puts(&b, SECRET_TYPE);
    }
    lithsm_buf_puts(&b, path + path_len);
    return lithsm_buf_finish(&b, out, NULL);
}

/* Loads the key of a URI that holds every setting. */
static lithsm_err load(lithsm_wrap_key *k, const char *uri, int prompt)
{
    lithsm_err err = lithsm_p11_load_pkey(
        &k->pkey, &k->ctx, uri, prompt, "store wrap key: ", LITHSM_ERR_PKCS11);

    if (err != LITHSM_OK)
        return err;
    if (!EVP_PKEY_is_a(k->pkey, LITHSM_AES_GCM_NAME))
        return lithsm_fail(LITHSM_ERR_KEY,
                           "store wrap key: not an AES-256 key of the token");
    return LITHSM_OK;
}

lithsm_err lithsm_wrap_key_open(lithsm_wrap_key **out, const char *uri,
                                const lithsm_token_opts *opts)
{
    lithsm_wrap_key *k;
    char *typed = NULL, *full = NULL;
    lithsm_err err;

    if (out == NULL || uri == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "store wrap key: NULL argument");
    *out = NULL;
    if ((err = secret_uri(&typed, uri)) != LITHSM_OK)
        return err;
    if (opts != NULL) {
        err = lithsm_p11_uri(&full, typed, opts);
        lithsm_memzero(typed, strlen(typed));
        free(typed);
        if (err != LITHSM_OK)
            return err;
    } else {
        full = typed;
    }
    if ((k = calloc(1, sizeof(*k))) == NULL) {
        err = lithsm_fail(LITHSM_ERR_NOMEM, "store wrap key: out of memory");
    } else {
        k->refs = 1;
        err = lithsm_p11_ctx_open(&k->ctx);
        if (err == LITHSM_OK)
            err = load(k, full, opts != NULL && opts->prompt);
    }
    lithsm_memzero(full, strlen(full));
    free(full);
    if (err != LITHSM_OK) {
        if (k != NULL)
            lithsm_wrap_key_unref(k);
        ERR_clear_error();
        return err;
    }
    *out = k;
    return LITHSM_OK;
}

/* An EVP_PKEY_CTX of the token's cipher, initialised for encryption or
 * decryption, with the AAD set. */
static EVP_PKEY_CTX *cipher_ctx(lithsm_wrap_key *k, int encrypt,
                                const uint8_t *aad, size_t aad_len)
{
    EVP_PKEY_CTX *ctx;
    OSSL_PARAM params[2];

    ctx = EVP_PKEY_CTX_new_from_pkey(k->ctx.libctx, k->pkey,
                                     LITHSM_PROVIDER_PROPQ);
    params[0] = OSSL_PARAM_construct_octet_string(LITHSM_ASYM_PARAM_AAD,
                                                  (void *)aad, aad_len);
    params[1] = OSSL_PARAM_construct_end();
    if (ctx != NULL && (encrypt ? EVP_PKEY_encrypt_init_ex(ctx, params)
                                : EVP_PKEY_decrypt_init_ex(ctx, params)) > 0)
        return ctx;
    EVP_PKEY_CTX_free(ctx);
    return NULL;
}

/* One encryption or decryption of in into out (*len: its room, then the
 * length written, which must be `want`); 1 on success, else the errors
 * are on OpenSSL's queue. */
static int cipher_run(lithsm_wrap_key *k, int encrypt, const uint8_t *aad,
                      size_t aad_len, const uint8_t *in, size_t in_len,
                      uint8_t *out, size_t *len, size_t want)
{
    EVP_PKEY_CTX *ctx = cipher_ctx(k, encrypt, aad, aad_len);
    int ok;

    ok = ctx != NULL &&
         (encrypt ? EVP_PKEY_encrypt(ctx, out, len, in, in_len)
                  : EVP_PKEY_decrypt(ctx, out, len, in, in_len)) > 0 &&
         *len == want;
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

lithsm_err lithsm_wrap_key_seal(uint8_t **out, size_t *out_len,
                                lithsm_wrap_key *k, const uint8_t *aad,
                                size_t aad_len, const uint8_t *in,
                                size_t in_len)
{
    uint8_t *buf;
    size_t len = in_len + LITHSM_WRAP_OVERHEAD;

    *out = NULL;
    *out_len = 0;
    if ((buf = malloc(len)) == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "store wrap key: out of memory");
    if (!cipher_run(k, 1, aad, aad_len, in, in_len, buf, &len,
                    in_len + LITHSM_WRAP_OVERHEAD)) {
        free(buf);
        return lithsm_p11_fail_openssl(LITHSM_ERR_PKCS11,
                                       "store wrap key: the token does not "
                                       "encrypt");
    }
    *out = buf;
    *out_len = len;
    return LITHSM_OK;
}

lithsm_err lithsm_wrap_key_unseal(uint8_t **out, size_t *out_len,
                                  lithsm_wrap_key *k, const uint8_t *aad,
                                  size_t aad_len, const uint8_t *in,
                                  size_t in_len)
{
    uint8_t *buf;
    size_t len = in_len;
    unsigned long e;

    *out = NULL;
    *out_len = 0;
    if (in_len < LITHSM_WRAP_OVERHEAD)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "store wrap key: %zu bytes are too short to be "
                           "sealed data",
                           in_len);
    /* One byte more: the plaintext gets a NUL. */
    if ((buf = malloc(in_len + 1)) == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "store wrap key: out of memory");
    ERR_clear_error(); /* what follows is this decryption's alone */
    if (!cipher_run(k, 0, aad, aad_len, in, in_len, buf, &len,
                    in_len - LITHSM_WRAP_OVERHEAD)) {
        lithsm_memzero(buf, in_len + 1);
        free(buf);
        e = ERR_peek_error();
        if (lithsm_p11_error_is(&k->ctx, e, LITHSM_R_DECRYPT) ||
            lithsm_p11_error_is(&k->ctx, ERR_peek_last_error(),
                                LITHSM_R_DECRYPT)) {
            ERR_clear_error();
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "store wrap key: the data does not decrypt "
                               "(changed, or sealed by another key)");
        }
        return lithsm_p11_fail_openssl(LITHSM_ERR_PKCS11,
                                       "store wrap key: the token does not "
                                       "decrypt");
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return LITHSM_OK;
}
