/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * client.c - the Lit node client's public API (lithsm_node.h): connect,
 * the nodes that answered, the consensus blockhash, the handshake report
 * and the devnet's session-sig check (lit-protocol.md 9, 10.1; DESIGN.md
 * "Node client better than the anchors").  Discovery is in discovery.c,
 * the handshake in handshake.c, the answers' parsers in replies.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "net/net.h"

#define DEFAULT_TIMEOUT_MS 10000L
#define MAX_TIMEOUT_MS 600000L
#define DEFAULT_RETRIES 2
#define MAX_RETRIES 10
/* The consensus blockhash is reused this long (lit-protocol.md 10.1). */
#define BLOCKHASH_TTL_MS 30000

#define CHECK_PATH "/web/lithsm/check_session_sig/v1"

/* The order the report lists the consensus fields in.  serverPublicKey
 * is each node's own key: it is reported per node, with no consensus. */
#define N_CONSENSUS (LITHSM_HS_NFIELDS - 1)
static const int report_order[N_CONSENSUS] = {
    LITHSM_HS_BLOCKHASH, LITHSM_HS_NETWORK_PK,      LITHSM_HS_NETWORK_PK_SET,
    LITHSM_HS_SUBNET_PK, LITHSM_HS_HD_ROOT_PUBKEYS,
};

void lithsm_client_free(lithsm_client *c)
{
    size_t i;

    if (c == NULL)
        return;
    lithsm_hs_state_clear(&c->hs, c->n_urls);
    for (i = 0; i < c->n_urls; i++)
        free(c->urls[i]);
    free(c->urls);
    free(c->network);
    lithsm_http_free(c->http);
    free(c);
}

/* The checks of p that need no node: one source, sane limits. */
static lithsm_err check_params(const lithsm_client_params *p)
{
    int modes;

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
    return LITHSM_OK;
}

lithsm_err lithsm_client_connect(lithsm_client **out,
                                 const lithsm_client_params *p)
{
    lithsm_client *c;
    lithsm_http_opts o;
    const char *rpc, *staking;
    lithsm_err err;

    if (out == NULL || p == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "connect: NULL argument");
    *out = NULL;
    err = check_params(p);
    if (err == LITHSM_OK)
        err = lithsm_node_source(p, &rpc, &staking);
    if (err != LITHSM_OK)
        return err;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
    o.ca_file = p->ca_file;
    o.insecure_tls = p->insecure_tls != 0;
    o.timeout_ms = p->timeout_ms == 0 ? DEFAULT_TIMEOUT_MS : p->timeout_ms;
    o.retries = p->retries == -1 ? DEFAULT_RETRIES : p->retries;
    o.proxy = p->proxy;
    err = lithsm_http_new(&c->http, &o);
    if (err == LITHSM_OK)
        err = lithsm_client_find_nodes(c, p, rpc, staking);
    if (err == LITHSM_OK)
        err = lithsm_handshake(&c->hs, c);
    if (err != LITHSM_OK) {
        lithsm_client_free(c);
        return err;
    }
    *out = c;
    return LITHSM_OK;
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
    lithsm_hs_state fresh;
    int64_t age;
    lithsm_err err;

    if (c == NULL || out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "blockhash: NULL argument");
    age = lithsm_time_now_ms() - c->hs.at_ms;
    /* A clock stepping back also counts as stale. */
    if (age < 0 || age >= BLOCKHASH_TTL_MS) {
        err = lithsm_handshake(&fresh, c);
        if (err != LITHSM_OK) {
            lithsm_hs_state_clear(&fresh, c->n_urls);
            return err;
        }
        lithsm_hs_state_clear(&c->hs, c->n_urls);
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

lithsm_err lithsm_client_report_json(char **out, const lithsm_client *c)
{
    const lithsm_hs_state *st;
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
            lithsm_buf_json_str_or_null(&b, st->consensus[f]);
        lithsm_buf_putc(&b, ',');
    }
    if (st->has_epoch)
        lithsm_buf_printf(&b, "\"epoch\":%llu,", (unsigned long long)st->epoch);
    else
        lithsm_buf_puts(&b, "\"epoch\":null,");
    lithsm_buf_printf(&b, "\"threshold\":%zu,\"connected\":%zu,", c->threshold,
                      st->n_ok);
    lithsm_buf_puts(&b, "\"requestId\":");
    lithsm_buf_json_str_or_null(&b, st->request_id);
    lithsm_buf_puts(&b, ",\"network\":");
    lithsm_buf_json_str_or_null(&b, c->network);
    lithsm_buf_puts(&b, ",\"handshakeAt\":");
    lithsm_buf_json_str_or_null(
        &b, lithsm_time_format(when, st->at_ms) == LITHSM_OK ? when : NULL);
    lithsm_buf_puts(&b, ",\"nodes\":[");
    for (i = 0; i < c->n_urls; i++) {
        const lithsm_hs_node *nd = &st->nodes[i];

        if (i > 0)
            lithsm_buf_putc(&b, ',');
        lithsm_buf_puts(&b, "{\"url\":");
        lithsm_buf_json_str_or_null(&b, nd->url);
        lithsm_buf_printf(&b,
                          ",\"ok\":%s,\"error\":", nd->ok ? "true" : "false");
        lithsm_buf_json_str_or_null(&b, nd->error);
        lithsm_buf_puts(&b, ",\"latestBlockhash\":");
        lithsm_buf_json_str_or_null(&b, nd->reply.fields[LITHSM_HS_BLOCKHASH]);
        lithsm_buf_puts(&b, ",\"serverPublicKey\":");
        lithsm_buf_json_str_or_null(&b, nd->reply.fields[LITHSM_HS_SERVER_PK]);
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

/* The check route's requests: one per SessionSigs entry. */
struct check_batch {
    size_t n;
    lithsm_http_req *reqs;
    char **bodies, **urls;
    const char **nodes; /* borrowed from the parsed map */
    char request_id[LITHSM_REQUEST_ID_LEN + 1];
};

static void batch_free(struct check_batch *cb)
{
    size_t i;

    for (i = 0; i < cb->n; i++) {
        if (cb->reqs != NULL)
            lithsm_http_req_clear(&cb->reqs[i]);
        if (cb->bodies != NULL)
            free(cb->bodies[i]);
        if (cb->urls != NULL)
            free(cb->urls[i]);
    }
    free(cb->reqs);
    free(cb->bodies);
    free(cb->urls);
    free(cb->nodes);
}

/* Fills the batch from a SessionSigs map: {"authSig": entry} to
 * node + CHECK_PATH for each node URL. */
static lithsm_err batch_fill(struct check_batch *cb, json_object *map)
{
    lithsm_buf b;
    size_t i = 0;
    lithsm_err err;

    json_object_object_foreach(map, key, val)
    {
        if (lithsm_node_url_check(key) != LITHSM_OK)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "SessionSigs: key %zu is not a node URL", i);
        if (!json_object_is_type(val, json_type_object))
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "SessionSigs: the entry of '%.200s' is not an "
                               "object",
                               key);
        cb->nodes[i] = key;
        lithsm_buf_init(&b);
        lithsm_buf_puts(&b, "{\"authSig\":");
        lithsm_buf_json_value(&b, val);
        lithsm_buf_putc(&b, '}');
        err = lithsm_buf_finish(&b, &cb->bodies[i], NULL);
        if (err == LITHSM_OK)
            err = lithsm_node_route(&cb->urls[i], key, CHECK_PATH);
        if (err != LITHSM_OK)
            return err;
        cb->reqs[i].url = cb->urls[i];
        cb->reqs[i].body = cb->bodies[i];
        cb->reqs[i].request_id = cb->request_id;
        i++;
    }
    return LITHSM_OK;
}

lithsm_err lithsm_client_check_session_sigs(char **verdicts_json,
                                            lithsm_client *c,
                                            const char *session_sigs_json)
{
    json_object *doc = NULL;
    struct check_batch cb;
    lithsm_buf b;
    size_t i;
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
    memset(&cb, 0, sizeof(cb));
    cb.n = (size_t)json_object_object_length(doc);
    cb.reqs = calloc(cb.n, sizeof(*cb.reqs));
    cb.bodies = calloc(cb.n, sizeof(*cb.bodies));
    cb.urls = calloc(cb.n, sizeof(*cb.urls));
    cb.nodes = calloc(cb.n, sizeof(*cb.nodes));
    if (cb.reqs == NULL || cb.bodies == NULL || cb.urls == NULL ||
        cb.nodes == NULL)
        err = lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
    if (err == LITHSM_OK)
        err = lithsm_request_id(cb.request_id);
    if (err == LITHSM_OK)
        err = batch_fill(&cb, doc);
    if (err == LITHSM_OK)
        err = lithsm_http_post_all(c->http, cb.reqs, cb.n);
    if (err == LITHSM_OK) {
        lithsm_buf_init(&b);
        lithsm_buf_putc(&b, '[');
        for (i = 0; i < cb.n; i++) {
            if (i > 0)
                lithsm_buf_putc(&b, ',');
            lithsm_check_verdict_write(&b, cb.nodes[i], &cb.reqs[i]);
        }
        lithsm_buf_putc(&b, ']');
        err = lithsm_buf_finish(&b, verdicts_json, NULL);
    }
    batch_free(&cb);
    json_object_put(doc);
    return err;
}
