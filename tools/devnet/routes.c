/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * routes.c - what each devnet node answers: the Datil handshake and the
 * devnet's own session-sig check route, with the header rules every Lit
 * node route applies, the per-node faults, and the request bodies as
 * libmicrohttpd hands them over (server.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "server.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define CHECK_GRACE_MS 60000

/* The answer of a node with the garbage fault: 200, a JSON content type,
 * and a body no JSON parser accepts. */
static const char garbage_body[] =
    "<html><body>garbage from lithsm devnet {\"not\": json</body></html>";

/* Fixed fake keys (the devnet does no DKG and no attestation). */
static const char network_key[] =
    "8e4f2a1c0b9d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f"
    "1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d";
static const char network_key_set[] =
    "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
    "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
    "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
static const char *const hd_root_keys[] = {
    "02e5896d70c1bc4b4844458748fe0f936c7919d7968341e391fb6d82c258192e64",
    "03c0e7a1f4b2d98e6a5c3b1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c",
    "0219d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4",
};

/* Error messages of the node routes. */
static const char no_request_id[] =
    "Missing 'X-Request-Id' or 'X-Correlation-Id' header.";
static const char bad_sdk_version[] =
    "X-Lit-SDK-Version is not a semantic version other than 0.0.0.";
static const char bad_handshake[] =
    "Bad handshake body: want {clientPublicKey, challenge?, epoch?}.";
static const char bad_check[] =
    "The body is not {\"authSig\": <SessionSig object>}.";

/* ---------------------------------------------------------------- waiting */

/* Waits ms milliseconds or until the devnet stops.  Returns 1 when it is
 * stopping. */
static int wait_ms(devnet *net, unsigned ms)
{
    struct timespec until;
    int stopping;

    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&net->lock);
    while (!net->stopping &&
           pthread_cond_timedwait(&net->cond, &net->lock, &until) != ETIMEDOUT)
        ;
    stopping = net->stopping;
    pthread_mutex_unlock(&net->lock);
    return stopping;
}

/* ---------------------------------------------------------------- routes */

/* A semantic version MAJOR.MINOR.PATCH with optional -pre and +build, as
 * the node requires of X-Lit-SDK-Version. */
static int semver_ok(const char *v)
{
    const char *p = v;
    int part, all_zero = 1;

    for (part = 0; part < 3; part++) {
        const char *start = p;

        while (*p >= '0' && *p <= '9')
            p++;
        if (p == start || (p - start > 1 && *start == '0'))
            return 0;
        if (p - start != 1 || *start != '0')
            all_zero = 0;
        if (part < 2 && *p++ != '.')
            return 0;
    }
    if (*p == '-' || *p == '+') {
        p++;
        if (*p == '\0')
            return 0;
        for (; *p != '\0'; p++)
            if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
                  (*p >= 'A' && *p <= 'Z') || *p == '.' || *p == '-' ||
                  *p == '+'))
                return 0;
    }
    return *p == '\0' && !all_zero;
}

static enum MHD_Result handshake(devnet_node *node, struct MHD_Connection *conn,
                                 const request *req, const char *corr)
{
    devnet *net = node->net;
    const char *sdk = devnet_header(conn, "X-Lit-SDK-Version");
    json_object *body, *field, *out, *roots;
    size_t i;
    int bad;

    body = devnet_parse_body(req);
    bad = body == NULL || !json_object_is_type(body, json_type_object) ||
          !json_object_object_get_ex(body, "clientPublicKey", &field) ||
          !json_object_is_type(field, json_type_string);
    if (!bad && json_object_object_get_ex(body, "challenge", &field))
        bad = field != NULL && !json_object_is_type(field, json_type_string);
    if (!bad && json_object_object_get_ex(body, "epoch", &field))
        bad = field != NULL && !json_object_is_type(field, json_type_int);
    json_object_put(body);
    if (bad)
        return devnet_respond_error(conn, MHD_HTTP_BAD_REQUEST, "Parser",
                                    "NodeParserError", bad_handshake, corr,
                                    NULL, NULL);

    out = json_object_new_object();
    roots = json_object_new_array();
    if (out == NULL || roots == NULL)
        goto oom;
    for (i = 0; i < sizeof(hd_root_keys) / sizeof(hd_root_keys[0]); i++) {
        json_object *s = json_object_new_string(hd_root_keys[i]);

        if (s == NULL || json_object_array_add(roots, s) != 0) {
            json_object_put(s);
            goto oom;
        }
    }
    if (cli_json_add_str(out, "serverPublicKey", node->server_key) != 0 ||
        cli_json_add_str(out, "subnetPublicKey", network_key) != 0 ||
        cli_json_add_str(out, "networkPublicKey", network_key) != 0 ||
        cli_json_add_str(out, "networkPublicKeySet", network_key_set) != 0)
        goto oom;
    if (json_object_object_add(out, "hdRootPubkeys", roots) != 0)
        goto oom;
    roots = NULL;
    if (cli_json_add_str(out, "latestBlockhash",
                         (node->fault.flags & DEVNET_FAULT_BLOCKHASH) != 0
                             ? net->other_blockhash
                             : net->blockhash) != 0 ||
        cli_json_add_str(out, "nodeVersion", PACKAGE_VERSION "-devnet") != 0 ||
        cli_json_add_int(out, "epoch", (int64_t)net->epoch) != 0 ||
        cli_json_add_str(out, "clientSdkVersion", sdk) != 0)
        goto oom;
    return devnet_respond_json(conn, MHD_HTTP_OK, out);
oom:
    json_object_put(roots);
    json_object_put(out);
    return MHD_NO;
}

/* errorKind and message of each errorCode the verifier reports. */
static void describe(const char *code, const char **kind, const char **msg)
{
    static const struct {
        const char *code, *kind, *msg;
    } table[] = {
        { "NodeInvalidAuthSig", "Validation", "Invalid auth sig." },
        { "NodeInvalidAuthSigSessionKeySignature", "Validation",
          "The session key signature is invalid." },
        { "NodeAuthSigSignedMessageConversionError", "Conversion",
          "The SessionSig's signed message cannot be parsed." },
        { "NodeAuthSigAddressConversionError", "Conversion",
          "The SessionSig's address is not a session public key." },
        { "NodeAuthSigSignatureConversionError", "Conversion",
          "The SessionSig's signature is not 64 bytes of hex." },
        { "NodeNotAuthorized", "Validation",
          "The SessionSig was signed for another node." },
        { "NodeExpWrongOrTooLarge", "Validation",
          "The session has expired or its expiration is before issuedAt." },
        { "NodeIatOutsideGracePeriod", "Validation",
          "The session's issuedAt is in the future." },
        { "NodeSIWEMessageError", "Parser", "Error parsing SIWE message." },
        { "NodeSIWECapabilityInvalid", "Validation",
          "A capability is invalid." },
        { "NodeSIWESigConversionError", "Conversion",
          "A capability's signature is not hex." },
        { "NodeResourceIdNotFound", "Validation",
          "Resource id not found in auth_sig capabilities." },
        { "NodeParserError", "Parser", "A time value cannot be parsed." },
        { "rate_limit_exceeded", "Validation",
          "Rate limit exceeded: no capacity delegation covers this user." },
    };
    size_t i;

    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (code != NULL && strcmp(code, table[i].code) == 0) {
            *kind = table[i].kind;
            *msg = table[i].msg;
            return;
        }
    }
    *kind = "Validation";
    *msg = "The SessionSig was rejected.";
}

static enum MHD_Result check_session_sig(devnet_node *node,
                                         struct MHD_Connection *conn,
                                         const request *req, const char *corr)
{
    json_object *body, *sig;
    const char *text, *kind, *msg;
    lithsm_verify_result res;
    lithsm_err err;
    enum MHD_Result ret;

    body = devnet_parse_body(req);
    if (body == NULL || !json_object_is_type(body, json_type_object) ||
        !json_object_object_get_ex(body, "authSig", &sig) ||
        !json_object_is_type(sig, json_type_object)) {
        json_object_put(body);
        return devnet_respond_error(conn, MHD_HTTP_BAD_REQUEST, "Parser",
                                    "NodeParserError", bad_check, corr, NULL,
                                    NULL);
    }
    /* The strings that get verified come out of json-c unchanged. */
    text = json_object_to_json_string_ext(sig, JSON_FLAGS);
    if (text == NULL) {
        json_object_put(body);
        return MHD_NO;
    }
    memset(&res, 0, sizeof(res));
    err = lithsm_verify_session_sig(&res, text, strlen(text), node->url,
                                    lithsm_time_now_ms(), CHECK_GRACE_MS);
    json_object_put(body);
    if (err != LITHSM_OK)
        return devnet_respond_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                    "Unexpected", "NodeUnknownError",
                                    "The SessionSig could not be checked.",
                                    corr, lithsm_strerror(err), NULL);
    if (res.reason == LITHSM_VERIFY_OK) {
        json_object *out = json_object_new_object();

        if (out == NULL ||
            json_object_object_add(out, "ok", json_object_new_boolean(1)) !=
                0 ||
            cli_json_add_str(out, "nodeAddress", node->url) != 0) {
            json_object_put(out);
            return MHD_NO;
        }
        return devnet_respond_json(conn, MHD_HTTP_OK, out);
    }
    describe(res.node_error, &kind, &msg);
    ret = devnet_respond_error(conn, (unsigned)res.http_status, kind,
                               res.node_error != NULL ? res.node_error
                                                      : "NodeInvalidAuthSig",
                               msg, corr, res.word, res.detail);
    return ret;
}

/* ---------------------------------------------------------------- dispatch */

static enum MHD_Result answer(devnet_node *node, struct MHD_Connection *conn,
                              const char *url, const char *method,
                              const request *req)
{
    const char *corr, *sdk;
    char made[40];
    uint8_t rnd[8];
    int is_handshake, is_check;

    if ((node->fault.flags & DEVNET_FAULT_SLOW) != 0 &&
        wait_ms(node->net, node->fault.slow_ms))
        return MHD_NO;
    if ((node->fault.flags & DEVNET_FAULT_GARBAGE) != 0)
        return devnet_respond(conn, MHD_HTTP_OK, "application/json",
                              garbage_body, sizeof(garbage_body) - 1);

    corr = devnet_header(conn, "X-Request-Id");
    if (corr == NULL)
        corr = devnet_header(conn, "X-Correlation-Id");
    if (corr == NULL) {
        /* Like the node, name the error with an id of our own. */
        if (RAND_bytes(rnd, sizeof(rnd)) != 1)
            memset(rnd, 0, sizeof(rnd));
        memcpy(made, "lithsm_devnet_", 14);
        devnet_hex_lower(made + 14, rnd, sizeof(rnd));
    }

    if (node->is_rpc && devnet_chipotle_route(url))
        return devnet_chipotle(node, conn, url, method, req);
    if (node->is_rpc) {
        static const char post_only[] = "{\"error\":\"JSON-RPC wants POST\"}";

        if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
            return devnet_respond(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                                  "application/json", post_only,
                                  sizeof(post_only) - 1);
        if (req->too_large)
            return devnet_respond_json(
                conn, MHD_HTTP_CONTENT_TOO_LARGE,
                devnet_rpc_error(NULL, -32600, "request too large"));
        return devnet_rpc(node, conn, req);
    }

    is_handshake = strcmp(url, "/web/handshake") == 0 ||
                   strcmp(url, "/web/handshake/") == 0;
    is_check = strcmp(url, "/web/lithsm/check_session_sig/v1") == 0;
    if (!is_handshake && !is_check)
        return devnet_respond_error(conn, MHD_HTTP_NOT_FOUND, "Validation",
                                    "CoreApiRouteNotFound",
                                    "The API path was not found.",
                                    corr != NULL ? corr : made, url, NULL);
    if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
        return devnet_respond_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                                    "Validation", "CoreApiRouteNotFound",
                                    "This route only takes POST.",
                                    corr != NULL ? corr : made, method, NULL);
    if (corr == NULL)
        return devnet_respond_error(conn, 418, "Validation",
                                    "CoreApiMissingRequiredXRequestIdHeader",
                                    no_request_id, made, NULL, NULL);
    sdk = devnet_header(conn, "X-Lit-SDK-Version");
    if (sdk != NULL && !semver_ok(sdk))
        return devnet_respond_error(conn, MHD_HTTP_BAD_REQUEST, "Validation",
                                    "CoreApiInvalidXSDKVersionHeader",
                                    bad_sdk_version, corr, sdk, NULL);
    if (req->too_large)
        return devnet_respond_error(
            conn, MHD_HTTP_CONTENT_TOO_LARGE, "Validation", "PayloadTooLarge",
            "The request body is over 1 MiB.", corr, NULL, NULL);
    if (is_handshake)
        return handshake(node, conn, req, corr);
    return check_session_sig(node, conn, req, corr);
}

/* Adds a piece of the body; past DEVNET_MAX_BODY the body is dropped and
 * the rest only counted as too large.  Returns -1 when memory runs out. */
static int append(request *req, const char *data, size_t n)
{
    char *grown;

    if (req->too_large)
        return 0;
    if (n > DEVNET_MAX_BODY - req->len) {
        req->too_large = 1;
        free(req->body);
        req->body = NULL;
        req->len = 0;
        return 0;
    }
    grown = realloc(req->body, req->len + n + 1);
    if (grown == NULL)
        return -1;
    memcpy(grown + req->len, data, n);
    req->len += n;
    grown[req->len] = '\0';
    req->body = grown;
    return 0;
}

enum MHD_Result devnet_on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    devnet_node *node = cls;
    request *req = *con_cls;
    const char *cl;

    if (req == NULL) {
        /* close: drop the connection before any answer. */
        if ((node->fault.flags & DEVNET_FAULT_CLOSE) != 0)
            return MHD_NO;
        req = calloc(1, sizeof(*req));
        if (req == NULL)
            return MHD_NO;
        *con_cls = req;
        cl = devnet_header(conn, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl != NULL && strtoull(cl, NULL, 10) > DEVNET_MAX_BODY) {
            /* Answer before the body is read, so it is never read. */
            req->too_large = 1;
            req->answered = 1;
            return answer(node, conn, url, method, req);
        }
        return MHD_YES;
    }
    if (req->answered) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        size_t n = *upload_data_size;

        *upload_data_size = 0;
        return append(req, upload_data, n) == 0 ? MHD_YES : MHD_NO;
    }
    req->answered = 1;
    return answer(node, conn, url, method, req);
}

void devnet_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    request *req = *con_cls;

    if (req != NULL) {
        free(req->body);
        free(req);
        *con_cls = NULL;
    }
}
