/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * tls.c - lithsm-serve's mutual TLS (serve.h): the server certificate,
 * a handshake that requires a client certificate signed by the client
 * CA, and the caller's identity taken from that certificate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <openssl/crypto.h>

#include "serve.h"

#define PEM_MAX (1024u * 1024u)

/* Reads a whole PEM file into a NUL-terminated string. */
static char *read_pem(const char *path, size_t *len_out, char *err,
                      size_t err_len, const char *what)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0;

    if (f == NULL)
        goto fail;
    if ((buf = malloc(PEM_MAX + 1)) == NULL)
        goto fail;
    n = fread(buf, 1, PEM_MAX + 1, f);
    if (ferror(f) || n == 0 || n > PEM_MAX)
        goto fail;
    fclose(f);
    buf[n] = '\0';
    if (len_out != NULL)
        *len_out = n;
    return buf;
fail:
    if (f != NULL)
        fclose(f);
    if (buf != NULL) {
        OPENSSL_cleanse(buf, PEM_MAX + 1);
        free(buf);
    }
    snprintf(err, err_len, "serve/%s: cannot read a PEM file of 1 MiB or less",
             what);
    return NULL;
}

int serve_tls_load(serve *s, char *err, size_t err_len)
{
    if (s->cfg.host[0] == '\0') /* only a unix socket: no TLS */
        return 0;
    if ((s->cert_pem = read_pem(s->cfg.tls_cert, NULL, err, err_len,
                                "tls_cert")) == NULL ||
        (s->key_pem = read_pem(s->cfg.tls_key, &s->key_pem_len, err, err_len,
                               "tls_key")) == NULL ||
        (s->ca_pem = read_pem(s->cfg.client_ca, NULL, err, err_len,
                              "client_ca")) == NULL)
        return -1;
    return 0;
}

/* The client certificate must be for client authentication. */
static gnutls_typed_vdata_st client_purpose[] = {
    { GNUTLS_DT_KEY_PURPOSE_OID, (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT, 0 },
};

/* 1 when the certificate (DER) names clientAuth in an extended key usage.
 * RFC 5280 lets a certificate without that extension serve any purpose;
 * the service does not: a client certificate says it is one. */
static int names_client_auth(const gnutls_datum_t *der)
{
    gnutls_x509_crt_t crt = NULL;
    char oid[128];
    size_t size;
    unsigned i;
    int found = 0;

    if (gnutls_x509_crt_init(&crt) != 0)
        return 0;
    if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) == 0)
        for (i = 0; !found; i++) {
            size = sizeof(oid);
            if (gnutls_x509_crt_get_key_purpose_oid(crt, i, oid, &size, NULL) !=
                0)
                break;
            found = strcmp(oid, GNUTLS_KP_TLS_WWW_CLIENT) == 0;
        }
    gnutls_x509_crt_deinit(crt);
    return found;
}

/* During the handshake: the client's chain verifies against the client
 * CA (MHD_OPTION_HTTPS_MEM_TRUST) now (GnuTLS checks each certificate's
 * notBefore and notAfter), for client authentication, and the
 * certificate names clientAuth.  Non-zero fails the handshake. */
static int verify_client(gnutls_session_t session)
{
    const gnutls_datum_t *certs;
    unsigned status = 1, n = 0;

    if (gnutls_certificate_verify_peers(session, client_purpose, 1, &status) !=
            0 ||
        status != 0 ||
        (certs = gnutls_certificate_get_peers(session, &n)) == NULL || n == 0 ||
        !names_client_auth(&certs[0]))
        return -1;
    return 0;
}

void serve_on_connection(void *cls, struct MHD_Connection *conn,
                         void **socket_context,
                         enum MHD_ConnectionNotificationCode toe)
{
    const union MHD_ConnectionInfo *info;
    gnutls_session_t session;

    (void)cls;
    (void)socket_context;
    if (toe != MHD_CONNECTION_NOTIFY_STARTED)
        return;
    info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (info == NULL || info->tls_session == NULL)
        return; /* serve_caller() refuses such a connection */
    session = (gnutls_session_t)info->tls_session;
    /* No certificate, or one verify_client() refuses: the handshake
     * fails. */
    gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUIRE);
    gnutls_session_set_verify_function(session, verify_client);
}

int serve_caller(struct MHD_Connection *conn, char *subject, size_t subject_len,
                 char fingerprint[65])
{
    const union MHD_ConnectionInfo *info;
    gnutls_session_t session;
    const gnutls_datum_t *certs;
    gnutls_x509_crt_t crt = NULL;
    gnutls_datum_t dn = { NULL, 0 };
    unsigned char sha[32];
    size_t sha_len = sizeof(sha);
    unsigned n = 0;
    int rc;

    /* On the unix socket the kernel says who the caller is. */
    if ((rc = serve_unix_caller(conn, subject, subject_len, fingerprint)) != 0)
        return rc > 0 ? 0 : -1;
    rc = -1;
    info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (info == NULL || info->tls_session == NULL)
        return -1;
    session = (gnutls_session_t)info->tls_session;
    /* The handshake verified it; check again (now) before trusting the
     * name. */
    if (verify_client(session) != 0 ||
        (certs = gnutls_certificate_get_peers(session, &n)) == NULL || n == 0)
        return -1;
    if (gnutls_fingerprint(GNUTLS_DIG_SHA256, &certs[0], sha, &sha_len) != 0 ||
        sha_len != sizeof(sha) || gnutls_x509_crt_init(&crt) != 0)
        return -1;
    if (gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) == 0 &&
        gnutls_x509_crt_get_dn3(crt, &dn, 0) == 0 &&
        (size_t)snprintf(subject, subject_len, "subject:%s", dn.data) <
            subject_len &&
        lithsm_hex_encode(fingerprint, 65, sha, sizeof(sha)) == LITHSM_OK)
        rc = 0;
    gnutls_free(dn.data);
    gnutls_x509_crt_deinit(crt);
    return rc;
}
