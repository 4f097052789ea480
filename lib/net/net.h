/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * net.h - the parts of the node client shared by the files of lib/net
 * (abi.c, replies.c, handshake.c, discovery.c, client.c, http.c) and
 * reached by tests/unit/test_node.c and the fuzzers; not installed.
 */
#ifndef LITHSM_NET_H
#define LITHSM_NET_H

#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

/* ------------------------------------------------------------------------
 * abi.c: the staking contract's getActiveUnkickedValidatorStructsAndCounts()
 */

/* More validators than this is a hostile or broken RPC, not a network. */
#define LITHSM_MAX_VALIDATORS 1024u

typedef struct lithsm_validator {
    uint32_t ip;   /* IPv4, host order (the ABI word is big-endian) */
    uint16_t port; /* 1..65535 */
    uint8_t address[20];
} lithsm_validator;

typedef struct lithsm_staking {
    uint64_t epoch_length; /* seconds */
    uint64_t epoch_number;
    uint64_t epoch_end_time; /* Unix seconds */
    uint64_t epoch_retries;
    uint64_t epoch_timeout;
    uint64_t min_node_count;
    size_t n_validators;
    lithsm_validator *validators; /* malloc'd; lithsm_staking_clear */
} lithsm_staking;

/* Decodes the ABI words of the eth_call result: words 0-4 the Epoch,
 * word 5 minNodeCount, word 6 the array offset, then the count and 7 words
 * per validator.  Fails, naming the word, on truncated data, a count the
 * data cannot hold, an offset outside the data, a value wider than its
 * type, trailing bytes, minNodeCount 0, or fewer validators than
 * minNodeCount.  On failure *out is left empty. */
lithsm_err lithsm_abi_decode_staking(lithsm_staking *out, const uint8_t *data,
                                     size_t len);

/* The same from the RPC's "0x..." result text. */
lithsm_err lithsm_abi_decode_staking_hex(lithsm_staking *out, const char *hex,
                                         size_t len);

void lithsm_staking_clear(lithsm_staking *s);

/* The epoch the SDK sends (lit-protocol.md 9.1): number, or number - 1
 * while now < endTime - epochLength + 45 s and number >= 3. */
uint64_t lithsm_staking_epoch(const lithsm_staking *s, int64_t now_ms);

/* "scheme://a.b.c.d:port"; out needs LITHSM_VALIDATOR_URL_MAX bytes. */
#define LITHSM_VALIDATOR_URL_MAX 40
void lithsm_validator_url(char out[LITHSM_VALIDATOR_URL_MAX],
                          const lithsm_validator *v, const char *scheme);

/* ------------------------------------------------------------------------
 * replies.c: what nodes and the staking RPC answer, parsed on its own
 */

/* The handshake fields, in report order. */
enum {
    LITHSM_HS_SERVER_PK,
    LITHSM_HS_SUBNET_PK,
    LITHSM_HS_NETWORK_PK,
    LITHSM_HS_NETWORK_PK_SET,
    LITHSM_HS_HD_ROOT_PUBKEYS, /* kept as its JSON text */
    LITHSM_HS_BLOCKHASH,
    LITHSM_HS_NFIELDS
};

/* The JSON names of the fields above. */
extern const char *const lithsm_hs_field_names[LITHSM_HS_NFIELDS];

/* One node's handshake answer: each field malloc'd, or NULL when absent
 * (latestBlockhash is never NULL in a parsed reply). */
typedef struct lithsm_hs_reply {
    char *fields[LITHSM_HS_NFIELDS];
} lithsm_hs_reply;

/* Parses a node's answer: HTTP 200, a JSON content type, a JSON object
 * and a latestBlockhash of "0x" + 64 hex.  On failure the detail message
 * is a short reason for the node report ("HTTP 503", "bad JSON: ...",
 * "bad blockhash") and *out is empty. */
lithsm_err lithsm_hs_reply_parse(lithsm_hs_reply *out, long status,
                                 const char *content_type, const char *body,
                                 size_t len);
void lithsm_hs_reply_clear(lithsm_hs_reply *r);

/* 1 when s is "0x" + 64 hex digits. */
int lithsm_blockhash_valid(const char *s);

/* 1 when a Content-Type names JSON (application/json, any parameters). */
int lithsm_content_type_is_json(const char *content_type);

/* A copy of peer text with anything but printable ASCII replaced by '?',
 * fit for messages and reports; NULL gives "". */
void lithsm_clean_copy(char *out, size_t out_len, const char *text);

/* Appends s as a JSON string, or null when s is NULL. */
void lithsm_buf_json_str_or_null(lithsm_buf *b, const char *s);

/* ------------------------------------------------------------------------
 * handshake.c: the parallel handshake and its consensus
 */

/* The index of the most common non-NULL string of values[0..n), and its
 * count in *count_out; ties go to the value seen first, i.e. the earliest
 * listed node (the JS SDK gives them to the later value).  -1 when all
 * are NULL. */
long lithsm_most_common(size_t *count_out, const char *const *values, size_t n);

/* The handshake threshold: discovered networks use minNodeCount; explicit
 * nodes use min_nodes, or all of them when min_nodes is 0. */
lithsm_err lithsm_node_threshold(size_t *out, size_t n_nodes, size_t min_nodes);

/* 1 when `answered` nodes meet the threshold. */
int lithsm_quorum_met(size_t answered, size_t threshold);

/* ------------------------------------------------------------------------
 * http.c: parallel POSTs over one libcurl multi handle
 */

/* The largest response body accepted from a node or the RPC. */
#define LITHSM_HTTP_MAX_BODY (1024L * 1024L)

typedef struct lithsm_http lithsm_http;

typedef struct lithsm_http_opts {
    const char *ca_file; /* PEM trust anchors instead of the system's */
    int insecure_tls;    /* 1: no TLS verification */
    long timeout_ms;     /* per attempt; > 0 */
    int retries;         /* further attempts after a retryable failure */
    const char *proxy;   /* NULL: no proxy, whatever the environment says */
} lithsm_http_opts;

/* Keeps its connections between calls (one libcurl multi handle); use
 * from one thread at a time. */
lithsm_err lithsm_http_new(lithsm_http **out, const lithsm_http_opts *o);

/* A URL as errors may show it: scheme://host[:port] only, with "***" for
 * a user:pass@, a path, a query or a fragment (RPC providers put API keys
 * in all of them).  Cut to fit out_len (> 0). */
#define LITHSM_URL_SHOWN_MAX 160
void lithsm_url_shown(char *out, size_t out_len, const char *url);
void lithsm_http_free(lithsm_http *h);

typedef struct lithsm_http_req {
    /* in */
    const char *url;
    const char *body;       /* JSON */
    const char *request_id; /* non-NULL: send the Lit SDK headers */
    /* out */
    int answered; /* 1: an HTTP response arrived (any status) */
    long status;
    char *content_type; /* malloc'd or NULL */
    char *resp;         /* malloc'd, NUL-terminated, or NULL */
    size_t resp_len;
    char error[160]; /* why, when !answered */
    long ms;         /* from the first try to the end */
    int attempts;
} lithsm_http_req;

/* POSTs every request in parallel, each with its own timeout and bounded
 * retries with backoff (transport failures and HTTP 502/503/504 only).
 * Per-request failures are reported in the requests; the call itself
 * fails only when libcurl cannot be set up or memory runs out. */
lithsm_err lithsm_http_post_all(lithsm_http *h, lithsm_http_req *reqs,
                                size_t n);

/* Frees a request's outputs (not its inputs). */
void lithsm_http_req_clear(lithsm_http_req *r);

/* ------------------------------------------------------------------------
 * replies.c: the answers that need the HTTP types above
 */

/* The staking RPC's eth_call answer in r (status, content type, JSON
 * envelope, then lithsm_abi_decode_staking_hex); rpc names it in
 * messages (give it as lithsm_url_shown() wrote it).  On failure *out holds nothing to free (an early failure
 * leaves it untouched: zero it first). */
lithsm_err lithsm_rpc_staking_result(lithsm_staking *out, const char *rpc,
                                     const lithsm_http_req *r);

/* Appends the JSON-RPC 2.0 request {jsonrpc, id, method, params} to b;
 * params is JSON text (NULL: []). */
void lithsm_rpc_request_body(lithsm_buf *b, uint64_t id, const char *method,
                             const char *params);

/* The JSON-RPC answer in r to request `id`: HTTP 200 (else NETWORK, as
 * for no answer), a JSON content type, an object with jsonrpc "2.0" when
 * present, exactly one of error and result, and the id (else PROTOCOL; a
 * JSON-RPC error is PROTOCOL with its code and message).  *result is
 * borrowed from *doc, which the caller puts; both are NULL on failure.
 * `what` and `rpc` (as lithsm_url_shown() wrote it) name the peer. */
lithsm_err lithsm_rpc_reply(json_object **doc, json_object **result,
                            const char *what, const char *rpc, uint64_t id,
                            const lithsm_http_req *r);

/* Appends one node's check-route verdict object for r to b. */
void lithsm_check_verdict_write(lithsm_buf *b, const char *node,
                                const lithsm_http_req *r);

/* ------------------------------------------------------------------------
 * eth_rpc.c: the Ethereum JSON-RPC client (lithsm_rpc.h), shared with
 * eth_fees.c
 */

typedef struct lithsm_rpc lithsm_rpc;

/* A canonical 0x quantity: "0x0" or "0x" + 1..64 hex digits without a
 * leading zero (either case).  PROTOCOL naming `what` otherwise. */
lithsm_err lithsm_rpc_quantity(uint8_t out[32], const char *text, size_t len,
                               const char *what);
/* The same of a JSON value (a string), and one that must fit 64 bits. */
lithsm_err lithsm_rpc_quantity_json(uint8_t out[32], const json_object *v,
                                    const char *what);
lithsm_err lithsm_rpc_u64_json(uint64_t *out, const json_object *v,
                               const char *what);

/* Calls method(params) (params JSON text, NULL: []) and checks the
 * envelope with lithsm_rpc_reply(); failures other than NETWORK and
 * NOMEM name the method.  The caller puts *doc. */
lithsm_err lithsm_rpc_request(json_object **doc, json_object **result,
                              lithsm_rpc *rpc, const char *method,
                              const char *params);

/* lithsm_rpc_request() of a method whose result is a quantity. */
lithsm_err lithsm_rpc_call_quantity(uint8_t out[32], lithsm_rpc *rpc,
                                    const char *method, const char *params);

/* Checks a receipt object for `hash` (0x + 64 hex): its transactionHash
 * (any case), a canonical blockNumber and a status 0x0 or 0x1 into
 * *status.  PROTOCOL otherwise, naming `shown` or the member. */
lithsm_err lithsm_rpc_receipt_check(int *status, const json_object *r,
                                    const char *hash, const char *shown);

/* The endpoint's URL as messages show it. */
const char *lithsm_rpc_shown(const lithsm_rpc *rpc);

/* ------------------------------------------------------------------------
 * The client's state, shared by handshake.c, discovery.c and client.c
 */

/* A request id: "lit_" + 32 hex. */
#define LITHSM_REQUEST_ID_BYTES 16
#define LITHSM_REQUEST_ID_LEN (4 + 2 * LITHSM_REQUEST_ID_BYTES)

/* One listed node's handshake outcome. */
typedef struct lithsm_hs_node {
    const char *url; /* borrowed from the client */
    int ok;
    char *error; /* why it failed, or NULL */
    long ms;
    int attempts;
    unsigned disagrees; /* bit per field that differs from the consensus */
    lithsm_hs_reply reply;
} lithsm_hs_node;

/* One handshake's results, replaced as a whole by a re-handshake. */
typedef struct lithsm_hs_state {
    lithsm_hs_node *nodes; /* one per listed node */
    char *consensus[LITHSM_HS_NFIELDS];
    char request_id[LITHSM_REQUEST_ID_LEN + 1];
    int has_epoch;
    uint64_t epoch;
    int64_t at_ms; /* wall clock */
    size_t n_ok;
    const char **ok_urls; /* borrowed from the client */
} lithsm_hs_state;

struct lithsm_client {
    lithsm_http *http;
    char *network; /* preset name, "custom", or NULL for explicit nodes */
    char **urls;
    size_t n_urls;
    size_t threshold;
    int discovered;
    lithsm_staking staking; /* epoch fields only (validators freed) */
    lithsm_hs_state hs;
};

/* A fresh "lit_" + 32 random hex request id (handshake.c). */
lithsm_err lithsm_request_id(char out[LITHSM_REQUEST_ID_LEN + 1]);

/* *out = node + path, e.g. "https://1.2.3.4:443/web/handshake/"
 * (handshake.c). */
lithsm_err lithsm_node_route(char **out, const char *node, const char *path);

/* Handshakes with every listed node of c in parallel into a fresh *st
 * and checks the quorum.  On failure *st may hold partial results: the
 * caller clears it (handshake.c). */
lithsm_err lithsm_handshake(lithsm_hs_state *st, lithsm_client *c);

/* Frees a handshake's results for n listed nodes and zeroes *st. */
void lithsm_hs_state_clear(lithsm_hs_state *st, size_t n);

/* Where p's nodes come from: *rpc and *staking for a preset network
 * ("datil", "datil-test", "datil-dev") or a custom one, both NULL for
 * explicit node URLs.  LITHSM_ERR_INVALID_ARG for an unknown network, half
 * a custom network or no nodes at all (discovery.c). */
lithsm_err lithsm_node_source(const lithsm_client_params *p, const char **rpc,
                              const char **staking);

/* Fills c's node list and threshold: the staking contract's validators
 * when rpc is set (p->min_nodes may raise minNodeCount, never lower it),
 * else p's explicit node URLs, checked and without repeats.  c->http must
 * be ready (discovery.c). */
lithsm_err lithsm_client_find_nodes(lithsm_client *c,
                                    const lithsm_client_params *p,
                                    const char *rpc, const char *staking);

/* Tests only: makes the client's handshake look `ms` older, so the next
 * lithsm_client_blockhash() re-handshakes once past 30 s (client.c). */
void lithsm_client_age_for_test(lithsm_client *client, int64_t ms);

#endif /* LITHSM_NET_H */
