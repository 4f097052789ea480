/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * tx_raw.c - decoding a signed raw transaction: canonical RLP, exactly the
 * fields of its type, EIP-155 for legacy ones, a low s, and the sender
 * recovered from the signing hash.
 */
#include <stdlib.h>
#include <string.h>

#include "eth/int256.h"
#include "eth/tx.h"

#define WHAT "transaction"

/* The next field of the transaction's list. */
typedef struct reader {
    const uint8_t *p, *end;
} reader;

static lithsm_err next(lithsm_rlp_item *it, reader *r, const char *field)
{
    if (r->p == r->end)
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: missing (too few fields)",
                           field);
    return lithsm_rlp_next(it, &r->p, r->end, field);
}

static lithsm_err read_uint(uint8_t out[32], reader *r, const char *field)
{
    lithsm_rlp_item it;
    lithsm_err err = next(&it, r, field);

    return err != LITHSM_OK ? err : lithsm_rlp_uint(out, &it, field);
}

/* A byte string of exactly n bytes (n = 0: any length, for data). */
static lithsm_err read_bytes(lithsm_rlp_item *it, reader *r, size_t n,
                             const char *field)
{
    lithsm_err err = next(it, r, field);

    if (err != LITHSM_OK)
        return err;
    if (it->is_list)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: a byte string, not a list, was expected",
                           field);
    if (n != 0 && it->len != n)
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: %zu bytes, not %zu", field,
                           it->len, n);
    return LITHSM_OK;
}

static lithsm_err read_list(lithsm_rlp_item *it, reader *r, const char *field)
{
    lithsm_err err = next(it, r, field);

    if (err == LITHSM_OK && !it->is_list)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: a list, not a byte string, was expected",
                           field);
    return err;
}

static lithsm_err read_nonce(lithsm_tx *tx, reader *r)
{
    lithsm_rlp_item it;
    lithsm_err err = next(&it, r, WHAT ": nonce");

    if (err == LITHSM_OK)
        err = lithsm_rlp_u64(&tx->nonce, &it, WHAT ": nonce");
    if (err == LITHSM_OK && tx->nonce > TX_NONCE_MAX)
        err = lithsm_fail(LITHSM_ERR_RANGE,
                          WHAT ": nonce: must be below 2^64 - 1 (EIP-2681)");
    return err;
}

static lithsm_err read_to_value_data(lithsm_tx *tx, reader *r)
{
    lithsm_rlp_item it;
    lithsm_err err;

    if ((err = next(&it, r, WHAT ": to")) != LITHSM_OK)
        return err;
    if (it.is_list || (it.len != 0 && it.len != 20))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           WHAT ": to: must be 20 bytes, or empty for a "
                                "contract creation");
    tx->has_to = it.len == 20;
    if (tx->has_to)
        memcpy(tx->to.bytes, it.data, 20);
    if ((err = read_uint(tx->value, r, WHAT ": value")) != LITHSM_OK ||
        (err = read_bytes(&it, r, 0, WHAT ": data")) != LITHSM_OK)
        return err;
    if (it.len > 0) {
        if ((tx->data = malloc(it.len)) == NULL)
            return lithsm_fail(LITHSM_ERR_NOMEM, WHAT ": out of memory");
        memcpy(tx->data, it.data, it.len);
    }
    tx->data_len = it.len;
    return LITHSM_OK;
}

/* Walks the access list: counts entries and keys (store 0) or stores them
 * into arrays already sized (store 1). */
static lithsm_err walk_access(lithsm_tx *tx, const lithsm_rlp_item *list,
                              int store)
{
    reader entries = { list->data, list->data + list->len };
    size_t n = 0, k = 0;

    while (entries.p < entries.end) {
        lithsm_rlp_item e, a, keys, key;
        reader fields, kr;
        lithsm_err err = read_list(&e, &entries, WHAT ": accessList entry");

        fields = (reader){ e.data, e.data + e.len };
        if (err == LITHSM_OK)
            err = read_bytes(&a, &fields, 20, WHAT ": accessList address");
        if (err == LITHSM_OK)
            err = read_list(&keys, &fields, WHAT ": accessList storageKeys");
        if (err == LITHSM_OK && fields.p != fields.end)
            err = lithsm_fail(LITHSM_ERR_PARSE,
                              WHAT ": accessList entry: more than 2 items");
        if (err != LITHSM_OK)
            return err;
        if (store) {
            memcpy(tx->access[n].address.bytes, a.data, 20);
            tx->access[n].first_key = k;
        }
        kr = (reader){ keys.data, keys.data + keys.len };
        while (kr.p < kr.end) {
            err = read_bytes(&key, &kr, 32, WHAT ": accessList storage key");
            if (err != LITHSM_OK)
                return err;
            if (store)
                memcpy(tx->keys[k], key.data, 32);
            k++;
        }
        if (store)
            tx->access[n].n_keys = k - tx->access[n].first_key;
        n++;
    }
    tx->n_access = n;
    tx->n_keys = k;
    return LITHSM_OK;
}

static lithsm_err read_access_list(lithsm_tx *tx, reader *r)
{
    lithsm_rlp_item list;
    lithsm_err err = read_list(&list, r, WHAT ": accessList");

    if (err != LITHSM_OK || (err = walk_access(tx, &list, 0)) != LITHSM_OK)
        return err;
    if (tx->n_access == 0)
        return LITHSM_OK;
    tx->access = calloc(tx->n_access, sizeof(*tx->access));
    tx->keys = tx->n_keys ? calloc(tx->n_keys, sizeof(*tx->keys)) : NULL;
    if (tx->access == NULL || (tx->n_keys && tx->keys == NULL))
        return lithsm_fail(LITHSM_ERR_NOMEM, WHAT ": out of memory");
    return walk_access(tx, &list, 1);
}

/* Legacy v: chainId * 2 + 35 + yParity (EIP-155); 27 and 28, with no
 * chain id, are refused. */
static lithsm_err read_legacy_v(lithsm_tx *tx, reader *r)
{
    uint8_t v[32], w[32], base[32];
    lithsm_err err = read_uint(v, r, WHAT ": v");

    if (err != LITHSM_OK)
        return err;
    if (lithsm_uint256_skip(v) == 31 && (v[31] == 27 || v[31] == 28))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           WHAT ": v: %u is a signature without EIP-155 "
                                "replay protection (no chain id): refused",
                           v[31]);
    lithsm_uint256_from_u64(base, 35);
    if (!lithsm_uint256_sub(w, v, base))
        return lithsm_fail(LITHSM_ERR_PARSE, WHAT ": v: below 35, not EIP-155");
    tx->y_parity = lithsm_uint256_div_small(tx->chain_id, w, 2);
    return LITHSM_OK;
}

static lithsm_err read_typed_sig(lithsm_tx *tx, reader *r)
{
    uint8_t y[32];
    lithsm_err err = read_uint(y, r, WHAT ": yParity");

    if (err != LITHSM_OK)
        return err;
    if (lithsm_uint256_skip(y) < 31 || y[31] > 1)
        return lithsm_fail(LITHSM_ERR_PARSE, WHAT ": yParity: must be 0 or 1");
    tx->y_parity = y[31];
    return LITHSM_OK;
}

/* The fields in the order of the type; `r` must end after them. */
static lithsm_err read_fields(lithsm_tx *tx, reader *r)
{
    lithsm_err err = LITHSM_OK;

    if (tx->type != LITHSM_TX_TYPE_LEGACY)
        err = read_uint(tx->chain_id, r, WHAT ": chainId");
    if (err == LITHSM_OK)
        err = read_nonce(tx, r);
    if (err == LITHSM_OK && tx->type == LITHSM_TX_TYPE_DYNAMIC_FEE)
        err = read_uint(tx->tip, r, WHAT ": maxPriorityFeePerGas");
    if (err == LITHSM_OK)
        err = read_uint(tx->fee, r,
                        tx->type == LITHSM_TX_TYPE_DYNAMIC_FEE
                            ? WHAT ": maxFeePerGas"
                            : WHAT ": gasPrice");
    if (err == LITHSM_OK)
        err = read_uint(tx->gas_limit, r, WHAT ": gasLimit");
    if (err == LITHSM_OK)
        err = read_to_value_data(tx, r);
    if (err == LITHSM_OK && tx->type != LITHSM_TX_TYPE_LEGACY)
        err = read_access_list(tx, r);
    if (err == LITHSM_OK)
        err = tx->type == LITHSM_TX_TYPE_LEGACY ? read_legacy_v(tx, r)
                                                : read_typed_sig(tx, r);
    if (err == LITHSM_OK)
        err = read_uint(tx->r, r, WHAT ": r");
    if (err == LITHSM_OK)
        err = read_uint(tx->s, r, WHAT ": s");
    if (err == LITHSM_OK && r->p != r->end)
        err = lithsm_fail(LITHSM_ERR_PARSE,
                          WHAT ": more fields than a type %u transaction has",
                          tx->type);
    return err;
}

/* r and s in 1..n-1, s at most n/2 (EIP-2), then the sender. */
static lithsm_err recover_sender(lithsm_tx *tx)
{
    static const uint8_t half_n[32] = {
        0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4,
        0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
    };
    uint8_t digest[32], sig[65];
    lithsm_err err;

    if (lithsm_uint256_skip(tx->r) == 32 || lithsm_uint256_skip(tx->s) == 32)
        return lithsm_fail(LITHSM_ERR_SIGNATURE, WHAT ": r or s is zero");
    if (lithsm_uint256_cmp(tx->s, half_n) > 0)
        return lithsm_fail(LITHSM_ERR_SIGNATURE,
                           WHAT ": s: above half the curve order (EIP-2)");
    if ((err = lithsm_tx_hash_unsigned(digest, tx)) != LITHSM_OK)
        return err;
    memcpy(sig, tx->r, 32);
    memcpy(sig + 32, tx->s, 32);
    sig[64] = (uint8_t)(27 + tx->y_parity);
    if ((err = lithsm_eth_recover(&tx->from, digest, sig, sizeof(sig))) !=
        LITHSM_OK)
        return lithsm_fail(err, WHAT ": no sender recovers from r, s and %s",
                           tx->type ? "yParity" : "v");
    return LITHSM_OK;
}

/* The type of raw[0..len) and where its RLP list starts. */
static lithsm_err raw_type(lithsm_tx *tx, const uint8_t **body,
                           const uint8_t *raw, size_t len)
{
    if (len == 0)
        return lithsm_fail(LITHSM_ERR_PARSE, WHAT ": empty");
    if (len > LITHSM_TX_MAX_RAW)
        return lithsm_fail(LITHSM_ERR_RANGE, WHAT ": over %u bytes",
                           LITHSM_TX_MAX_RAW);
    if (raw[0] >= 0xc0) {
        tx->type = LITHSM_TX_TYPE_LEGACY;
        *body = raw;
    } else if (raw[0] == 1 || raw[0] == 2) {
        tx->type = raw[0];
        *body = raw + 1;
    } else if (raw[0] >= 0x80) {
        return lithsm_fail(LITHSM_ERR_PARSE,
                           WHAT ": an RLP byte string, not a transaction");
    } else {
        return lithsm_fail(LITHSM_ERR_PARSE,
                           WHAT ": type %u is not supported (0, 1 or 2)",
                           raw[0]);
    }
    return LITHSM_OK;
}

static lithsm_err decode(lithsm_tx *tx, const uint8_t *raw, size_t len)
{
    const uint8_t *body = NULL;
    lithsm_rlp_item list;
    reader r;
    lithsm_err err;

    if ((err = raw_type(tx, &body, raw, len)) != LITHSM_OK)
        return err;
    err = lithsm_rlp_check(&list, body, len - (size_t)(body - raw), WHAT);
    if (err != LITHSM_OK)
        return err;
    if (!list.is_list)
        return lithsm_fail(LITHSM_ERR_PARSE, WHAT ": an RLP list was expected");
    r = (reader){ list.data, list.data + list.len };
    if ((err = read_fields(tx, &r)) != LITHSM_OK)
        return err;
    if (lithsm_uint256_skip(tx->chain_id) == 32)
        return lithsm_fail(LITHSM_ERR_PARSE, WHAT ": chainId: must not be 0");
    if ((err = lithsm_tx_check_fees(tx, WHAT)) != LITHSM_OK ||
        (err = recover_sender(tx)) != LITHSM_OK)
        return err;
    lithsm_keccak256(tx->hash, raw, len);
    tx->is_signed = 1;
    return LITHSM_OK;
}

lithsm_err lithsm_tx_from_raw(lithsm_tx **out, lithsm_eth_address *from,
                              uint8_t hash[32], const uint8_t *raw, size_t len)
{
    lithsm_tx *tx;
    lithsm_err err;

    if (raw == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "lithsm_tx_from_raw: NULL argument");
    if ((tx = calloc(1, sizeof(*tx))) == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, WHAT ": out of memory");
    if ((err = decode(tx, raw, len)) != LITHSM_OK) {
        lithsm_tx_free(tx);
        return err;
    }
    if (from != NULL)
        *from = tx->from;
    if (hash != NULL)
        memcpy(hash, tx->hash, 32);
    if (out != NULL)
        *out = tx;
    else
        lithsm_tx_free(tx);
    return LITHSM_OK;
}
