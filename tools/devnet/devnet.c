/*
 * devnet.c - the server behind 'lithsm devnet': Lit-compatible node
 * endpoints and a staking JSON-RPC endpoint on loopback ports.
 *
 * One libmicrohttpd daemon per node, each with its own polling thread and
 * one thread per connection, so a slow node never holds up another.  The
 * handlers only read the devnet's configuration, which does not change
 * after start; the one shared mutable thing is the stop flag that wakes
 * slow answers.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "devnet.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

/* The staking call lithsm and the SDK make for the validator list:
 * getActiveUnkickedValidatorStructsAndCounts(). */
#define VALIDATORS_SELECTOR "0xc51d020e"
#define EPOCH_LENGTH_S 86400
#define EPOCH_TIMEOUT_S 60
#define JSON_DEPTH 32
#define CONNECTION_LIMIT 64
#define CONNECTION_TIMEOUT_S 30
#define THREAD_STACK (512u * 1024u)
#define CHECK_GRACE_MS 60000
#define CERT_NAME "devnet-cert.pem"

#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

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

typedef struct devnet_node {
    devnet *net;
    size_t index;
    int is_rpc;
    int tls;
    devnet_fault fault;
    struct MHD_Daemon *daemon;
    int down_fd; /* a down node's bound, never listening socket */
    uint16_t port;
    char url[64];
    uint8_t address[20];
    char server_key[65];
} devnet_node;

struct devnet {
    size_t n_nodes;
    devnet_node *nodes;
    devnet_node rpc;
    int https;
    char host[INET_ADDRSTRLEN];
    uint32_t ip; /* host byte order */
    uint64_t epoch;
    size_t min_nodes;
    int64_t start_s;
    char blockhash[67];
    char other_blockhash[67]; /* what a blockhash-fault node answers */
    char staking[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    char *cert_pem;
    char *key_pem;
    size_t key_pem_len;
    char *cert_path;
    char *temp_dir; /* made by us: removed at stop */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int sync_ready;
    int stopping;
};

/* One request's body as it arrives. */
typedef struct request {
    char *body;
    size_t len;
    int too_large;
    int answered; /* a response was queued before the body came */
} request;

static void set_err(char *err, size_t err_len, const char *fmt, ...)
    CLI_PRINTF(3, 4);

static void set_err(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
}

static void hex_lower(char *out, const uint8_t *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

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

/* ---------------------------------------------------------------- answers */

static enum MHD_Result respond(struct MHD_Connection *conn, unsigned status,
                               const char *type, const char *body, size_t len)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;

    resp = MHD_create_response_from_buffer(len, (void *)body,
                                           MHD_RESPMEM_MUST_COPY);
    if (resp == NULL)
        return MHD_NO;
    if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type) !=
            MHD_YES ||
        (status == MHD_HTTP_METHOD_NOT_ALLOWED &&
         MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "POST") !=
             MHD_YES)) {
        MHD_destroy_response(resp);
        return MHD_NO;
    }
    ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* Answers with a json-c value and releases it; a NULL value (memory ran
 * out while building it) closes the connection. */
static enum MHD_Result respond_json(struct MHD_Connection *conn,
                                    unsigned status, json_object *obj)
{
    const char *text;
    enum MHD_Result ret = MHD_NO;

    if (obj == NULL)
        return MHD_NO;
    text = json_object_to_json_string_ext(obj, JSON_FLAGS);
    if (text != NULL)
        ret = respond(conn, status, "application/json", text, strlen(text));
    json_object_put(obj);
    return ret;
}

/* Adds key: string (NULL: null) to obj; 0 or -1 when memory runs out. */
static int add_str(json_object *obj, const char *key, const char *value)
{
    json_object *v = NULL;

    if (value != NULL && (v = json_object_new_string(value)) == NULL)
        return -1;
    if (json_object_object_add(obj, key, v) != 0) {
        json_object_put(v);
        return -1;
    }
    return 0;
}

static int add_int(json_object *obj, const char *key, int64_t value)
{
    json_object *v = json_object_new_int64(value);

    if (v == NULL || json_object_object_add(obj, key, v) != 0) {
        json_object_put(v);
        return -1;
    }
    return 0;
}

/* The Lit node error body (lit-api-core error/handler.rs):
 * {"errorKind","errorCode","status","message","correlationId","details"}. */
static enum MHD_Result respond_error(struct MHD_Connection *conn,
                                     unsigned status, const char *kind,
                                     const char *code, const char *message,
                                     const char *correlation_id,
                                     const char *detail1, const char *detail2)
{
    json_object *obj = json_object_new_object();
    json_object *details = json_object_new_array();
    const char *d[2];
    size_t i;

    d[0] = detail1;
    d[1] = detail2;
    if (obj == NULL || details == NULL)
        goto oom;
    for (i = 0; i < 2; i++) {
        json_object *s;

        if (d[i] == NULL)
            continue;
        s = json_object_new_string(d[i]);
        if (s == NULL || json_object_array_add(details, s) != 0) {
            json_object_put(s);
            goto oom;
        }
    }
    if (add_str(obj, "errorKind", kind) != 0 ||
        add_str(obj, "errorCode", code) != 0 ||
        add_int(obj, "status", status) != 0 ||
        add_str(obj, "message", message) != 0 ||
        add_str(obj, "correlationId", correlation_id) != 0)
        goto oom;
    if (json_object_object_add(obj, "details", details) != 0)
        goto oom;
    return respond_json(conn, status, obj);
oom:
    json_object_put(details);
    json_object_put(obj);
    return MHD_NO;
}

static const char *header(struct MHD_Connection *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* Parses a request body strictly: one JSON value, UTF-8, bounded depth,
 * no NUL, nothing after it but white space.  NULL when it is not JSON. */
static json_object *parse_body(const request *req)
{
    json_tokener *tok;
    json_object *obj;
    size_t end;

    if (req->body == NULL || memchr(req->body, '\0', req->len) != NULL)
        return NULL;
    tok = json_tokener_new_ex(JSON_DEPTH);
    if (tok == NULL)
        return NULL;
    json_tokener_set_flags(tok,
                           JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    obj = json_tokener_parse_ex(tok, req->body, (int)req->len);
    if (obj != NULL && json_tokener_get_error(tok) == json_tokener_success) {
        for (end = json_tokener_get_parse_end(tok); end < req->len; end++) {
            char c = req->body[end];

            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                json_object_put(obj);
                obj = NULL;
                break;
            }
        }
    } else {
        json_object_put(obj);
        obj = NULL;
    }
    json_tokener_free(tok);
    return obj;
}

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

/* ---------------------------------------------------------------- routes */

static enum MHD_Result handshake(devnet_node *node, struct MHD_Connection *conn,
                                 const request *req, const char *corr)
{
    devnet *net = node->net;
    const char *sdk = header(conn, "X-Lit-SDK-Version");
    json_object *body, *field, *out, *roots;
    size_t i;
    int bad;

    body = parse_body(req);
    bad = body == NULL || !json_object_is_type(body, json_type_object) ||
          !json_object_object_get_ex(body, "clientPublicKey", &field) ||
          !json_object_is_type(field, json_type_string);
    if (!bad && json_object_object_get_ex(body, "challenge", &field))
        bad = field != NULL && !json_object_is_type(field, json_type_string);
    if (!bad && json_object_object_get_ex(body, "epoch", &field))
        bad = field != NULL && !json_object_is_type(field, json_type_int);
    json_object_put(body);
    if (bad)
        return respond_error(conn, MHD_HTTP_BAD_REQUEST, "Parser",
                             "NodeParserError", bad_handshake, corr, NULL,
                             NULL);

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
    if (add_str(out, "serverPublicKey", node->server_key) != 0 ||
        add_str(out, "subnetPublicKey", network_key) != 0 ||
        add_str(out, "networkPublicKey", network_key) != 0 ||
        add_str(out, "networkPublicKeySet", network_key_set) != 0)
        goto oom;
    if (json_object_object_add(out, "hdRootPubkeys", roots) != 0)
        goto oom;
    roots = NULL;
    if (add_str(out, "latestBlockhash",
                (node->fault.flags & DEVNET_FAULT_BLOCKHASH) != 0
                    ? net->other_blockhash
                    : net->blockhash) != 0 ||
        add_str(out, "nodeVersion", PACKAGE_VERSION "-devnet") != 0 ||
        add_int(out, "epoch", (int64_t)net->epoch) != 0 ||
        add_str(out, "clientSdkVersion", sdk) != 0)
        goto oom;
    return respond_json(conn, MHD_HTTP_OK, out);
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

    body = parse_body(req);
    if (body == NULL || !json_object_is_type(body, json_type_object) ||
        !json_object_object_get_ex(body, "authSig", &sig) ||
        !json_object_is_type(sig, json_type_object)) {
        json_object_put(body);
        return respond_error(conn, MHD_HTTP_BAD_REQUEST, "Parser",
                             "NodeParserError", bad_check, corr, NULL, NULL);
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
        return respond_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "Unexpected",
                             "NodeUnknownError",
                             "The SessionSig could not be checked.", corr,
                             lithsm_strerror(err), NULL);
    if (res.reason == LITHSM_VERIFY_OK) {
        json_object *out = json_object_new_object();

        if (out == NULL ||
            json_object_object_add(out, "ok", json_object_new_boolean(1)) !=
                0 ||
            add_str(out, "nodeAddress", node->url) != 0) {
            json_object_put(out);
            return MHD_NO;
        }
        return respond_json(conn, MHD_HTTP_OK, out);
    }
    describe(res.node_error, &kind, &msg);
    ret = respond_error(conn, (unsigned)res.http_status, kind,
                        res.node_error != NULL ? res.node_error
                                               : "NodeInvalidAuthSig",
                        msg, corr, res.word, res.detail);
    return ret;
}

/* ---------------------------------------------------------------- RPC */

/* Writes one 32-byte ABI word holding `v` (big-endian) as 64 hex at out;
 * returns where the next word goes. */
static char *abi_u64(char *out, uint64_t v)
{
    uint8_t w[32];
    int i;

    memset(w, 0, sizeof(w));
    for (i = 0; i < 8; i++)
        w[31 - i] = (uint8_t)(v >> (8 * i));
    hex_lower(out, w, 32);
    return out + 64;
}

static char *abi_address(char *out, const uint8_t addr[20])
{
    uint8_t w[32];

    memset(w, 0, 12);
    memcpy(w + 12, addr, 20);
    hex_lower(out, w, 32);
    return out + 64;
}

/* The reply of getActiveUnkickedValidatorStructsAndCounts():
 * (Epoch{epochLength, number, endTime, retries, timeout}, minNodeCount,
 *  Validator[]{ip, ipv6, port, nodeAddress, reward, senderPubKey,
 *  receiverPubKey}) as 0x + 64 hex per word.  Caller frees. */
static char *validators_abi(const devnet *net)
{
    size_t words = 8 + 7 * net->n_nodes, i;
    char *out = malloc(2 + 64 * words + 1), *w;
    /* The epoch began a minute before the start, so that clients send
     * `number` rather than `number - 1` (SDK rule: within 45 s of its
     * start the previous epoch is used). */
    uint64_t end = (uint64_t)(net->start_s - 60 + EPOCH_LENGTH_S);

    if (out == NULL)
        return NULL;
    out[0] = '0';
    out[1] = 'x';
    w = out + 2;
    w = abi_u64(w, EPOCH_LENGTH_S);
    w = abi_u64(w, net->epoch);
    w = abi_u64(w, end);
    w = abi_u64(w, 0); /* retries */
    w = abi_u64(w, EPOCH_TIMEOUT_S);
    w = abi_u64(w, net->min_nodes);
    w = abi_u64(w, 7 * 32); /* offset of the array: 0xe0 */
    w = abi_u64(w, net->n_nodes);
    for (i = 0; i < net->n_nodes; i++) {
        const devnet_node *n = &net->nodes[i];

        w = abi_u64(w, net->ip); /* uint32 ip, big-endian */
        w = abi_u64(w, 0);       /* ipv6 */
        w = abi_u64(w, n->port);
        w = abi_address(w, n->address);
        w = abi_u64(w, 0); /* reward */
        w = abi_u64(w, 0); /* senderPubKey */
        w = abi_u64(w, 0); /* receiverPubKey */
    }
    *w = '\0';
    return out;
}

static json_object *rpc_error(json_object *id, int code, const char *message)
{
    json_object *out = json_object_new_object();
    json_object *e = json_object_new_object();

    if (out == NULL || e == NULL || add_str(out, "jsonrpc", "2.0") != 0 ||
        json_object_object_add(out, "id", json_object_get(id)) != 0 ||
        add_int(e, "code", code) != 0 || add_str(e, "message", message) != 0 ||
        json_object_object_add(out, "error", e) != 0) {
        json_object_put(e);
        json_object_put(out);
        return NULL;
    }
    return out;
}

static json_object *rpc_result(json_object *id, char *result)
{
    json_object *out = json_object_new_object();
    int ok = out != NULL && result != NULL &&
             add_str(out, "jsonrpc", "2.0") == 0 &&
             json_object_object_add(out, "id", json_object_get(id)) == 0 &&
             add_str(out, "result", result) == 0;

    free(result);
    if (!ok) {
        json_object_put(out);
        return NULL;
    }
    return out;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);

    if (p != NULL)
        memcpy(p, s, n);
    return p;
}

/* eth_call: the staking contract answers the validator query and reverts
 * on any other selector; other addresses have no code ("0x"). */
static json_object *rpc_eth_call(const devnet *net, json_object *id,
                                 json_object *params)
{
    json_object *call, *to, *data;
    const char *data_s;

    if (params == NULL || !json_object_is_type(params, json_type_array) ||
        json_object_array_length(params) < 1 ||
        (call = json_object_array_get_idx(params, 0)) == NULL ||
        !json_object_is_type(call, json_type_object) ||
        !json_object_object_get_ex(call, "to", &to) ||
        !json_object_is_type(to, json_type_string))
        return rpc_error(id, -32602, "invalid params: [{to, data}, block]");
    if (strcasecmp(json_object_get_string(to), net->staking) != 0)
        return rpc_result(id, dup_str("0x"));
    data_s = "";
    if ((json_object_object_get_ex(call, "data", &data) ||
         json_object_object_get_ex(call, "input", &data)) &&
        json_object_is_type(data, json_type_string))
        data_s = json_object_get_string(data);
    if (strncasecmp(data_s, VALIDATORS_SELECTOR, strlen(VALIDATORS_SELECTOR)) !=
        0)
        return rpc_error(id, -32000, "execution reverted");
    return rpc_result(id, validators_abi(net));
}

static enum MHD_Result rpc(devnet_node *node, struct MHD_Connection *conn,
                           const request *req)
{
    json_object *body = parse_body(req), *v, *id = NULL, *out;
    const char *method;
    char chain[32];

    if (body == NULL)
        return respond_json(conn, MHD_HTTP_OK,
                            rpc_error(NULL, -32700, "parse error"));
    if (!json_object_is_type(body, json_type_object)) {
        json_object_put(body);
        return respond_json(conn, MHD_HTTP_OK,
                            rpc_error(NULL, -32600, "invalid request"));
    }
    json_object_object_get_ex(body, "id", &id);
    if (!json_object_object_get_ex(body, "jsonrpc", &v) ||
        !json_object_is_type(v, json_type_string) ||
        strcmp(json_object_get_string(v), "2.0") != 0 ||
        !json_object_object_get_ex(body, "method", &v) ||
        !json_object_is_type(v, json_type_string)) {
        out = rpc_error(id, -32600, "invalid request");
    } else {
        method = json_object_get_string(v);
        if (!json_object_object_get_ex(body, "params", &v))
            v = NULL;
        if (strcmp(method, "eth_call") == 0) {
            out = rpc_eth_call(node->net, id, v);
        } else if (strcmp(method, "eth_chainId") == 0) {
            snprintf(chain, sizeof(chain), "0x%x", DEVNET_CHAIN_ID);
            out = rpc_result(id, dup_str(chain));
        } else if (strcmp(method, "net_version") == 0) {
            snprintf(chain, sizeof(chain), "%d", DEVNET_CHAIN_ID);
            out = rpc_result(id, dup_str(chain));
        } else {
            out = rpc_error(id, -32601, "method not found");
        }
    }
    json_object_put(body);
    return respond_json(conn, MHD_HTTP_OK, out);
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
        return respond(conn, MHD_HTTP_OK, "application/json", garbage_body,
                       sizeof(garbage_body) - 1);

    corr = header(conn, "X-Request-Id");
    if (corr == NULL)
        corr = header(conn, "X-Correlation-Id");
    if (corr == NULL) {
        /* Like the node, name the error with an id of our own. */
        if (RAND_bytes(rnd, sizeof(rnd)) != 1)
            memset(rnd, 0, sizeof(rnd));
        memcpy(made, "lithsm_devnet_", 14);
        hex_lower(made + 14, rnd, sizeof(rnd));
    }

    if (node->is_rpc) {
        static const char post_only[] = "{\"error\":\"JSON-RPC wants POST\"}";

        if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
            return respond(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                           "application/json", post_only,
                           sizeof(post_only) - 1);
        if (req->too_large)
            return respond_json(conn, MHD_HTTP_CONTENT_TOO_LARGE,
                                rpc_error(NULL, -32600, "request too large"));
        return rpc(node, conn, req);
    }

    is_handshake = strcmp(url, "/web/handshake") == 0 ||
                   strcmp(url, "/web/handshake/") == 0;
    is_check = strcmp(url, "/web/lithsm/check_session_sig/v1") == 0;
    if (!is_handshake && !is_check)
        return respond_error(conn, MHD_HTTP_NOT_FOUND, "Validation",
                             "CoreApiRouteNotFound",
                             "The API path was not found.",
                             corr != NULL ? corr : made, url, NULL);
    if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
        return respond_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "Validation",
                             "CoreApiRouteNotFound",
                             "This route only takes POST.",
                             corr != NULL ? corr : made, method, NULL);
    if (corr == NULL)
        return respond_error(conn, 418, "Validation",
                             "CoreApiMissingRequiredXRequestIdHeader",
                             no_request_id, made, NULL, NULL);
    sdk = header(conn, "X-Lit-SDK-Version");
    if (sdk != NULL && !semver_ok(sdk))
        return respond_error(conn, MHD_HTTP_BAD_REQUEST, "Validation",
                             "CoreApiInvalidXSDKVersionHeader", bad_sdk_version,
                             corr, sdk, NULL);
    if (req->too_large)
        return respond_error(
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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
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
        cl = header(conn, MHD_HTTP_HEADER_CONTENT_LENGTH);
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

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    request *req = *con_cls;

    if (req != NULL) {
        free(req->body);
        free(req);
        *con_cls = NULL;
    }
}

/* ---------------------------------------------------------------- TLS */

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

/* A fresh P-256 key and a self-signed certificate for the devnet's IP,
 * valid from an hour ago for a year, both as PEM in memory. */
static int make_cert(devnet *net, char *err, size_t err_len)
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
        set_err(err, err_len, "cannot make the TLS certificate (OpenSSL)");
    BIO_free(bio);
    BN_free(serial);
    X509_free(x);
    EVP_PKEY_free(pkey);
    return rc;
}

/* Writes the certificate (public) to cert_dir, or to a new directory of
 * our own under $TMPDIR, so clients can pass it as --ca-file. */
static int write_cert(devnet *net, const char *cert_dir, char *err,
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
            set_err(err, err_len, "cannot make a directory in '%s': %s", tmp,
                    strerror(errno));
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
        set_err(err, err_len, "cannot write '%s': %s", net->cert_path,
                strerror(errno));
        return -1;
    }
    rc = fputs(net->cert_pem, f) < 0;
    if (fclose(f) != 0 || rc) {
        set_err(err, err_len, "cannot write '%s': %s", net->cert_path,
                strerror(errno));
        return -1;
    }
    return 0;
oom:
    set_err(err, err_len, "out of memory");
    return -1;
}

/* ---------------------------------------------------------------- start */

static void addr_of(const devnet *net, struct sockaddr_in *sa)
{
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_addr.s_addr = htonl(net->ip);
    sa->sin_port = 0;
}

/* A down node: its port is bound but never listens, so connections are
 * refused and no one else can take the port meanwhile. */
static int bind_down(devnet_node *node, char *err, size_t err_len)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);

    addr_of(node->net, &sa);
    node->down_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (node->down_fd < 0 ||
        bind(node->down_fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        getsockname(node->down_fd, (struct sockaddr *)&sa, &len) != 0) {
        set_err(err, err_len, "cannot bind a port on %s: %s", node->net->host,
                strerror(errno));
        return -1;
    }
    node->port = ntohs(sa.sin_port);
    return 0;
}

static int start_daemon(devnet_node *node, char *err, size_t err_len)
{
    devnet *net = node->net;
    struct sockaddr_in sa;
    struct MHD_OptionItem opts[8];
    const union MHD_DaemonInfo *info;
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_THREAD_PER_CONNECTION;
    size_t n = 0;

    addr_of(net, &sa);
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, &sa };
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED,
                                         (intptr_t)on_completed, node };
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT,
                                         CONNECTION_LIMIT, NULL };
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
                                         CONNECTION_TIMEOUT_S, NULL };
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_STACK_SIZE,
                                         THREAD_STACK, NULL };
    if (node->tls) {
        flags |= MHD_USE_TLS;
        opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0,
                                             net->key_pem };
        opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0,
                                             net->cert_pem };
    }
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };

    node->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, node,
                                    MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    if (node->daemon == NULL) {
        set_err(err, err_len, "cannot start an HTTP%s daemon on %s",
                node->tls ? "S" : "", net->host);
        return -1;
    }
    info = MHD_get_daemon_info(node->daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (info == NULL || info->port == 0) {
        set_err(err, err_len, "cannot learn the port of a daemon");
        return -1;
    }
    node->port = info->port;
    return 0;
}

static void node_url(devnet_node *node)
{
    snprintf(node->url, sizeof(node->url), "%s://%s:%u",
             node->tls ? "https" : "http", node->net->host,
             (unsigned)node->port);
}

static int parse_host(devnet *net, const char *host, char *err, size_t err_len)
{
    struct in_addr in;

    if (inet_pton(AF_INET, host, &in) != 1) {
        set_err(err, err_len, "'%s' is not an IPv4 address", host);
        return -1;
    }
    net->ip = ntohl(in.s_addr);
    if ((net->ip >> 24) != 127) {
        set_err(err, err_len, "'%s' is not a loopback address (127.0.0.0/8)",
                host);
        return -1;
    }
    inet_ntop(AF_INET, &in, net->host, sizeof(net->host));
    return 0;
}

/* The staking address and the node addresses: random, EIP-55. */
static int make_addresses(devnet *net, char *err, size_t err_len)
{
    lithsm_eth_address staking;
    size_t i;

    if (RAND_bytes(staking.bytes, sizeof(staking.bytes)) != 1) {
        set_err(err, err_len, "the random generator failed");
        return -1;
    }
    lithsm_eth_address_to_text(net->staking, &staking);
    for (i = 0; i < net->n_nodes; i++) {
        uint8_t key[32];

        if (RAND_bytes(net->nodes[i].address, 20) != 1 ||
            RAND_bytes(key, sizeof(key)) != 1) {
            set_err(err, err_len, "the random generator failed");
            return -1;
        }
        hex_lower(net->nodes[i].server_key, key, sizeof(key));
    }
    return 0;
}

int devnet_start(devnet **out, const devnet_config *cfg, char *err,
                 size_t err_len)
{
    devnet *net;
    pthread_condattr_t attr;
    uint8_t hash[32], other[32];
    size_t i;

    *out = NULL;
    if (cfg->n_nodes < 1 || cfg->n_nodes > DEVNET_MAX_NODES ||
        cfg->min_nodes < 1 || cfg->min_nodes > cfg->n_nodes) {
        set_err(err, err_len, "bad node counts");
        return -1;
    }
    if ((net = calloc(1, sizeof(*net))) == NULL ||
        (net->nodes = calloc(cfg->n_nodes, sizeof(*net->nodes))) == NULL) {
        free(net);
        set_err(err, err_len, "out of memory");
        return -1;
    }
    net->n_nodes = cfg->n_nodes;
    net->https = cfg->https;
    net->epoch = cfg->epoch;
    net->min_nodes = cfg->min_nodes;
    net->start_s = lithsm_time_now_ms() / 1000;
    net->rpc.net = net;
    net->rpc.is_rpc = 1;
    net->rpc.down_fd = -1;
    for (i = 0; i < net->n_nodes; i++) {
        net->nodes[i].net = net;
        net->nodes[i].index = i;
        net->nodes[i].fault = cfg->faults[i];
        net->nodes[i].tls = cfg->https;
        net->nodes[i].down_fd = -1;
    }
    if (pthread_condattr_init(&attr) != 0 ||
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&net->cond, &attr) != 0) {
        free(net->nodes);
        free(net);
        set_err(err, err_len, "cannot make a condition variable");
        return -1;
    }
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&net->lock, NULL);
    net->sync_ready = 1;

    /* The blockhash fault answers keccak256 of the real hash. */
    if (strlen(cfg->blockhash) != 66 ||
        lithsm_hex_decode(hash, sizeof(hash), cfg->blockhash + 2, 64) !=
            LITHSM_OK) {
        set_err(err, err_len, "the blockhash is not 0x + 64 hex");
        goto fail;
    }
    memcpy(net->blockhash, "0x", 2);
    hex_lower(net->blockhash + 2, hash, 32);
    lithsm_keccak256(other, hash, sizeof(hash));
    memcpy(net->other_blockhash, "0x", 2);
    hex_lower(net->other_blockhash + 2, other, 32);

    if (parse_host(net, cfg->host, err, err_len) != 0 ||
        make_addresses(net, err, err_len) != 0)
        goto fail;
    if (net->https && (make_cert(net, err, err_len) != 0 ||
                       write_cert(net, cfg->cert_dir, err, err_len) != 0))
        goto fail;

    for (i = 0; i < net->n_nodes; i++) {
        devnet_node *node = &net->nodes[i];
        int rc = (node->fault.flags & DEVNET_FAULT_DOWN) != 0
                     ? bind_down(node, err, err_len)
                     : start_daemon(node, err, err_len);

        if (rc != 0)
            goto fail;
        node_url(node);
    }
    /* The RPC endpoint stays plain HTTP (rpc.tls is 0). */
    if (start_daemon(&net->rpc, err, err_len) != 0)
        goto fail;
    node_url(&net->rpc);
    *out = net;
    return 0;
fail:
    devnet_stop(net);
    return -1;
}

char *devnet_start_line(const devnet *net)
{
    json_object *obj = json_object_new_object();
    json_object *nodes = json_object_new_array();
    const char *text;
    char *out = NULL;
    size_t i;

    if (obj == NULL || nodes == NULL)
        goto done;
    for (i = 0; i < net->n_nodes; i++) {
        json_object *s = json_object_new_string(net->nodes[i].url);

        if (s == NULL || json_object_array_add(nodes, s) != 0) {
            json_object_put(s);
            goto done;
        }
    }
    if (json_object_object_add(obj, "nodes", nodes) != 0)
        goto done;
    nodes = NULL;
    if (add_str(obj, "rpc", net->rpc.url) != 0 ||
        add_str(obj, "staking", net->staking) != 0 ||
        add_int(obj, "chainId", DEVNET_CHAIN_ID) != 0 ||
        add_int(obj, "minNodeCount", (int64_t)net->min_nodes) != 0 ||
        add_int(obj, "epoch", (int64_t)net->epoch) != 0 ||
        add_str(obj, "latestBlockhash", net->blockhash) != 0 ||
        (net->cert_path != NULL &&
         add_str(obj, "caFile", net->cert_path) != 0) ||
        add_int(obj, "pid", (int64_t)getpid()) != 0)
        goto done;
    text = json_object_to_json_string_ext(obj, JSON_FLAGS);
    if (text != NULL)
        out = dup_str(text);
done:
    json_object_put(nodes);
    json_object_put(obj);
    return out;
}

void devnet_stop(devnet *net)
{
    size_t i;

    if (net == NULL)
        return;
    if (net->sync_ready) {
        /* Wake slow answers first, or stopping would wait for them. */
        pthread_mutex_lock(&net->lock);
        net->stopping = 1;
        pthread_cond_broadcast(&net->cond);
        pthread_mutex_unlock(&net->lock);
    }
    for (i = 0; i < net->n_nodes; i++) {
        if (net->nodes[i].daemon != NULL)
            MHD_stop_daemon(net->nodes[i].daemon);
        if (net->nodes[i].down_fd >= 0)
            close(net->nodes[i].down_fd);
    }
    if (net->rpc.daemon != NULL)
        MHD_stop_daemon(net->rpc.daemon);
    if (net->cert_path != NULL && net->temp_dir != NULL) {
        unlink(net->cert_path);
        rmdir(net->temp_dir);
    }
    if (net->key_pem != NULL)
        cli_free_secret(net->key_pem, net->key_pem_len);
    free(net->cert_pem);
    free(net->cert_path);
    free(net->temp_dir);
    if (net->sync_ready) {
        pthread_cond_destroy(&net->cond);
        pthread_mutex_destroy(&net->lock);
    }
    free(net->nodes);
    free(net);
}
