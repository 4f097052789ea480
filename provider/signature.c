/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * signature.c - ECDSA with a token key: the token signs the digest with
 * CKM_ECDSA and gives raw r || s, returned here as DER.
 *
 * sign        input is the digest itself: exactly 32 bytes, or exactly the
 *             size of the digest named in the context.  Nothing re-hashes
 *             it (a Keccak-256 digest must reach the token as it is).
 * digest-sign the message is hashed on the host, then signed as above.
 * verify      with the public point, through another provider (the token
 *             is not needed to verify).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/x509.h>

#include "lithsm_prov.h"

#define ECDSA_DER_MAX 72
#define OTHER_PROVIDERS "provider!=lithsm"

typedef struct sig_ctx {
    lithsm_provctx *pc;
    char *propq;
    lithsm_key *key;
    EVP_MD *md;
    EVP_MD_CTX *mdctx;
    size_t mdsize; /* 0: no digest named; the input must be 32 bytes */
} sig_ctx;

static OSSL_FUNC_signature_newctx_fn ecdsa_newctx;
static OSSL_FUNC_signature_freectx_fn ecdsa_freectx;
static OSSL_FUNC_signature_dupctx_fn ecdsa_dupctx;
static OSSL_FUNC_signature_sign_init_fn ecdsa_sign_init;
static OSSL_FUNC_signature_sign_fn ecdsa_sign;
static OSSL_FUNC_signature_verify_init_fn ecdsa_verify_init;
static OSSL_FUNC_signature_verify_fn ecdsa_verify;
static OSSL_FUNC_signature_digest_sign_init_fn ecdsa_digest_sign_init;
static OSSL_FUNC_signature_digest_sign_update_fn ecdsa_digest_update;
static OSSL_FUNC_signature_digest_sign_final_fn ecdsa_digest_sign_final;
static OSSL_FUNC_signature_digest_verify_init_fn ecdsa_digest_verify_init;
static OSSL_FUNC_signature_digest_verify_final_fn ecdsa_digest_verify_final;
static OSSL_FUNC_signature_get_ctx_params_fn ecdsa_get_ctx_params;
static OSSL_FUNC_signature_gettable_ctx_params_fn ecdsa_gettable_ctx_params;
static OSSL_FUNC_signature_set_ctx_params_fn ecdsa_set_ctx_params;
static OSSL_FUNC_signature_settable_ctx_params_fn ecdsa_settable_ctx_params;

static void *ecdsa_newctx(void *provctx, const char *propq)
{
    sig_ctx *ctx = calloc(1, sizeof(*ctx));

    if (ctx == NULL)
        return NULL;
    ctx->pc = provctx;
    if (propq != NULL && (ctx->propq = strdup(propq)) == NULL) {
        free(ctx);
        return NULL;
    }
    return ctx;
}

static void ecdsa_freectx(void *vctx)
{
    sig_ctx *ctx = vctx;

    if (ctx == NULL)
        return;
    EVP_MD_CTX_free(ctx->mdctx);
    EVP_MD_free(ctx->md);
    lithsm_key_unref(ctx->key);
    free(ctx->propq);
    free(ctx);
}

static void *ecdsa_dupctx(void *vctx)
{
    sig_ctx *src = vctx, *dst;

    dst = ecdsa_newctx(src->pc, src->propq);
    if (dst == NULL)
        return NULL;
    if (src->key != NULL)
        dst->key = lithsm_key_ref(src->key);
    if (src->md != NULL && EVP_MD_up_ref(src->md))
        dst->md = src->md;
    dst->mdsize = src->mdsize;
    if (src->mdctx != NULL && ((dst->mdctx = EVP_MD_CTX_new()) == NULL ||
                               !EVP_MD_CTX_copy_ex(dst->mdctx, src->mdctx))) {
        ecdsa_freectx(dst);
        return NULL;
    }
    return dst;
}

static int set_digest(sig_ctx *ctx, const char *name, const char *propq)
{
    EVP_MD *md;
    int size;

    if (ctx->pc->libctx == NULL) {
        LITHSM_RAISE(ctx->pc, LITHSM_R_BAD_ARGUMENT,
                     "no library context for digests");
        return 0;
    }
    md = EVP_MD_fetch(ctx->pc->libctx, name, propq);
    if (md == NULL) {
        LITHSM_RAISE(ctx->pc, LITHSM_R_BAD_ARGUMENT, "unknown digest %s", name);
        return 0;
    }
    size = EVP_MD_get_size(md);
    if (size <= 0) {
        EVP_MD_free(md);
        LITHSM_RAISE(ctx->pc, LITHSM_R_BAD_ARGUMENT,
                     "digest %s has no fixed size", name);
        return 0;
    }
    EVP_MD_free(ctx->md);
    ctx->md = md;
    ctx->mdsize = (size_t)size;
    return 1;
}

static int ecdsa_set_ctx_params(void *vctx, const OSSL_PARAM params[])
{
    sig_ctx *ctx = vctx;
    const OSSL_PARAM *p;
    char name[64], props[256], *pname = name, *pprops = props;

    if (params == NULL)
        return 1;
    props[0] = '\0';
    p = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_PROPERTIES);
    if (p != NULL && !OSSL_PARAM_get_utf8_string(p, &pprops, sizeof(props)))
        return 0;
    p = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_DIGEST);
    if (p != NULL) {
        if (!OSSL_PARAM_get_utf8_string(p, &pname, sizeof(name)))
            return 0;
        if (!set_digest(ctx, name, props[0] != '\0' ? props : NULL))
            return 0;
    }
    return 1;
}

static const OSSL_PARAM *ecdsa_settable_ctx_params(void *vctx, void *provctx)
{
    static const OSSL_PARAM params[] = {
        OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_DIGEST, NULL, 0),
        OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PROPERTIES, NULL, 0),
        OSSL_PARAM_END
    };

    return params;
}

/* The DER AlgorithmIdentifier ecdsa-with-<digest>, which X.509 and CMS
 * signing ask the provider for (without it OpenSSL 3.0 fails inside
 * ASN1_item_sign_ctx).  Returns 0 when the digest has no ECDSA OID. */
static int set_algorithm_id(OSSL_PARAM *p, const EVP_MD *md)
{
    X509_ALGOR *alg;
    unsigned char *der = NULL;
    int sig_nid, len, ok;

    if (!OBJ_find_sigid_by_algs(&sig_nid, EVP_MD_get_type(md),
                                NID_X9_62_id_ecPublicKey) ||
        (alg = X509_ALGOR_new()) == NULL)
        return 0;
    ok = X509_ALGOR_set0(alg, OBJ_nid2obj(sig_nid), V_ASN1_UNDEF, NULL) &&
         (len = i2d_X509_ALGOR(alg, &der)) > 0 &&
         OSSL_PARAM_set_octet_string(p, der, (size_t)len);
    OPENSSL_free(der);
    X509_ALGOR_free(alg);
    return ok;
}

static int ecdsa_get_ctx_params(void *vctx, OSSL_PARAM params[])
{
    sig_ctx *ctx = vctx;
    OSSL_PARAM *p;

    p = OSSL_PARAM_locate(params, OSSL_SIGNATURE_PARAM_ALGORITHM_ID);
    if (p != NULL && (ctx->md != NULL ? !set_algorithm_id(p, ctx->md)
                                      : !OSSL_PARAM_set_octet_string(p, "", 0)))
        return 0;

    p = OSSL_PARAM_locate(params, OSSL_SIGNATURE_PARAM_DIGEST);
    if (p != NULL && ctx->md != NULL &&
        !OSSL_PARAM_set_utf8_string(p, EVP_MD_get0_name(ctx->md)))
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_SIGNATURE_PARAM_DIGEST_SIZE);
    if (p != NULL && !OSSL_PARAM_set_size_t(p, ctx->mdsize ? ctx->mdsize : 32))
        return 0;
    return 1;
}

static const OSSL_PARAM *ecdsa_gettable_ctx_params(void *vctx, void *provctx)
{
    static const OSSL_PARAM params[] = {
        OSSL_PARAM_octet_string(OSSL_SIGNATURE_PARAM_ALGORITHM_ID, NULL, 0),
        OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_DIGEST, NULL, 0),
        OSSL_PARAM_size_t(OSSL_SIGNATURE_PARAM_DIGEST_SIZE, NULL),
        OSSL_PARAM_END
    };

    return params;
}

static int ecdsa_init(sig_ctx *ctx, void *keydata, const OSSL_PARAM params[])
{
    lithsm_key *key = keydata;

    if (key == NULL || key->magic != LITHSM_KEY_MAGIC) {
        LITHSM_RAISE(ctx->pc, LITHSM_R_BAD_ARGUMENT, "not a lithsm key");
        return 0;
    }
    lithsm_key_unref(ctx->key);
    ctx->key = lithsm_key_ref(key);
    return ecdsa_set_ctx_params(ctx, params);
}

static int ecdsa_sign_init(void *vctx, void *keydata, const OSSL_PARAM params[])
{
    return ecdsa_init(vctx, keydata, params);
}

static int ecdsa_verify_init(void *vctx, void *keydata,
                             const OSSL_PARAM params[])
{
    return ecdsa_init(vctx, keydata, params);
}

/* r || s from the token to a DER ECDSA-Sig-Value; i2d_ECDSA_SIG writes
 * minimal INTEGERs (a 0x00 before a high bit, no leading zeros). */
static int rs_to_der(sig_ctx *ctx, const unsigned char rs[64],
                     unsigned char *sig, size_t *siglen, size_t sigsize)
{
    ECDSA_SIG *es = NULL;
    BIGNUM *r = NULL, *s = NULL;
    unsigned char *p = sig;
    int len, ok = 0;

    r = BN_bin2bn(rs, 32, NULL);
    s = BN_bin2bn(rs + 32, 32, NULL);
    es = ECDSA_SIG_new();
    if (r == NULL || s == NULL || es == NULL) {
        LITHSM_RAISE(ctx->pc, LITHSM_R_MALLOC, "out of memory");
        goto done;
    }
    if (BN_is_zero(r) || BN_is_zero(s)) {
        LITHSM_RAISE(ctx->pc, LITHSM_R_PKCS11,
                     "token returned a signature with r or s = 0");
        goto done;
    }
    if (!ECDSA_SIG_set0(es, r, s))
        goto done;
    r = s = NULL; /* owned by es */
    len = i2d_ECDSA_SIG(es, NULL);
    if (len <= 0 || (size_t)len > sigsize) {
        LITHSM_RAISE(ctx->pc, LITHSM_R_BAD_ARGUMENT,
                     "signature buffer too small (%zu bytes)", sigsize);
        goto done;
    }
    *siglen = (size_t)i2d_ECDSA_SIG(es, &p);
    ok = 1;

done:
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    return ok;
}

static int sign_digest(sig_ctx *ctx, unsigned char *sig, size_t *siglen,
                       size_t sigsize, const unsigned char *dgst,
                       size_t dgstlen)
{
    unsigned char rs[64];
    size_t want = ctx->mdsize ? ctx->mdsize : 32;
    int ok;

    if (ctx->key == NULL) {
        LITHSM_RAISE(ctx->pc, LITHSM_R_BAD_ARGUMENT, "no key");
        return 0;
    }
    if (sig == NULL) {
        *siglen = ECDSA_DER_MAX;
        return 1;
    }
    if (dgstlen != want) {
        LITHSM_RAISE(ctx->pc, LITHSM_R_DIGEST_LENGTH,
                     "ECDSA input must be the %zu-byte digest, got %zu bytes",
                     want, dgstlen);
        return 0;
    }
    ok = lithsm_key_sign_raw(ctx->key, dgst, dgstlen, rs) &&
         rs_to_der(ctx, rs, sig, siglen, sigsize);
    OPENSSL_cleanse(rs, sizeof(rs));
    return ok;
}

static int ecdsa_sign(void *vctx, unsigned char *sig, size_t *siglen,
                      size_t sigsize, const unsigned char *tbs, size_t tbslen)
{
    return sign_digest(vctx, sig, siglen, sigsize, tbs, tbslen);
}

/* The token's public point as a key of another provider, for verifying. */
static EVP_PKEY *public_pkey(sig_ctx *ctx)
{
    EVP_PKEY_CTX *pctx;
    EVP_PKEY *pkey = NULL;
    OSSL_PARAM params[3];

    if (ctx->pc->libctx == NULL)
        return NULL;
    params[0] = OSSL_PARAM_construct_utf8_string(
        OSSL_PKEY_PARAM_GROUP_NAME, (char *)lithsm_curve_name(ctx->key->curve),
        0);
    params[1] = OSSL_PARAM_construct_octet_string(
        OSSL_PKEY_PARAM_PUB_KEY, ctx->key->pub, sizeof(ctx->key->pub));
    params[2] = OSSL_PARAM_construct_end();
    pctx = EVP_PKEY_CTX_new_from_name(ctx->pc->libctx, "EC", OTHER_PROVIDERS);
    if (pctx == NULL || EVP_PKEY_fromdata_init(pctx) <= 0 ||
        EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        pkey = NULL;
    EVP_PKEY_CTX_free(pctx);
    return pkey;
}

static int verify_digest(sig_ctx *ctx, const unsigned char *sig, size_t siglen,
                         const unsigned char *dgst, size_t dgstlen)
{
    EVP_PKEY *pkey;
    EVP_PKEY_CTX *vctx = NULL;
    int rc = 0;

    if (ctx->key == NULL)
        return 0;
    if ((pkey = public_pkey(ctx)) == NULL) {
        LITHSM_RAISE(ctx->pc, LITHSM_R_KEY,
                     "cannot verify: no other provider for EC public keys");
        return 0;
    }
    vctx = EVP_PKEY_CTX_new_from_pkey(ctx->pc->libctx, pkey, OTHER_PROVIDERS);
    if (vctx != NULL && EVP_PKEY_verify_init(vctx) > 0)
        rc = EVP_PKEY_verify(vctx, sig, siglen, dgst, dgstlen);
    EVP_PKEY_CTX_free(vctx);
    EVP_PKEY_free(pkey);
    return rc == 1;
}

static int ecdsa_verify(void *vctx, const unsigned char *sig, size_t siglen,
                        const unsigned char *tbs, size_t tbslen)
{
    return verify_digest(vctx, sig, siglen, tbs, tbslen);
}

static int digest_init(sig_ctx *ctx, const char *mdname, void *keydata,
                       const OSSL_PARAM params[])
{
    if (!ecdsa_init(ctx, keydata, params))
        return 0;
    if (!set_digest(ctx, mdname != NULL && *mdname != '\0' ? mdname : "SHA256",
                    ctx->propq))
        return 0;
    if (ctx->mdctx == NULL && (ctx->mdctx = EVP_MD_CTX_new()) == NULL)
        return 0;
    return EVP_DigestInit_ex2(ctx->mdctx, ctx->md, NULL);
}

static int ecdsa_digest_sign_init(void *vctx, const char *mdname, void *keydata,
                                  const OSSL_PARAM params[])
{
    return digest_init(vctx, mdname, keydata, params);
}

static int ecdsa_digest_verify_init(void *vctx, const char *mdname,
                                    void *keydata, const OSSL_PARAM params[])
{
    return digest_init(vctx, mdname, keydata, params);
}

static int ecdsa_digest_update(void *vctx, const unsigned char *data,
                               size_t datalen)
{
    sig_ctx *ctx = vctx;

    return ctx->mdctx != NULL &&
           EVP_DigestUpdate(ctx->mdctx, data, datalen) == 1;
}

static int ecdsa_digest_sign_final(void *vctx, unsigned char *sig,
                                   size_t *siglen, size_t sigsize)
{
    sig_ctx *ctx = vctx;
    unsigned char dgst[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;

    if (ctx->mdctx == NULL)
        return 0;
    if (sig == NULL) {
        *siglen = ECDSA_DER_MAX;
        return 1;
    }
    if (EVP_DigestFinal_ex(ctx->mdctx, dgst, &dlen) != 1)
        return 0;
    return sign_digest(ctx, sig, siglen, sigsize, dgst, dlen);
}

static int ecdsa_digest_verify_final(void *vctx, const unsigned char *sig,
                                     size_t siglen)
{
    sig_ctx *ctx = vctx;
    unsigned char dgst[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;

    if (ctx->mdctx == NULL || EVP_DigestFinal_ex(ctx->mdctx, dgst, &dlen) != 1)
        return 0;
    return verify_digest(ctx, sig, siglen, dgst, dlen);
}

const OSSL_DISPATCH lithsm_ecdsa_functions[] = {
    { OSSL_FUNC_SIGNATURE_NEWCTX, (void (*)(void))ecdsa_newctx },
    { OSSL_FUNC_SIGNATURE_FREECTX, (void (*)(void))ecdsa_freectx },
    { OSSL_FUNC_SIGNATURE_DUPCTX, (void (*)(void))ecdsa_dupctx },
    { OSSL_FUNC_SIGNATURE_SIGN_INIT, (void (*)(void))ecdsa_sign_init },
    { OSSL_FUNC_SIGNATURE_SIGN, (void (*)(void))ecdsa_sign },
    { OSSL_FUNC_SIGNATURE_VERIFY_INIT, (void (*)(void))ecdsa_verify_init },
    { OSSL_FUNC_SIGNATURE_VERIFY, (void (*)(void))ecdsa_verify },
    { OSSL_FUNC_SIGNATURE_DIGEST_SIGN_INIT,
      (void (*)(void))ecdsa_digest_sign_init },
    { OSSL_FUNC_SIGNATURE_DIGEST_SIGN_UPDATE,
      (void (*)(void))ecdsa_digest_update },
    { OSSL_FUNC_SIGNATURE_DIGEST_SIGN_FINAL,
      (void (*)(void))ecdsa_digest_sign_final },
    { OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_INIT,
      (void (*)(void))ecdsa_digest_verify_init },
    { OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_UPDATE,
      (void (*)(void))ecdsa_digest_update },
    { OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_FINAL,
      (void (*)(void))ecdsa_digest_verify_final },
    { OSSL_FUNC_SIGNATURE_GET_CTX_PARAMS,
      (void (*)(void))ecdsa_get_ctx_params },
    { OSSL_FUNC_SIGNATURE_GETTABLE_CTX_PARAMS,
      (void (*)(void))ecdsa_gettable_ctx_params },
    { OSSL_FUNC_SIGNATURE_SET_CTX_PARAMS,
      (void (*)(void))ecdsa_set_ctx_params },
    { OSSL_FUNC_SIGNATURE_SETTABLE_CTX_PARAMS,
      (void (*)(void))ecdsa_settable_ctx_params },
    { 0, NULL }
};
