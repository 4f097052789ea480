/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * discovery.c - where the client's nodes come from: a preset network, a
 * custom one (the staking contract's validators over JSON-RPC), or
 * explicit node URLs (lit-protocol.md 9).
 *
 * Discovered validators use https (JS: http for custom networks unless
 * the port is 443).  The one exception is a local devnet without TLS: a
 * custom network whose RPC URL is http://127.x.x.x, when no CA file and no
 * insecure mode is asked for, reaches its validators on 127.0.0.0/8 over
 * http, and only those.  Asking for a CA file (or insecure mode) means the
 * nodes speak TLS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

#define STAKING_SELECTOR "0xc51d020e"

/* Yellowstone (chain 175188) hosts the staking contracts of all three. */
static const struct preset {
    const char *name;
    const char *staking;
} presets[] = {
    { "datil", "0x21d636d95eE71150c0c3Ffa79268c989a329d1CE" },
    { "datil-test", "0xdec37933239846834b3BfD408913Ed3dbEf6588F" },
    { "datil-dev", "0xD4507CD392Af2c80919219d7896508728f6A623F" },
};
#define N_PRESETS (sizeof(presets) / sizeof(presets[0]))
#define YELLOWSTONE_RPC "https://yellowstone-rpc.litprotocol.com"

lithsm_err lithsm_node_source(const lithsm_client_params *p, const char **rpc,
                              const char **staking)
{
    size_t i;

    *rpc = NULL;
    *staking = NULL;
    if (p->network != NULL) {
        for (i = 0; i < N_PRESETS; i++)
            if (strcmp(p->network, presets[i].name) == 0)
                break;
        if (i == N_PRESETS)
            return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                               "connect: unknown network '%.40s' (datil, "
                               "datil-test or datil-dev)",
                               p->network);
        *rpc = YELLOWSTONE_RPC;
        *staking = presets[i].staking;
    } else if (p->rpc_url != NULL || p->staking != NULL) {
        if (p->rpc_url == NULL || p->staking == NULL)
            return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                               "connect: a custom network needs both an RPC "
                               "URL and a staking address");
        *rpc = p->rpc_url;
        *staking = p->staking;
    } else if (p->node_urls == NULL || p->n_nodes == 0) {
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "connect: no node URLs");
    }
    return LITHSM_OK;
}

/* The staking contract's getActiveUnkickedValidatorStructsAndCounts(). */
static lithsm_err query_staking(lithsm_staking *st, lithsm_http *http,
                                const char *rpc, const char *staking)
{
    lithsm_eth_address addr;
    lithsm_http_req req;
    char to_hex[41], params[160], shown[LITHSM_URL_SHOWN_MAX];
    lithsm_buf body;
    lithsm_err err;

    lithsm_url_shown(shown, sizeof(shown), rpc);
    if (strncmp(rpc, "https://", 8) != 0 && strncmp(rpc, "http://", 7) != 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "RPC URL '%s' is not https:// or http://", shown);
    if (lithsm_eth_address_parse(&addr, staking, 0) != LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "staking address '%.60s' is not 0x + 40 hex with "
                           "a valid checksum",
                           staking);
    err = lithsm_hex_encode(to_hex, sizeof(to_hex), addr.bytes,
                            sizeof(addr.bytes));
    if (err != LITHSM_OK)
        return err;
    snprintf(params, sizeof(params),
             "[{\"to\":\"0x%s\",\"data\":\"" STAKING_SELECTOR "\"},\"latest\"]",
             to_hex);
    lithsm_buf_init(&body);
    lithsm_rpc_request_body(&body, 1, "eth_call", params);
    if (body.failed) {
        lithsm_buf_free(&body);
        return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
    }
    memset(&req, 0, sizeof(req));
    req.url = rpc;
    req.body = body.data;
    err = lithsm_http_post_all(http, &req, 1);
    if (err == LITHSM_OK)
        err = lithsm_rpc_staking_result(st, shown, &req);
    lithsm_http_req_clear(&req);
    lithsm_buf_free(&body);
    return err;
}

/* Loopback 127.0.0.0/8 given as the host of an http:// URL. */
static int is_http_loopback(const char *url)
{
    return strncmp(url, "http://127.", 11) == 0;
}

static lithsm_err discover(lithsm_client *c, const char *rpc,
                           const char *staking, int tls_asked)
{
    lithsm_staking st;
    char url[LITHSM_VALIDATOR_URL_MAX];
    size_t i, j;
    lithsm_err err;

    err = query_staking(&st, c->http, rpc, staking);
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

lithsm_err lithsm_client_find_nodes(lithsm_client *c,
                                    const lithsm_client_params *p,
                                    const char *rpc, const char *staking)
{
    lithsm_err err;

    if (rpc == NULL)
        return use_explicit_nodes(c, p);
    c->network = lithsm_strdup(p->network != NULL ? p->network : "custom");
    if (c->network == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
    err = discover(c, rpc, staking,
                   p->network != NULL || p->ca_file != NULL || p->insecure_tls);
    if (err != LITHSM_OK)
        return err;
    /* min_nodes may raise the network's threshold, never lower it. */
    if (p->min_nodes > c->n_urls)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "connect: a threshold of %zu nodes is more "
                           "than the %zu validators",
                           p->min_nodes, c->n_urls);
    if (p->min_nodes > c->threshold)
        c->threshold = p->min_nodes;
    return LITHSM_OK;
}
