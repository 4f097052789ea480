/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * eth_send.c - lithsm_rpc_send_tx(): fill what a transaction leaves out
 * from the node (nonce, fees, gas), check it against the node's chain id
 * and the caller's fee cap, sign, send and wait for the receipt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/int256.h"
#include "lithsm_rpc.h"
#include "net/net.h"

#define DEFAULT_RECEIPT_TIMEOUT_MS 120000L

void lithsm_rpc_sent_clear(lithsm_rpc_sent *s)
{
    if (s == NULL)
        return;
    free(s->raw);
    free(s->hash);
    free(s->receipt);
    memset(s, 0, sizeof(*s));
}

/* The fee per gas the transaction pays at most, against the cap. */
static lithsm_err check_cap(const lithsm_tx *tx, const uint8_t *cap,
                            const char *where)
{
    uint8_t fee[32];
    char fee_dec[LITHSM_UINT256_DEC_MAX], cap_dec[LITHSM_UINT256_DEC_MAX];

    if (cap == NULL || !lithsm_tx_max_fee_per_gas(fee, tx) ||
        lithsm_uint256_cmp(fee, cap) <= 0)
        return LITHSM_OK;
    lithsm_uint256_to_dec(fee_dec, fee);
    lithsm_uint256_to_dec(cap_dec, cap);
    return lithsm_fail(LITHSM_ERR_RANGE,
                       "transaction: %s %s wei (%s) is above the cap of %s "
                       "wei; nothing was sent",
                       lithsm_tx_type(tx) == LITHSM_TX_TYPE_DYNAMIC_FEE
                           ? "maxFeePerGas"
                           : "gasPrice",
                       fee_dec, where, cap_dec);
}

static lithsm_err check_chain(lithsm_rpc *rpc, const lithsm_tx *tx)
{
    uint64_t node_chain, tx_chain;
    uint8_t id[32];
    char tx_dec[LITHSM_UINT256_DEC_MAX];
    lithsm_err err = lithsm_rpc_chain_id(&node_chain, rpc);

    if (err != LITHSM_OK)
        return err;
    if (lithsm_tx_chain_id_u64(&tx_chain, tx) && tx_chain == node_chain)
        return LITHSM_OK;
    lithsm_tx_chain_id(id, tx);
    lithsm_uint256_to_dec(tx_dec, id);
    return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                       "transaction: chainId %s is not the chain of RPC "
                       "'%s' (%llu); nothing was signed",
                       tx_dec, lithsm_rpc_shown(rpc),
                       (unsigned long long)node_chain);
}

/* The fees the transaction leaves out, from the node. */
static lithsm_err fill_fees(lithsm_rpc *rpc, lithsm_tx *tx, unsigned missing)
{
    lithsm_rpc_fees f;
    uint8_t max_fee[32], tip[32];
    lithsm_err err;

    if ((missing & (LITHSM_TX_MISSING_GAS_PRICE | LITHSM_TX_MISSING_MAX_FEE |
                    LITHSM_TX_MISSING_PRIORITY_FEE)) == 0)
        return LITHSM_OK;
    err = lithsm_rpc_fee_data(&f, rpc);
    if (err != LITHSM_OK)
        return err;
    if ((missing & LITHSM_TX_MISSING_GAS_PRICE) != 0)
        return lithsm_tx_set_gas_price(tx, f.gas_price);
    if (!f.has_eip1559)
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "RPC '%s': the latest block has no base fee, so "
                           "a type 2 transaction cannot be priced; give "
                           "maxFeePerGas and maxPriorityFeePerGas",
                           lithsm_rpc_shown(rpc));
    if (!lithsm_tx_priority_fee_per_gas(tip, tx))
        memcpy(tip, f.max_priority_fee, 32);
    if (!lithsm_tx_max_fee_per_gas(max_fee, tx))
        memcpy(max_fee, f.max_fee, 32);
    return lithsm_tx_set_fees(tx, max_fee, tip);
}

/* Nonce, fees and gas limit, as far as they are missing. */
static lithsm_err fill(lithsm_rpc *rpc, lithsm_tx *tx,
                       const lithsm_eth_address *from)
{
    unsigned missing = lithsm_tx_missing(tx);
    uint64_t n;
    uint8_t gas[32];
    char *call = NULL;
    lithsm_err err = LITHSM_OK;

    if ((missing & LITHSM_TX_MISSING_NONCE) != 0) {
        err = lithsm_rpc_pending_nonce(&n, rpc, from);
        if (err == LITHSM_OK)
            err = lithsm_tx_set_nonce(tx, n);
    }
    if (err == LITHSM_OK)
        err = fill_fees(rpc, tx, missing);
    if (err == LITHSM_OK && (missing & LITHSM_TX_MISSING_GAS_LIMIT) != 0) {
        err = lithsm_tx_call_json(&call, tx, from);
        if (err == LITHSM_OK)
            err = lithsm_rpc_estimate_gas(&n, rpc, call);
        lithsm_free(call);
        if (err == LITHSM_OK) {
            lithsm_uint256_from_u64(gas, n);
            err = lithsm_tx_set_gas_limit(tx, gas);
        }
    }
    return err == LITHSM_OK ? lithsm_tx_check_complete(tx) : err;
}

/* Signs into out->raw, out->from; *hash the transaction hash. */
static lithsm_err sign(lithsm_rpc_sent *out, uint8_t hash[32], lithsm_tx *tx,
                       lithsm_signer *signer)
{
    uint8_t *raw = NULL;
    size_t len = 0;
    lithsm_eth_address from;
    lithsm_err err;

    err = lithsm_tx_sign(&raw, &len, &from, hash, tx, signer);
    if (err != LITHSM_OK)
        return err;
    lithsm_eth_address_to_text(out->from, &from);
    out->raw = malloc(2 * len + 3);
    if (out->raw == NULL) {
        lithsm_free(raw);
        return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
    }
    out->raw[0] = '0';
    out->raw[1] = 'x';
    err = lithsm_hex_encode(out->raw + 2, 2 * len + 1, raw, len);
    lithsm_free(raw);
    return err;
}

static lithsm_err send_and_wait(lithsm_rpc_sent *out, lithsm_rpc *rpc,
                                const uint8_t hash[32], long timeout_ms)
{
    char want[67];
    lithsm_err err;

    want[0] = '0';
    want[1] = 'x';
    err = lithsm_hex_encode(want + 2, sizeof(want) - 2, hash, 32);
    if (err == LITHSM_OK)
        err = lithsm_rpc_send_raw(&out->hash, rpc, out->raw);
    if (err != LITHSM_OK)
        return err;
    if (strcmp(out->hash, want) != 0)
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "RPC '%s' answered the hash %s for the "
                           "transaction %s",
                           lithsm_rpc_shown(rpc), out->hash, want);
    err = lithsm_rpc_wait_receipt(&out->receipt, &out->status, rpc, out->hash,
                                  timeout_ms);
    if (err != LITHSM_OK && err != LITHSM_ERR_NOMEM) {
        char why[300];

        lithsm_clean_copy(why, sizeof(why), lithsm_last_error());
        err = lithsm_fail(err, "%s (the transaction %s was sent)", why, want);
    }
    return err;
}

lithsm_err lithsm_rpc_send_tx(lithsm_rpc_sent *out, lithsm_rpc *rpc,
                              lithsm_tx *tx, lithsm_signer *signer,
                              const lithsm_rpc_send_opts *opts)
{
    const uint8_t *cap = opts != NULL ? opts->max_fee_per_gas : NULL;
    long timeout_ms = opts != NULL && opts->receipt_timeout_ms > 0
                          ? opts->receipt_timeout_ms
                          : DEFAULT_RECEIPT_TIMEOUT_MS;
    lithsm_eth_address from;
    uint8_t hash[32];
    lithsm_err err;

    if (out == NULL || rpc == NULL || tx == NULL || signer == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "send: NULL argument");
    memset(out, 0, sizeof(*out));
    if (opts != NULL && opts->receipt_timeout_ms < 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "send: negative timeout");
    /* A fee given in the file above the cap: refused before any call. */
    err = check_cap(tx, cap, "given");
    if (err == LITHSM_OK)
        err = check_chain(rpc, tx);
    lithsm_signer_address(&from, signer);
    if (err == LITHSM_OK)
        err = fill(rpc, tx, &from);
    if (err == LITHSM_OK)
        err = check_cap(tx, cap, "from the node");
    if (err == LITHSM_OK)
        err = sign(out, hash, tx, signer);
    if (err == LITHSM_OK)
        err = send_and_wait(out, rpc, hash, timeout_ms);
    if (err != LITHSM_OK)
        lithsm_rpc_sent_clear(out);
    return err;
}
