/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * signer.c - secp256k1 signers behind one small table of operations: a
 * software key (raw, or read from a PEM file by signer_pem.c) or a PKCS#11
 * token key (signer_pkcs11.c).  Opening a key is decided here, in one
 * place: the files of each kind never call back.
 */
#include <stdlib.h>
#include <string.h>

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "keys/keys.h"

struct lithsm_signer {
    const lithsm_signer_ops *ops;
    void *impl;
    uint8_t pubkey[65];         /* 04 || X || Y */
    lithsm_eth_address address; /* cached: asked for on every AuthSig */
    uint8_t secret[32];         /* software keys only; impl points here */
};

lithsm_err lithsm_signer_new(lithsm_signer **out, const lithsm_signer_ops *ops,
                             void *impl, const uint8_t *pubkey,
                             size_t pubkey_len)
{
    const secp256k1_context *ctx;
    secp256k1_pubkey pk;
    lithsm_eth_address addr;
    lithsm_signer *signer = NULL;
    size_t len = 65;
    lithsm_err err;

    if (out == NULL || ops == NULL || (!ops->sign_eth && !ops->sign_rs)) {
        err = lithsm_fail(LITHSM_ERR_INVALID_ARG, "signer: bad arguments");
        goto fail;
    }
    *out = NULL;
    if ((err = lithsm_secp256k1_ctx(&ctx)) != LITHSM_OK)
        goto fail;
    /* Strict SEC1 checks (on the curve, no hybrid form) happen here. */
    if ((err = lithsm_eth_address_from_pubkey(&addr, pubkey, pubkey_len)) !=
        LITHSM_OK)
        goto fail;
    signer = calloc(1, sizeof(*signer));
    if (signer == NULL) {
        err = lithsm_fail(LITHSM_ERR_NOMEM, "signer: out of memory");
        goto fail;
    }
    /* Keep the key uncompressed whatever form the signer gave. */
    if (!secp256k1_ec_pubkey_parse(ctx, &pk, pubkey, pubkey_len)) {
        err =
            lithsm_fail(LITHSM_ERR_KEY, "%s signer: bad public key", ops->kind);
        goto fail;
    }
    (void)secp256k1_ec_pubkey_serialize(ctx, signer->pubkey, &len, &pk,
                                        SECP256K1_EC_UNCOMPRESSED);
    signer->address = addr;
    signer->ops = ops;
    signer->impl = impl;
    *out = signer;
    return LITHSM_OK;

fail:
    free(signer);
    if (ops != NULL && ops->free != NULL && impl != NULL)
        ops->free(impl);
    return err;
}

void lithsm_signer_free(lithsm_signer *signer)
{
    if (signer == NULL)
        return;
    if (signer->ops->free != NULL && signer->impl != NULL)
        signer->ops->free(signer->impl);
    lithsm_memzero(signer, sizeof(*signer));
    free(signer);
}

void lithsm_signer_address(lithsm_eth_address *out, const lithsm_signer *signer)
{
    *out = signer->address;
}

void lithsm_signer_pubkey(uint8_t out[65], const lithsm_signer *signer)
{
    memcpy(out, signer->pubkey, 65);
}

lithsm_err lithsm_signer_sign_digest(lithsm_eth_sig *out, lithsm_signer *signer,
                                     const uint8_t hash[32])
{
    uint8_t r[32], s[32];
    lithsm_err err;

    if (out == NULL || signer == NULL || hash == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "sign: NULL argument");
    if (signer->ops->sign_eth != NULL)
        return signer->ops->sign_eth(out, signer->impl, hash);

    /* A token gives (r, s) only: make s low and find v by recovery. */
    err = signer->ops->sign_rs(r, s, signer->impl, hash);
    if (err == LITHSM_OK)
        err = lithsm_eth_sig_from_rs(out, r, s, hash, signer->pubkey, 65);
    return err;
}

lithsm_err lithsm_signer_check(lithsm_signer *signer)
{
    if (signer == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "check: NULL argument");
    return signer->ops->check != NULL ? signer->ops->check(signer->impl)
                                      : LITHSM_OK;
}

/* ------------------------------------------------------------------------
 * Software keys
 */

static lithsm_err soft_sign(lithsm_eth_sig *out, void *impl,
                            const uint8_t hash[32])
{
    const uint8_t *secret = impl;
    const secp256k1_context *ctx;
    secp256k1_ecdsa_recoverable_signature sig;
    lithsm_err err;
    int recid;

    if ((err = lithsm_secp256k1_ctx(&ctx)) != LITHSM_OK)
        return err;
    /* NULL nonce function: RFC 6979, so signatures match ethers exactly.
     * libsecp256k1 always returns low s. */
    if (!secp256k1_ecdsa_sign_recoverable(ctx, &sig, hash, secret, NULL, NULL))
        return lithsm_fail(LITHSM_ERR_CRYPTO, "sign: secp256k1 signing failed");
    (void)secp256k1_ecdsa_recoverable_signature_serialize_compact(
        ctx, out->bytes, &recid, &sig);
    out->bytes[64] = (uint8_t)(27 + recid);
    return LITHSM_OK;
}

static const lithsm_signer_ops soft_ops = {
    .kind = "software",
    .sign_eth = soft_sign,
};

lithsm_err lithsm_signer_from_secret(lithsm_signer **out,
                                     const uint8_t secret[32])
{
    const secp256k1_context *ctx;
    secp256k1_pubkey pk;
    uint8_t pubkey[65];
    size_t len = sizeof(pubkey);
    lithsm_err err;

    if (out == NULL || secret == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "signer: NULL argument");
    *out = NULL;
    if ((err = lithsm_secp256k1_ctx(&ctx)) != LITHSM_OK)
        return err;
    if (!secp256k1_ec_seckey_verify(ctx, secret))
        return lithsm_fail(LITHSM_ERR_KEY,
                           "private key: must be between 1 and n - 1 "
                           "(the secp256k1 group order)");
    if (!secp256k1_ec_pubkey_create(ctx, &pk, secret))
        return lithsm_fail(LITHSM_ERR_CRYPTO,
                           "private key: cannot compute the public key");
    (void)secp256k1_ec_pubkey_serialize(ctx, pubkey, &len, &pk,
                                        SECP256K1_EC_UNCOMPRESSED);
    if ((err = lithsm_signer_new(out, &soft_ops, NULL, pubkey, len)) !=
        LITHSM_OK)
        return err;
    memcpy((*out)->secret, secret, 32);
    (*out)->impl = (*out)->secret;
    return LITHSM_OK;
}
/* ------------------------------------------------------------------------
 * Opening a key: a PEM file or a pkcs11: URI
 */

static lithsm_err open_pem(lithsm_signer **out, const char *path)
{
    uint8_t secret[32];
    lithsm_err err;

    err = lithsm_pem_secret(secret, path);
    if (err == LITHSM_OK)
        err = lithsm_signer_from_secret(out, secret);
    lithsm_memzero(secret, sizeof(secret));
    return err;
}

static lithsm_err open_pkcs11(lithsm_signer **out, const char *uri,
                              const lithsm_token_opts *opts)
{
    uint8_t pub[65];
    void *impl = NULL;
    lithsm_err err;

    err = lithsm_p11_signer_open(&impl, pub, uri, opts);
    if (err != LITHSM_OK)
        return err;
    /* Takes ownership of impl, also on failure. */
    return lithsm_signer_new(out, &lithsm_p11_signer_ops, impl, pub,
                             sizeof(pub));
}

/* opts NULL: a pkcs11: URI is used as it is. */
static lithsm_err open_key(lithsm_signer **out, const char *uri,
                           const lithsm_token_opts *opts)
{
    if (out == NULL || uri == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "signer: NULL argument");
    *out = NULL;
    /* Token keys: sign_rs through the lithsm provider. */
    if (strncmp(uri, "pkcs11:", 7) == 0)
        return open_pkcs11(out, uri, opts);
    if (opts != NULL && (opts->module != NULL || opts->pin_source != NULL))
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "a PKCS#11 module or PIN source applies to "
                           "pkcs11: URIs only, not to key files");
    return open_pem(out, uri);
}

lithsm_err lithsm_signer_open(lithsm_signer **out, const char *uri)
{
    return open_key(out, uri, NULL);
}

lithsm_err lithsm_signer_open_token(lithsm_signer **out, const char *uri,
                                    const lithsm_token_opts *opts)
{
    static const lithsm_token_opts none = { NULL, NULL, 0 };

    /* Even without options the URI goes through lithsm_p11_uri's checks. */
    return open_key(out, uri, opts != NULL ? opts : &none);
}
