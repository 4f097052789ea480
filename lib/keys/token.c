/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * token.c - what the token signer (signer_pkcs11.c) and key generation
 * (keygen.c) share: a library context with the lithsm and default
 * providers, the provider's errors turned into lithsm details, and the
 * pkcs11: URI built from a URI and lithsm_token_opts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/provider.h>
#include <openssl/store.h>
#include <openssl/ui.h>

#include "keys/keys.h"
#include "keys/uri_rules.h"

/* Did this thread's last token failure say "not available now"? */
static _Thread_local int token_unavailable;

int lithsm_last_error_token_unavailable(void)
{
    return token_unavailable;
}

/* A provider error that may pass later: a module that cannot be loaded,
 * a token not present, a token busy (lithsm_provider.h). */
static int is_unavailable(unsigned long e)
{
    const char *lib = ERR_lib_error_string(e);
    int reason = ERR_GET_REASON(e);

    return lib != NULL && strcmp(lib, LITHSM_PROVIDER_NAME) == 0 &&
           (reason == LITHSM_R_MODULE || reason == LITHSM_R_TOKEN_NOT_FOUND ||
            reason == LITHSM_R_TOKEN_BUSY);
}

/* The operator's openssl.cnf (OPENSSL_CONF, else OpenSSL's own): its
 * lithsm provider section gives module-path and pin-source here as it does
 * to openssl.  No file is no error; a section the provider refuses makes
 * the load below fail. */
static _Thread_local char config_warning[256];

const char *lithsm_token_config_warning(void)
{
    return config_warning[0] != '\0' ? config_warning : NULL;
}

/* The keys OpenSSL or the lithsm provider read in its section. */
static const char *const known_keys[] = { "activate",    "module",
                                          "identity",    "soft_load",
                                          "module-path", "pin-source" };

/* A key of the lithsm section that nothing reads: say so, with the
 * lithsm name of latchset/pkcs11-provider's keys. */
static void check_section_keys(const CONF *conf, const char *section)
{
    STACK_OF(CONF_VALUE) *sk = NCONF_get_section(conf, section);
    const char *hint;
    int i;
    size_t k;

    for (i = 0; sk != NULL && i < sk_CONF_VALUE_num(sk); i++) {
        const char *name = sk_CONF_VALUE_value(sk, i)->name;

        for (k = 0; k < sizeof(known_keys) / sizeof(known_keys[0]); k++)
            if (strcmp(name, known_keys[k]) == 0)
                break;
        if (k < sizeof(known_keys) / sizeof(known_keys[0]))
            continue;
        hint = strstr(name, "module") != NULL ? "did you mean module-path?"
               : strstr(name, "pin") != NULL  ? "did you mean pin-source?"
                                              : "lithsm reads module-path and "
                                                "pin-source";
        snprintf(config_warning, sizeof(config_warning),
                 "openssl.cnf [%.40s]: unknown key '%.60s' is ignored (%s)",
                 section, name, hint);
        return;
    }
}

/* Finds the lithsm provider's section of `file`, as OpenSSL does. */
static void check_openssl_conf(const char *file)
{
    CONF *conf = NCONF_new(NULL);
    const char *init, *providers, *section;

    if (conf != NULL && NCONF_load(conf, file, NULL) > 0 &&
        (init = NCONF_get_string(conf, NULL, "openssl_conf")) != NULL &&
        (providers = NCONF_get_string(conf, init, "providers")) != NULL &&
        (section = NCONF_get_string(conf, providers, LITHSM_PROVIDER_NAME)) !=
            NULL)
        check_section_keys(conf, section);
    NCONF_free(conf);
}

static void load_openssl_conf(OSSL_LIB_CTX *libctx)
{
    char *file = CONF_get1_default_config_file();

    config_warning[0] = '\0';
    if (file != NULL) {
        (void)OSSL_LIB_CTX_load_config(libctx, file);
        check_openssl_conf(file);
    }
    OPENSSL_free(file);
}

lithsm_err lithsm_p11_ctx_open(lithsm_p11_ctx *c)
{
    token_unavailable = 0;
    memset(c, 0, sizeof(*c));
    ERR_set_mark();
    c->libctx = OSSL_LIB_CTX_new();
    if (c->libctx != NULL) {
        load_openssl_conf(c->libctx);
        c->lithsm = OSSL_PROVIDER_load(c->libctx, LITHSM_PROVIDER_NAME);
        c->deflt = OSSL_PROVIDER_load(c->libctx, "default");
    }
    ERR_clear_last_mark();
    if (c->lithsm == NULL || c->deflt == NULL)
        return lithsm_p11_fail_openssl(
            LITHSM_ERR_PKCS11, "cannot load the lithsm OpenSSL provider "
                               "(installed in OpenSSL's modules directory, "
                               "or named by OPENSSL_MODULES)");
    return LITHSM_OK;
}

void lithsm_p11_ctx_close(lithsm_p11_ctx *c)
{
    OSSL_PROVIDER_unload(c->deflt);
    OSSL_PROVIDER_unload(c->lithsm);
    OSSL_LIB_CTX_free(c->libctx);
    memset(c, 0, sizeof(*c));
}

lithsm_err lithsm_p11_load_pkey(EVP_PKEY **out, const lithsm_p11_ctx *c,
                                const char *uri, int prompt, const char *what,
                                lithsm_err not_found)
{
    OSSL_STORE_CTX *store;
    OSSL_STORE_INFO *info;
    char msg[96];

    *out = NULL;
    /* With a UI method, the provider asks it for the PIN when it has no
     * PIN source: UI_OpenSSL reads /dev/tty without echo. */
    store = OSSL_STORE_open_ex(uri, c->libctx, LITHSM_PROVIDER_PROPQ,
                               prompt ? UI_OpenSSL() : NULL, NULL, NULL, NULL,
                               NULL);
    if (store == NULL || OSSL_STORE_expect(store, OSSL_STORE_INFO_PKEY) != 1) {
        OSSL_STORE_close(store);
        snprintf(msg, sizeof(msg), "%scannot open the URI", what);
        return lithsm_p11_fail_openssl(LITHSM_ERR_PKCS11, msg);
    }
    while (*out == NULL && !OSSL_STORE_eof(store) &&
           (info = OSSL_STORE_load(store)) != NULL) {
        if (OSSL_STORE_INFO_get_type(info) == OSSL_STORE_INFO_PKEY)
            *out = OSSL_STORE_INFO_get1_PKEY(info);
        OSSL_STORE_INFO_free(info);
    }
    OSSL_STORE_close(store);
    if (*out == NULL) {
        snprintf(msg, sizeof(msg), "%scannot load the key", what);
        return lithsm_p11_fail_openssl(not_found, msg);
    }
    ERR_clear_error();
    return LITHSM_OK;
}

/* Turns this thread's OpenSSL errors into one lithsm detail message: the
 * provider's own text (PIN incorrect, object not found...) when there is
 * one, else the last error's reason.  The queue is left empty. */
lithsm_err lithsm_p11_fail_openssl(lithsm_err err, const char *what)
{
    char text[256] = "";
    const char *data = NULL;
    unsigned long e, last = 0;
    int flags = 0;

    token_unavailable = 0;
    while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
        last = e;
        if (ERR_GET_LIB(e) != ERR_LIB_SYS && is_unavailable(e))
            token_unavailable = 1;
        /* The provider's messages are the most specific: keep the last. */
        if (data != NULL && (flags & ERR_TXT_STRING) && *data != '\0' &&
            ERR_GET_LIB(e) != ERR_LIB_SYS)
            snprintf(text, sizeof(text), "%s", data);
    }
    if (text[0] == '\0' && last != 0)
        ERR_error_string_n(last, text, sizeof(text));
    if (text[0] == '\0')
        return lithsm_fail(err, "pkcs11: %s", what);
    return lithsm_fail(err, "pkcs11: %s: %s", what, text);
}

/* The provider's errors carry an error library number that OpenSSL hands
 * out at each load of a provider, so there is no constant to compare with.
 * OpenSSL names that library after the provider (ERR_lib_error_string gives
 * the name it was loaded by), which tells the provider's errors from other
 * libraries' errors that use the same reason number.  In an OpenSSL built
 * without error strings the name is absent: no error is recognised and the
 * caller reports it, failing closed. */
int lithsm_p11_error_is(const lithsm_p11_ctx *c, unsigned long e, int reason)
{
    const char *lib = ERR_lib_error_string(e);

    return e != 0 && c->lithsm != NULL && ERR_GET_REASON(e) == reason &&
           lib != NULL && strcmp(lib, OSSL_PROVIDER_get0_name(c->lithsm)) == 0;
}

void lithsm_p11_pct(lithsm_buf *b, const char *value)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *c;

    for (c = (const unsigned char *)value; *c != '\0'; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
            (*c >= '0' && *c <= '9') || strchr("-._~/:", *c) != NULL) {
            lithsm_buf_putc(b, (char)*c);
        } else {
            lithsm_buf_putc(b, '%');
            lithsm_buf_putc(b, hex[*c >> 4]);
            lithsm_buf_putc(b, hex[*c & 15]);
        }
    }
}

/* What ends an attribute's value.  p11-kit 0.24 has no fragment: a '#' is
 * part of a value (uri_rules.h), so it ends nothing here either. */
#define URI_VALUE_END ";?&"

/* The value of attribute `name` in the URI's path (';'-separated) or its
 * query ('&'-separated), or NULL: p11-kit reads pin-source and pin-value
 * in both. */
static const char *uri_attr(const char *uri, const char *name)
{
    const char *a = uri + strlen("pkcs11:");
    size_t n = strlen(name);

    for (;;) {
        if (strncmp(a, name, n) == 0 && a[n] == '=')
            return a + n + 1;
        a += strcspn(a, URI_VALUE_END);
        if (*a == '\0')
            return NULL;
        a++;
    }
}

static int uri_has(const char *uri, const char *name)
{
    return uri_attr(uri, name) != NULL;
}

lithsm_err lithsm_p11_uri(char **out, const char *uri,
                          const lithsm_token_opts *opts)
{
    lithsm_buf b;
    char sep = strchr(uri, '?') != NULL ? '&' : '?';
    const char *ps = opts != NULL ? opts->pin_source : NULL;
    const char *mod = opts != NULL ? opts->module : NULL;

    *out = NULL;
    token_unavailable = 0;
    if (strncmp(uri, "pkcs11:", 7) != 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "pkcs11: not a pkcs11: URI");

    if (ps != NULL) {
        lithsm_err err = lithsm_pin_source_check(ps);

        if (err != LITHSM_OK)
            return err;
        if (uri_has(uri, "pin-source") || uri_has(uri, "pin-value"))
            return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                               "pkcs11: a PIN source is given both in the URI "
                               "and as an option");
    }
    if (mod != NULL && uri_has(uri, "module-path"))
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "pkcs11: a module is given both in the URI "
                           "(module-path) and as an option");
    if (lithsm_p11_uri_has_empty_attribute(uri))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "pkcs11 URI: an empty attribute (';;') is not "
                           "allowed");
    lithsm_buf_init(&b);
    lithsm_buf_puts(&b, uri);
    if (mod != NULL) {
        lithsm_buf_putc(&b, sep);
        lithsm_buf_puts(&b, "module-path=");
        lithsm_p11_pct(&b, mod);
        sep = '&';
    }
    if (ps != NULL) {
        lithsm_buf_putc(&b, sep);
        lithsm_buf_puts(&b, "pin-source=");
        lithsm_p11_pct(&b, ps);
    }
    return lithsm_buf_finish(&b, out, NULL);
}

lithsm_err lithsm_pin_source_check(const char *source)
{
    /* Never a PIN: only the two source forms are accepted, and the value
     * is not echoed. */
    if (!lithsm_pin_source_valid(source))
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "pkcs11: the PIN source must be file:PATH or "
                           "env:NAME");
    return LITHSM_OK;
}

void lithsm_pin_source_forget(const char *source)
{
    const char *name;
    char *value;

    if (lithsm_pin_source_parse(source, &name) != LITHSM_PIN_SOURCE_ENV)
        return;
    value = getenv(name);
    if (value != NULL)
        lithsm_memzero(value, strlen(value));
    (void)unsetenv(name);
}

void lithsm_uri_pin_source_forget(const char *uri)
{
    const char *a;
    char source[1024]; /* longer than any valid source: cut, refused */
    size_t n = 0;

    if (uri == NULL || strncmp(uri, "pkcs11:", 7) != 0)
        return;
    /* The value as p11-kit reads it: up to the next separator, with
     * %XX decoded. */
    if ((a = uri_attr(uri, "pin-source")) == NULL)
        return;
    for (; *a != '\0' && strchr(URI_VALUE_END, *a) == NULL &&
           n + 1 < sizeof(source);
         a++) {
        uint8_t byte;

        if (*a == '%' && a[1] != '\0' && a[2] != '\0' &&
            lithsm_hex_decode(&byte, 1, a + 1, 2) == LITHSM_OK) {
            source[n++] = (char)byte;
            a += 2;
        } else {
            source[n++] = *a;
        }
    }
    source[n] = '\0';
    lithsm_pin_source_forget(source);
}
