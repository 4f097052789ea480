/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * rlp_fuzzer.c - untrusted RLP and raw transactions: what a JSON-RPC
 * client sends to eth_sendRawTransaction, and the transaction JSON a user
 * gives sign-tx.  Properties that must hold abort on failure:
 *  - the strict RLP reader accepts only canonical encodings, so writing
 *    back what it read gives the input byte for byte;
 *  - a raw transaction that decodes serializes back to the same bytes, and
 *    decoding that gives the same sender and hash;
 *  - a transaction JSON that parses serializes (or names a missing field).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eth/rlp.h"
#include "lithsm.h"

#include "fuzz.h"

/* Writes the items of list payload p[0..len) again into w. */
static void rewrite_items(lithsm_rlp_out *w, const uint8_t *p, size_t len);

static void rewrite_item(lithsm_rlp_out *w, const lithsm_rlp_item *it)
{
    lithsm_rlp_out count = { NULL, 0 };

    if (!it->is_list) {
        lithsm_rlp_put_bytes(w, it->data, it->len);
        return;
    }
    rewrite_items(&count, it->data, it->len);
    MUST(count.len == it->len);
    lithsm_rlp_put_list(w, count.len);
    rewrite_items(w, it->data, it->len);
}

static void rewrite_items(lithsm_rlp_out *w, const uint8_t *p, size_t len)
{
    const uint8_t *end = p + len;

    while (p < end) {
        lithsm_rlp_item it;

        /* lithsm_rlp_check() accepted the whole input */
        MUST(lithsm_rlp_next(&it, &p, end, "fuzz") == LITHSM_OK);
        rewrite_item(w, &it);
    }
}

static void fuzz_rlp(const uint8_t *data, size_t size)
{
    lithsm_rlp_item top;
    lithsm_rlp_out w = { NULL, 0 };
    uint8_t *again;

    if (lithsm_rlp_check(&top, data, size, "fuzz") != LITHSM_OK)
        return;
    rewrite_item(&w, &top);
    MUST(w.len == size);
    if ((again = malloc(size ? size : 1)) == NULL)
        return;
    w.p = again;
    w.len = 0;
    rewrite_item(&w, &top);
    MUST(w.len == size && memcmp(again, data, size) == 0);
    free(again);
}

static void fuzz_raw_tx(const uint8_t *data, size_t size)
{
    lithsm_tx *tx = NULL, *back = NULL;
    lithsm_eth_address from, from2;
    uint8_t hash[32], hash2[32], *raw = NULL;
    size_t len = 0;
    char *json = NULL;

    if (lithsm_tx_from_raw(&tx, &from, hash, data, size) != LITHSM_OK)
        return;
    MUST(lithsm_tx_raw(&raw, &len, tx) == LITHSM_OK);
    MUST(len == size && memcmp(raw, data, size) == 0);
    MUST(lithsm_tx_from_raw(&back, &from2, hash2, raw, len) == LITHSM_OK);
    MUST(memcmp(from.bytes, from2.bytes, 20) == 0);
    MUST(memcmp(hash, hash2, 32) == 0);
    MUST(lithsm_tx_signed_json(&json, tx) == LITHSM_OK);
    lithsm_free(json);
    MUST(lithsm_tx_call_json(&json, tx, &from) == LITHSM_OK);
    lithsm_free(json);
    lithsm_free(raw);
    lithsm_tx_free(back);
    lithsm_tx_free(tx);
}

static void fuzz_tx_json(const uint8_t *data, size_t size)
{
    lithsm_tx *tx = NULL;
    uint8_t *u = NULL, digest[32];
    size_t len = 0;
    lithsm_err err;

    if (lithsm_tx_from_json(&tx, (const char *)data, size) != LITHSM_OK)
        return;
    err = lithsm_tx_unsigned(&u, &len, tx);
    MUST(err == LITHSM_OK ||
         (err == LITHSM_ERR_PARSE && lithsm_tx_missing(tx) != 0));
    if (err == LITHSM_OK) {
        MUST(len > 0 && len <= LITHSM_TX_MAX_RAW);
        MUST(lithsm_tx_signing_hash(digest, tx) == LITHSM_OK);
    }
    lithsm_free(u);
    lithsm_tx_free(tx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    fuzz_rlp(data, size);
    fuzz_raw_tx(data, size);
    if (size > 0 && data[0] == '{')
        fuzz_tx_json(data, size);
    return 0;
}
