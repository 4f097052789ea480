/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * tls.c - the devnet's TLS certificate: a fresh P-256 key kept in memory
 * and a self-signed certificate written where clients find it (server.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "server.h"

#define CERT_NAME "devnet-cert.pem"

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    int ok = ext != NULL && X509_add_ext(x, ext, -1) == 1;

    X509_EXTENSION_free(ext);
    return ok ? 0 : -1;
}

/* Copies a memory BIO's contents into a NUL-terminated string. */
static char *bio_text(BIO *bio, size_t *len_out)
{
    char *data, *out;
    long len = BIO_get_mem_data(bio, &data);

    if (len <= 0 || (out = malloc((size_t)len + 1)) == NULL)
        return NULL;
    memcpy(out, data, (size_t)len);
    out[len] = '\0';
    if (len_out != NULL)
        *len_out = (size_t)len;
    return out;
}

int devnet_make_cert(devnet *net, char *err, size_t err_len)
{
    EVP_PKEY *pkey = NULL;
    X509 *x = NULL;
    X509_NAME *name;
    X509V3_CTX v3;
    BIGNUM *serial = NULL;
    BIO *bio = NULL;
    char san[32];
    int rc = -1;

    pkey = EVP_EC_gen("P-256");
    x = X509_new();
    serial = BN_new();
    if (pkey == NULL || x == NULL || serial == NULL ||
        BN_rand(serial, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) == NULL ||
        X509_set_version(x, X509_VERSION_3) != 1 ||
        X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
        X509_gmtime_adj(X509_getm_notAfter(x), 365L * 24 * 3600) == NULL ||
        X509_set_pubkey(x, pkey) != 1)
        goto fail;
    name = X509_get_subject_name(x);
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   (const unsigned char *)"lithsm devnet", -1,
                                   -1, 0) != 1 ||
        X509_set_issuer_name(x, name) != 1)
        goto fail;
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    snprintf(san, sizeof(san), "IP:%s", net->host);
    if (add_ext(x, &v3, NID_basic_constraints, "critical,CA:FALSE") != 0 ||
        add_ext(x, &v3, NID_key_usage, "critical,digitalSignature") != 0 ||
        add_ext(x, &v3, NID_ext_key_usage, "serverAuth") != 0 ||
        add_ext(x, &v3, NID_subject_key_identifier, "hash") != 0 ||
        add_ext(x, &v3, NID_subject_alt_name, san) != 0 ||
        X509_sign(x, pkey, EVP_sha256()) <= 0)
        goto fail;

    if ((bio = BIO_new(BIO_s_mem())) == NULL ||
        PEM_write_bio_X509(bio, x) != 1 ||
        (net->cert_pem = bio_text(bio, NULL)) == NULL)
        goto fail;
    BIO_free(bio);
    /* The key never leaves memory; its BIO is wiped on free. */
    if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
        PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL) != 1 ||
        (net->key_pem = bio_text(bio, &net->key_pem_len)) == NULL)
        goto fail;
    rc = 0;
fail:
    if (rc != 0)
        devnet_set_err(err, err_len,
                       "cannot make the TLS certificate (OpenSSL)");
    BIO_free(bio);
    BN_free(serial);
    X509_free(x);
    EVP_PKEY_free(pkey);
    return rc;
}

int devnet_write_cert(devnet *net, const char *cert_dir, char *err,
                      size_t err_len)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = NULL;
    size_t n;
    FILE *f;
    int rc;

    if (cert_dir == NULL) {
        if (tmp == NULL || tmp[0] == '\0')
            tmp = "/tmp";
        n = strlen(tmp) + sizeof("/lithsm-devnet-XXXXXX");
        if ((net->temp_dir = malloc(n)) == NULL)
            goto oom;
        snprintf(net->temp_dir, n, "%s/lithsm-devnet-XXXXXX", tmp);
        if (mkdtemp(net->temp_dir) == NULL) {
            devnet_set_err(err, err_len, "cannot make a directory in '%s': %s",
                           tmp, strerror(errno));
            free(net->temp_dir);
            net->temp_dir = NULL;
            return -1;
        }
        dir = net->temp_dir;
    } else {
        dir = (char *)cert_dir;
    }
    n = strlen(dir) + sizeof("/" CERT_NAME);
    if ((net->cert_path = malloc(n)) == NULL)
        goto oom;
    snprintf(net->cert_path, n, "%s/%s", dir, CERT_NAME);
    f = fopen(net->cert_path, "w");
    if (f == NULL) {
        devnet_set_err(err, err_len, "cannot write '%s': %s", net->cert_path,
                       strerror(errno));
        return -1;
    }
    rc = fputs(net->cert_pem, f) < 0;
    if (fclose(f) != 0 || rc) {
        devnet_set_err(err, err_len, "cannot write '%s': %s", net->cert_path,
                       strerror(errno));
        return -1;
    }
    return 0;
oom:
    devnet_set_err(err, err_len, "out of memory");
    return -1;
}
