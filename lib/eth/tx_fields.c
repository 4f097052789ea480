/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * tx_fields.c - what a transaction says (accessors for a sender and a
 * signing policy) and the setters that fill what its JSON left out.
 */
#include <stdlib.h>
#include <string.h>

#include "eth/int256.h"
#include "eth/tx.h"

void lithsm_tx_free(lithsm_tx *tx)
{
    if (tx == NULL)
        return;
    free(tx->data);
    free(tx->access);
    free(tx->keys);
    free(tx);
}

unsigned lithsm_tx_type(const lithsm_tx *tx)
{
    return tx->type;
}

void lithsm_tx_chain_id(uint8_t out[32], const lithsm_tx *tx)
{
    memcpy(out, tx->chain_id, 32);
}

int lithsm_tx_chain_id_u64(uint64_t *out, const lithsm_tx *tx)
{
    return lithsm_uint256_to_u64(out, tx->chain_id);
}

int lithsm_tx_nonce(uint64_t *out, const lithsm_tx *tx)
{
    if (tx->missing & LITHSM_TX_MISSING_NONCE)
        return 0;
    *out = tx->nonce;
    return 1;
}

int lithsm_tx_to(lithsm_eth_address *out, const lithsm_tx *tx)
{
    if (!tx->has_to)
        return 0;
    *out = tx->to;
    return 1;
}

void lithsm_tx_value(uint8_t out[32], const lithsm_tx *tx)
{
    memcpy(out, tx->value, 32);
}

const uint8_t *lithsm_tx_data(size_t *len_out, const lithsm_tx *tx)
{
    *len_out = tx->data_len;
    return tx->data_len ? tx->data : NULL;
}

/* Copies v into out unless the `bit` field is missing. */
static int present(uint8_t out[32], const uint8_t v[32], const lithsm_tx *tx,
                   unsigned bit)
{
    if (tx->missing & bit)
        return 0;
    memcpy(out, v, 32);
    return 1;
}

int lithsm_tx_gas_limit(uint8_t out[32], const lithsm_tx *tx)
{
    return present(out, tx->gas_limit, tx, LITHSM_TX_MISSING_GAS_LIMIT);
}

int lithsm_tx_max_fee_per_gas(uint8_t out[32], const lithsm_tx *tx)
{
    return present(out, tx->fee, tx,
                   LITHSM_TX_MISSING_GAS_PRICE | LITHSM_TX_MISSING_MAX_FEE);
}

int lithsm_tx_priority_fee_per_gas(uint8_t out[32], const lithsm_tx *tx)
{
    if (tx->type != LITHSM_TX_TYPE_DYNAMIC_FEE)
        return 0;
    return present(out, tx->tip, tx, LITHSM_TX_MISSING_PRIORITY_FEE);
}

int lithsm_tx_max_fee_total(uint8_t out[32], const lithsm_tx *tx)
{
    uint8_t product[32];

    if (tx->missing & (LITHSM_TX_MISSING_GAS_LIMIT |
                       LITHSM_TX_MISSING_GAS_PRICE | LITHSM_TX_MISSING_MAX_FEE))
        return 0;
    if (!lithsm_uint256_mul(product, tx->gas_limit, tx->fee))
        return 0; /* refused by the parser and the setters */
    memcpy(out, product, 32);
    return 1;
}

size_t lithsm_tx_access_list_count(const lithsm_tx *tx)
{
    return tx->n_access;
}

lithsm_err lithsm_tx_access_list_get(lithsm_eth_address *address,
                                     const uint8_t (**keys)[32], size_t *n_keys,
                                     const lithsm_tx *tx, size_t i)
{
    const tx_access *e;

    if (tx == NULL || i >= tx->n_access)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "lithsm_tx_access_list_get: no entry %zu", i);
    e = &tx->access[i];
    if (address != NULL)
        *address = e->address;
    if (keys != NULL)
        *keys = e->n_keys ? (const uint8_t(*)[32])tx->keys[e->first_key] : NULL;
    if (n_keys != NULL)
        *n_keys = e->n_keys;
    return LITHSM_OK;
}

int lithsm_tx_signature(uint8_t r[32], uint8_t s[32], unsigned *y_parity,
                        const lithsm_tx *tx)
{
    if (!tx->is_signed)
        return 0;
    if (r != NULL)
        memcpy(r, tx->r, 32);
    if (s != NULL)
        memcpy(s, tx->s, 32);
    if (y_parity != NULL)
        *y_parity = tx->y_parity;
    return 1;
}

int lithsm_tx_v(uint8_t out[32], const lithsm_tx *tx)
{
    if (!tx->is_signed)
        return 0;
    if (tx->type != LITHSM_TX_TYPE_LEGACY)
        lithsm_uint256_from_u64(out, tx->y_parity);
    else if (lithsm_tx_legacy_v(out, tx->chain_id, tx->y_parity) != LITHSM_OK)
        return 0; /* refused when signing and decoding */
    return 1;
}

int lithsm_tx_sender(lithsm_eth_address *from, uint8_t hash[32],
                     const lithsm_tx *tx)
{
    if (!tx->is_signed)
        return 0;
    if (from != NULL)
        *from = tx->from;
    if (hash != NULL)
        memcpy(hash, tx->hash, 32);
    return 1;
}

/* ---------------------------------------------------------------- filling */

unsigned lithsm_tx_missing(const lithsm_tx *tx)
{
    return tx->missing;
}

lithsm_err lithsm_tx_check_complete(const lithsm_tx *tx)
{
    static const struct {
        unsigned bit;
        const char *name;
    } order[] = {
        { LITHSM_TX_MISSING_NONCE, "nonce" },
        { LITHSM_TX_MISSING_GAS_LIMIT, "gasLimit" },
        { LITHSM_TX_MISSING_GAS_PRICE, "gasPrice" },
        { LITHSM_TX_MISSING_MAX_FEE, "maxFeePerGas" },
        { LITHSM_TX_MISSING_PRIORITY_FEE, "maxPriorityFeePerGas" },
    };
    size_t i;

    if (tx == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "lithsm_tx_check_complete: NULL argument");
    for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (tx->missing & order[i].bit)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "transaction: %s is missing (give it in the "
                               "transaction, or fill it from the network)",
                               order[i].name);
    return LITHSM_OK;
}

lithsm_err lithsm_tx_set_nonce(lithsm_tx *tx, uint64_t nonce)
{
    if (tx == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "lithsm_tx_set_nonce: NULL argument");
    if (nonce > TX_NONCE_MAX)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "transaction: nonce: must be below 2^64 - 1 "
                           "(EIP-2681)");
    tx->nonce = nonce;
    tx->missing &= ~LITHSM_TX_MISSING_NONCE;
    tx->is_signed = 0;
    return LITHSM_OK;
}

/* Applies `next` when its fees check, else leaves tx as it was. */
static lithsm_err apply(lithsm_tx *tx, const lithsm_tx *next)
{
    lithsm_err err = lithsm_tx_check_fees(next, "transaction");

    if (err != LITHSM_OK)
        return err;
    *tx = *next;
    tx->is_signed = 0;
    return LITHSM_OK;
}

lithsm_err lithsm_tx_set_gas_limit(lithsm_tx *tx, const uint8_t gas[32])
{
    lithsm_tx next;

    if (tx == NULL || gas == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "lithsm_tx_set_gas_limit: NULL argument");
    next = *tx;
    memcpy(next.gas_limit, gas, 32);
    next.missing &= ~LITHSM_TX_MISSING_GAS_LIMIT;
    return apply(tx, &next);
}

lithsm_err lithsm_tx_set_gas_price(lithsm_tx *tx, const uint8_t price[32])
{
    lithsm_tx next;

    if (tx == NULL || price == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "lithsm_tx_set_gas_price: NULL argument");
    if (tx->type == LITHSM_TX_TYPE_DYNAMIC_FEE)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "lithsm_tx_set_gas_price: a type 2 transaction "
                           "has maxFeePerGas and maxPriorityFeePerGas");
    next = *tx;
    memcpy(next.fee, price, 32);
    next.missing &= ~LITHSM_TX_MISSING_GAS_PRICE;
    return apply(tx, &next);
}

lithsm_err lithsm_tx_set_fees(lithsm_tx *tx, const uint8_t max_fee[32],
                              const uint8_t priority_fee[32])
{
    lithsm_tx next;

    if (tx == NULL || max_fee == NULL || priority_fee == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "lithsm_tx_set_fees: NULL argument");
    if (tx->type != LITHSM_TX_TYPE_DYNAMIC_FEE)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "lithsm_tx_set_fees: a type %u transaction has "
                           "gasPrice",
                           tx->type);
    next = *tx;
    memcpy(next.fee, max_fee, 32);
    memcpy(next.tip, priority_fee, 32);
    next.missing &=
        ~(LITHSM_TX_MISSING_MAX_FEE | LITHSM_TX_MISSING_PRIORITY_FEE);
    return apply(tx, &next);
}
