/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * eth_rpc.c - the Ethereum JSON-RPC client of lithsm_rpc.h: one request
 * at a time over lib/net/http.c, each answer through the envelope check
 * of replies.c (lithsm_rpc_reply) and the strict quantity parser below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "eth/int256.h"
#include "lithsm_rpc.h"
#include "net/net.h"

#define RPC_DEFAULT_TIMEOUT_MS 30000L
#define WHAT "RPC"

struct lithsm_rpc {
    lithsm_http *http;
    char *url;
    char shown[LITHSM_URL_SHOWN_MAX];
    uint64_t next_id;
};

lithsm_err lithsm_rpc_quantity(uint8_t out[32], const char *text, size_t len,
                               const char *what)
{
    size_t i;

    if (len < 3 || text[0] != '0' || text[1] != 'x' ||
        (text[2] == '0' && len != 3) || len > 2 + 64)
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "%s: '%.80s' is not a canonical 0x quantity", what,
                           text);
    for (i = 2; i < len; i++)
        if (!((text[i] >= '0' && text[i] <= '9') ||
              (text[i] >= 'a' && text[i] <= 'f') ||
              (text[i] >= 'A' && text[i] <= 'F')))
            return lithsm_fail(LITHSM_ERR_PROTOCOL,
                               "%s: '%.80s' is not a canonical 0x quantity",
                               what, text);
    if (lithsm_int_parse(out, text, len, LITHSM_UINT256, what) != LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_PROTOCOL, "%s: '%.80s' is not a quantity",
                           what, text);
    return LITHSM_OK;
}

lithsm_err lithsm_rpc_quantity_json(uint8_t out[32], const json_object *v,
                                    const char *what)
{
    if (v == NULL || !json_object_is_type(v, json_type_string))
        return lithsm_fail(LITHSM_ERR_PROTOCOL, "%s: not a 0x quantity string",
                           what);
    return lithsm_rpc_quantity(out, json_object_get_string((json_object *)v),
                               (size_t)json_object_get_string_len(v), what);
}

lithsm_err lithsm_rpc_u64_json(uint64_t *out, const json_object *v,
                               const char *what)
{
    uint8_t q[32];
    lithsm_err err = lithsm_rpc_quantity_json(q, v, what);

    if (err != LITHSM_OK)
        return err;
    if (!lithsm_uint256_to_u64(out, q))
        return lithsm_fail(LITHSM_ERR_PROTOCOL, "%s: more than 64 bits", what);
    return LITHSM_OK;
}

lithsm_err lithsm_rpc_open(lithsm_rpc **out, const char *url,
                           const lithsm_rpc_opts *opts)
{
    lithsm_http_opts o;
    lithsm_rpc *rpc;
    lithsm_err err;

    if (out == NULL || url == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "rpc: NULL argument");
    *out = NULL;
    if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) {
        char shown[LITHSM_URL_SHOWN_MAX];

        lithsm_url_shown(shown, sizeof(shown), url);
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "RPC URL '%s' is not https:// or http://", shown);
    }
    if (opts != NULL && opts->timeout_ms < 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "rpc: negative timeout");
    memset(&o, 0, sizeof(o));
    if (opts != NULL) {
        o.ca_file = opts->ca_file;
        o.insecure_tls = opts->insecure_tls != 0;
        o.timeout_ms = opts->timeout_ms;
        o.proxy = opts->proxy;
    }
    if (o.timeout_ms == 0)
        o.timeout_ms = RPC_DEFAULT_TIMEOUT_MS;
    /* No retries: a repeated eth_sendRawTransaction is not harmless. */
    o.retries = 0;
    if ((rpc = calloc(1, sizeof(*rpc))) == NULL ||
        (rpc->url = lithsm_strdup(url)) == NULL) {
        free(rpc);
        return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
    }
    lithsm_url_shown(rpc->shown, sizeof(rpc->shown), url);
    rpc->next_id = 1;
    err = lithsm_http_new(&rpc->http, &o);
    if (err != LITHSM_OK) {
        lithsm_rpc_free(rpc);
        return err;
    }
    *out = rpc;
    return LITHSM_OK;
}

void lithsm_rpc_free(lithsm_rpc *rpc)
{
    if (rpc == NULL)
        return;
    lithsm_http_free(rpc->http);
    free(rpc->url);
    free(rpc);
}

const char *lithsm_rpc_shown(const lithsm_rpc *rpc)
{
    return rpc->shown;
}

lithsm_err lithsm_rpc_request(json_object **doc, json_object **result,
                              lithsm_rpc *rpc, const char *method,
                              const char *params)
{
    lithsm_http_req req;
    lithsm_buf body;
    uint64_t id = rpc->next_id++;
    lithsm_err err;

    *doc = NULL;
    *result = NULL;
    lithsm_buf_init(&body);
    lithsm_rpc_request_body(&body, id, method, params);
    if (body.failed) {
        lithsm_buf_free(&body);
        return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
    }
    memset(&req, 0, sizeof(req));
    req.url = rpc->url;
    req.body = body.data;
    err = lithsm_http_post_all(rpc->http, &req, 1);
    if (err == LITHSM_OK)
        err = lithsm_rpc_reply(doc, result, WHAT, rpc->shown, id, &req);
    if (err != LITHSM_OK && err != LITHSM_ERR_NOMEM &&
        err != LITHSM_ERR_NETWORK) {
        char why[300];

        /* Name the method: "RPC 'x': eth_chainId: error -32601: ...". */
        lithsm_clean_copy(why, sizeof(why), lithsm_last_error());
        err = lithsm_fail(err, "%s (%s)", why, method);
    }
    lithsm_http_req_clear(&req);
    lithsm_buf_free(&body);
    return err;
}

lithsm_err lithsm_rpc_call(char **result_json_out, lithsm_rpc *rpc,
                           const char *method, const char *params_json)
{
    json_object *doc, *result;
    lithsm_buf b;
    lithsm_err err;

    if (result_json_out == NULL || rpc == NULL || method == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "rpc call: NULL argument");
    *result_json_out = NULL;
    err = lithsm_rpc_request(&doc, &result, rpc, method, params_json);
    if (err != LITHSM_OK)
        return err;
    lithsm_buf_init(&b);
    if (result == NULL)
        lithsm_buf_puts(&b, "null");
    else
        lithsm_buf_json_value(&b, result);
    json_object_put(doc);
    return lithsm_buf_finish(&b, result_json_out, NULL);
}

lithsm_err lithsm_rpc_call_quantity(uint8_t out[32], lithsm_rpc *rpc,
                                    const char *method, const char *params)
{
    json_object *doc, *result;
    char what[80];
    lithsm_err err;

    err = lithsm_rpc_request(&doc, &result, rpc, method, params);
    if (err != LITHSM_OK)
        return err;
    snprintf(what, sizeof(what), "%s result", method);
    err = lithsm_rpc_quantity_json(out, result, what);
    json_object_put(doc);
    return err;
}

/* A method whose result is a quantity of at most 64 bits. */
static lithsm_err call_u64(uint64_t *out, lithsm_rpc *rpc, const char *method,
                           const char *params)
{
    uint8_t q[32];
    lithsm_err err = lithsm_rpc_call_quantity(q, rpc, method, params);

    if (err == LITHSM_OK && !lithsm_uint256_to_u64(out, q))
        err = lithsm_fail(LITHSM_ERR_PROTOCOL, "%s result: more than 64 bits",
                          method);
    return err;
}

lithsm_err lithsm_rpc_chain_id(uint64_t *out, lithsm_rpc *rpc)
{
    if (out == NULL || rpc == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "rpc: NULL argument");
    return call_u64(out, rpc, "eth_chainId", NULL);
}

lithsm_err lithsm_rpc_pending_nonce(uint64_t *out, lithsm_rpc *rpc,
                                    const lithsm_eth_address *addr)
{
    char params[80], hex[41];

    if (out == NULL || rpc == NULL || addr == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "rpc: NULL argument");
    if (lithsm_hex_encode(hex, sizeof(hex), addr->bytes, 20) != LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "rpc: bad address");
    snprintf(params, sizeof(params), "[\"0x%s\",\"pending\"]", hex);
    return call_u64(out, rpc, "eth_getTransactionCount", params);
}

lithsm_err lithsm_rpc_estimate_gas(uint64_t *out, lithsm_rpc *rpc,
                                   const char *call_json)
{
    json_object *call = NULL;
    lithsm_buf params;
    lithsm_err err;

    if (out == NULL || rpc == NULL || call_json == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "rpc: NULL argument");
    if (lithsm_json_parse(&call, call_json, strlen(call_json), "call") !=
            LITHSM_OK ||
        !json_object_is_type(call, json_type_object)) {
        json_object_put(call);
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "eth_estimateGas: the call is not a JSON object");
    }
    json_object_put(call);
    lithsm_buf_init(&params);
    lithsm_buf_putc(&params, '[');
    lithsm_buf_puts(&params, call_json);
    lithsm_buf_putc(&params, ']');
    err = params.failed ? lithsm_fail(LITHSM_ERR_NOMEM, "out of memory")
                        : call_u64(out, rpc, "eth_estimateGas", params.data);
    lithsm_buf_free(&params);
    return err;
}
