/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * tx_json.c - the transaction object of a wallet's JSON, read strictly:
 * every member known for the type, every value checked, every error
 * naming its field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "eth/int256.h"
#include "eth/tx.h"

#define WHAT "transaction"

/* The members a type may have: bit t set when type t has it. */
static const struct {
    const char *name;
    unsigned types;
} members[] = {
    { "type", 7 },         { "chainId", 7 },
    { "nonce", 7 },        { "to", 7 },
    { "value", 7 },        { "data", 7 },
    { "gasLimit", 7 },     { "gasPrice", 3 },
    { "maxFeePerGas", 4 }, { "maxPriorityFeePerGas", 4 },
    { "accessList", 6 },
};

static lithsm_err check_members(const json_object *obj, unsigned type)
{
    json_object_iter it;
    size_t i;

    json_object_object_foreachC((json_object *)obj, it)
    {
        for (i = 0; i < sizeof(members) / sizeof(members[0]); i++)
            if (strcmp(it.key, members[i].name) == 0)
                break;
        if (i == sizeof(members) / sizeof(members[0]))
            return lithsm_fail(
                LITHSM_ERR_PARSE, WHAT ": unknown field \"%.64s\"",
                lithsm_utf8_valid(it.key, strlen(it.key)) ? it.key
                                                          : "(not UTF-8)");
        if (!(members[i].types & (1u << type)))
            return lithsm_fail(
                LITHSM_ERR_PARSE,
                WHAT ": %s: not a field of a type %u "
                     "transaction (%s)",
                members[i].name, type,
                type == 2   ? "it has maxFeePerGas and maxPriorityFeePerGas"
                : type == 0 ? "it has gasPrice and no access list"
                            : "it has gasPrice");
    }
    return LITHSM_OK;
}

static lithsm_err read_type(unsigned *out, const json_object *obj)
{
    json_object *v = NULL;
    int64_t t;

    if (!json_object_object_get_ex(obj, "type", &v))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           WHAT ": type: missing (0 legacy, 1 EIP-2930, "
                                "2 EIP-1559)");
    if (!json_object_is_type(v, json_type_int))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           WHAT ": type: must be the JSON integer 0, 1 or 2");
    t = json_object_get_int64(v);
    if (t < 0 || t > 2)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           WHAT ": type: %lld is not supported (0, 1 or 2)",
                           (long long)t);
    *out = (unsigned)t;
    return LITHSM_OK;
}

/* A uint256 member into out; absent: `missing_bit` set in tx->missing (0:
 * out stays 0; ~0u: required). */
static lithsm_err read_uint(uint8_t out[32], lithsm_tx *tx,
                            const json_object *obj, const char *name,
                            unsigned missing_bit)
{
    char what[64];
    json_object *v = NULL;

    snprintf(what, sizeof(what), WHAT ": %s", name);
    if (!json_object_object_get_ex(obj, name, &v)) {
        if (missing_bit == ~0u)
            return lithsm_fail(LITHSM_ERR_PARSE, "%s: missing", what);
        tx->missing |= missing_bit;
        return LITHSM_OK;
    }
    return lithsm_int_from_json(out, v, LITHSM_UINT256, what);
}

static lithsm_err read_nonce(lithsm_tx *tx, const json_object *obj)
{
    uint8_t v[32];
    json_object *n = NULL;
    lithsm_err err;

    if (!json_object_object_get_ex(obj, "nonce", &n)) {
        tx->missing |= LITHSM_TX_MISSING_NONCE;
        return LITHSM_OK;
    }
    err = lithsm_int_from_json(v, n, LITHSM_UINT64, WHAT ": nonce");
    if (err != LITHSM_OK)
        return err;
    lithsm_uint256_to_u64(&tx->nonce, v);
    if (tx->nonce > TX_NONCE_MAX)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           WHAT ": nonce: must be below 2^64 - 1 (EIP-2681)");
    return LITHSM_OK;
}

/* An address string into out. */
static lithsm_err read_address(lithsm_eth_address *out, const json_object *v,
                               const char *what)
{
    if (!json_object_is_type(v, json_type_string) ||
        lithsm_eth_address_parse(out, json_object_get_string((json_object *)v),
                                 0) != LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: not an address (0x + 40 hex digits, one case "
                           "or EIP-55; a wrong checksum is refused)",
                           what);
    return LITHSM_OK;
}

static lithsm_err read_to(lithsm_tx *tx, const json_object *obj)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, "to", &v) || v == NULL)
        return LITHSM_OK; /* absent or null: a contract creation */
    tx->has_to = 1;
    return read_address(&tx->to, v, WHAT ": to");
}

/* "0x" + exactly 2 * n hex digits of a JSON string: n (NULL when the
 * value is not such a string). */
static const char *hex_string(size_t *n, const json_object *v)
{
    const char *s;
    size_t len;

    if (!json_object_is_type(v, json_type_string))
        return NULL;
    s = json_object_get_string((json_object *)v);
    len = (size_t)json_object_get_string_len(v);
    if (len < 2 || s[0] != '0' || s[1] != 'x' || len % 2 != 0)
        return NULL;
    *n = (len - 2) / 2;
    return s;
}

static lithsm_err read_data(lithsm_tx *tx, const json_object *obj)
{
    json_object *v = NULL;
    const char *s;
    size_t n = 0;

    if (!json_object_object_get_ex(obj, "data", &v))
        return LITHSM_OK;
    if ((s = hex_string(&n, v)) == NULL)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           WHAT ": data: must be a string of 0x + an even "
                                "number of hex digits (\"0x\" when empty)");
    if (n > LITHSM_TX_MAX_RAW)
        return lithsm_fail(LITHSM_ERR_RANGE, WHAT ": data: over %u bytes",
                           LITHSM_TX_MAX_RAW);
    if (n > 0 && (tx->data = malloc(n)) == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, WHAT ": out of memory");
    tx->data_len = n;
    if (n > 0 && lithsm_hex_decode(tx->data, n, s, 2 + 2 * n) != LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           WHAT ": data: not hex (0x + hex digits)");
    return LITHSM_OK;
}

/* One {address, storageKeys} entry: i-th of the list, keys from *k. */
static lithsm_err read_entry(lithsm_tx *tx, size_t i, const json_object *e,
                             size_t *k)
{
    char what[96];
    json_object *a = NULL, *keys = NULL;
    size_t j, n = 0;

    snprintf(what, sizeof(what), WHAT ": accessList[%zu]", i);
    if (!json_object_is_type(e, json_type_object) ||
        json_object_object_length(e) != 2 ||
        !json_object_object_get_ex(e, "address", &a) ||
        !json_object_object_get_ex(e, "storageKeys", &keys))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: must be an object with exactly \"address\" "
                           "and \"storageKeys\"",
                           what);
    snprintf(what, sizeof(what), WHAT ": accessList[%zu].address", i);
    if (read_address(&tx->access[i].address, a, what) != LITHSM_OK)
        return LITHSM_ERR_PARSE;
    if (!json_object_is_type(keys, json_type_array))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           WHAT ": accessList[%zu].storageKeys: must be an "
                                "array",
                           i);
    tx->access[i].first_key = *k;
    tx->access[i].n_keys = json_object_array_length(keys);
    for (j = 0; j < tx->access[i].n_keys; j++, (*k)++) {
        json_object *key = json_object_array_get_idx(keys, j);
        const char *s = hex_string(&n, key);

        if (s == NULL || n != 32 ||
            lithsm_hex_decode(tx->keys[*k], 32, s, 66) != LITHSM_OK)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               WHAT ": accessList[%zu].storageKeys[%zu]: must "
                                    "be 0x + 64 hex digits",
                               i, j);
    }
    return LITHSM_OK;
}

static lithsm_err read_access_list(lithsm_tx *tx, const json_object *obj)
{
    json_object *list = NULL;
    size_t i, n_keys = 0, k = 0;
    lithsm_err err;

    if (!json_object_object_get_ex(obj, "accessList", &list))
        return LITHSM_OK;
    if (!json_object_is_type(list, json_type_array))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           WHAT ": accessList: must be an array");
    tx->n_access = json_object_array_length(list);
    for (i = 0; i < tx->n_access; i++) {
        json_object *keys = NULL;

        if (json_object_object_get_ex(json_object_array_get_idx(list, i),
                                      "storageKeys", &keys) &&
            json_object_is_type(keys, json_type_array))
            n_keys += json_object_array_length(keys);
    }
    if (tx->n_access == 0)
        return LITHSM_OK;
    tx->access = calloc(tx->n_access, sizeof(*tx->access));
    tx->keys = n_keys ? calloc(n_keys, sizeof(*tx->keys)) : NULL;
    if (tx->access == NULL || (n_keys && tx->keys == NULL))
        return lithsm_fail(LITHSM_ERR_NOMEM, WHAT ": out of memory");
    tx->n_keys = n_keys;
    for (i = 0; i < tx->n_access; i++)
        if ((err = read_entry(tx, i, json_object_array_get_idx(list, i), &k)) !=
            LITHSM_OK)
            return err;
    return LITHSM_OK;
}

static lithsm_err read_fees(lithsm_tx *tx, const json_object *obj)
{
    lithsm_err err;

    if (tx->type != LITHSM_TX_TYPE_DYNAMIC_FEE)
        return read_uint(tx->fee, tx, obj, "gasPrice",
                         LITHSM_TX_MISSING_GAS_PRICE);
    err =
        read_uint(tx->fee, tx, obj, "maxFeePerGas", LITHSM_TX_MISSING_MAX_FEE);
    if (err == LITHSM_OK)
        err = read_uint(tx->tip, tx, obj, "maxPriorityFeePerGas",
                        LITHSM_TX_MISSING_PRIORITY_FEE);
    return err;
}

static lithsm_err read_tx(lithsm_tx *tx, const json_object *obj)
{
    lithsm_rlp_out size = { NULL, 0 };
    lithsm_err err;

    if (!json_object_is_type(obj, json_type_object))
        return lithsm_fail(LITHSM_ERR_PARSE, WHAT ": must be a JSON object");
    if ((err = read_type(&tx->type, obj)) != LITHSM_OK ||
        (err = check_members(obj, tx->type)) != LITHSM_OK ||
        (err = read_uint(tx->chain_id, tx, obj, "chainId", ~0u)) != LITHSM_OK ||
        (err = read_nonce(tx, obj)) != LITHSM_OK ||
        (err = read_to(tx, obj)) != LITHSM_OK ||
        (err = read_uint(tx->value, tx, obj, "value", 0)) != LITHSM_OK ||
        (err = read_data(tx, obj)) != LITHSM_OK ||
        (err = read_uint(tx->gas_limit, tx, obj, "gasLimit",
                         LITHSM_TX_MISSING_GAS_LIMIT)) != LITHSM_OK ||
        (err = read_fees(tx, obj)) != LITHSM_OK ||
        (err = read_access_list(tx, obj)) != LITHSM_OK)
        return err;
    if (lithsm_uint256_skip(tx->chain_id) == 32)
        return lithsm_fail(LITHSM_ERR_PARSE, WHAT ": chainId: must not be 0");
    if ((err = lithsm_tx_check_fees(tx, WHAT)) != LITHSM_OK)
        return err;
    lithsm_tx_encode(&size, tx, 0);
    if (size.len > LITHSM_TX_MAX_RAW - 128) /* room for v, r and s */
        return lithsm_fail(LITHSM_ERR_RANGE, WHAT ": over %u bytes once signed",
                           LITHSM_TX_MAX_RAW);
    return LITHSM_OK;
}

lithsm_err lithsm_tx_from_json(lithsm_tx **out, const char *json,
                               size_t json_len)
{
    json_object *obj = NULL;
    lithsm_tx *tx;
    lithsm_err err;

    if (out == NULL || json == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "lithsm_tx_from_json: NULL argument");
    if ((err = lithsm_json_parse(&obj, json, json_len, WHAT)) != LITHSM_OK)
        return err;
    if ((tx = calloc(1, sizeof(*tx))) == NULL) {
        json_object_put(obj);
        return lithsm_fail(LITHSM_ERR_NOMEM, WHAT ": out of memory");
    }
    err = read_tx(tx, obj);
    json_object_put(obj);
    if (err != LITHSM_OK) {
        lithsm_tx_free(tx);
        return err;
    }
    *out = tx;
    return LITHSM_OK;
}
