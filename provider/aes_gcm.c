/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * aes_gcm.c - AES-256 secret keys held in a PKCS#11 token, as EVP_PKEYs of
 * key type LITHSM-AES-GCM, and the asymmetric cipher of the same name that
 * encrypts and decrypts with them in the token (CKM_AES_GCM,
 * p11_secret.c).  lithsm_provider.h gives the contract.
 *
 * Why an "asymmetric" cipher: OSSL_STORE hands out keys only as EVP_PKEYs,
 * and EVP_PKEY_encrypt / EVP_PKEY_decrypt are the one-shot operations on
 * them.  The key never leaves the token: nothing is exported, and a key
 * cannot be generated or imported here.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

#include "lithsm_prov.h"

#define OVERHEAD (LITHSM_AES_GCM_IV_LEN + LITHSM_AES_GCM_TAG_LEN)
#define AAD_MAX 4096

static OSSL_FUNC_keymgmt_load_fn aes_load;
static OSSL_FUNC_keymgmt_free_fn aes_free;
static OSSL_FUNC_keymgmt_has_fn aes_has;
static OSSL_FUNC_keymgmt_match_fn aes_match;
static OSSL_FUNC_keymgmt_get_params_fn aes_get_params;
static OSSL_FUNC_keymgmt_gettable_params_fn aes_gettable_params;
static OSSL_FUNC_keymgmt_query_operation_name_fn aes_query_operation_name;

static OSSL_FUNC_asym_cipher_newctx_fn gcm_newctx;
static OSSL_FUNC_asym_cipher_freectx_fn gcm_freectx;
static OSSL_FUNC_asym_cipher_dupctx_fn gcm_dupctx;
static OSSL_FUNC_asym_cipher_encrypt_init_fn gcm_encrypt_init;
static OSSL_FUNC_asym_cipher_encrypt_fn gcm_encrypt;
static OSSL_FUNC_asym_cipher_decrypt_init_fn gcm_decrypt_init;
static OSSL_FUNC_asym_cipher_decrypt_fn gcm_decrypt;
static OSSL_FUNC_asym_cipher_set_ctx_params_fn gcm_set_ctx_params;
static OSSL_FUNC_asym_cipher_settable_ctx_params_fn gcm_settable_ctx_params;

/* ------------------------------------------------------------------------
 * Key management
 */

static lithsm_key *as_secret(const void *keydata)
{
    lithsm_key *key = (lithsm_key *)keydata;

    if (key == NULL || key->magic != LITHSM_KEY_MAGIC ||
        key->class != CKO_SECRET_KEY)
        return NULL;
    return key;
}

static void *aes_load(const void *reference, size_t reference_sz)
{
    lithsm_key *key;

    /* Only our own store hands out references, as a key pointer. */
    if (reference == NULL || reference_sz != sizeof(key))
        return NULL;
    memcpy(&key, reference, sizeof(key));
    if (as_secret(key) == NULL)
        return NULL;
    return lithsm_key_ref(key);
}

static void aes_free(void *keydata)
{
    lithsm_key_unref(keydata);
}

/* The key is all "private": it is in the token, usable by reference. */
static int aes_has(const void *keydata, int selection)
{
    (void)selection;
    return as_secret(keydata) != NULL;
}

static int aes_match(const void *keydata1, const void *keydata2, int selection)
{
    const lithsm_key *a = as_secret(keydata1), *b = as_secret(keydata2);

    (void)selection;
    return a != NULL && b != NULL && a->mod == b->mod &&
           a->slot_id == b->slot_id && a->handle == b->handle;
}

static int aes_get_params(void *keydata, OSSL_PARAM params[])
{
    OSSL_PARAM *p;

    if (as_secret(keydata) == NULL)
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_BITS);
    if (p != NULL && !OSSL_PARAM_set_int(p, 256))
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_SECURITY_BITS);
    if (p != NULL && !OSSL_PARAM_set_int(p, 256))
        return 0;
    return 1;
}

static const OSSL_PARAM *aes_gettable_params(void *provctx)
{
    static const OSSL_PARAM params[] = {
        OSSL_PARAM_int(OSSL_PKEY_PARAM_BITS, NULL),
        OSSL_PARAM_int(OSSL_PKEY_PARAM_SECURITY_BITS, NULL), OSSL_PARAM_END
    };

    (void)provctx;
    return params;
}

static const char *aes_query_operation_name(int operation_id)
{
    return operation_id == OSSL_OP_ASYM_CIPHER ? LITHSM_AES_GCM_NAME : NULL;
}

const OSSL_DISPATCH lithsm_aes_keymgmt_functions[] = {
    { OSSL_FUNC_KEYMGMT_LOAD, (void (*)(void))aes_load },
    { OSSL_FUNC_KEYMGMT_FREE, (void (*)(void))aes_free },
    { OSSL_FUNC_KEYMGMT_HAS, (void (*)(void))aes_has },
    { OSSL_FUNC_KEYMGMT_MATCH, (void (*)(void))aes_match },
    { OSSL_FUNC_KEYMGMT_GET_PARAMS, (void (*)(void))aes_get_params },
    { OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, (void (*)(void))aes_gettable_params },
    { OSSL_FUNC_KEYMGMT_QUERY_OPERATION_NAME,
      (void (*)(void))aes_query_operation_name },
    { 0, NULL }
};

/* ------------------------------------------------------------------------
 * The cipher
 */

typedef struct gcm_ctx {
    lithsm_provctx *pc;
    lithsm_key *key;
    unsigned char *aad;
    size_t aad_len;
} gcm_ctx;

static void *gcm_newctx(void *provctx)
{
    gcm_ctx *ctx = calloc(1, sizeof(*ctx));

    if (ctx != NULL)
        ctx->pc = provctx;
    return ctx;
}

static void gcm_freectx(void *vctx)
{
    gcm_ctx *ctx = vctx;

    if (ctx == NULL)
        return;
    lithsm_key_unref(ctx->key);
    free(ctx->aad);
    free(ctx);
}

static void *gcm_dupctx(void *vctx)
{
    gcm_ctx *ctx = vctx, *dup = gcm_newctx(ctx->pc);

    if (dup == NULL)
        return NULL;
    if (ctx->aad_len > 0) {
        if ((dup->aad = malloc(ctx->aad_len)) == NULL) {
            free(dup);
            return NULL;
        }
        memcpy(dup->aad, ctx->aad, ctx->aad_len);
        dup->aad_len = ctx->aad_len;
    }
    if (ctx->key != NULL)
        dup->key = lithsm_key_ref(ctx->key);
    return dup;
}

static int gcm_set_ctx_params(void *vctx, const OSSL_PARAM params[])
{
    gcm_ctx *ctx = vctx;
    const OSSL_PARAM *p;
    const void *aad = NULL;
    size_t len = 0;
    unsigned char *copy = NULL;

    p = OSSL_PARAM_locate_const(params, LITHSM_ASYM_PARAM_AAD);
    if (p == NULL)
        return 1;
    if (!OSSL_PARAM_get_octet_string_ptr(p, &aad, &len) || len > AAD_MAX) {
        LITHSM_RAISE(ctx->pc, LITHSM_R_BAD_ARGUMENT,
                     "\"" LITHSM_ASYM_PARAM_AAD "\" must be an octet string "
                     "of at most %d bytes",
                     AAD_MAX);
        return 0;
    }
    if (len > 0 && (copy = malloc(len)) == NULL) {
        LITHSM_RAISE(ctx->pc, LITHSM_R_MALLOC, "out of memory");
        return 0;
    }
    if (len > 0)
        memcpy(copy, aad, len);
    free(ctx->aad);
    ctx->aad = copy;
    ctx->aad_len = len;
    return 1;
}

static const OSSL_PARAM *gcm_settable_ctx_params(void *vctx, void *provctx)
{
    static const OSSL_PARAM params[] = {
        OSSL_PARAM_octet_string(LITHSM_ASYM_PARAM_AAD, NULL, 0), OSSL_PARAM_END
    };

    (void)vctx;
    (void)provctx;
    return params;
}

static int gcm_init(void *vctx, void *keydata, const OSSL_PARAM params[])
{
    gcm_ctx *ctx = vctx;
    lithsm_key *key = as_secret(keydata);

    if (key == NULL) {
        LITHSM_RAISE(ctx->pc, LITHSM_R_BAD_ARGUMENT,
                     LITHSM_AES_GCM_NAME " needs an AES key of the lithsm "
                                         "provider");
        return 0;
    }
    lithsm_key_unref(ctx->key);
    ctx->key = lithsm_key_ref(key);
    return gcm_set_ctx_params(ctx, params);
}

static int gcm_encrypt_init(void *vctx, void *keydata,
                            const OSSL_PARAM params[])
{
    return gcm_init(vctx, keydata, params);
}

static int gcm_decrypt_init(void *vctx, void *keydata,
                            const OSSL_PARAM params[])
{
    return gcm_init(vctx, keydata, params);
}

/* The room out needs (need) against what the caller has (outsize). */
static int room(gcm_ctx *ctx, size_t need, size_t outsize)
{
    if (outsize >= need)
        return 1;
    LITHSM_RAISE(ctx->pc, LITHSM_R_BAD_ARGUMENT,
                 "output buffer of %zu bytes, %zu needed", outsize, need);
    return 0;
}

static int gcm_encrypt(void *vctx, unsigned char *out, size_t *outlen,
                       size_t outsize, const unsigned char *in, size_t inlen)
{
    gcm_ctx *ctx = vctx;

    if (inlen > (size_t)-1 - OVERHEAD)
        return 0;
    if (out == NULL) {
        *outlen = inlen + OVERHEAD;
        return 1;
    }
    return room(ctx, inlen + OVERHEAD, outsize) &&
           lithsm_secret_encrypt(ctx->key, ctx->aad, ctx->aad_len, in, inlen,
                                 out, outlen);
}

/* Without out: inlen, more than the plaintext (the token wants room for
 * the whole input). */
static int gcm_decrypt(void *vctx, unsigned char *out, size_t *outlen,
                       size_t outsize, const unsigned char *in, size_t inlen)
{
    gcm_ctx *ctx = vctx;

    if (out == NULL) {
        *outlen = inlen;
        return 1;
    }
    return room(ctx, inlen, outsize) &&
           lithsm_secret_decrypt(ctx->key, ctx->aad, ctx->aad_len, in, inlen,
                                 out, outlen);
}

const OSSL_DISPATCH lithsm_aes_gcm_functions[] = {
    { OSSL_FUNC_ASYM_CIPHER_NEWCTX, (void (*)(void))gcm_newctx },
    { OSSL_FUNC_ASYM_CIPHER_FREECTX, (void (*)(void))gcm_freectx },
    { OSSL_FUNC_ASYM_CIPHER_DUPCTX, (void (*)(void))gcm_dupctx },
    { OSSL_FUNC_ASYM_CIPHER_ENCRYPT_INIT, (void (*)(void))gcm_encrypt_init },
    { OSSL_FUNC_ASYM_CIPHER_ENCRYPT, (void (*)(void))gcm_encrypt },
    { OSSL_FUNC_ASYM_CIPHER_DECRYPT_INIT, (void (*)(void))gcm_decrypt_init },
    { OSSL_FUNC_ASYM_CIPHER_DECRYPT, (void (*)(void))gcm_decrypt },
    { OSSL_FUNC_ASYM_CIPHER_SET_CTX_PARAMS,
      (void (*)(void))gcm_set_ctx_params },
    { OSSL_FUNC_ASYM_CIPHER_SETTABLE_CTX_PARAMS,
      (void (*)(void))gcm_settable_ctx_params },
    { 0, NULL }
};
