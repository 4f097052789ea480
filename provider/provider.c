/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * provider.c - entry point of the lithsm OpenSSL 3 provider.
 *
 * The provider exposes EC keys (secp256k1, P-256) held in a PKCS#11 token:
 * an OSSL_STORE loader for pkcs11: URIs (RFC 7512), an EC key manager and
 * ECDSA signatures computed by the token with CKM_ECDSA; and AES-256 keys
 * of the token (type=secret-key) with AES-256-GCM computed by the token
 * (LITHSM-AES-GCM, lithsm_provider.h).
 *
 * Configuration (openssl.cnf provider section, all optional):
 *
 *   [lithsm_sect]
 *   module = /usr/lib/x86_64-linux-gnu/ossl-modules/lithsm.so
 *   module-path = /usr/lib/softhsm/libsofthsm2.so
 *   pin-source = file:/etc/lithsm/token.pin
 *   activate = 1
 *
 * module-path  PKCS#11 module used when the URI has no module-path.
 *              Default: SoftHSM2's module (LITHSM_DEFAULT_MODULE).
 * pin-source   where the user PIN comes from when the URI has no
 *              pin-source: file:PATH, the first line of an owner-only
 *              (0600/0400) file, or env:NAME, the environment variable
 *              NAME (only the one named; the provider's copy is wiped
 *              after login).  Default: none; then the application's
 *              passphrase callback is asked (openssl: -passin or a prompt).
 *
 * A URI's own module-path and pin-source win over the configuration.  A URI
 * with pin-value is refused: PINs never travel in command lines or URIs.
 * A bad value, a relative or unreadable module-path, a PIN written in the
 * section (pin = ...) or pkcs11-provider's key names are reported when the
 * provider loads, and it then refuses to work (config.c).
 *
 * Its keys print as text (their pkcs11: URI) and refuse to be written as
 * PEM or DER (encoder.c).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

#include "keys/uri_rules.h"
#include "lithsm_prov.h"

#ifndef LITHSM_DEFAULT_MODULE
#define LITHSM_DEFAULT_MODULE "/usr/lib/softhsm/libsofthsm2.so"
#endif

#define LITHSM_PROV_NAME "lithsm PKCS#11 provider"
#define LITHSM_PROV_VERSION "0.1.0"

/* Forward declarations from the typedefs: a wrong signature fails to
 * compile. */
static OSSL_FUNC_provider_teardown_fn lithsm_teardown;
static OSSL_FUNC_provider_gettable_params_fn lithsm_gettable_params;
static OSSL_FUNC_provider_get_params_fn lithsm_get_params;
static OSSL_FUNC_provider_query_operation_fn lithsm_query;
static OSSL_FUNC_provider_get_reason_strings_fn lithsm_reason_strings;
OSSL_provider_init_fn OSSL_provider_init;

const char *lithsm_prov_parse_uri(const char *text, P11KitUri *uri)
{
    int rc;

    if (lithsm_p11_uri_has_empty_attribute(text))
        return "an empty attribute (';;') is not allowed";
    rc = p11_kit_uri_parse(text, P11_KIT_URI_FOR_ANY, uri);
    if (rc != P11_KIT_URI_OK)
        return p11_kit_uri_message(rc);
    /* RFC 7512 2.4: pin-value with pin-source SHOULD be refused; alone, a
     * PIN in a URI ends up in argv and logs. */
    if (p11_kit_uri_get_pin_value(uri) != NULL)
        return p11_kit_uri_get_pin_source(uri) != NULL
                   ? "pin-value together with pin-source is refused"
                   : "pin-value is refused; use pin-source=file:PATH or "
                     "env:NAME";
    return NULL;
}

void lithsm_prov_raise(const lithsm_provctx *pc, const char *file, int line,
                       const char *func, int reason, const char *fmt, ...)
{
    va_list ap;

    if (pc == NULL || pc->new_error == NULL || pc->vset_error == NULL)
        return;
    pc->new_error(pc->handle);
    if (pc->set_error_debug != NULL)
        pc->set_error_debug(pc->handle, file, line, func);
    va_start(ap, fmt);
    pc->vset_error(pc->handle, (uint32_t)reason, fmt, ap);
    va_end(ap);
}

const char *lithsm_prov_module_path(const lithsm_provctx *pc)
{
    return pc->module_path != NULL ? pc->module_path : LITHSM_DEFAULT_MODULE;
}

static const OSSL_ITEM reason_strings[] = {
    { LITHSM_R_MALLOC, "out of memory" },
    { LITHSM_R_URI, "bad pkcs11 URI" },
    { LITHSM_R_CONFIG, "bad provider configuration" },
    { LITHSM_R_MODULE, "PKCS#11 module error" },
    { LITHSM_R_TOKEN_NOT_FOUND, "token not found" },
    { LITHSM_R_TOKEN_BUSY, "token busy" },
    { LITHSM_R_AMBIGUOUS, "URI matches several keys or tokens" },
    { LITHSM_R_DECRYPT, "data does not decrypt" },
    { LITHSM_R_KEY_IN_TOKEN, "the private key stays in the token" },
    { LITHSM_R_OBJECT_NOT_FOUND, "object not found" },
    { LITHSM_R_PIN_SOURCE, "cannot read the PIN" },
    { LITHSM_R_PIN_INCORRECT, "PIN incorrect" },
    { LITHSM_R_PIN_LOCKED, "PIN locked or on its final try" },
    { LITHSM_R_LOGIN, "login failed" },
    { LITHSM_R_PKCS11, "PKCS#11 call failed" },
    { LITHSM_R_KEY, "unsupported key" },
    { LITHSM_R_DIGEST_LENGTH, "wrong digest length" },
    { LITHSM_R_NOT_PRIVATE, "not a private key" },
    { LITHSM_R_BAD_ARGUMENT, "bad argument" },
    { 0, NULL }
};

static const OSSL_ITEM *lithsm_reason_strings(void *provctx)
{
    return reason_strings;
}

static const OSSL_ALGORITHM keymgmt_algs[] = {
    { "EC:id-ecPublicKey:1.2.840.10045.2.1", LITHSM_PROVIDER_PROPQ,
      lithsm_ec_keymgmt_functions, "EC keys held in a PKCS#11 token" },
    { LITHSM_AES_GCM_NAME, LITHSM_PROVIDER_PROPQ, lithsm_aes_keymgmt_functions,
      "AES-256 keys held in a PKCS#11 token" },
    { NULL, NULL, NULL, NULL }
};

static const OSSL_ALGORITHM signature_algs[] = {
    { "ECDSA", LITHSM_PROVIDER_PROPQ, lithsm_ecdsa_functions,
      "ECDSA computed by a PKCS#11 token (CKM_ECDSA)" },
    { NULL, NULL, NULL, NULL }
};

static const OSSL_ALGORITHM asym_cipher_algs[] = {
    { LITHSM_AES_GCM_NAME, LITHSM_PROVIDER_PROPQ, lithsm_aes_gcm_functions,
      "AES-256-GCM computed by a PKCS#11 token (CKM_AES_GCM)" },
    { NULL, NULL, NULL, NULL }
};

static const OSSL_ALGORITHM store_algs[] = { { "pkcs11", LITHSM_PROVIDER_PROPQ,
                                               lithsm_store_functions,
                                               "pkcs11: URIs (RFC 7512)" },
                                             { NULL, NULL, NULL, NULL } };

static const OSSL_ALGORITHM *lithsm_query(void *provctx, int operation_id,
                                          int *no_cache)
{
    *no_cache = 0;
    switch (operation_id) {
    case OSSL_OP_KEYMGMT:
        return keymgmt_algs;
    case OSSL_OP_SIGNATURE:
        return signature_algs;
    case OSSL_OP_ASYM_CIPHER:
        return asym_cipher_algs;
    case OSSL_OP_STORE:
        return store_algs;
    case OSSL_OP_ENCODER:
        return lithsm_encoder_algs;
    }
    return NULL;
}

static const OSSL_PARAM *lithsm_gettable_params(void *provctx)
{
    static const OSSL_PARAM params[] = {
        OSSL_PARAM_DEFN(OSSL_PROV_PARAM_NAME, OSSL_PARAM_UTF8_PTR, NULL, 0),
        OSSL_PARAM_DEFN(OSSL_PROV_PARAM_VERSION, OSSL_PARAM_UTF8_PTR, NULL, 0),
        OSSL_PARAM_DEFN(OSSL_PROV_PARAM_BUILDINFO, OSSL_PARAM_UTF8_PTR, NULL,
                        0),
        OSSL_PARAM_DEFN(OSSL_PROV_PARAM_STATUS, OSSL_PARAM_INTEGER, NULL, 0),
        OSSL_PARAM_END
    };

    return params;
}

static int lithsm_get_params(void *provctx, OSSL_PARAM params[])
{
    const lithsm_provctx *pc = provctx;
    OSSL_PARAM *p;

    p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_NAME);
    if (p != NULL && !OSSL_PARAM_set_utf8_ptr(p, LITHSM_PROV_NAME))
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_VERSION);
    if (p != NULL && !OSSL_PARAM_set_utf8_ptr(p, LITHSM_PROV_VERSION))
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_BUILDINFO);
    if (p != NULL && !OSSL_PARAM_set_utf8_ptr(p, LITHSM_PROV_VERSION))
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_STATUS);
    if (p != NULL && !OSSL_PARAM_set_int(p, pc->config_error[0] == '\0'))
        return 0;
    return 1;
}

static void provctx_free(lithsm_provctx *pc)
{
    if (pc == NULL)
        return;
    OSSL_LIB_CTX_free(pc->libctx);
    free(pc->module_path);
    free(pc->pin_source);
    free(pc);
}

static void lithsm_teardown(void *provctx)
{
    provctx_free(provctx);
}

static const OSSL_DISPATCH provider_functions[] = {
    { OSSL_FUNC_PROVIDER_TEARDOWN, (void (*)(void))lithsm_teardown },
    { OSSL_FUNC_PROVIDER_GETTABLE_PARAMS,
      (void (*)(void))lithsm_gettable_params },
    { OSSL_FUNC_PROVIDER_GET_PARAMS, (void (*)(void))lithsm_get_params },
    { OSSL_FUNC_PROVIDER_QUERY_OPERATION, (void (*)(void))lithsm_query },
    { OSSL_FUNC_PROVIDER_GET_REASON_STRINGS,
      (void (*)(void))lithsm_reason_strings },
    { 0, NULL }
};

/* Only reads the configuration and registers algorithms: the PKCS#11
 * module is loaded on first use, so loading the provider never fails
 * because of a token.  A bad configuration does not fail it either
 * (config.c says why): it loads, reports, and refuses to work. */
int OSSL_provider_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
                       const OSSL_DISPATCH **out, void **provctx)
{
    OSSL_FUNC_core_get_params_fn *get_params = NULL;
    const OSSL_DISPATCH *f;
    lithsm_provctx *pc;

    pc = calloc(1, sizeof(*pc));
    if (pc == NULL)
        return 0;
    pc->handle = handle;
    for (f = in; f->function_id != 0; f++) {
        switch (f->function_id) {
        case OSSL_FUNC_CORE_GET_PARAMS:
            get_params = OSSL_FUNC_core_get_params(f);
            break;
        case OSSL_FUNC_CORE_NEW_ERROR:
            pc->new_error = OSSL_FUNC_core_new_error(f);
            break;
        case OSSL_FUNC_CORE_SET_ERROR_DEBUG:
            pc->set_error_debug = OSSL_FUNC_core_set_error_debug(f);
            break;
        case OSSL_FUNC_CORE_VSET_ERROR:
            pc->vset_error = OSSL_FUNC_core_vset_error(f);
            break;
        }
    }
    if (!lithsm_prov_config_load(pc, get_params))
        goto fail;
    /* For host-side digests (digest-sign): the application's providers. */
    pc->libctx = OSSL_LIB_CTX_new_child(handle, in);
    *out = provider_functions;
    *provctx = pc;
    return 1;

fail:
    provctx_free(pc);
    return 0;
}
