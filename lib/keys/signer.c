/*
 * signer.c - secp256k1 signers: a software key (raw or PEM file) today,
 * a PKCS#11 token later, behind one small table of operations.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "keys/keys.h"

/* A PEM private key is a few hundred bytes; refuse anything much larger. */
#define KEY_FILE_MAX (64u * 1024u)

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
 * PEM files
 */

/* Never prompt on the terminal for a passphrase: a library must not. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

/* Reads the whole file (bounded) into a buffer the caller wipes and frees.
 * stdio buffering is off so no other copy of the key stays in memory. */
static lithsm_err read_key_file(char **out, size_t *len_out, const char *path)
{
    FILE *fp;
    char *data = NULL;
    size_t len = 0, n;
    lithsm_err err;

    *out = NULL;
    fp = fopen(path, "rb");
    if (fp == NULL)
        return lithsm_fail(LITHSM_ERR_IO, "key file %s: %s", path,
                           strerror(errno));
    setvbuf(fp, NULL, _IONBF, 0);
    data = malloc(KEY_FILE_MAX + 1);
    if (data == NULL) {
        err = lithsm_fail(LITHSM_ERR_NOMEM, "key file: out of memory");
        goto fail;
    }
    while ((n = fread(data + len, 1, KEY_FILE_MAX + 1 - len, fp)) > 0) {
        len += n;
        if (len > KEY_FILE_MAX)
            break;
    }
    if (ferror(fp)) {
        err = lithsm_fail(LITHSM_ERR_IO, "key file %s: %s", path,
                          strerror(errno));
        goto fail;
    }
    if (len > KEY_FILE_MAX) {
        err = lithsm_fail(LITHSM_ERR_KEY,
                          "key file %s: larger than %u bytes, not a PEM key",
                          path, KEY_FILE_MAX);
        goto fail;
    }
    fclose(fp);
    data[len] = '\0';
    *out = data;
    *len_out = len;
    return LITHSM_OK;

fail:
    if (data != NULL) {
        lithsm_memzero(data, len);
        free(data);
    }
    fclose(fp);
    return err;
}

/* Checks the key is EC on secp256k1 and copies its 32-byte scalar. */
static lithsm_err pkey_secret(uint8_t secret[32], EVP_PKEY *pkey,
                              const char *path)
{
    char curve[64];
    size_t curve_len = 0;
    BIGNUM *d = NULL;
    lithsm_err err = LITHSM_OK;

    if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC) {
        const char *type = EVP_PKEY_get0_type_name(pkey);

        return lithsm_fail(LITHSM_ERR_KEY,
                           "key file %s: key type %s, not an EC key on "
                           "secp256k1",
                           path, type != NULL ? type : "unknown");
    }
    if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, curve,
                                        sizeof(curve), &curve_len))
        return lithsm_fail(LITHSM_ERR_KEY,
                           "key file %s: EC key without a named curve "
                           "(explicit parameters are not supported)",
                           path);
    if (strcmp(curve, "secp256k1") != 0)
        return lithsm_fail(LITHSM_ERR_KEY,
                           "key file %s: EC key on curve %s, not secp256k1",
                           path, curve);
    if (!EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d))
        return lithsm_fail(LITHSM_ERR_KEY, "key file %s: no private key in it",
                           path);
    if (BN_bn2binpad(d, secret, 32) != 32)
        err = lithsm_fail(LITHSM_ERR_KEY,
                          "key file %s: private key is not 32 bytes", path);
    BN_clear_free(d);
    return err;
}

lithsm_err lithsm_signer_open(lithsm_signer **out, const char *uri)
{
    char *pem = NULL;
    size_t pem_len = 0;
    BIO *bio = NULL;
    EVP_PKEY *pkey = NULL;
    uint8_t secret[32];
    lithsm_err err;

    if (out == NULL || uri == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "signer: NULL argument");
    *out = NULL;

    /* Token keys: sign_rs through the lithsm provider (signer_pkcs11.c). */
    if (strncmp(uri, "pkcs11:", 7) == 0)
        return lithsm_signer_open_pkcs11(out, uri);

    if ((err = read_key_file(&pem, &pem_len, uri)) != LITHSM_OK)
        return err;
    bio = BIO_new_mem_buf(pem, (int)pem_len);
    if (bio == NULL) {
        err = lithsm_fail(LITHSM_ERR_NOMEM, "key file: out of memory");
        goto done;
    }
    pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
    if (pkey == NULL) {
        if (strstr(pem, "ENCRYPTED") != NULL)
            err = lithsm_fail(LITHSM_ERR_KEY,
                              "key file %s: passphrase-protected keys are "
                              "not supported",
                              uri);
        else
            err = lithsm_fail(LITHSM_ERR_KEY,
                              "key file %s: no PEM private key in it", uri);
        goto done;
    }
    if ((err = pkey_secret(secret, pkey, uri)) != LITHSM_OK)
        goto done;
    err = lithsm_signer_from_secret(out, secret);

done:
    lithsm_memzero(secret, sizeof(secret));
    EVP_PKEY_free(pkey);
    BIO_free(bio);
    if (pem != NULL) {
        lithsm_memzero(pem, pem_len);
        free(pem);
    }
    /* Leave no OpenSSL errors from a failed decode on this thread. */
    ERR_clear_error();
    return err;
}
