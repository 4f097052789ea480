/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * keygen.c - lithsm_keygen: a key pair made inside a PKCS#11 token by the
 * lithsm provider (EVP_PKEY_keygen with LITHSM_PKEY_PARAM_URI), with
 * the wallet template.  The private key never leaves the token: what comes
 * back is its URI and its public key.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/store.h>
#include <openssl/ui.h>

#include "keys/keys.h"

/* PKCS#11 labels are at most 32 bytes in CK_TOKEN_INFO; key labels are
 * the provider's limit (63). */
static lithsm_err check_name(const char *what, const char *value, size_t max)
{
    size_t n;

    if (value == NULL || value[0] == '\0')
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "keygen: %s is empty", what);
    n = strlen(value);
    if (n > max)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "keygen: %s is longer than %zu bytes", what, max);
    if (!lithsm_utf8_valid(value, n))
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "keygen: %s is not UTF-8",
                           what);
    return LITHSM_OK;
}

/* "pkcs11:token=T;object=L" (+ ";type=private" when `typed`). */
static lithsm_err make_uri(char **out, const char *token, const char *label,
                           int typed)
{
    lithsm_buf b;

    lithsm_buf_init(&b);
    lithsm_buf_puts(&b, "pkcs11:token=");
    lithsm_p11_pct(&b, token);
    lithsm_buf_puts(&b, ";object=");
    lithsm_p11_pct(&b, label);
    if (typed)
        lithsm_buf_puts(&b, ";type=private");
    return lithsm_buf_finish(&b, out, NULL);
}

/* With a prompt wanted, logs in to the token through the store first (the
 * provider asks the UI method for the PIN), and keeps the store open so
 * the module, and the login, stay for the key generation.  A store that
 * finds no key is expected here: the label is new. */
static lithsm_err prompt_login(OSSL_STORE_CTX **store, lithsm_p11_ctx *c,
                               const char *uri)
{
    OSSL_STORE_INFO *info;
    unsigned long e;

    *store = OSSL_STORE_open_ex(uri, c->libctx, LITHSM_PROVIDER_PROPQ,
                                UI_OpenSSL(), NULL, NULL, NULL, NULL);
    if (*store == NULL || OSSL_STORE_expect(*store, OSSL_STORE_INFO_PKEY) != 1)
        return lithsm_p11_fail_openssl(LITHSM_ERR_PKCS11,
                                       "cannot open the token");
    info = OSSL_STORE_load(*store);
    OSSL_STORE_INFO_free(info);
    /* Only the provider's "no key" is fine; a PIN or token error is the
     * answer. */
    e = ERR_peek_last_error();
    if (e != 0 && !lithsm_p11_error_is(c, e, LITHSM_R_OBJECT_NOT_FOUND))
        return lithsm_p11_fail_openssl(LITHSM_ERR_PKCS11,
                                       "cannot log in to the token");
    ERR_clear_error();
    return LITHSM_OK;
}

lithsm_err lithsm_keygen(char **uri_out, uint8_t pubkey_out[65],
                         const char *token, const char *label,
                         const char *curve, const lithsm_token_opts *opts)
{
    lithsm_p11_ctx c;
    OSSL_STORE_CTX *store = NULL;
    EVP_PKEY_CTX *gctx = NULL;
    EVP_PKEY *pkey = NULL;
    OSSL_PARAM params[3];
    char *base = NULL, *full = NULL, *typed = NULL;
    char group[16];
    uint8_t pub[65];
    size_t len = 0;
    lithsm_err err;

    memset(&c, 0, sizeof(c));
    if (uri_out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "keygen: NULL argument");
    *uri_out = NULL;
    if (curve == NULL || strcmp(curve, "secp256k1") == 0)
        strcpy(group, "secp256k1");
    else if (strcmp(curve, "P-256") == 0 || strcmp(curve, "prime256v1") == 0)
        strcpy(group, "prime256v1");
    else
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "keygen: curve must be secp256k1 or P-256");
    if ((err = check_name("the token label", token, 32)) != LITHSM_OK ||
        (err = check_name("the key label", label, 63)) != LITHSM_OK)
        return err;
    if ((err = make_uri(&base, token, label, 0)) != LITHSM_OK ||
        (err = make_uri(&typed, token, label, 1)) != LITHSM_OK ||
        (err = lithsm_p11_uri(&full, base, opts)) != LITHSM_OK ||
        (err = lithsm_p11_ctx_open(&c)) != LITHSM_OK)
        goto done;
    if (opts != NULL && opts->prompt && opts->pin_source == NULL) {
        if ((err = prompt_login(&store, &c, full)) != LITHSM_OK)
            goto done;
    }

    gctx = EVP_PKEY_CTX_new_from_name(c.libctx, "EC", LITHSM_PROVIDER_PROPQ);
    params[0] =
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
    params[1] =
        OSSL_PARAM_construct_utf8_string(LITHSM_PKEY_PARAM_URI, full, 0);
    params[2] = OSSL_PARAM_construct_end();
    if (gctx == NULL || EVP_PKEY_keygen_init(gctx) <= 0 ||
        EVP_PKEY_CTX_set_params(gctx, params) <= 0) {
        err = lithsm_p11_fail_openssl(LITHSM_ERR_PKCS11,
                                      "cannot start key generation");
        goto done;
    }
    if (EVP_PKEY_generate(gctx, &pkey) <= 0) {
        err =
            lithsm_p11_fail_openssl(LITHSM_ERR_PKCS11, "key generation failed");
        goto done;
    }
    if (!EVP_PKEY_get_octet_string_param(
            pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pub, sizeof(pub), &len) ||
        len != 65 || pub[0] != 0x04) {
        err = lithsm_p11_fail_openssl(LITHSM_ERR_KEY,
                                      "the new key has no public key");
        goto done;
    }
    if (pubkey_out != NULL)
        memcpy(pubkey_out, pub, sizeof(pub));
    *uri_out = typed;
    typed = NULL;
    err = LITHSM_OK;

done:
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(gctx);
    OSSL_STORE_close(store);
    lithsm_p11_ctx_close(&c);
    ERR_clear_error();
    if (full != NULL)
        lithsm_memzero(full, strlen(full));
    free(full);
    free(base);
    free(typed);
    return err;
}
