/*
 * signer_pem.c - software keys in PEM files: the secp256k1 scalar of an
 * unencrypted PEM private key, read with no copy left behind.
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

#include "keys/keys.h"

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

lithsm_err lithsm_pem_secret(uint8_t secret[32], const char *path)
{
    char *pem = NULL;
    size_t pem_len = 0;
    BIO *bio = NULL;
    EVP_PKEY *pkey = NULL;
    lithsm_err err;

    if ((err = read_key_file(&pem, &pem_len, path)) != LITHSM_OK)
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
                              path);
        else
            err = lithsm_fail(LITHSM_ERR_KEY,
                              "key file %s: no PEM private key in it", path);
        goto done;
    }
    err = pkey_secret(secret, pkey, path);

done:
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
