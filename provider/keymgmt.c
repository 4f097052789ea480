/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * keymgmt.c - EC key management for keys held in a PKCS#11 token.
 *
 * Keys come from the store loader by reference.  The public part (group
 * and point) is exported so that other providers can verify and encode it;
 * the private part never leaves the token.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "lithsm_prov.h"

/* A DER ECDSA signature on a 256-bit curve: SEQUENCE of two INTEGERs of at
 * most 33 bytes each. */
#define ECDSA_DER_MAX 72

static OSSL_FUNC_keymgmt_load_fn ec_load;
static OSSL_FUNC_keymgmt_free_fn ec_free;
static OSSL_FUNC_keymgmt_has_fn ec_has;
static OSSL_FUNC_keymgmt_match_fn ec_match;
static OSSL_FUNC_keymgmt_get_params_fn ec_get_params;
static OSSL_FUNC_keymgmt_gettable_params_fn ec_gettable_params;
static OSSL_FUNC_keymgmt_export_fn ec_export;
static OSSL_FUNC_keymgmt_export_types_fn ec_export_types;
static OSSL_FUNC_keymgmt_query_operation_name_fn ec_query_operation_name;
static OSSL_FUNC_keymgmt_gen_init_fn ec_gen_init;
static OSSL_FUNC_keymgmt_gen_set_params_fn ec_gen_set_params;
static OSSL_FUNC_keymgmt_gen_settable_params_fn ec_gen_settable_params;
static OSSL_FUNC_keymgmt_gen_fn ec_gen;
static OSSL_FUNC_keymgmt_gen_cleanup_fn ec_gen_cleanup;

static void *ec_load(const void *reference, size_t reference_sz)
{
    lithsm_key *key;

    /* Only our own store hands out references, as a key pointer. */
    if (reference == NULL || reference_sz != sizeof(key))
        return NULL;
    memcpy(&key, reference, sizeof(key));
    if (key == NULL || key->magic != LITHSM_KEY_MAGIC ||
        key->class == CKO_SECRET_KEY)
        return NULL;
    return lithsm_key_ref(key);
}

static void ec_free(void *keydata)
{
    lithsm_key_unref(keydata);
}

static int ec_has(const void *keydata, int selection)
{
    const lithsm_key *key = keydata;

    if (key == NULL)
        return 0;
    /* The public key and the curve are always known. */
    if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0 &&
        key->class != CKO_PRIVATE_KEY)
        return 0;
    return 1;
}

static int ec_match(const void *keydata1, const void *keydata2, int selection)
{
    const lithsm_key *a = keydata1, *b = keydata2;

    if (a == NULL || b == NULL)
        return 0;
    if (a->curve != b->curve)
        return 0;
    /* One private key per public key: equal points are the same key. */
    if ((selection & OSSL_KEYMGMT_SELECT_KEYPAIR) != 0 &&
        memcmp(a->pub, b->pub, sizeof(a->pub)) != 0)
        return 0;
    return 1;
}

static int set_coord(OSSL_PARAM params[], const char *name,
                     const unsigned char *bytes)
{
    OSSL_PARAM *p = OSSL_PARAM_locate(params, name);
    BIGNUM *bn;
    int ok;

    if (p == NULL)
        return 1;
    if ((bn = BN_bin2bn(bytes, 32, NULL)) == NULL)
        return 0;
    ok = OSSL_PARAM_set_BN(p, bn);
    BN_free(bn);
    return ok;
}

static int ec_get_params(void *keydata, OSSL_PARAM params[])
{
    lithsm_key *key = keydata;
    OSSL_PARAM *p;

    if (key == NULL)
        return 0;
    /* Asked for only: it talks to the token. */
    p = OSSL_PARAM_locate(params, LITHSM_PKEY_PARAM_TOKEN_OK);
    if (p != NULL && (!lithsm_key_probe(key) || !OSSL_PARAM_set_int(p, 1)))
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_BITS);
    if (p != NULL && !OSSL_PARAM_set_int(p, 256))
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_SECURITY_BITS);
    if (p != NULL && !OSSL_PARAM_set_int(p, 128))
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_MAX_SIZE);
    if (p != NULL && !OSSL_PARAM_set_int(p, ECDSA_DER_MAX))
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_GROUP_NAME);
    if (p != NULL &&
        !OSSL_PARAM_set_utf8_string(p, lithsm_curve_name(key->curve)))
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_DEFAULT_DIGEST);
    if (p != NULL && !OSSL_PARAM_set_utf8_string(p, "SHA256"))
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY);
    if (p != NULL && !OSSL_PARAM_set_octet_string(p, key->pub, 65))
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_PUB_KEY);
    if (p != NULL && !OSSL_PARAM_set_octet_string(p, key->pub, 65))
        return 0;
    return set_coord(params, OSSL_PKEY_PARAM_EC_PUB_X, key->pub + 1) &&
           set_coord(params, OSSL_PKEY_PARAM_EC_PUB_Y, key->pub + 33);
}

static const OSSL_PARAM *ec_gettable_params(void *provctx)
{
    static const OSSL_PARAM params[] = {
        OSSL_PARAM_int(OSSL_PKEY_PARAM_BITS, NULL),
        OSSL_PARAM_int(OSSL_PKEY_PARAM_SECURITY_BITS, NULL),
        OSSL_PARAM_int(OSSL_PKEY_PARAM_MAX_SIZE, NULL),
        OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, NULL, 0),
        OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_DEFAULT_DIGEST, NULL, 0),
        OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, NULL, 0),
        OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, NULL, 0),
        OSSL_PARAM_BN(OSSL_PKEY_PARAM_EC_PUB_X, NULL, 0),
        OSSL_PARAM_BN(OSSL_PKEY_PARAM_EC_PUB_Y, NULL, 0),
        OSSL_PARAM_int(LITHSM_PKEY_PARAM_TOKEN_OK, NULL),
        OSSL_PARAM_END
    };

    return params;
}

/* Exports the curve and the public point.  A request that includes the
 * private part of a token private key fails: OpenSSL 3.0 asks for
 * everything when it moves a key to another provider to sign with it, and
 * a public-only copy there would "sign" with a missing key.  Refusing makes
 * it fall back to this provider's ECDSA.  Encoders ask for the public part
 * only, so -pubout still works through the default provider. */
static int ec_export(void *keydata, int selection, OSSL_CALLBACK *param_cb,
                     void *cbarg)
{
    lithsm_key *key = keydata;
    OSSL_PARAM params[3];
    int n = 0;

    if (key == NULL ||
        (selection & (OSSL_KEYMGMT_SELECT_PUBLIC_KEY |
                      OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS)) == 0)
        return 0;
    if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0 &&
        key->class == CKO_PRIVATE_KEY)
        return 0;
    /* The receiver only reads the string. */
    params[n++] = OSSL_PARAM_construct_utf8_string(
        OSSL_PKEY_PARAM_GROUP_NAME, (char *)lithsm_curve_name(key->curve), 0);
    if (selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY)
        params[n++] = OSSL_PARAM_construct_octet_string(
            OSSL_PKEY_PARAM_PUB_KEY, key->pub, sizeof(key->pub));
    params[n] = OSSL_PARAM_construct_end();
    return param_cb(params, cbarg);
}

static const OSSL_PARAM *ec_export_types(int selection)
{
    static const OSSL_PARAM types[] = {
        OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, NULL, 0),
        OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, NULL, 0),
        OSSL_PARAM_END
    };

    if ((selection & (OSSL_KEYMGMT_SELECT_PUBLIC_KEY |
                      OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS)) == 0)
        return NULL;
    return types;
}

static const char *ec_query_operation_name(int operation_id)
{
    return operation_id == OSSL_OP_SIGNATURE ? "ECDSA" : NULL;
}

/* ------------------------------------------------------------------------
 * Key generation on a token.  Software keys are the default provider's:
 * without a "lithsm-uri" naming the token and label, generation fails.
 */

typedef struct gen_ctx {
    lithsm_provctx *pc;
    int curve;
    char *uri;
} gen_ctx;

static void ec_gen_cleanup(void *genctx)
{
    gen_ctx *g = genctx;

    if (g == NULL)
        return;
    if (g->uri != NULL)
        OPENSSL_clear_free(g->uri, strlen(g->uri));
    free(g);
}

static int ec_gen_set_params(void *genctx, const OSSL_PARAM params[])
{
    gen_ctx *g = genctx;
    const OSSL_PARAM *p;
    const char *s = NULL;

    p = OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_GROUP_NAME);
    if (p != NULL) {
        if (!OSSL_PARAM_get_utf8_string_ptr(p, &s))
            return 0;
        if (strcmp(s, "secp256k1") == 0) {
            g->curve = LITHSM_CURVE_SECP256K1;
        } else if (strcmp(s, "prime256v1") == 0 || strcmp(s, "P-256") == 0) {
            g->curve = LITHSM_CURVE_P256;
        } else {
            LITHSM_RAISE(g->pc, LITHSM_R_KEY,
                         "key generation: curve %s not supported "
                         "(secp256k1, P-256)",
                         s);
            return 0;
        }
    }
    p = OSSL_PARAM_locate_const(params, LITHSM_PKEY_PARAM_URI);
    if (p != NULL) {
        char *copy;

        if (!OSSL_PARAM_get_utf8_string_ptr(p, &s) ||
            (copy = strdup(s)) == NULL)
            return 0;
        if (g->uri != NULL)
            OPENSSL_clear_free(g->uri, strlen(g->uri));
        g->uri = copy;
    }
    return 1;
}

static const OSSL_PARAM *ec_gen_settable_params(void *genctx, void *provctx)
{
    static const OSSL_PARAM params[] = {
        OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, NULL, 0),
        OSSL_PARAM_utf8_string(LITHSM_PKEY_PARAM_URI, NULL, 0), OSSL_PARAM_END
    };

    return params;
}

static void *ec_gen_init(void *provctx, int selection,
                         const OSSL_PARAM params[])
{
    gen_ctx *g;

    if ((selection & OSSL_KEYMGMT_SELECT_KEYPAIR) == 0)
        return NULL;
    g = calloc(1, sizeof(*g));
    if (g == NULL)
        return NULL;
    g->pc = provctx;
    g->curve = LITHSM_CURVE_SECP256K1;
    if (!ec_gen_set_params(g, params)) {
        ec_gen_cleanup(g);
        return NULL;
    }
    return g;
}

static void *ec_gen(void *genctx, OSSL_CALLBACK *cb, void *cbarg)
{
    gen_ctx *g = genctx;
    P11KitUri *uri = NULL;
    lithsm_module *mod = NULL;
    lithsm_key *key = NULL;
    const char *module_path, *why;
    lithsm_pin pin = { NULL, NULL, NULL };

    if (!lithsm_prov_config_ok(g->pc))
        return NULL;
    if (g->uri == NULL) {
        LITHSM_RAISE(g->pc, LITHSM_R_BAD_ARGUMENT,
                     "lithsm generates keys on a token only: set "
                     "\"" LITHSM_PKEY_PARAM_URI "\" to a pkcs11: URI "
                     "with token= and object=");
        return NULL;
    }
    if ((uri = p11_kit_uri_new()) == NULL)
        return NULL;
    if ((why = lithsm_prov_parse_uri(g->uri, uri)) != NULL) {
        LITHSM_RAISE(g->pc, LITHSM_R_URI, "pkcs11 URI: %s", why);
        goto done;
    }
    module_path = p11_kit_uri_get_module_path(uri);
    if (module_path == NULL)
        module_path = lithsm_prov_module_path(g->pc);
    pin.source = p11_kit_uri_get_pin_source(uri);
    if (pin.source == NULL)
        pin.source = g->pc->pin_source;
    if ((mod = lithsm_module_get(g->pc, module_path)) == NULL)
        goto done;
    (void)lithsm_generate_key(g->pc, mod, uri, &pin, g->curve, &key);

done:
    lithsm_module_put(mod);
    p11_kit_uri_free(uri);
    return key;
}

const OSSL_DISPATCH lithsm_ec_keymgmt_functions[] = {
    { OSSL_FUNC_KEYMGMT_GEN_INIT, (void (*)(void))ec_gen_init },
    { OSSL_FUNC_KEYMGMT_GEN_SET_PARAMS, (void (*)(void))ec_gen_set_params },
    { OSSL_FUNC_KEYMGMT_GEN_SETTABLE_PARAMS,
      (void (*)(void))ec_gen_settable_params },
    { OSSL_FUNC_KEYMGMT_GEN, (void (*)(void))ec_gen },
    { OSSL_FUNC_KEYMGMT_GEN_CLEANUP, (void (*)(void))ec_gen_cleanup },
    { OSSL_FUNC_KEYMGMT_LOAD, (void (*)(void))ec_load },
    { OSSL_FUNC_KEYMGMT_FREE, (void (*)(void))ec_free },
    { OSSL_FUNC_KEYMGMT_HAS, (void (*)(void))ec_has },
    { OSSL_FUNC_KEYMGMT_MATCH, (void (*)(void))ec_match },
    { OSSL_FUNC_KEYMGMT_GET_PARAMS, (void (*)(void))ec_get_params },
    { OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, (void (*)(void))ec_gettable_params },
    { OSSL_FUNC_KEYMGMT_EXPORT, (void (*)(void))ec_export },
    { OSSL_FUNC_KEYMGMT_EXPORT_TYPES, (void (*)(void))ec_export_types },
    { OSSL_FUNC_KEYMGMT_QUERY_OPERATION_NAME,
      (void (*)(void))ec_query_operation_name },
    { 0, NULL }
};
