/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * signer_pem.c - software keys in PEM files: the secp256k1 scalar of an
 * unencrypted PEM private key, read with no copy left behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "keys/keys.h"
#include "util/safe_file.h"

/* A PEM private key is a few hundred bytes; refuse anything much larger. */
#define KEY_FILE_MAX (64u * 1024u)

/* Never prompt on the terminal for a passphrase: a library must not. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

/* Reads the whole key file (bounded, owner-only: safe_file.h) into a
 * locked buffer the caller releases with lithsm_file_free(). */
static lithsm_err read_key_file(char **out, size_t *len_out, const char *path)
{
    lithsm_file_status st;
    int err = 0;

    st = lithsm_file_read(path, LITHSM_FILE_SECRET, KEY_FILE_MAX, out, len_out,
                          &err);
    switch (st) {
    case LITHSM_FILE_OK:
        return LITHSM_OK;
    case LITHSM_FILE_NOMEM:
        return lithsm_fail(LITHSM_ERR_NOMEM, "key file: out of memory");
    case LITHSM_FILE_TOO_LARGE:
        return lithsm_fail(LITHSM_ERR_KEY,
                           "key file %s: larger than %u bytes, not a PEM key",
                           path, KEY_FILE_MAX);
    default:
        return lithsm_fail(LITHSM_ERR_IO, "key file %s: %s", path,
                           lithsm_file_problem(st, err));
    }
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

/* An encrypted PEM key says so in its header lines. */
static int says_encrypted(const char *pem, size_t len)
{
    size_t i;

    for (i = 0; i + 9 <= len; i++)
        if (memcmp(pem + i, "ENCRYPTED", 9) == 0)
            return 1;
    return 0;
}

/* The scalar of the PEM text pem (NUL-terminated); name is for messages. */
static lithsm_err pem_text_secret(uint8_t secret[32], const char *pem,
                                  size_t pem_len, const char *name)
{
    BIO *bio = NULL;
    EVP_PKEY *pkey = NULL;
    lithsm_err err;

    if (pem_len > KEY_FILE_MAX)
        return lithsm_fail(LITHSM_ERR_KEY,
                           "key %s: larger than %u bytes, not a PEM key", name,
                           KEY_FILE_MAX);
    bio = BIO_new_mem_buf(pem, (int)pem_len);
    if (bio == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "key file: out of memory");
    pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
    if (pkey == NULL && says_encrypted(pem, pem_len))
        err = lithsm_fail(LITHSM_ERR_KEY,
                          "key file %s: passphrase-protected keys are "
                          "not supported",
                          name);
    else if (pkey == NULL)
        err = lithsm_fail(LITHSM_ERR_KEY,
                          "key file %s: no PEM private key in it", name);
    else
        err = pkey_secret(secret, pkey, name);
    EVP_PKEY_free(pkey);
    BIO_free(bio);
    /* Leave no OpenSSL errors from a failed decode on this thread. */
    ERR_clear_error();
    return err;
}

lithsm_err lithsm_pem_secret(uint8_t secret[32], const char *path)
{
    char *pem = NULL;
    size_t pem_len = 0;
    lithsm_err err;

    if ((err = read_key_file(&pem, &pem_len, path)) != LITHSM_OK)
        return err;
    err = pem_text_secret(secret, pem, pem_len, path);
    lithsm_file_free(pem, pem_len);
    return err;
}

lithsm_err lithsm_signer_from_pem(lithsm_signer **out, const char *pem,
                                  size_t pem_len)
{
    uint8_t secret[32];
    lithsm_err err;

    if (out == NULL || pem == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "lithsm_signer_from_pem: NULL argument");
    *out = NULL;
    lithsm_lock_secret(secret, sizeof(secret));
    err = pem_text_secret(secret, pem, pem_len, "(from memory)");
    if (err == LITHSM_OK)
        err = lithsm_signer_from_secret(out, secret);
    lithsm_memzero(secret, sizeof(secret));
    lithsm_unlock_secret(secret, sizeof(secret));
    return err;
}
