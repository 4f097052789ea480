/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * signer_pkcs11.c - a signer whose key lives in a PKCS#11 token, reached
 * only through OSSL_STORE and the lithsm OpenSSL provider.
 *
 * The signer has an OpenSSL library context of its own with the "lithsm"
 * and "default" providers, so the application's configuration neither
 * breaks nor sees it.  The token signs the 32-byte digest with CKM_ECDSA
 * (EVP_PKEY_sign: nothing re-hashes it); the DER signature is split into
 * (r, s), and lithsm_signer_sign_digest makes s low and finds v by
 * recovery against the token key's public point.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "keys/keys.h"

/* DER ECDSA signature on a 256-bit curve: at most 72 bytes. */
#define DER_SIG_MAX 80

typedef struct p11_signer {
    lithsm_p11_ctx ctx;
    EVP_PKEY *pkey;
} p11_signer;

static void p11_free(void *impl)
{
    p11_signer *p = impl;

    if (p == NULL)
        return;
    EVP_PKEY_free(p->pkey);
    lithsm_p11_ctx_close(&p->ctx);
    free(p);
}

/* A wallet key must be EC on secp256k1: a P-256 key would sign, but never
 * recover to an Ethereum address. */
static lithsm_err key_pubkey(uint8_t pub[65], EVP_PKEY *pkey)
{
    char curve[64];
    size_t len = 0;

    if (!EVP_PKEY_is_a(pkey, "EC"))
        return lithsm_fail(LITHSM_ERR_KEY,
                           "pkcs11: token key is not an EC key on secp256k1");
    if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, curve,
                                        sizeof(curve), &len))
        return lithsm_p11_fail_openssl(LITHSM_ERR_KEY,
                                       "token key without a curve name");
    if (strcmp(curve, "secp256k1") != 0)
        return lithsm_fail(LITHSM_ERR_KEY,
                           "pkcs11: token key is on curve %s, not secp256k1",
                           curve);
    if (!EVP_PKEY_get_octet_string_param(
            pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pub, 65, &len) ||
        len != 65 || pub[0] != 0x04)
        return lithsm_p11_fail_openssl(
            LITHSM_ERR_KEY, "token key without an uncompressed public key");
    return LITHSM_OK;
}

/* DER ECDSA-Sig-Value to (r, s), each left-padded to 32 bytes. */
static lithsm_err der_to_rs(uint8_t r[32], uint8_t s[32],
                            const unsigned char *der, size_t der_len)
{
    const unsigned char *p = der;
    const BIGNUM *br, *bs;
    ECDSA_SIG *sig;
    lithsm_err err = LITHSM_OK;

    sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    if (sig == NULL || p != der + der_len) {
        err = lithsm_fail(LITHSM_ERR_SIGNATURE,
                          "pkcs11: token signature is not DER (r, s)");
        goto done;
    }
    ECDSA_SIG_get0(sig, &br, &bs);
    if (BN_bn2binpad(br, r, 32) != 32 || BN_bn2binpad(bs, s, 32) != 32)
        err = lithsm_fail(LITHSM_ERR_SIGNATURE,
                          "pkcs11: token signature r or s exceeds 32 bytes");

done:
    ECDSA_SIG_free(sig);
    ERR_clear_error();
    return err;
}

static lithsm_err p11_sign_rs(uint8_t r[32], uint8_t s[32], void *impl,
                              const uint8_t hash[32])
{
    p11_signer *p = impl;
    EVP_PKEY_CTX *ctx;
    unsigned char der[DER_SIG_MAX];
    size_t der_len = sizeof(der);

    /* "?provider=lithsm": the token's ECDSA, whatever else is loaded. */
    ctx = EVP_PKEY_CTX_new_from_pkey(p->ctx.libctx, p->pkey,
                                     "?" LITHSM_PROVIDER_PROPQ);
    if (ctx == NULL)
        return lithsm_p11_fail_openssl(LITHSM_ERR_NOMEM,
                                       "cannot make a signing context");
    if (EVP_PKEY_sign_init(ctx) <= 0 ||
        EVP_PKEY_sign(ctx, der, &der_len, hash, 32) <= 0) {
        EVP_PKEY_CTX_free(ctx);
        return lithsm_p11_fail_openssl(LITHSM_ERR_PKCS11,
                                       "token signing failed");
    }
    EVP_PKEY_CTX_free(ctx);
    return der_to_rs(r, s, der, der_len);
}

/* The provider's probe: the token there and the key on it. */
static lithsm_err p11_check(void *impl)
{
    p11_signer *p = impl;
    int ok = 0;

    if (!EVP_PKEY_get_int_param(p->pkey, LITHSM_PKEY_PARAM_TOKEN_OK, &ok) ||
        ok != 1)
        return lithsm_p11_fail_openssl(LITHSM_ERR_PKCS11,
                                       "the token key is not available");
    return LITHSM_OK;
}

const lithsm_signer_ops lithsm_p11_signer_ops = {
    .kind = "pkcs11",
    .sign_rs = p11_sign_rs,
    .check = p11_check,
    .free = p11_free,
};

/* Opens the key of a pkcs11: URI that already holds every setting. */
static lithsm_err open_uri(void **impl, uint8_t pub[65], const char *uri,
                           int prompt)
{
    p11_signer *p;
    lithsm_err err;

    p = calloc(1, sizeof(*p));
    if (p == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "pkcs11: out of memory");
    if ((err = lithsm_p11_ctx_open(&p->ctx)) != LITHSM_OK ||
        (err = lithsm_p11_load_pkey(&p->pkey, &p->ctx, uri, prompt, "",
                                    LITHSM_ERR_KEY)) != LITHSM_OK ||
        (err = key_pubkey(pub, p->pkey)) != LITHSM_OK) {
        p11_free(p);
        ERR_clear_error();
        return err;
    }
    *impl = p;
    return LITHSM_OK;
}

lithsm_err lithsm_p11_signer_open(void **impl, uint8_t pub[65], const char *uri,
                                  const lithsm_token_opts *opts)
{
    char *full = NULL;
    lithsm_err err;

    *impl = NULL;
    if (opts == NULL)
        return open_uri(impl, pub, uri, 0);
    if ((err = lithsm_p11_uri(&full, uri, opts)) != LITHSM_OK)
        return err;
    err = open_uri(impl, pub, full, opts->prompt);
    lithsm_memzero(full, strlen(full));
    free(full);
    return err;
}
