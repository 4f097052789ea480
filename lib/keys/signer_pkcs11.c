/*
 * signer_pkcs11.c - a signer whose key lives in a PKCS#11 token, reached
 * only through OSSL_STORE and the lithsm OpenSSL provider.
 *
 * The signer has an OpenSSL library context of its own with the "lithsm"
 * and "default" providers, so the application's configuration neither
 * breaks nor sees it.  The token signs the 32-byte digest with CKM_ECDSA
 * (EVP_PKEY_sign: nothing re-hashes it); the DER signature is split into
 * (r, s), and lithsm_signer_sign_digest makes s low and finds v by
 * recovery against the token key's public point.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/store.h>
#include <openssl/ui.h>

#include "keys/keys.h"

/* DER ECDSA signature on a 256-bit curve: at most 72 bytes. */
#define DER_SIG_MAX 80

typedef struct p11_signer {
    lithsm_p11_ctx ctx;
    EVP_PKEY *pkey;
} p11_signer;

static void p11_free(void *impl)
{
    p11_signer *p = impl;

    if (p == NULL)
        return;
    EVP_PKEY_free(p->pkey);
    lithsm_p11_ctx_close(&p->ctx);
    free(p);
}

lithsm_err lithsm_p11_ctx_open(lithsm_p11_ctx *c)
{
    memset(c, 0, sizeof(*c));
    ERR_set_mark();
    c->libctx = OSSL_LIB_CTX_new();
    if (c->libctx != NULL) {
        c->lithsm = OSSL_PROVIDER_load(c->libctx, "lithsm");
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

/* Turns this thread's OpenSSL errors into one lithsm detail message: the
 * provider's own text (PIN incorrect, object not found...) when there is
 * one, else the last error's reason.  The queue is left empty. */
lithsm_err lithsm_p11_fail_openssl(lithsm_err err, const char *what)
{
    char text[256] = "";
    const char *data = NULL;
    unsigned long e, last = 0;
    int flags = 0;

    while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
        last = e;
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

/* The first private key the URI names.  Errors never echo the URI: it may
 * carry a PIN source path or, by mistake, a PIN. */
static lithsm_err load_key(p11_signer *p, const char *uri, int prompt)
{
    OSSL_STORE_CTX *store;
    OSSL_STORE_INFO *info;

    /* With a UI method, the provider asks it for the PIN when it has no
     * PIN source: UI_OpenSSL reads /dev/tty without echo. */
    store = OSSL_STORE_open_ex(uri, p->ctx.libctx, "provider=lithsm",
                               prompt ? UI_OpenSSL() : NULL, NULL, NULL, NULL,
                               NULL);
    if (store == NULL)
        return lithsm_p11_fail_openssl(LITHSM_ERR_PKCS11,
                                       "cannot open the URI");
    if (OSSL_STORE_expect(store, OSSL_STORE_INFO_PKEY) != 1) {
        OSSL_STORE_close(store);
        return lithsm_p11_fail_openssl(LITHSM_ERR_PKCS11,
                                       "cannot open the URI");
    }
    while (p->pkey == NULL && !OSSL_STORE_eof(store)) {
        info = OSSL_STORE_load(store);
        if (info == NULL)
            break;
        if (OSSL_STORE_INFO_get_type(info) == OSSL_STORE_INFO_PKEY)
            p->pkey = OSSL_STORE_INFO_get1_PKEY(info);
        OSSL_STORE_INFO_free(info);
    }
    OSSL_STORE_close(store);
    if (p->pkey == NULL)
        return lithsm_p11_fail_openssl(LITHSM_ERR_KEY,
                                       "cannot load the private key");
    ERR_clear_error();
    return LITHSM_OK;
}

/* A wallet key must be EC on secp256k1: a P-256 key would sign, but never
 * recover to an Ethereum address. */
static lithsm_err key_pubkey(uint8_t pub[65], EVP_PKEY *pkey)
{
    char curve[64];
    size_t len = 0;

    if (!EVP_PKEY_is_a(pkey, "EC"))
        return lithsm_fail(LITHSM_ERR_KEY,
                           "pkcs11: token key is not an EC key on secp256k1");
    if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, curve,
                                        sizeof(curve), &len))
        return lithsm_p11_fail_openssl(LITHSM_ERR_KEY,
                                       "token key without a curve name");
    if (strcmp(curve, "secp256k1") != 0)
        return lithsm_fail(LITHSM_ERR_KEY,
                           "pkcs11: token key is on curve %s, not secp256k1",
                           curve);
    if (!EVP_PKEY_get_octet_string_param(
            pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pub, 65, &len) ||
        len != 65 || pub[0] != 0x04)
        return lithsm_p11_fail_openssl(
            LITHSM_ERR_KEY, "token key without an uncompressed public key");
    return LITHSM_OK;
}

/* DER ECDSA-Sig-Value to (r, s), each left-padded to 32 bytes. */
static lithsm_err der_to_rs(uint8_t r[32], uint8_t s[32],
                            const unsigned char *der, size_t der_len)
{
    const unsigned char *p = der;
    const BIGNUM *br, *bs;
    ECDSA_SIG *sig;
    lithsm_err err = LITHSM_OK;

    sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    if (sig == NULL || p != der + der_len) {
        err = lithsm_fail(LITHSM_ERR_SIGNATURE,
                          "pkcs11: token signature is not DER (r, s)");
        goto done;
    }
    ECDSA_SIG_get0(sig, &br, &bs);
    if (BN_bn2binpad(br, r, 32) != 32 || BN_bn2binpad(bs, s, 32) != 32)
        err = lithsm_fail(LITHSM_ERR_SIGNATURE,
                          "pkcs11: token signature r or s exceeds 32 bytes");

done:
    ECDSA_SIG_free(sig);
    ERR_clear_error();
    return err;
}

static lithsm_err p11_sign_rs(uint8_t r[32], uint8_t s[32], void *impl,
                              const uint8_t hash[32])
{
    p11_signer *p = impl;
    EVP_PKEY_CTX *ctx;
    unsigned char der[DER_SIG_MAX];
    size_t der_len = sizeof(der);

    /* "?provider=lithsm": the token's ECDSA, whatever else is loaded. */
    ctx =
        EVP_PKEY_CTX_new_from_pkey(p->ctx.libctx, p->pkey, "?provider=lithsm");
    if (ctx == NULL)
        return lithsm_p11_fail_openssl(LITHSM_ERR_NOMEM,
                                       "cannot make a signing context");
    if (EVP_PKEY_sign_init(ctx) <= 0 ||
        EVP_PKEY_sign(ctx, der, &der_len, hash, 32) <= 0) {
        EVP_PKEY_CTX_free(ctx);
        return lithsm_p11_fail_openssl(LITHSM_ERR_PKCS11,
                                       "token signing failed");
    }
    EVP_PKEY_CTX_free(ctx);
    return der_to_rs(r, s, der, der_len);
}

static const lithsm_signer_ops p11_ops = {
    .kind = "pkcs11",
    .sign_rs = p11_sign_rs,
    .free = p11_free,
};

/* Opens the key of a pkcs11: URI that already holds every setting. */
static lithsm_err open_uri(lithsm_signer **out, const char *uri, int prompt)
{
    p11_signer *p;
    uint8_t pub[65];
    lithsm_err err;

    *out = NULL;
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "pkcs11: out of memory");
    if ((err = lithsm_p11_ctx_open(&p->ctx)) != LITHSM_OK ||
        (err = load_key(p, uri, prompt)) != LITHSM_OK ||
        (err = key_pubkey(pub, p->pkey)) != LITHSM_OK)
        goto fail;
    /* Takes ownership of p, also on failure. */
    return lithsm_signer_new(out, &p11_ops, p, pub, sizeof(pub));

fail:
    p11_free(p);
    ERR_clear_error();
    return err;
}

lithsm_err lithsm_signer_open_pkcs11(lithsm_signer **out, const char *uri)
{
    return open_uri(out, uri, 0);
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

/* Does the URI have attribute `name`, in its path (';'-separated) or its
 * query ('&'-separated)?  p11-kit reads pin-source and pin-value in both. */
static int uri_has(const char *uri, const char *name)
{
    const char *a = uri + strlen("pkcs11:");
    size_t n = strlen(name);

    for (;;) {
        if (strncmp(a, name, n) == 0 && a[n] == '=')
            return 1;
        a += strcspn(a, ";?&#");
        if (*a == '\0' || *a == '#')
            return 0;
        a++;
    }
}

/* p11-kit 0.24 stops at an empty path attribute ("a;;b", ";a", "a;")
 * without an error, silently dropping object= and the query appended here
 * (module-path, pin-source). */
static int has_empty_path_attribute(const char *uri)
{
    const char *path = uri + strlen("pkcs11:");
    const char *twice = strstr(path, ";;");
    size_t len = strcspn(path, "?#");

    return len > 0 && (path[0] == ';' || path[len - 1] == ';' ||
                       (twice != NULL && (size_t)(twice - path) < len));
}

lithsm_err lithsm_p11_uri(char **out, const char *uri,
                          const lithsm_token_opts *opts)
{
    lithsm_buf b;
    char sep = strchr(uri, '?') != NULL ? '&' : '?';
    const char *ps = opts != NULL ? opts->pin_source : NULL;
    const char *mod = opts != NULL ? opts->module : NULL;

    *out = NULL;
    if (strncmp(uri, "pkcs11:", 7) != 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "pkcs11: not a pkcs11: URI");

    if (ps != NULL) {
        /* Never a PIN: only the two source forms are accepted, and the
         * value is not echoed. */
        if (!((strncmp(ps, "file:", 5) == 0 && ps[5] != '\0') ||
              (strncmp(ps, "env:", 4) == 0 && ps[4] != '\0')))
            return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                               "pkcs11: the PIN source must be file:PATH or "
                               "env:NAME");
        if (uri_has(uri, "pin-source") || uri_has(uri, "pin-value"))
            return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                               "pkcs11: a PIN source is given both in the URI "
                               "and as an option");
    }
    if (mod != NULL && uri_has(uri, "module-path"))
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "pkcs11: a module is given both in the URI "
                           "(module-path) and as an option");
    if (has_empty_path_attribute(uri))
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

lithsm_err lithsm_signer_open_token(lithsm_signer **out, const char *uri,
                                    const lithsm_token_opts *opts)
{
    char *full = NULL;
    lithsm_err err;

    if (out == NULL || uri == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "signer: NULL argument");
    *out = NULL;
    if (strncmp(uri, "pkcs11:", 7) != 0) {
        if (opts != NULL && (opts->module != NULL || opts->pin_source != NULL))
            return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                               "a PKCS#11 module or PIN source applies to "
                               "pkcs11: URIs only, not to key files");
        return lithsm_signer_open(out, uri);
    }
    if ((err = lithsm_p11_uri(&full, uri, opts)) != LITHSM_OK)
        return err;
    err = open_uri(out, full, opts != NULL && opts->prompt);
    lithsm_memzero(full, strlen(full));
    free(full);
    return err;
}
