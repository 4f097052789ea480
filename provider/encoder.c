/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * encoder.c - encoders for the provider's own keys.
 *
 * text    what the key is and where: its pkcs11: URI (RFC 7512), label, id,
 *         curve and public point.  openssl pkey -text -noout and storeutl
 *         -text print it, so a listing of a token shows how to name each
 *         key.
 * PEM/DER a token private key as PrivateKeyInfo (openssl pkey -in URI,
 *         PEM_write_PrivateKey): it never leaves the token, so the encoder
 *         only refuses, with an error that says what to do instead
 *         (LITHSM_R_KEY_IN_TOKEN).  Without it OpenSSL 3.0 fails with no
 *         message at all.
 *
 * Both take only keys of this provider (obj_raw): no import_object.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>

#include "lithsm_prov.h"

static OSSL_FUNC_encoder_newctx_fn enc_newctx;
static OSSL_FUNC_encoder_freectx_fn enc_freectx;
static OSSL_FUNC_encoder_does_selection_fn text_does_selection;
static OSSL_FUNC_encoder_encode_fn text_encode;
static OSSL_FUNC_encoder_does_selection_fn priv_does_selection;
static OSSL_FUNC_encoder_encode_fn priv_encode;

static void *enc_newctx(void *provctx)
{
    return provctx;
}

static void enc_freectx(void *ctx)
{
}

/* obj_raw is ours when it comes at all (same provider); the magic checks
 * it all the same. */
static lithsm_key *own_key(const void *obj_raw)
{
    lithsm_key *key = (lithsm_key *)obj_raw;

    return key != NULL && key->magic == LITHSM_KEY_MAGIC ? key : NULL;
}

static int text_does_selection(void *provctx, int selection)
{
    return (selection & (OSSL_KEYMGMT_SELECT_KEYPAIR |
                         OSSL_KEYMGMT_SELECT_ALL_PARAMETERS)) != 0;
}

static const char *class_name(const lithsm_key *key)
{
    return key->class == CKO_PRIVATE_KEY  ? "private"
           : key->class == CKO_PUBLIC_KEY ? "public"
                                          : "secret";
}

/* The public point as OpenSSL's text encoders print it. */
static void print_point(BIO *out, const unsigned char *p, size_t n)
{
    size_t i;

    BIO_puts(out, "pub:");
    for (i = 0; i < n; i++)
        BIO_printf(out, "%s%02x%s", i % 15 == 0 ? "\n    " : "", p[i],
                   i + 1 < n ? ":" : "\n");
}

static int text_encode(void *ctx, OSSL_CORE_BIO *cout, const void *obj_raw,
                       const OSSL_PARAM obj_abstract[], int selection,
                       OSSL_PASSPHRASE_CALLBACK *cb, void *cbarg)
{
    lithsm_provctx *pc = ctx;
    lithsm_key *key = own_key(obj_raw);
    BIO *out;
    char *uri;
    size_t i;

    if (key == NULL) {
        LITHSM_RAISE(pc, LITHSM_R_BAD_ARGUMENT, "not a lithsm key");
        return 0;
    }
    if ((uri = lithsm_key_uri(key)) == NULL)
        return 0;
    out = BIO_new_from_core_bio(pc->libctx, cout);
    if (out == NULL) {
        free(uri);
        LITHSM_RAISE(pc, LITHSM_R_MALLOC, "out of memory");
        return 0;
    }
    if (key->class == CKO_SECRET_KEY)
        BIO_puts(out, "AES-256 secret key in a PKCS#11 token "
                      "(it never leaves the token)\n");
    else
        BIO_printf(out, "EC %s key on %s in a PKCS#11 token%s\n",
                   class_name(key), lithsm_curve_name(key->curve),
                   key->class == CKO_PRIVATE_KEY
                       ? " (it never leaves the token)"
                       : "");
    BIO_printf(out, "uri: %s\nlabel: %s\nid: ", uri, key->label);
    for (i = 0; i < key->id_len; i++)
        BIO_printf(out, "%02x", key->id[i]);
    BIO_puts(out, "\n");
    if (key->class != CKO_SECRET_KEY) {
        print_point(out, key->pub, sizeof(key->pub));
        BIO_printf(out, "ASN1 OID: %s\n", lithsm_curve_name(key->curve));
    }
    BIO_free(out);
    free(uri);
    return 1;
}

static int priv_does_selection(void *provctx, int selection)
{
    return (selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0;
}

static int priv_encode(void *ctx, OSSL_CORE_BIO *cout, const void *obj_raw,
                       const OSSL_PARAM obj_abstract[], int selection,
                       OSSL_PASSPHRASE_CALLBACK *cb, void *cbarg)
{
    lithsm_provctx *pc = ctx;
    lithsm_key *key = own_key(obj_raw);

    if (key == NULL || key->class != CKO_PRIVATE_KEY) {
        LITHSM_RAISE(pc, LITHSM_R_NOT_PRIVATE,
                     "not a private key of a PKCS#11 token");
        return 0;
    }
    LITHSM_RAISE(pc, LITHSM_R_KEY_IN_TOKEN,
                 "private key \"%s\" stays in the PKCS#11 token: it cannot be "
                 "written as PEM or DER.  Its public key: -pubout (openssl "
                 "pkey -in URI -pubout), or type=public in the URI with "
                 "-pubin; its pkcs11: URI: -text -noout",
                 key->label);
    return 0;
}

static const OSSL_DISPATCH text_functions[] = {
    { OSSL_FUNC_ENCODER_NEWCTX, (void (*)(void))enc_newctx },
    { OSSL_FUNC_ENCODER_FREECTX, (void (*)(void))enc_freectx },
    { OSSL_FUNC_ENCODER_DOES_SELECTION, (void (*)(void))text_does_selection },
    { OSSL_FUNC_ENCODER_ENCODE, (void (*)(void))text_encode },
    { 0, NULL }
};

static const OSSL_DISPATCH priv_functions[] = {
    { OSSL_FUNC_ENCODER_NEWCTX, (void (*)(void))enc_newctx },
    { OSSL_FUNC_ENCODER_FREECTX, (void (*)(void))enc_freectx },
    { OSSL_FUNC_ENCODER_DOES_SELECTION, (void (*)(void))priv_does_selection },
    { OSSL_FUNC_ENCODER_ENCODE, (void (*)(void))priv_encode },
    { 0, NULL }
};

#define EC_NAMES "EC:id-ecPublicKey:1.2.840.10045.2.1"
#define PROPS LITHSM_PROVIDER_PROPQ ",output="
#define REFUSE(out, structure)                                           \
    {                                                                    \
        EC_NAMES, PROPS out ",structure=" structure, priv_functions,     \
            "refuses to write a token private key as " out " " structure \
    }

const OSSL_ALGORITHM lithsm_encoder_algs[] = {
    { EC_NAMES, PROPS "text", text_functions,
      "a token EC key as text: its pkcs11 URI, label, id and public key" },
    { LITHSM_AES_GCM_NAME, PROPS "text", text_functions,
      "a token AES-256 key as text: its pkcs11 URI, label and id" },
    REFUSE("pem", "PrivateKeyInfo"),
    REFUSE("der", "PrivateKeyInfo"),
    REFUSE("pem", "EncryptedPrivateKeyInfo"),
    REFUSE("der", "EncryptedPrivateKeyInfo"),
    REFUSE("pem", "type-specific"),
    REFUSE("der", "type-specific"),
    { NULL, NULL, NULL, NULL }
};
