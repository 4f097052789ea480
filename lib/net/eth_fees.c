/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * eth_fees.c - the parts of lithsm_rpc.h around a transaction: fee data
 * (ethers' getFeeData rule), sending the raw transaction and waiting for
 * its receipt.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "eth/int256.h"
#include "lithsm_rpc.h"
#include "net/net.h"

#define POLL_FIRST_MS 100L
#define POLL_MAX_MS 1000L

/* A 256-bit quantity member of an object. */
static lithsm_err member_quantity(uint8_t out[32], const json_object *obj,
                                  const char *key, const char *what)
{
    json_object *v;

    if (!json_object_object_get_ex(obj, key, &v))
        return lithsm_fail(LITHSM_ERR_PROTOCOL, "%s: no %s", what, key);
    return lithsm_rpc_quantity_json(out, v, what);
}

/* The latest block's baseFeePerGas; *has 0 when the block has none. */
static lithsm_err latest_base_fee(uint8_t out[32], int *has, lithsm_rpc *rpc)
{
    json_object *doc, *block, *v;
    lithsm_err err;

    *has = 0;
    err = lithsm_rpc_request(&doc, &block, rpc, "eth_getBlockByNumber",
                             "[\"latest\",false]");
    if (err != LITHSM_OK)
        return err;
    if (!json_object_is_type(block, json_type_object))
        err = lithsm_fail(LITHSM_ERR_PROTOCOL,
                          "RPC '%s': eth_getBlockByNumber(latest) is not a "
                          "block object",
                          lithsm_rpc_shown(rpc));
    else if (json_object_object_get_ex(block, "baseFeePerGas", &v) &&
             !json_object_is_type(v, json_type_null)) {
        err = lithsm_rpc_quantity_json(out, v, "latest block baseFeePerGas");
        *has = err == LITHSM_OK;
    }
    json_object_put(doc);
    return err;
}

/* eth_feeHistory(1, "latest", [50]): the median reward of the latest
 * block. */
static lithsm_err fee_history_priority(uint8_t out[32], lithsm_rpc *rpc)
{
    json_object *doc, *result, *reward, *row;
    lithsm_err err;

    err = lithsm_rpc_request(&doc, &result, rpc, "eth_feeHistory",
                             "[\"0x1\",\"latest\",[50]]");
    if (err != LITHSM_OK)
        return err;
    if (!json_object_is_type(result, json_type_object) ||
        !json_object_object_get_ex(result, "reward", &reward) ||
        !json_object_is_type(reward, json_type_array) ||
        json_object_array_length(reward) != 1 ||
        !json_object_is_type(row = json_object_array_get_idx(reward, 0),
                             json_type_array) ||
        json_object_array_length(row) != 1)
        err = lithsm_fail(LITHSM_ERR_PROTOCOL,
                          "RPC '%s': eth_feeHistory has no reward[1][1]",
                          lithsm_rpc_shown(rpc));
    else
        err = lithsm_rpc_quantity_json(out, json_object_array_get_idx(row, 0),
                                       "eth_feeHistory reward");
    json_object_put(doc);
    return err;
}

lithsm_err lithsm_rpc_fee_data(lithsm_rpc_fees *out, lithsm_rpc *rpc)
{
    uint8_t two[32], doubled[32];
    lithsm_err err;

    if (out == NULL || rpc == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "rpc: NULL argument");
    memset(out, 0, sizeof(*out));
    err = lithsm_rpc_call_quantity(out->gas_price, rpc, "eth_gasPrice", NULL);
    if (err == LITHSM_OK)
        err = latest_base_fee(out->base_fee, &out->has_eip1559, rpc);
    if (err != LITHSM_OK || !out->has_eip1559)
        return err;
    err = lithsm_rpc_call_quantity(out->max_priority_fee, rpc,
                                   "eth_maxPriorityFeePerGas", NULL);
    /* A node without the method answers a JSON-RPC error (PROTOCOL). */
    if (err == LITHSM_ERR_PROTOCOL)
        err = fee_history_priority(out->max_priority_fee, rpc);
    if (err != LITHSM_OK)
        return err;
    lithsm_uint256_from_u64(two, 2);
    if (!lithsm_uint256_mul(doubled, out->base_fee, two) ||
        !lithsm_uint256_add(out->max_fee, doubled, out->max_priority_fee))
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "RPC '%s': 2 * baseFee + priority fee exceeds 256 "
                           "bits",
                           lithsm_rpc_shown(rpc));
    return LITHSM_OK;
}

/* "0x" + 64 hex digits. */
static int is_hash(const char *s, size_t len)
{
    size_t i;

    if (len != 66 || s[0] != '0' || s[1] != 'x')
        return 0;
    for (i = 2; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return 0;
    return 1;
}

lithsm_err lithsm_rpc_send_raw(char **hash_out, lithsm_rpc *rpc,
                               const char *raw)
{
    json_object *doc, *result;
    lithsm_buf params;
    size_t i, len;
    lithsm_err err;

    if (hash_out == NULL || rpc == NULL || raw == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "rpc: NULL argument");
    *hash_out = NULL;
    len = strlen(raw);
    if (len < 4 || len % 2 != 0 || raw[0] != '0' || raw[1] != 'x')
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "eth_sendRawTransaction: the transaction is not "
                           "0x + bytes in hex");
    for (i = 2; i < len; i++)
        if (strchr("0123456789abcdefABCDEF", raw[i]) == NULL)
            return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                               "eth_sendRawTransaction: the transaction is "
                               "not 0x + bytes in hex");
    lithsm_buf_init(&params);
    lithsm_buf_printf(&params, "[\"%s\"]", raw);
    if (params.failed) {
        lithsm_buf_free(&params);
        return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
    }
    err = lithsm_rpc_request(&doc, &result, rpc, "eth_sendRawTransaction",
                             params.data);
    lithsm_buf_free(&params);
    if (err != LITHSM_OK)
        return err;
    if (!json_object_is_type(result, json_type_string) ||
        !is_hash(json_object_get_string(result),
                 (size_t)json_object_get_string_len(result)))
        err = lithsm_fail(LITHSM_ERR_PROTOCOL,
                          "RPC '%s': eth_sendRawTransaction answered no 0x + "
                          "64 hex hash",
                          lithsm_rpc_shown(rpc));
    else if ((*hash_out = lithsm_strdup(json_object_get_string(result))) ==
             NULL)
        err = lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
    else
        for (i = 2; i < 66; i++)
            if ((*hash_out)[i] >= 'A' && (*hash_out)[i] <= 'F')
                (*hash_out)[i] = (char)((*hash_out)[i] - 'A' + 'a');
    json_object_put(doc);
    return err;
}

lithsm_err lithsm_rpc_receipt_check(int *status, const json_object *r,
                                    const char *hash, const char *shown)
{
    json_object *v;
    uint8_t q[32];
    uint64_t s;
    lithsm_err err;

    if (!json_object_is_type(r, json_type_object))
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "RPC '%s': the receipt is not an object", shown);
    if (!json_object_object_get_ex(r, "transactionHash", &v) ||
        !json_object_is_type(v, json_type_string) ||
        strcasecmp(json_object_get_string(v), hash) != 0)
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "RPC '%s': the receipt is not for %s", shown, hash);
    err = member_quantity(q, r, "blockNumber", "receipt blockNumber");
    if (err != LITHSM_OK)
        return err;
    if (!json_object_object_get_ex(r, "status", &v))
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "RPC '%s': the receipt has no status", shown);
    err = lithsm_rpc_u64_json(&s, v, "receipt status");
    if (err != LITHSM_OK)
        return err;
    if (s > 1)
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "receipt status: %llu is neither 0x0 nor 0x1",
                           (unsigned long long)s);
    *status = (int)s;
    return LITHSM_OK;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

lithsm_err lithsm_rpc_wait_receipt(char **receipt_out, int *status_out,
                                   lithsm_rpc *rpc, const char *hash,
                                   long timeout_ms)
{
    json_object *doc, *result;
    char params[80];
    int64_t deadline;
    long wait = POLL_FIRST_MS;
    lithsm_buf b;
    lithsm_err err;

    if (receipt_out == NULL || status_out == NULL || rpc == NULL ||
        hash == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "rpc: NULL argument");
    *receipt_out = NULL;
    if (!is_hash(hash, strlen(hash)) || timeout_ms <= 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "receipt: the hash is not 0x + 64 hex or the "
                           "timeout is not positive");
    snprintf(params, sizeof(params), "[\"%s\"]", hash);
    deadline = mono_ms() + timeout_ms;
    for (;;) {
        err = lithsm_rpc_request(&doc, &result, rpc,
                                 "eth_getTransactionReceipt", params);
        if (err != LITHSM_OK)
            return err;
        if (!json_object_is_type(result, json_type_null))
            break;
        json_object_put(doc);
        if (mono_ms() + wait > deadline)
            return lithsm_fail(LITHSM_ERR_NETWORK,
                               "RPC '%s': no receipt for %s within %ld ms",
                               lithsm_rpc_shown(rpc), hash, timeout_ms);
        sleep_ms(wait);
        wait = wait * 3 / 2 > POLL_MAX_MS ? POLL_MAX_MS : wait * 3 / 2;
    }
    err = lithsm_rpc_receipt_check(status_out, result, hash,
                                   lithsm_rpc_shown(rpc));
    if (err == LITHSM_OK) {
        lithsm_buf_init(&b);
        lithsm_buf_json_value(&b, result);
        err = lithsm_buf_finish(&b, receipt_out, NULL);
    }
    json_object_put(doc);
    return err;
}
