/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * tx.c - Ethereum transactions: serializing (legacy EIP-155, EIP-2930,
 * EIP-1559), signing with any signer, the accessors and setters.  A
 * serialization is sized with the writer that writes it, so signing
 * allocates only the raw transaction it returns.
 */
#include <stdlib.h>
#include <string.h>

#include "eth/int256.h"
#include "eth/tx.h"

/* Unsigned serializations up to this size are hashed from the stack. */
#define TX_STACK_BUF 1024

/* ---------------------------------------------------------------- encoding */

static void put_access_list(lithsm_rlp_out *w, const lithsm_tx *tx)
{
    lithsm_rlp_out count = { NULL, 0 };
    size_t i, k, pass;

    for (pass = 0; pass < 2; pass++) {
        lithsm_rlp_out *o = pass == 0 ? &count : w;

        if (pass == 1)
            lithsm_rlp_put_list(w, count.len);
        for (i = 0; i < tx->n_access; i++) {
            const tx_access *e = &tx->access[i];
            size_t keys_len = 33 * e->n_keys;
            lithsm_rlp_out entry = { NULL, 0 };

            lithsm_rlp_put_bytes(&entry, e->address.bytes, 20);
            lithsm_rlp_put_list(&entry, keys_len);
            lithsm_rlp_put_list(o, entry.len + keys_len);
            lithsm_rlp_put_bytes(o, e->address.bytes, 20);
            lithsm_rlp_put_list(o, keys_len);
            for (k = 0; k < e->n_keys; k++)
                lithsm_rlp_put_bytes(o, tx->keys[e->first_key + k], 32);
        }
    }
}

/* The signature fields: v (legacy: chainId * 2 + 35 + y; its range was
 * checked when signing or decoding), r, s. */
static void put_sig(lithsm_rlp_out *w, const lithsm_tx *tx)
{
    uint8_t v[32];

    if (tx->type == LITHSM_TX_TYPE_LEGACY) {
        if (lithsm_tx_legacy_v(v, tx->chain_id, tx->y_parity) != LITHSM_OK)
            memset(v, 0xff, sizeof(v));
        lithsm_rlp_put_uint(w, v);
    } else {
        lithsm_rlp_put_u64(w, tx->y_parity);
    }
    lithsm_rlp_put_uint(w, tx->r);
    lithsm_rlp_put_uint(w, tx->s);
}

static void put_to(lithsm_rlp_out *w, const lithsm_tx *tx)
{
    lithsm_rlp_put_bytes(w, tx->has_to ? tx->to.bytes : NULL,
                         tx->has_to ? 20 : 0);
}

static void put_fields(lithsm_rlp_out *w, const lithsm_tx *tx, int with_sig)
{
    if (tx->type == LITHSM_TX_TYPE_LEGACY) {
        lithsm_rlp_put_u64(w, tx->nonce);
        lithsm_rlp_put_uint(w, tx->fee);
    } else {
        lithsm_rlp_put_uint(w, tx->chain_id);
        lithsm_rlp_put_u64(w, tx->nonce);
        if (tx->type == LITHSM_TX_TYPE_DYNAMIC_FEE)
            lithsm_rlp_put_uint(w, tx->tip);
        lithsm_rlp_put_uint(w, tx->fee);
    }
    lithsm_rlp_put_uint(w, tx->gas_limit);
    put_to(w, tx);
    lithsm_rlp_put_uint(w, tx->value);
    lithsm_rlp_put_bytes(w, tx->data, tx->data_len);
    if (tx->type != LITHSM_TX_TYPE_LEGACY)
        put_access_list(w, tx);
    if (with_sig) {
        put_sig(w, tx);
    } else if (tx->type == LITHSM_TX_TYPE_LEGACY) { /* EIP-155 */
        lithsm_rlp_put_uint(w, tx->chain_id);
        lithsm_rlp_put_u64(w, 0);
        lithsm_rlp_put_u64(w, 0);
    }
}

void lithsm_tx_encode(lithsm_rlp_out *w, const lithsm_tx *tx, int with_sig)
{
    lithsm_rlp_out count = { NULL, 0 };
    uint8_t type = (uint8_t)tx->type;

    put_fields(&count, tx, with_sig);
    if (tx->type != LITHSM_TX_TYPE_LEGACY)
        lithsm_rlp_put_raw(w, &type, 1);
    lithsm_rlp_put_list(w, count.len);
    put_fields(w, tx, with_sig);
}

/* The serialization in a new buffer. */
static lithsm_err encode_alloc(uint8_t **out, size_t *out_len,
                               const lithsm_tx *tx, int with_sig)
{
    lithsm_rlp_out w = { NULL, 0 };

    lithsm_tx_encode(&w, tx, with_sig);
    if ((w.p = malloc(w.len ? w.len : 1)) == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "transaction: out of memory");
    *out_len = w.len;
    w.len = 0;
    lithsm_tx_encode(&w, tx, with_sig);
    *out = w.p;
    return LITHSM_OK;
}

/* keccak256 of the serialization, from the stack when it is small. */
static lithsm_err hash_encoding(uint8_t out[32], const lithsm_tx *tx,
                                int with_sig)
{
    uint8_t stack[TX_STACK_BUF];
    lithsm_rlp_out w = { NULL, 0 };
    uint8_t *heap = NULL;
    size_t len;
    lithsm_err err;

    lithsm_tx_encode(&w, tx, with_sig);
    if (w.len <= sizeof(stack)) {
        w.p = stack;
        w.len = 0;
        lithsm_tx_encode(&w, tx, with_sig);
        lithsm_keccak256(out, stack, w.len);
        return LITHSM_OK;
    }
    if ((err = encode_alloc(&heap, &len, tx, with_sig)) != LITHSM_OK)
        return err;
    lithsm_keccak256(out, heap, len);
    free(heap);
    return LITHSM_OK;
}

lithsm_err lithsm_tx_hash_unsigned(uint8_t out[32], const lithsm_tx *tx)
{
    return hash_encoding(out, tx, 0);
}

lithsm_err lithsm_tx_legacy_v(uint8_t out[32], const uint8_t chain_id[32],
                              unsigned y_parity)
{
    uint8_t add[32];

    lithsm_uint256_from_u64(add, 35u + y_parity);
    if (!lithsm_uint256_add(out, chain_id, chain_id) ||
        !lithsm_uint256_add(out, out, add))
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "transaction: chainId: too large for a legacy "
                           "v = chainId * 2 + 35 + yParity");
    return LITHSM_OK;
}

lithsm_err lithsm_tx_check_fees(const lithsm_tx *tx, const char *what)
{
    const char *fee =
        tx->type == LITHSM_TX_TYPE_DYNAMIC_FEE ? "maxFeePerGas" : "gasPrice";
    uint8_t product[32];

    if (tx->type == LITHSM_TX_TYPE_DYNAMIC_FEE &&
        !(tx->missing &
          (LITHSM_TX_MISSING_MAX_FEE | LITHSM_TX_MISSING_PRIORITY_FEE)) &&
        lithsm_uint256_cmp(tx->tip, tx->fee) > 0)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "%s: maxPriorityFeePerGas: above maxFeePerGas",
                           what);
    if (!(tx->missing &
          (LITHSM_TX_MISSING_GAS_LIMIT | LITHSM_TX_MISSING_GAS_PRICE |
           LITHSM_TX_MISSING_MAX_FEE)) &&
        !lithsm_uint256_mul(product, tx->gas_limit, tx->fee))
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "%s: %s: gasLimit * %s exceeds 2^256 - 1", what, fee,
                           fee);
    return LITHSM_OK;
}

/* ---------------------------------------------------------------- signing */

lithsm_err lithsm_tx_unsigned(uint8_t **out, size_t *out_len,
                              const lithsm_tx *tx)
{
    lithsm_err err;

    if (out == NULL || out_len == NULL || tx == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "lithsm_tx_unsigned: NULL argument");
    if ((err = lithsm_tx_check_complete(tx)) != LITHSM_OK)
        return err;
    return encode_alloc(out, out_len, tx, 0);
}

lithsm_err lithsm_tx_signing_hash(uint8_t out[32], const lithsm_tx *tx)
{
    lithsm_err err;

    if (out == NULL || tx == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "lithsm_tx_signing_hash: NULL argument");
    if ((err = lithsm_tx_check_complete(tx)) != LITHSM_OK)
        return err;
    return hash_encoding(out, tx, 0);
}

/* Signs the unsigned form and records r, s, yParity and the sender. */
static lithsm_err sign_fields(lithsm_tx *tx, lithsm_signer *signer)
{
    uint8_t digest[32], v[32];
    lithsm_eth_sig sig;
    lithsm_err err;

    if ((err = lithsm_tx_check_complete(tx)) != LITHSM_OK)
        return err;
    if (tx->type == LITHSM_TX_TYPE_LEGACY &&
        (err = lithsm_tx_legacy_v(v, tx->chain_id, 1)) != LITHSM_OK)
        return err;
    if ((err = hash_encoding(digest, tx, 0)) != LITHSM_OK)
        return err;
    if ((err = lithsm_signer_sign_digest(&sig, signer, digest)) != LITHSM_OK)
        return err;
    memcpy(tx->r, sig.bytes, 32);
    memcpy(tx->s, sig.bytes + 32, 32);
    tx->y_parity = (unsigned)(sig.bytes[64] - 27) & 1u;
    lithsm_signer_address(&tx->from, signer);
    tx->is_signed = 1;
    return LITHSM_OK;
}

lithsm_err lithsm_tx_sign(uint8_t **raw_out, size_t *raw_len,
                          lithsm_eth_address *from, uint8_t hash[32],
                          lithsm_tx *tx, lithsm_signer *signer)
{
    uint8_t *raw = NULL;
    size_t len = 0;
    lithsm_err err;

    if (tx == NULL || signer == NULL || (raw_out != NULL && raw_len == NULL))
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "lithsm_tx_sign: NULL argument");
    tx->is_signed = 0;
    if ((err = sign_fields(tx, signer)) != LITHSM_OK)
        return err;
    if (raw_out != NULL) {
        if ((err = encode_alloc(&raw, &len, tx, 1)) != LITHSM_OK) {
            tx->is_signed = 0;
            return err;
        }
        lithsm_keccak256(tx->hash, raw, len);
        *raw_out = raw;
        *raw_len = len;
    } else if ((err = hash_encoding(tx->hash, tx, 1)) != LITHSM_OK) {
        tx->is_signed = 0;
        return err;
    }
    if (from != NULL)
        *from = tx->from;
    if (hash != NULL)
        memcpy(hash, tx->hash, 32);
    return LITHSM_OK;
}

lithsm_err lithsm_tx_raw(uint8_t **out, size_t *out_len, const lithsm_tx *tx)
{
    if (out == NULL || out_len == NULL || tx == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "lithsm_tx_raw: NULL argument");
    if (!tx->is_signed)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "lithsm_tx_raw: the transaction is not signed");
    return encode_alloc(out, out_len, tx, 1);
}

/* ---------------------------------------------------------------- JSON out */

static void put_hex(lithsm_buf *b, const uint8_t *p, size_t n)
{
    lithsm_buf_puts(b, "0x");
    lithsm_buf_reserve(b, 2 * n);
    if (b->failed ||
        lithsm_hex_encode(b->data + b->len, b->cap - b->len, p, n) != LITHSM_OK)
        return;
    b->len += 2 * n;
}

/* A JSON-RPC quantity: "0x" + hex without leading zeros ("0x0"). */
static void put_quantity(lithsm_buf *b, const uint8_t v[32])
{
    static const char digits[] = "0123456789abcdef";
    size_t skip = lithsm_uint256_skip(v), i;

    lithsm_buf_puts(b, "0x");
    if (skip == 32) {
        lithsm_buf_putc(b, '0');
        return;
    }
    if (v[skip] >> 4)
        lithsm_buf_putc(b, digits[v[skip] >> 4]);
    lithsm_buf_putc(b, digits[v[skip] & 15]);
    for (i = skip + 1; i < 32; i++) {
        lithsm_buf_putc(b, digits[v[i] >> 4]);
        lithsm_buf_putc(b, digits[v[i] & 15]);
    }
}

static void put_address(lithsm_buf *b, const lithsm_eth_address *a)
{
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];

    lithsm_eth_address_to_text(text, a);
    lithsm_buf_puts(b, text);
}

/* ,"accessList":[{"address","storageKeys":[...]},...] */
static void json_access_list(lithsm_buf *b, const lithsm_tx *tx)
{
    size_t i, k;

    lithsm_buf_puts(b, ",\"accessList\":[");
    for (i = 0; i < tx->n_access; i++) {
        const tx_access *a = &tx->access[i];

        lithsm_buf_puts(b, i ? ",{\"address\":\"" : "{\"address\":\"");
        put_address(b, &a->address);
        lithsm_buf_puts(b, "\",\"storageKeys\":[");
        for (k = 0; k < a->n_keys; k++) {
            lithsm_buf_puts(b, k ? ",\"" : "\"");
            put_hex(b, tx->keys[a->first_key + k], 32);
            lithsm_buf_putc(b, '"');
        }
        lithsm_buf_puts(b, "]}");
    }
    lithsm_buf_putc(b, ']');
}

lithsm_err lithsm_tx_call_json(char **out, const lithsm_tx *tx,
                               const lithsm_eth_address *from)
{
    lithsm_buf b;

    if (out == NULL || tx == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "lithsm_tx_call_json: NULL argument");
    lithsm_buf_init(&b);
    lithsm_buf_putc(&b, '{');
    if (from != NULL) {
        lithsm_buf_puts(&b, "\"from\":\"");
        put_address(&b, from);
        lithsm_buf_puts(&b, "\",");
    }
    if (tx->has_to) {
        lithsm_buf_puts(&b, "\"to\":\"");
        put_address(&b, &tx->to);
        lithsm_buf_puts(&b, "\",");
    }
    lithsm_buf_puts(&b, "\"value\":\"");
    put_quantity(&b, tx->value);
    lithsm_buf_puts(&b, "\",\"data\":\"");
    put_hex(&b, tx->data, tx->data_len);
    lithsm_buf_putc(&b, '"');
    /* The access list costs gas: an estimate without it is too low. */
    if (tx->type != 0)
        json_access_list(&b, tx);
    lithsm_buf_putc(&b, '}');
    return lithsm_buf_finish(&b, out, NULL);
}

lithsm_err lithsm_tx_signed_json(char **out, const lithsm_tx *tx)
{
    uint8_t *raw = NULL;
    size_t len = 0;
    lithsm_buf b;
    lithsm_err err;

    if (out == NULL || tx == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "lithsm_tx_signed_json: NULL argument");
    if ((err = lithsm_tx_raw(&raw, &len, tx)) != LITHSM_OK)
        return err;
    lithsm_buf_init(&b);
    lithsm_buf_puts(&b, "{\"raw\":\"");
    put_hex(&b, raw, len);
    lithsm_buf_puts(&b, "\",\"hash\":\"");
    put_hex(&b, tx->hash, 32);
    lithsm_buf_puts(&b, "\",\"from\":\"");
    put_address(&b, &tx->from);
    lithsm_buf_puts(&b, "\"}");
    free(raw);
    return lithsm_buf_finish(&b, out, NULL);
}
