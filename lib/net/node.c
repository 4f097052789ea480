/*
 * node.c - the Lit node client: networks, validator discovery, the
 * parallel handshake, its consensus, and the devnet's session-sig check
 * (lit-protocol.md 9, 10.1; DESIGN.md "Node client better than the
 * anchors").
 *
 * Choices that differ from the JS SDK v7.4.0, on purpose:
 *  - The handshake succeeds once `threshold` nodes answered (minNodeCount
 *    for discovered networks), not only when every node did; each failed
 *    node is reported with its reason.
 *  - Each request has its own timeout and bounded retries with backoff.
 *  - Consensus ties go to the value of the earliest listed node among the
 *    tied ones (JS: the later value), so the result does not depend on
 *    answer order.
 *  - A node whose latestBlockhash is not "0x" + 64 hex counts as failed.
 *    A node that answered well but disagrees with the consensus on some
 *    field stays connected (it gets a SessionSig: the nonce lives in the
 *    SIWE and nodes do not compare it with their own block) and its report
 *    entry lists the fields in "disagrees".
 *  - Discovered validators use https (JS: http for custom networks unless
 *    the port is 443).  The one exception is a local devnet without TLS:
 *    a custom network whose RPC URL is http://127.x.x.x, when no CA file
 *    and no insecure mode is asked for, reaches its validators on
 *    127.0.0.0/8 over http, and only those.  Asking for a CA file (or
 *    insecure mode) means the nodes speak TLS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include <json-c/json.h>

#include "net/net.h"

#define DEFAULT_TIMEOUT_MS 10000L
#define MAX_TIMEOUT_MS 600000L
#define DEFAULT_RETRIES 2
#define MAX_RETRIES 10
/* The consensus blockhash is reused this long (lit-protocol.md 10.1). */
#define BLOCKHASH_TTL_MS 30000
#define MAX_URL_LEN 2048
#define REQUEST_ID_BYTES 16
#define REQUEST_ID_LEN (4 + 2 * REQUEST_ID_BYTES)

#define HANDSHAKE_PATH "/web/handshake/"
#define CHECK_PATH "/web/lithsm/check_session_sig/v1"
#define STAKING_SELECTOR "0xc51d020e"

const char *const lithsm_hs_field_names[LITHSM_HS_NFIELDS] = {
    "serverPublicKey",     "subnetPublicKey", "networkPublicKey",
    "networkPublicKeySet", "hdRootPubkeys",   "latestBlockhash",
};

/* The order the report lists the consensus fields in.  serverPublicKey
 * is each node's own key: it is reported per node, with no consensus. */
#define N_CONSENSUS (LITHSM_HS_NFIELDS - 1)
static const int report_order[N_CONSENSUS] = {
    LITHSM_HS_BLOCKHASH, LITHSM_HS_NETWORK_PK,      LITHSM_HS_NETWORK_PK_SET,
    LITHSM_HS_SUBNET_PK, LITHSM_HS_HD_ROOT_PUBKEYS,
};

/* Yellowstone (chain 175188) hosts the staking contracts of all three. */
static const struct preset {
    const char *name;
    const char *staking;
} presets[] = {
    { "datil", "0x21d636d95eE71150c0c3Ffa79268c989a329d1CE" },
    { "datil-test", "0xdec37933239846834b3BfD408913Ed3dbEf6588F" },
    { "datil-dev", "0xD4507CD392Af2c80919219d7896508728f6A623F" },
};
#define YELLOWSTONE_RPC "https://yellowstone-rpc.litprotocol.com"

struct node {
    const char *url; /* borrowed from the client */
    int ok;
    char *error; /* why it failed, or NULL */
    long ms;
    int attempts;
    unsigned disagrees; /* bit per field that differs from the consensus */
    lithsm_hs_reply reply;
};

/* One handshake's results, replaced as a whole by a re-handshake. */
struct hs_state {
    struct node *nodes; /* one per listed node */
    char *consensus[LITHSM_HS_NFIELDS];
    char request_id[REQUEST_ID_LEN + 1];
    int has_epoch;
    uint64_t epoch;
    int64_t at_ms; /* wall clock */
    size_t n_ok;
    const char **ok_urls; /* borrowed from the client */
};

struct lithsm_client {
    lithsm_http *http;
    char *network; /* preset name, "custom", or NULL for explicit nodes */
    char **urls;
    size_t n_urls;
    size_t threshold;
    int discovered;
    lithsm_staking staking; /* epoch fields only (validators freed) */
    struct hs_state hs;
};

/* ------------------------------------------------------------------------
 * Pure helpers (node_internal.h)
 */

int lithsm_blockhash_valid(const char *s)
{
    size_t i;

    if (s == NULL || s[0] != '0' || s[1] != 'x')
        return 0;
    for (i = 2; i < 66; i++) {
        char c = s[i];

        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
              (c >= 'A' && c <= 'F')))
            return 0;
    }
    return s[66] == '\0';
}

int lithsm_content_type_is_json(const char *ct)
{
    static const char want[] = "application/json";
    size_t n = sizeof(want) - 1;

    if (ct == NULL)
        return 0;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    if (strncasecmp(ct, want, n) != 0)
        return 0;
    ct += n;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    return *ct == '\0' || *ct == ';';
}

long lithsm_most_common(size_t *count_out, const char *const *values, size_t n)
{
    size_t i, j, count, best_count = 0;
    long best = -1;

    /* Quadratic, but n is at most LITHSM_MAX_VALIDATORS.  Scanning in
     * order and replacing only on a strictly larger count keeps the
     * earliest value among the tied ones. */
    for (i = 0; i < n; i++) {
        if (values[i] == NULL)
            continue;
        for (j = 0; j < i; j++)
            if (values[j] != NULL && strcmp(values[j], values[i]) == 0)
                break;
        if (j < i)
            continue; /* counted with its first occurrence */
        count = 1;
        for (j = i + 1; j < n; j++)
            if (values[j] != NULL && strcmp(values[j], values[i]) == 0)
                count++;
        if (count > best_count) {
            best_count = count;
            best = (long)i;
        }
    }
    if (count_out != NULL)
        *count_out = best_count;
    return best;
}

lithsm_err lithsm_node_threshold(size_t *out, size_t n_nodes, size_t min_nodes)
{
    if (n_nodes == 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "no nodes given");
    if (min_nodes > n_nodes)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "a threshold of %zu nodes is more than the %zu "
                           "nodes given",
                           min_nodes, n_nodes);
    *out = min_nodes == 0 ? n_nodes : min_nodes;
    return LITHSM_OK;
}

int lithsm_quorum_met(size_t answered, size_t threshold)
{
    return threshold > 0 && answered >= threshold;
}

lithsm_err lithsm_node_url_check(const char *url)
{
    const char *host;
    size_t i;

    if (url == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "node URL: NULL");
    if (strncmp(url, "https://", 8) == 0)
        host = url + 8;
    else if (strncmp(url, "http://", 7) == 0)
        host = url + 7;
    else
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "node URL '%.100s' is not https:// or http://", url);
    if (host[0] == '\0')
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "node URL '%.100s' has no host", url);
    if (strlen(url) > MAX_URL_LEN)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "node URL is longer than %d characters",
                           MAX_URL_LEN);
    /* A node compares nodeAddress with its host:port: no path allowed. */
    for (i = 0; host[i] != '\0'; i++) {
        unsigned char c = (unsigned char)host[i];

        if (c <= ' ' || c >= 0x7f || c == '/' || c == '?' || c == '#' ||
            c == '"' || c == '\\')
            return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                               "node URL '%.100s' has a path or a bad "
                               "character at %zu",
                               url, (size_t)(host - url) + i);
    }
    return LITHSM_OK;
}

void lithsm_hs_reply_clear(lithsm_hs_reply *r)
{
    size_t i;

    if (r == NULL)
        return;
    for (i = 0; i < LITHSM_HS_NFIELDS; i++) {
        free(r->fields[i]);
        r->fields[i] = NULL;
    }
}

/* A copy of text with anything but printable ASCII replaced, so peer
 * text can go into messages and reports. */
static void clean_copy(char *out, size_t out_len, const char *text)
{
    size_t i;

    for (i = 0; i + 1 < out_len && text != NULL && text[i] != '\0'; i++)
        out[i] = (text[i] >= ' ' && text[i] < 0x7f) ? text[i] : '?';
    out[i] = '\0';
}

/* "HTTP 418 CoreApiMissingRequiredXRequestIdHeader" when the body is a
 * node error, else "HTTP 418". */
static lithsm_err status_failure(long status, const char *content_type,
                                 const char *body, size_t len)
{
    json_object *doc = NULL, *code;
    char word[80] = "";

    if (lithsm_content_type_is_json(content_type) && body != NULL &&
        lithsm_json_parse(&doc, body, len, "error body") == LITHSM_OK &&
        json_object_is_type(doc, json_type_object) &&
        json_object_object_get_ex(doc, "errorCode", &code) &&
        json_object_is_type(code, json_type_string))
        clean_copy(word, sizeof(word), json_object_get_string(code));
    json_object_put(doc);
    if (word[0] != '\0')
        return lithsm_fail(LITHSM_ERR_PROTOCOL, "HTTP %ld %s", status, word);
    return lithsm_fail(LITHSM_ERR_PROTOCOL, "HTTP %ld", status);
}

lithsm_err lithsm_hs_reply_parse(lithsm_hs_reply *out, long status,
                                 const char *content_type, const char *body,
                                 size_t len)
{
    json_object *doc = NULL, *v;
    char why[200], ct[64];
    lithsm_err err;
    size_t i;

    memset(out, 0, sizeof(*out));
    if (status != 200)
        return status_failure(status, content_type, body, len);
    /* Like the SDK, only a JSON content type gets parsed. */
    if (!lithsm_content_type_is_json(content_type)) {
        clean_copy(ct, sizeof(ct), content_type);
        return lithsm_fail(LITHSM_ERR_PROTOCOL, "content type '%s' is not JSON",
                           content_type != NULL ? ct : "(none)");
    }
    if (body == NULL || len == 0)
        return lithsm_fail(LITHSM_ERR_PROTOCOL, "empty body");
    err = lithsm_json_parse(&doc, body, len, "reply");
    if (err != LITHSM_OK) {
        clean_copy(why, sizeof(why), lithsm_last_error());
        return lithsm_fail(LITHSM_ERR_PROTOCOL, "bad JSON (%s)", why);
    }
    if (!json_object_is_type(doc, json_type_object)) {
        json_object_put(doc);
        return lithsm_fail(LITHSM_ERR_PROTOCOL, "bad JSON (not an object)");
    }
    for (i = 0; i < LITHSM_HS_NFIELDS; i++) {
        if (!json_object_object_get_ex(doc, lithsm_hs_field_names[i], &v))
            continue;
        if (i == LITHSM_HS_HD_ROOT_PUBKEYS) {
            lithsm_buf b;

            /* An array compared by its JSON text (JS compares it by
             * identity, which makes the last node win). */
            if (!json_object_is_type(v, json_type_array))
                continue;
            lithsm_buf_init(&b);
            lithsm_buf_json_value(&b, v);
            err = lithsm_buf_finish(&b, &out->fields[i], NULL);
        } else {
            if (!json_object_is_type(v, json_type_string))
                continue;
            out->fields[i] = lithsm_strdup(json_object_get_string(v));
            err = out->fields[i] == NULL
                      ? lithsm_fail(LITHSM_ERR_NOMEM, "out of memory")
                      : LITHSM_OK;
        }
        if (err != LITHSM_OK)
            goto fail;
    }
    if (!lithsm_blockhash_valid(out->fields[LITHSM_HS_BLOCKHASH])) {
        err = lithsm_fail(LITHSM_ERR_PROTOCOL, "bad blockhash");
        goto fail;
    }
    json_object_put(doc);
    return LITHSM_OK;

fail:
    json_object_put(doc);
    lithsm_hs_reply_clear(out);
    return err;
}

/* ------------------------------------------------------------------------
 * The handshake
 */

static lithsm_err random_hex(char *out, size_t out_len, size_t nbytes)
{
    uint8_t rnd[32];
    lithsm_err err;

    if (nbytes > sizeof(rnd) || RAND_bytes(rnd, (int)nbytes) != 1)
        return lithsm_fail(LITHSM_ERR_CRYPTO, "RAND_bytes failed");
    err = lithsm_hex_encode(out, out_len, rnd, nbytes);
    lithsm_memzero(rnd, sizeof(rnd));
    return err;
}

static lithsm_err new_request_id(char out[REQUEST_ID_LEN + 1])
{
    memcpy(out, "lit_", 4);
    return random_hex(out + 4, REQUEST_ID_LEN + 1 - 4, REQUEST_ID_BYTES);
}

static void hs_state_clear(struct hs_state *st, size_t n)
{
    size_t i;

    if (st->nodes != NULL)
        for (i = 0; i < n; i++) {
            free(st->nodes[i].error);
            lithsm_hs_reply_clear(&st->nodes[i].reply);
        }
    free(st->nodes);
    for (i = 0; i < LITHSM_HS_NFIELDS; i++)
        free(st->consensus[i]);
    free(st->ok_urls);
    memset(st, 0, sizeof(*st));
}

static lithsm_err set_node_error(struct node *nd, const char *why)
{
    char clean[200];

    clean_copy(clean, sizeof(clean), why);
    nd->error = lithsm_strdup(clean[0] != '\0' ? clean : "failed");
    if (nd->error == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
    return LITHSM_OK;
}

/* Most common value per field among the nodes that answered. */
static lithsm_err hs_consensus(struct hs_state *st, size_t n)
{
    const char **values;
    size_t i, f;
    long best;

    values = calloc(n, sizeof(*values));
    if (values == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
    for (f = 0; f < LITHSM_HS_NFIELDS; f++) {
        if (f == LITHSM_HS_SERVER_PK)
            continue;
        for (i = 0; i < n; i++)
            values[i] = st->nodes[i].ok ? st->nodes[i].reply.fields[f] : NULL;
        best = lithsm_most_common(NULL, values, n);
        if (best < 0)
            continue;
        st->consensus[f] = lithsm_strdup(values[best]);
        if (st->consensus[f] == NULL) {
            free(values);
            return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
        }
        for (i = 0; i < n; i++)
            if (st->nodes[i].ok &&
                (values[i] == NULL || strcmp(values[i], values[best]) != 0))
                st->nodes[i].disagrees |= 1u << f;
    }
    free(values);
    return LITHSM_OK;
}

/* The detail message holds 511 bytes: room for the node list. */
#define FAILURE_TEXT_MAX 440

/* "handshake: 1 of 3 nodes answered, 2 needed: URL: why; URL: why", with
 * "; and N more" when the list would not fit in the detail message. */
static lithsm_err hs_failure(const struct hs_state *st, size_t n,
                             size_t threshold)
{
    lithsm_buf b;
    char *text = NULL;
    size_t i, mark, listed = 0, failed = n - st->n_ok;
    lithsm_err err;

    lithsm_buf_init(&b);
    lithsm_buf_printf(&b, "handshake: %zu of %zu nodes answered, %zu needed:",
                      st->n_ok, n, threshold);
    for (i = 0; i < n; i++) {
        if (st->nodes[i].ok)
            continue;
        mark = b.len;
        lithsm_buf_printf(&b, "%s %s: %s", listed > 0 ? ";" : "",
                          st->nodes[i].url,
                          st->nodes[i].error ? st->nodes[i].error : "failed");
        if (b.len > FAILURE_TEXT_MAX && !b.failed) {
            b.len = mark;
            b.data[mark] = '\0';
            lithsm_buf_printf(&b, "; and %zu more", failed - listed);
            break;
        }
        listed++;
    }
    if (lithsm_buf_finish(&b, &text, NULL) != LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_NETWORK,
                           "handshake: %zu of %zu nodes answered, %zu needed",
                           st->n_ok, n, threshold);
    err = lithsm_fail(LITHSM_ERR_NETWORK, "%s", text);
    free(text);
    return err;
}

/* Handshakes with every listed node in parallel into a fresh *st.  On
 * failure *st may hold partial results: the caller clears it. */
static lithsm_err handshake(struct hs_state *st, lithsm_client *c)
{
    lithsm_http_req *reqs = NULL;
    char challenge[65], epoch_text[24];
    char *body = NULL, **urls = NULL;
    lithsm_buf b;
    size_t i, n = c->n_urls;
    lithsm_err err;

    memset(st, 0, sizeof(*st));
    st->nodes = calloc(n, sizeof(*st->nodes));
    st->ok_urls = calloc(n, sizeof(*st->ok_urls));
    reqs = calloc(n, sizeof(*reqs));
    urls = calloc(n, sizeof(*urls));
    if (st->nodes == NULL || st->ok_urls == NULL || reqs == NULL ||
        urls == NULL) {
        err = lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
        goto done;
    }
    /* One X-Request-Id and one challenge for the whole operation. */
    err = new_request_id(st->request_id);
    if (err == LITHSM_OK)
        err = random_hex(challenge, sizeof(challenge), 32);
    if (err != LITHSM_OK)
        goto done;
    if (c->discovered) {
        st->has_epoch = 1;
        st->epoch = lithsm_staking_epoch(&c->staking, lithsm_time_now_ms());
        snprintf(epoch_text, sizeof(epoch_text), "%llu",
                 (unsigned long long)st->epoch);
    } else {
        snprintf(epoch_text, sizeof(epoch_text), "null");
    }
    lithsm_buf_init(&b);
    lithsm_buf_printf(&b,
                      "{\"clientPublicKey\":\"test\",\"challenge\":\"%s\","
                      "\"epoch\":%s}",
                      challenge, epoch_text);
    err = lithsm_buf_finish(&b, &body, NULL);
    if (err != LITHSM_OK)
        goto done;

    for (i = 0; i < n; i++) {
        st->nodes[i].url = c->urls[i];
        lithsm_buf_init(&b);
        lithsm_buf_puts(&b, c->urls[i]);
        lithsm_buf_puts(&b, HANDSHAKE_PATH);
        err = lithsm_buf_finish(&b, &urls[i], NULL);
        if (err != LITHSM_OK)
            goto done;
        reqs[i].url = urls[i];
        reqs[i].body = body;
        reqs[i].request_id = st->request_id;
    }
    err = lithsm_http_post_all(c->http, reqs, n);
    if (err != LITHSM_OK)
        goto done;

    for (i = 0; i < n && err == LITHSM_OK; i++) {
        struct node *nd = &st->nodes[i];

        nd->ms = reqs[i].ms;
        nd->attempts = reqs[i].attempts;
        if (!reqs[i].answered) {
            err = set_node_error(nd, reqs[i].error);
            continue;
        }
        err = lithsm_hs_reply_parse(&nd->reply, reqs[i].status,
                                    reqs[i].content_type, reqs[i].resp,
                                    reqs[i].resp_len);
        if (err == LITHSM_ERR_NOMEM)
            break;
        if (err != LITHSM_OK) {
            err = set_node_error(nd, lithsm_last_error());
            continue;
        }
        nd->ok = 1;
        st->ok_urls[st->n_ok++] = nd->url;
    }
    if (err != LITHSM_OK)
        goto done;
    err = hs_consensus(st, n);
    if (err != LITHSM_OK)
        goto done;
    st->at_ms = lithsm_time_now_ms();
    if (!lithsm_quorum_met(st->n_ok, c->threshold))
        err = hs_failure(st, n, c->threshold);

done:
    if (reqs != NULL)
        for (i = 0; i < n; i++)
            lithsm_http_req_clear(&reqs[i]);
    if (urls != NULL)
        for (i = 0; i < n; i++)
            free(urls[i]);
    free(urls);
    free(reqs);
    free(body);
    lithsm_memzero(challenge, sizeof(challenge));
    return err;
}

/* ------------------------------------------------------------------------
 * Discovery
 */

/* Loopback 127.0.0.0/8 given as the host of an http:// URL. */
static int is_http_loopback(const char *url)
{
    return strncmp(url, "http://127.", 11) == 0;
}

static lithsm_err rpc_result(lithsm_staking *out, const char *rpc,
                             const lithsm_http_req *r)
{
    json_object *doc = NULL, *v, *code, *msg;
    char why[200];
    lithsm_err err;

    if (!r->answered)
        return lithsm_fail(LITHSM_ERR_NETWORK, "staking RPC '%.200s': %s", rpc,
                           r->error);
    if (r->status != 200)
        return lithsm_fail(LITHSM_ERR_NETWORK, "staking RPC '%.200s': HTTP %ld",
                           rpc, r->status);
    if (!lithsm_content_type_is_json(r->content_type))
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "staking RPC '%.200s': the answer is not JSON", rpc);
    err = lithsm_json_parse(&doc, r->resp, r->resp_len, "RPC answer");
    if (err != LITHSM_OK) {
        clean_copy(why, sizeof(why), lithsm_last_error());
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "staking RPC '%.200s': bad JSON (%s)", rpc, why);
    }
    if (!json_object_is_type(doc, json_type_object)) {
        err = lithsm_fail(LITHSM_ERR_PROTOCOL,
                          "staking RPC '%.200s': the answer is not an object",
                          rpc);
    } else if (json_object_object_get_ex(doc, "error", &v)) {
        why[0] = '\0';
        if (json_object_object_get_ex(v, "message", &msg) &&
            json_object_is_type(msg, json_type_string))
            clean_copy(why, sizeof(why), json_object_get_string(msg));
        code = NULL;
        json_object_object_get_ex(v, "code", &code);
        err = lithsm_fail(LITHSM_ERR_PROTOCOL,
                          "staking RPC '%.200s': error %lld: %s", rpc,
                          (long long)json_object_get_int64(code), why);
    } else if (!json_object_object_get_ex(doc, "id", &v) ||
               !json_object_is_type(v, json_type_int) ||
               json_object_get_int64(v) != 1) {
        err =
            lithsm_fail(LITHSM_ERR_PROTOCOL,
                        "staking RPC '%.200s': the answer's id is not 1", rpc);
    } else if (!json_object_object_get_ex(doc, "result", &v) ||
               !json_object_is_type(v, json_type_string)) {
        err = lithsm_fail(LITHSM_ERR_PROTOCOL,
                          "staking RPC '%.200s': no result string", rpc);
    } else {
        err = lithsm_abi_decode_staking_hex(
            out, json_object_get_string(v),
            (size_t)json_object_get_string_len(v));
    }
    json_object_put(doc);
    return err;
}

/* For tests/fuzz: rpc_result() on its own. */
lithsm_err lithsm_rpc_staking_result(lithsm_staking *out, const char *rpc,
                                     const lithsm_http_req *r)
{
    return rpc_result(out, rpc, r);
}

static lithsm_err discover(lithsm_client *c, const char *rpc,
                           const char *staking, int tls_asked)
{
    lithsm_eth_address addr;
    lithsm_http_req req;
    lithsm_staking st;
    char to_hex[41], body[256], url[LITHSM_VALIDATOR_URL_MAX];
    size_t i, j;
    lithsm_err err;

    if (strncmp(rpc, "https://", 8) != 0 && strncmp(rpc, "http://", 7) != 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "RPC URL '%.200s' is not https:// or http://", rpc);
    if (lithsm_eth_address_parse(&addr, staking, 0) != LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "staking address '%.60s' is not 0x + 40 hex with "
                           "a valid checksum",
                           staking);
    err = lithsm_hex_encode(to_hex, sizeof(to_hex), addr.bytes,
                            sizeof(addr.bytes));
    if (err != LITHSM_OK)
        return err;
    snprintf(body, sizeof(body),
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_call\","
             "\"params\":[{\"to\":\"0x%s\",\"data\":\"" STAKING_SELECTOR
             "\"},\"latest\"]}",
             to_hex);
    memset(&req, 0, sizeof(req));
    req.url = rpc;
    req.body = body;
    err = lithsm_http_post_all(c->http, &req, 1);
    if (err == LITHSM_OK)
        err = rpc_result(&st, rpc, &req);
    lithsm_http_req_clear(&req);
    if (err != LITHSM_OK)
        return err;

    c->urls = calloc(st.n_validators, sizeof(*c->urls));
    if (c->urls == NULL) {
        lithsm_staking_clear(&st);
        return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
    }
    for (i = 0; i < st.n_validators; i++) {
        const lithsm_validator *v = &st.validators[i];
        int plain = !tls_asked && is_http_loopback(rpc) && (v->ip >> 24) == 127;

        lithsm_validator_url(url, v, plain ? "http" : "https");
        /* The same node twice would count twice towards the threshold. */
        for (j = 0; j < i; j++)
            if (strcmp(c->urls[j], url) == 0)
                break;
        if (j < i) {
            err = lithsm_fail(LITHSM_ERR_PROTOCOL,
                              "staking: validators %zu and %zu are both %s", j,
                              i, url);
            break;
        }
        c->urls[i] = lithsm_strdup(url);
        if (c->urls[i] == NULL) {
            err = lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
            break;
        }
        c->n_urls = i + 1;
    }
    c->threshold = (size_t)st.min_node_count;
    free(st.validators);
    st.validators = NULL;
    st.n_validators = 0;
    c->staking = st;
    c->discovered = 1;
    return err;
}

static lithsm_err use_explicit_nodes(lithsm_client *c,
                                     const lithsm_client_params *p)
{
    size_t i, j;
    lithsm_err err;

    err = lithsm_node_threshold(&c->threshold, p->n_nodes, p->min_nodes);
    if (err != LITHSM_OK)
        return err;
    if (p->n_nodes > LITHSM_MAX_VALIDATORS)
        return lithsm_fail(LITHSM_ERR_RANGE, "more than %u nodes",
                           LITHSM_MAX_VALIDATORS);
    c->urls = calloc(p->n_nodes, sizeof(*c->urls));
    if (c->urls == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
    for (i = 0; i < p->n_nodes; i++) {
        err = lithsm_node_url_check(p->node_urls[i]);
        if (err != LITHSM_OK)
            return err;
        for (j = 0; j < i; j++)
            if (strcmp(p->node_urls[j], p->node_urls[i]) == 0)
                return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                                   "node URL '%.200s' is given twice",
                                   p->node_urls[i]);
        c->urls[i] = lithsm_strdup(p->node_urls[i]);
        if (c->urls[i] == NULL)
            return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
        c->n_urls = i + 1;
    }
    return LITHSM_OK;
}

/* ------------------------------------------------------------------------
 * Public API
 */

void lithsm_client_free(lithsm_client *c)
{
    size_t i;

    if (c == NULL)
        return;
    hs_state_clear(&c->hs, c->n_urls);
    for (i = 0; i < c->n_urls; i++)
        free(c->urls[i]);
    free(c->urls);
    free(c->network);
    lithsm_http_free(c->http);
    free(c);
}

lithsm_err lithsm_client_connect(lithsm_client **out,
                                 const lithsm_client_params *p)
{
    lithsm_client *c;
    lithsm_http_opts o;
    const char *rpc = NULL, *staking = NULL;
    size_t i;
    int modes;
    lithsm_err err;

    if (out == NULL || p == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "connect: NULL argument");
    *out = NULL;
    modes = (p->network != NULL) + (p->rpc_url != NULL || p->staking != NULL) +
            (p->node_urls != NULL || p->n_nodes > 0);
    if (modes != 1)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "connect: give exactly one of a network name, an "
                           "RPC URL with a staking address, or node URLs");
    if (p->timeout_ms < 0 || p->timeout_ms > MAX_TIMEOUT_MS)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "connect: timeout %ld ms is not in 0..%ld",
                           p->timeout_ms, MAX_TIMEOUT_MS);
    if (p->retries < -1 || p->retries > MAX_RETRIES)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "connect: %d retries is not in 0..%d", p->retries,
                           MAX_RETRIES);
    if (p->network != NULL) {
        for (i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
            if (strcmp(p->network, presets[i].name) == 0)
                break;
        if (i == sizeof(presets) / sizeof(presets[0]))
            return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                               "connect: unknown network '%.40s' (datil, "
                               "datil-test or datil-dev)",
                               p->network);
        rpc = YELLOWSTONE_RPC;
        staking = presets[i].staking;
    } else if (p->rpc_url != NULL || p->staking != NULL) {
        if (p->rpc_url == NULL || p->staking == NULL)
            return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                               "connect: a custom network needs both an RPC "
                               "URL and a staking address");
        rpc = p->rpc_url;
        staking = p->staking;
    } else if (p->node_urls == NULL || p->n_nodes == 0) {
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "connect: no node URLs");
    }

    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
    o.ca_file = p->ca_file;
    o.insecure_tls = p->insecure_tls != 0;
    o.timeout_ms = p->timeout_ms == 0 ? DEFAULT_TIMEOUT_MS : p->timeout_ms;
    o.retries = p->retries == -1 ? DEFAULT_RETRIES : p->retries;
    err = lithsm_http_new(&c->http, &o);
    if (err != LITHSM_OK)
        goto fail;
    if (rpc != NULL) {
        c->network = lithsm_strdup(p->network != NULL ? p->network : "custom");
        if (c->network == NULL) {
            err = lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
            goto fail;
        }
        err = discover(c, rpc, staking,
                       p->network != NULL || p->ca_file != NULL ||
                           p->insecure_tls);
        if (err != LITHSM_OK)
            goto fail;
        /* min_nodes may raise the network's threshold, never lower it. */
        if (p->min_nodes > c->n_urls) {
            err = lithsm_fail(LITHSM_ERR_INVALID_ARG,
                              "connect: a threshold of %zu nodes is more "
                              "than the %zu validators",
                              p->min_nodes, c->n_urls);
            goto fail;
        }
        if (p->min_nodes > c->threshold)
            c->threshold = p->min_nodes;
    } else {
        err = use_explicit_nodes(c, p);
        if (err != LITHSM_OK)
            goto fail;
    }
    err = handshake(&c->hs, c);
    if (err != LITHSM_OK)
        goto fail;
    *out = c;
    return LITHSM_OK;

fail:
    lithsm_client_free(c);
    return err;
}

size_t lithsm_client_node_count(const lithsm_client *c)
{
    return c != NULL ? c->hs.n_ok : 0;
}

const char *lithsm_client_node_url(const lithsm_client *c, size_t i)
{
    if (c == NULL || i >= c->hs.n_ok)
        return NULL;
    return c->hs.ok_urls[i];
}

lithsm_err lithsm_client_blockhash(lithsm_client *c, char out[67])
{
    struct hs_state fresh;
    int64_t age;
    lithsm_err err;

    if (c == NULL || out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "blockhash: NULL argument");
    age = lithsm_time_now_ms() - c->hs.at_ms;
    /* A clock stepping back also counts as stale. */
    if (age < 0 || age >= BLOCKHASH_TTL_MS) {
        err = handshake(&fresh, c);
        if (err != LITHSM_OK) {
            hs_state_clear(&fresh, c->n_urls);
            return err;
        }
        hs_state_clear(&c->hs, c->n_urls);
        c->hs = fresh;
    }
    if (!lithsm_blockhash_valid(c->hs.consensus[LITHSM_HS_BLOCKHASH]))
        return lithsm_fail(LITHSM_ERR_PROTOCOL, "blockhash: no consensus");
    memcpy(out, c->hs.consensus[LITHSM_HS_BLOCKHASH], 67);
    return LITHSM_OK;
}

void lithsm_client_age_for_test(lithsm_client *c, int64_t ms)
{
    if (c != NULL)
        c->hs.at_ms -= ms;
}

static void json_str_or_null(lithsm_buf *b, const char *s)
{
    if (s == NULL)
        lithsm_buf_puts(b, "null");
    else
        lithsm_buf_json_str(b, s, strlen(s));
}

lithsm_err lithsm_client_report_json(char **out, const lithsm_client *c)
{
    const struct hs_state *st;
    char when[LITHSM_TIME_LEN + 1];
    lithsm_buf b;
    size_t i, k;
    int f, first;

    if (out == NULL || c == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "report: NULL argument");
    *out = NULL;
    st = &c->hs;
    lithsm_buf_init(&b);
    lithsm_buf_putc(&b, '{');
    for (k = 0; k < N_CONSENSUS; k++) {
        f = report_order[k];
        lithsm_buf_printf(&b, "\"%s\":", lithsm_hs_field_names[f]);
        if (f == LITHSM_HS_HD_ROOT_PUBKEYS && st->consensus[f] != NULL)
            lithsm_buf_puts(&b, st->consensus[f]); /* our own JSON text */
        else
            json_str_or_null(&b, st->consensus[f]);
        lithsm_buf_putc(&b, ',');
    }
    if (st->has_epoch)
        lithsm_buf_printf(&b, "\"epoch\":%llu,", (unsigned long long)st->epoch);
    else
        lithsm_buf_puts(&b, "\"epoch\":null,");
    lithsm_buf_printf(&b, "\"threshold\":%zu,\"connected\":%zu,", c->threshold,
                      st->n_ok);
    lithsm_buf_puts(&b, "\"requestId\":");
    json_str_or_null(&b, st->request_id);
    lithsm_buf_puts(&b, ",\"network\":");
    json_str_or_null(&b, c->network);
    lithsm_buf_puts(&b, ",\"handshakeAt\":");
    json_str_or_null(
        &b, lithsm_time_format(when, st->at_ms) == LITHSM_OK ? when : NULL);
    lithsm_buf_puts(&b, ",\"nodes\":[");
    for (i = 0; i < c->n_urls; i++) {
        const struct node *nd = &st->nodes[i];

        if (i > 0)
            lithsm_buf_putc(&b, ',');
        lithsm_buf_puts(&b, "{\"url\":");
        json_str_or_null(&b, nd->url);
        lithsm_buf_printf(&b,
                          ",\"ok\":%s,\"error\":", nd->ok ? "true" : "false");
        json_str_or_null(&b, nd->error);
        lithsm_buf_puts(&b, ",\"latestBlockhash\":");
        json_str_or_null(&b, nd->reply.fields[LITHSM_HS_BLOCKHASH]);
        lithsm_buf_puts(&b, ",\"serverPublicKey\":");
        json_str_or_null(&b, nd->reply.fields[LITHSM_HS_SERVER_PK]);
        lithsm_buf_printf(&b, ",\"ms\":%ld,\"attempts\":%d,\"disagrees\":[",
                          nd->ms, nd->attempts);
        first = 1;
        for (k = 0; k < N_CONSENSUS; k++) {
            f = report_order[k];
            if (!(nd->disagrees & (1u << f)))
                continue;
            lithsm_buf_printf(&b, "%s\"%s\"", first ? "" : ",",
                              lithsm_hs_field_names[f]);
            first = 0;
        }
        lithsm_buf_puts(&b, "]}");
    }
    lithsm_buf_puts(&b, "]}");
    return lithsm_buf_finish(&b, out, NULL);
}

/* ------------------------------------------------------------------------
 * The devnet's session-sig check
 */

/* One node's verdict object. */
static void write_verdict(lithsm_buf *b, const char *node,
                          const lithsm_http_req *r)
{
    json_object *doc = NULL, *v, *d;
    const char *verdict = "error", *code = NULL;
    char detail[400] = "", piece[200];
    size_t i;

    if (!r->answered) {
        clean_copy(detail, sizeof(detail), r->error);
    } else if (!lithsm_content_type_is_json(r->content_type) ||
               r->resp == NULL ||
               lithsm_json_parse(&doc, r->resp, r->resp_len, "verdict") !=
                   LITHSM_OK ||
               !json_object_is_type(doc, json_type_object)) {
        snprintf(detail, sizeof(detail), "HTTP %ld without a JSON object",
                 r->status);
    } else if (r->status == 200 && json_object_object_get_ex(doc, "ok", &v) &&
               json_object_is_type(v, json_type_boolean) &&
               json_object_get_boolean(v)) {
        verdict = "accept";
    } else if (r->status != 200 &&
               json_object_object_get_ex(doc, "errorCode", &v) &&
               json_object_is_type(v, json_type_string)) {
        verdict = "reject";
        code = json_object_get_string(v);
        if (json_object_object_get_ex(doc, "message", &v) &&
            json_object_is_type(v, json_type_string))
            clean_copy(detail, sizeof(detail), json_object_get_string(v));
        if (json_object_object_get_ex(doc, "details", &d) &&
            json_object_is_type(d, json_type_array))
            for (i = 0; i < json_object_array_length(d); i++) {
                v = json_object_array_get_idx(d, i);
                if (!json_object_is_type(v, json_type_string))
                    continue;
                clean_copy(piece, sizeof(piece), json_object_get_string(v));
                if (strlen(detail) + strlen(piece) + 3 < sizeof(detail)) {
                    if (detail[0] != '\0')
                        strncat(detail, "; ",
                                sizeof(detail) - strlen(detail) - 1);
                    strncat(detail, piece, sizeof(detail) - strlen(detail) - 1);
                }
            }
    } else {
        snprintf(detail, sizeof(detail), "HTTP %ld with an unexpected body",
                 r->status);
    }
    lithsm_buf_puts(b, "{\"node\":");
    json_str_or_null(b, node);
    lithsm_buf_printf(b, ",\"verdict\":\"%s\",\"errorCode\":", verdict);
    json_str_or_null(b, code);
    lithsm_buf_printf(
        b, ",\"status\":%ld,\"detail\":", r->answered ? r->status : 0L);
    json_str_or_null(b, detail[0] != '\0' ? detail : NULL);
    lithsm_buf_putc(b, '}');
    json_object_put(doc);
}

/* For tests/fuzz: write_verdict() on its own. */
void lithsm_check_verdict_write(lithsm_buf *b, const char *node,
                                const lithsm_http_req *r)
{
    write_verdict(b, node, r);
}

lithsm_err lithsm_client_check_session_sigs(char **verdicts_json,
                                            lithsm_client *c,
                                            const char *session_sigs_json)
{
    json_object *doc = NULL;
    lithsm_http_req *reqs = NULL;
    char **bodies = NULL, **urls = NULL;
    const char **nodes = NULL;
    char request_id[REQUEST_ID_LEN + 1];
    lithsm_buf b;
    size_t n = 0, i;
    lithsm_err err;

    if (verdicts_json == NULL || c == NULL || session_sigs_json == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "check: NULL argument");
    *verdicts_json = NULL;
    err = lithsm_json_parse(&doc, session_sigs_json, strlen(session_sigs_json),
                            "SessionSigs");
    if (err != LITHSM_OK)
        return err;
    if (!json_object_is_type(doc, json_type_object) ||
        json_object_object_length(doc) == 0) {
        json_object_put(doc);
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "SessionSigs: not a non-empty map of node URL to "
                           "SessionSig");
    }
    n = (size_t)json_object_object_length(doc);
    reqs = calloc(n, sizeof(*reqs));
    bodies = calloc(n, sizeof(*bodies));
    urls = calloc(n, sizeof(*urls));
    nodes = calloc(n, sizeof(*nodes));
    if (reqs == NULL || bodies == NULL || urls == NULL || nodes == NULL) {
        err = lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
        goto done;
    }
    err = new_request_id(request_id);
    if (err != LITHSM_OK)
        goto done;
    i = 0;
    json_object_object_foreach(doc, key, val)
    {
        if (lithsm_node_url_check(key) != LITHSM_OK) {
            err = lithsm_fail(LITHSM_ERR_PARSE,
                              "SessionSigs: key %zu is not a node URL", i);
            goto done;
        }
        if (!json_object_is_type(val, json_type_object)) {
            err = lithsm_fail(LITHSM_ERR_PARSE,
                              "SessionSigs: the entry of '%.200s' is not an "
                              "object",
                              key);
            goto done;
        }
        nodes[i] = key;
        lithsm_buf_init(&b);
        lithsm_buf_puts(&b, "{\"authSig\":");
        lithsm_buf_json_value(&b, val);
        lithsm_buf_putc(&b, '}');
        err = lithsm_buf_finish(&b, &bodies[i], NULL);
        if (err != LITHSM_OK)
            goto done;
        lithsm_buf_init(&b);
        lithsm_buf_puts(&b, key);
        lithsm_buf_puts(&b, CHECK_PATH);
        err = lithsm_buf_finish(&b, &urls[i], NULL);
        if (err != LITHSM_OK)
            goto done;
        reqs[i].url = urls[i];
        reqs[i].body = bodies[i];
        reqs[i].request_id = request_id;
        i++;
    }
    err = lithsm_http_post_all(c->http, reqs, n);
    if (err != LITHSM_OK)
        goto done;
    lithsm_buf_init(&b);
    lithsm_buf_putc(&b, '[');
    for (i = 0; i < n; i++) {
        if (i > 0)
            lithsm_buf_putc(&b, ',');
        write_verdict(&b, nodes[i], &reqs[i]);
    }
    lithsm_buf_putc(&b, ']');
    err = lithsm_buf_finish(&b, verdicts_json, NULL);

done:
    for (i = 0; i < n; i++) {
        if (reqs != NULL)
            lithsm_http_req_clear(&reqs[i]);
        if (bodies != NULL)
            free(bodies[i]);
        if (urls != NULL)
            free(urls[i]);
    }
    free(reqs);
    free(bodies);
    free(urls);
    free(nodes);
    json_object_put(doc);
    return err;
}
