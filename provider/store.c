/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * store.c - OSSL_STORE loader for pkcs11: URIs (RFC 7512).
 *
 * The URI is parsed and matched with p11-kit's functions: token,
 * manufacturer, serial, model, slot-id and the other slot/token/library
 * attributes; object, id and type for the keys; module-path and
 * pin-source from the query.  An attribute p11-kit does not know matches
 * nothing.  Keys go to the key manager by reference, one per load call;
 * then X.509 certificates, as DER for the default provider's decoder (a
 * URI without type= gives both, like OpenSSL's file: store).  AES-256
 * secret keys are looked for only when the URI says type=secret-key; they
 * go to the LITHSM-AES-GCM key manager by reference (aes_gcm.c).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/core_object.h>
#include <openssl/err.h>
#include <openssl/params.h>
#include <openssl/store.h>
#include <openssl/x509.h>

#include "lithsm_prov.h"

typedef struct store_ctx {
    lithsm_provctx *pc;
    P11KitUri *uri;
    const char *module_path; /* borrowed from the URI or the config */
    const char *pin_source;  /* borrowed from the URI or the config */
    int expect;              /* OSSL_STORE_INFO_* or 0 for anything */
    int searched;
    const char *uri_error; /* reported by the first load */
    lithsm_key **keys;
    size_t nkeys, next;
    lithsm_cert *certs;
    size_t ncerts, next_cert;
    /* OSSL_STORE_find by subject: a DER X509_NAME, certificates only. */
    unsigned char *subject;
    size_t subject_len;
    /* Held until close, even when no key was found: the module, and the
     * token's login, stay while the store is open. */
    lithsm_module *mod;
} store_ctx;

static OSSL_FUNC_store_open_fn store_open;
static OSSL_FUNC_store_settable_ctx_params_fn store_settable_ctx_params;
static OSSL_FUNC_store_set_ctx_params_fn store_set_ctx_params;
static OSSL_FUNC_store_load_fn store_load;
static OSSL_FUNC_store_eof_fn store_eof;
static OSSL_FUNC_store_close_fn store_close;

static void *store_open(void *provctx, const char *uri)
{
    lithsm_provctx *pc = provctx;
    store_ctx *ctx;

    ctx = calloc(1, sizeof(*ctx));
    if (ctx == NULL || (ctx->uri = p11_kit_uri_new()) == NULL) {
        free(ctx);
        LITHSM_RAISE(pc, LITHSM_R_MALLOC, "out of memory");
        return NULL;
    }
    ctx->pc = pc;
    /* A bad URI is reported by the first load, not here: OpenSSL 3.0
     * drops the errors of a failed open and tries the file: scheme, which
     * would leave only "unregistered scheme" for the user.  Errors never
     * echo the URI: it may carry a PIN by mistake. */
    ctx->uri_error = lithsm_prov_parse_uri(uri, ctx->uri);
    ctx->module_path = p11_kit_uri_get_module_path(ctx->uri);
    if (ctx->module_path == NULL)
        ctx->module_path = lithsm_prov_module_path(pc);
    ctx->pin_source = p11_kit_uri_get_pin_source(ctx->uri);
    if (ctx->pin_source == NULL)
        ctx->pin_source = pc->pin_source;
    return ctx;
}

static const OSSL_PARAM *store_settable_ctx_params(void *provctx)
{
    static const OSSL_PARAM params[] = {
        OSSL_PARAM_int(OSSL_STORE_PARAM_EXPECT, NULL),
        OSSL_PARAM_octet_string(OSSL_STORE_PARAM_SUBJECT, NULL, 0),
        OSSL_PARAM_END
    };

    return params;
}

static int store_set_ctx_params(void *loaderctx, const OSSL_PARAM params[])
{
    store_ctx *ctx = loaderctx;
    const OSSL_PARAM *p;

    p = OSSL_PARAM_locate_const(params, OSSL_STORE_PARAM_EXPECT);
    if (p != NULL && !OSSL_PARAM_get_int(p, &ctx->expect))
        return 0;
    p = OSSL_PARAM_locate_const(params, OSSL_STORE_PARAM_SUBJECT);
    if (p != NULL) {
        free(ctx->subject);
        ctx->subject = NULL;
        ctx->subject_len = 0;
        if (!OSSL_PARAM_get_octet_string(p, (void **)&ctx->subject, 0,
                                         &ctx->subject_len))
            return 0;
    }
    return 1;
}

/* Keeps the certificates whose subject is the one searched for. */
static void filter_subject(store_ctx *ctx)
{
    const unsigned char *p = ctx->subject;
    X509_NAME *want = d2i_X509_NAME(NULL, &p, (long)ctx->subject_len);
    X509 *x;
    size_t i, kept = 0;
    int match;

    /* A certificate that does not parse does not match: no error. */
    ERR_set_mark();
    for (i = 0; i < ctx->ncerts; i++) {
        p = ctx->certs[i].der;
        x = d2i_X509(NULL, &p, (long)ctx->certs[i].der_len);
        match = want != NULL && x != NULL &&
                X509_NAME_cmp(X509_get_subject_name(x), want) == 0;
        X509_free(x);
        if (match)
            ctx->certs[kept++] = ctx->certs[i];
        else
            free(ctx->certs[i].der);
    }
    ctx->ncerts = kept;
    X509_NAME_free(want);
    ERR_pop_to_mark();
}

/* The class type= names in the URI, or (CK_OBJECT_CLASS)-1 for none. */
static CK_OBJECT_CLASS uri_class(P11KitUri *uri)
{
    CK_ATTRIBUTE *a = p11_kit_uri_get_attribute(uri, CKA_CLASS);
    CK_OBJECT_CLASS cls = CKO_DATA;

    if (a == NULL)
        return (CK_OBJECT_CLASS)-1;
    if (a->ulValueLen == sizeof(cls))
        memcpy(&cls, a->pValue, sizeof(cls));
    return cls;
}

/* Looks the keys, then the certificates, up once, on the first load. */
static int store_search(store_ctx *ctx, OSSL_PASSPHRASE_CALLBACK *pw_cb,
                        void *pw_cbarg)
{
    lithsm_pin pin;
    CK_OBJECT_CLASS cls = uri_class(ctx->uri);
    int any = cls == (CK_OBJECT_CLASS)-1;
    int asked_keys, asked_certs, want_keys, want_certs, ok = 1;
    int want_private, want_public, attempt, reason;
    const char *what;
    CK_ATTRIBUTE *a;

    ctx->searched = 1;
    if (!lithsm_prov_config_ok(ctx->pc))
        return 0;
    if (ctx->uri_error != NULL) {
        LITHSM_RAISE(ctx->pc, LITHSM_R_URI, "pkcs11 URI: %s", ctx->uri_error);
        return 0;
    }
    want_private = ctx->expect == 0 || ctx->expect == OSSL_STORE_INFO_PKEY;
    want_public = ctx->expect == 0 || ctx->expect == OSSL_STORE_INFO_PUBKEY;
    /* What the application asks for; a search by subject is for
     * certificates only. */
    asked_keys = (want_private || want_public) && ctx->subject == NULL;
    asked_certs = ctx->expect == 0 || ctx->expect == OSSL_STORE_INFO_CERT;
    if (!asked_keys && !asked_certs)
        return 1; /* parameters, CRLs: none here */
    /* What the URI's type= allows (another class finds nothing). */
    want_keys = asked_keys && (any || cls == CKO_PRIVATE_KEY ||
                               cls == CKO_PUBLIC_KEY || cls == CKO_SECRET_KEY);
    want_certs = asked_certs && (any || cls == CKO_CERTIFICATE);
    if (want_keys || want_certs) {
        ctx->mod = lithsm_module_get(ctx->pc, ctx->module_path);
        if (ctx->mod == NULL)
            return 0;
    }
    pin.source = ctx->pin_source;
    pin.cb = pw_cb;
    pin.cbarg = pw_cbarg;
    for (attempt = 0;; attempt++) {
        ok = 1;
        ERR_set_mark();
        /* Each key also holds its own reference to the module. */
        if (want_keys && cls == CKO_SECRET_KEY)
            ok = !want_private ||
                 lithsm_find_secret_keys(ctx->pc, ctx->mod, ctx->uri, &pin,
                                         &ctx->keys, &ctx->nkeys);
        else if (want_keys)
            ok = lithsm_find_keys(ctx->pc, ctx->mod, ctx->uri, &pin,
                                  want_private, want_public, &ctx->keys,
                                  &ctx->nkeys);
        if (ok && want_certs)
            ok = lithsm_find_certs(ctx->pc, ctx->mod, ctx->uri, &pin,
                                   &ctx->certs, &ctx->ncerts);
        /* No token, or an unreadable one: maybe SoftHSM2 met a token that
         * another process was writing (lithsm_module_can_reload). */
        reason = ok ? 0 : ERR_GET_REASON(ERR_peek_last_error());
        if ((reason != LITHSM_R_TOKEN_NOT_FOUND &&
             reason != LITHSM_R_TOKEN_BUSY) ||
            !lithsm_module_can_reload(ctx->mod, attempt)) {
            ERR_clear_last_mark();
            break;
        }
        ERR_pop_to_mark();
        ctx->mod = lithsm_module_reload(ctx->pc, ctx->mod, attempt);
        if (ctx->mod == NULL)
            return 0;
    }
    if (ok && want_certs && ctx->subject != NULL)
        filter_subject(ctx);
    if (ok && ctx->nkeys == 0 && ctx->ncerts == 0) {
        what = cls == CKO_SECRET_KEY ? "AES-256 key"
               : !asked_certs        ? "EC key (secp256k1 or P-256)"
               : asked_keys          ? "EC key (secp256k1 or P-256) or X.509 "
                                       "certificate"
                                     : "X.509 certificate";
        a = p11_kit_uri_get_attribute(ctx->uri, CKA_LABEL);
        if (a != NULL && a->ulValueLen < 64)
            LITHSM_RAISE(ctx->pc, LITHSM_R_OBJECT_NOT_FOUND,
                         "no %s named \"%.*s\" on the token%s", what,
                         (int)a->ulValueLen, (const char *)a->pValue,
                         ctx->subject != NULL ? " with that subject" : "");
        else
            LITHSM_RAISE(ctx->pc, LITHSM_R_OBJECT_NOT_FOUND,
                         "no %s on the token matches the URI%s", what,
                         ctx->subject != NULL ? " and the subject" : "");
        ok = 0;
    }
    return ok;
}

static int load_cert(store_ctx *ctx, OSSL_CALLBACK *object_cb,
                     void *object_cbarg)
{
    lithsm_cert *cert = &ctx->certs[ctx->next_cert++];
    OSSL_PARAM params[5];
    int type = OSSL_OBJECT_CERT;
    char data_type[] = "CERTIFICATE";
    char structure[] = "Certificate";

    /* What OpenSSL's own stores give: the DER, decoded into an X509 by
     * OSSL_STORE itself. */
    params[0] = OSSL_PARAM_construct_int(OSSL_OBJECT_PARAM_TYPE, &type);
    params[1] = OSSL_PARAM_construct_utf8_string(OSSL_OBJECT_PARAM_DATA_TYPE,
                                                 data_type, 0);
    params[2] = OSSL_PARAM_construct_utf8_string(
        OSSL_OBJECT_PARAM_DATA_STRUCTURE, structure, 0);
    params[3] = OSSL_PARAM_construct_octet_string(OSSL_OBJECT_PARAM_DATA,
                                                  cert->der, cert->der_len);
    params[4] = OSSL_PARAM_construct_end();
    return object_cb(params, object_cbarg);
}

static int store_load(void *loaderctx, OSSL_CALLBACK *object_cb,
                      void *object_cbarg, OSSL_PASSPHRASE_CALLBACK *pw_cb,
                      void *pw_cbarg)
{
    store_ctx *ctx = loaderctx;
    OSSL_PARAM params[4];
    int type = OSSL_OBJECT_PKEY;
    char ec[] = "EC", aes[] = LITHSM_AES_GCM_NAME;
    lithsm_key *key;

    if (!ctx->searched && !store_search(ctx, pw_cb, pw_cbarg))
        return 0;
    if (ctx->next >= ctx->nkeys) {
        if (ctx->next_cert >= ctx->ncerts)
            return 0;
        return load_cert(ctx, object_cb, object_cbarg);
    }
    key = ctx->keys[ctx->next++];
    params[0] = OSSL_PARAM_construct_int(OSSL_OBJECT_PARAM_TYPE, &type);
    params[1] = OSSL_PARAM_construct_utf8_string(
        OSSL_OBJECT_PARAM_DATA_TYPE, key->class == CKO_SECRET_KEY ? aes : ec,
        0);
    /* The key manager's load takes its own reference. */
    params[2] = OSSL_PARAM_construct_octet_string(OSSL_OBJECT_PARAM_REFERENCE,
                                                  &key, sizeof(key));
    params[3] = OSSL_PARAM_construct_end();
    return object_cb(params, object_cbarg);
}

static int store_eof(void *loaderctx)
{
    store_ctx *ctx = loaderctx;

    return ctx->searched && ctx->next >= ctx->nkeys &&
           ctx->next_cert >= ctx->ncerts;
}

static int store_close(void *loaderctx)
{
    store_ctx *ctx = loaderctx;

    if (ctx == NULL)
        return 1;
    lithsm_keys_free(ctx->keys, ctx->nkeys);
    lithsm_certs_free(ctx->certs, ctx->ncerts);
    free(ctx->subject);
    lithsm_module_put(ctx->mod);
    p11_kit_uri_free(ctx->uri);
    free(ctx);
    return 1;
}

const OSSL_DISPATCH lithsm_store_functions[] = {
    { OSSL_FUNC_STORE_OPEN, (void (*)(void))store_open },
    { OSSL_FUNC_STORE_SETTABLE_CTX_PARAMS,
      (void (*)(void))store_settable_ctx_params },
    { OSSL_FUNC_STORE_SET_CTX_PARAMS, (void (*)(void))store_set_ctx_params },
    { OSSL_FUNC_STORE_LOAD, (void (*)(void))store_load },
    { OSSL_FUNC_STORE_EOF, (void (*)(void))store_eof },
    { OSSL_FUNC_STORE_CLOSE, (void (*)(void))store_close },
    { 0, NULL }
};
