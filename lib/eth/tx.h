/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * tx.h - what the transaction files share (tx.c: serializing, signing,
 * accessors; tx_json.c: the JSON reader; tx_raw.c: the raw decoder).
 * Not installed.
 */
#ifndef LITHSM_TX_INTERNAL_H
#define LITHSM_TX_INTERNAL_H

#include "eth/rlp.h"
#include "util/util.h"

/* One access-list entry: its address and keys[first .. first + n_keys). */
typedef struct tx_access {
    lithsm_eth_address address;
    size_t first_key, n_keys;
} tx_access;

struct lithsm_tx {
    unsigned type;
    unsigned missing; /* LITHSM_TX_MISSING_* */
    uint8_t chain_id[32], value[32], gas_limit[32];
    uint8_t fee[32]; /* gasPrice (types 0, 1) or maxFeePerGas (type 2) */
    uint8_t tip[32]; /* maxPriorityFeePerGas (type 2) */
    uint64_t nonce;
    int has_to;
    lithsm_eth_address to;
    uint8_t *data;
    size_t data_len;
    tx_access *access;
    size_t n_access;
    uint8_t (*keys)[32];
    size_t n_keys;
    /* After lithsm_tx_sign() or lithsm_tx_from_raw(). */
    int is_signed;
    uint8_t r[32], s[32];
    unsigned y_parity;
    lithsm_eth_address from;
    uint8_t hash[32];
};

/* The largest nonce (EIP-2681: below 2^64 - 1). */
#define TX_NONCE_MAX (UINT64_MAX - 1)

/* Writes the transaction (w->p NULL: only counts): the type byte for
 * types 1 and 2, then the RLP list, signed or unsigned. */
void lithsm_tx_encode(lithsm_rlp_out *w, const lithsm_tx *tx, int with_sig);

/* keccak256 of the unsigned serialization (all fields present). */
lithsm_err lithsm_tx_hash_unsigned(uint8_t out[32], const lithsm_tx *tx);

/* The legacy v of chain id and y parity; RANGE past 2^256 - 1. */
lithsm_err lithsm_tx_legacy_v(uint8_t out[32], const uint8_t chain_id[32],
                              unsigned y_parity);

/* maxPriorityFeePerGas <= maxFeePerGas and gasLimit * fee <= 2^256 - 1,
 * for the fields present; errors begin with `what`.
 * Returns: OK; RANGE. */
lithsm_err lithsm_tx_check_fees(const lithsm_tx *tx, const char *what);

#endif /* LITHSM_TX_INTERNAL_H */
