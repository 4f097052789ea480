/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_tx.c - transactions: every malformed field of the JSON refused with
 * its name, missing fields and the setters that fill them, signing and
 * decoding back, and signed raw transactions the decoder must refuse
 * (built here field by field with the RLP writer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/int256.h"
#include "eth/rlp.h"
#include "lithsm.h"
#include "tap.h"

#define TO "0x4C8EB9F329EBFDB369F0C90954875eF8F568AD24"
#define FIELDS2                                                               \
    "\"chainId\":\"8453\",\"nonce\":\"7\",\"to\":\"" TO "\",\"value\":\"1\"," \
    "\"data\":\"0xa9059cbb\",\"gasLimit\":\"21000\""

static lithsm_signer *signer;

/* Parses json; the error code (OK: *out set, else NULL). */
static lithsm_err parse(lithsm_tx **out, const char *json)
{
    *out = NULL;
    return lithsm_tx_from_json(out, json, strlen(json));
}

/* Malformed transactions: the code and the words naming the field. */
static const struct {
    const char *json, *error;
    lithsm_err code;
} bad_json[] = {
    { "[]", "must be a JSON object", LITHSM_ERR_PARSE },
    { "{" FIELDS2 "}", "type: missing", LITHSM_ERR_PARSE },
    { "{\"type\":\"2\"," FIELDS2 "}", "type: must be the JSON integer",
      LITHSM_ERR_PARSE },
    { "{\"type\":2.0," FIELDS2 "}", "type: must be the JSON integer",
      LITHSM_ERR_PARSE },
    { "{\"type\":3," FIELDS2 "}", "type: 3 is not supported",
      LITHSM_ERR_PARSE },
    { "{\"type\":-1," FIELDS2 "}", "type: -1 is not supported",
      LITHSM_ERR_PARSE },
    { "{\"type\":2,\"nonce\":\"1\"}", "chainId: missing", LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":\"0\"}", "chainId: must not be 0",
      LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":null}", "chainId: must be an integer",
      LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":\"-1\"}", "chainId: uint256 cannot be",
      LITHSM_ERR_RANGE },
    { "{\"type\":2,\"chainId\":\"1e3\"}", "chainId: 'e' is not",
      LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":9007199254740992}", "chainId: a JSON number",
      LITHSM_ERR_RANGE },
    { "{\"type\":2,\"chainId\":1,\"nonce\":\"18446744073709551615\"}",
      "nonce: must be below 2^64 - 1", LITHSM_ERR_RANGE },
    { "{\"type\":2,\"chainId\":1,\"nonce\":\"18446744073709551616\"}",
      "nonce: the value does not fit uint64", LITHSM_ERR_RANGE },
    { "{\"type\":2,\"chainId\":1,\"value\":\"0x1" /* 2^256 */
      "0000000000000000000000000000000000000000000000000000000000000000"
      "\"}",
      "value: the value exceeds 2^256 - 1", LITHSM_ERR_RANGE },
    { "{\"type\":2,\"chainId\":1,\"value\":1.5}",
      "value: must be an "
      "integer",
      LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":1,\"gasLimit\":\"\"}", "gasLimit: no digits",
      LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":1,\"to\":\"0x1234\"}", "to: not an address",
      LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":1,"
      "\"to\":\"0x4c8EB9F329EBFDB369F0C90954875eF8F568AD24\"}",
      "to: not an address", LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":1,\"to\":5}", "to: not an address",
      LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":1,\"data\":\"abcd\"}", "data: must be",
      LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":1,\"data\":\"0xabc\"}", "data: must be",
      LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":1,\"data\":\"0xzz\"}", "data: not hex",
      LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":1,\"data\":null}", "data: must be",
      LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":1,\"gasPrice\":\"1\"}",
      "gasPrice: not a field of a type 2", LITHSM_ERR_PARSE },
    { "{\"type\":0,\"chainId\":1,\"maxFeePerGas\":\"1\"}",
      "maxFeePerGas: not a field of a type 0", LITHSM_ERR_PARSE },
    { "{\"type\":1,\"chainId\":1,\"maxPriorityFeePerGas\":\"1\"}",
      "maxPriorityFeePerGas: not a field of a type 1", LITHSM_ERR_PARSE },
    { "{\"type\":0,\"chainId\":1,\"accessList\":[]}",
      "accessList: not a field of a type 0", LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":1,\"from\":\"" TO "\"}",
      "unknown field \"from\"", LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":1,\"maxFeePerGas\":\"1\","
      "\"maxPriorityFeePerGas\":\"2\"}",
      "maxPriorityFeePerGas: above maxFeePerGas", LITHSM_ERR_RANGE },
    { "{\"type\":0,\"chainId\":1,\"gasLimit\":\"2\",\"gasPrice\":\"0x8"
      "000000000000000000000000000000000000000000000000000000000000000\"}",
      "gasPrice: gasLimit * gasPrice exceeds", LITHSM_ERR_RANGE },
    { "{\"type\":2,\"chainId\":1,\"accessList\":{}}",
      "accessList: must be an array", LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":1,\"accessList\":[{\"address\":\"" TO "\"}]}",
      "accessList[0]: must be an object with exactly", LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":1,\"accessList\":[{\"address\":\"" TO
      "\",\"storageKeys\":[],\"x\":1}]}",
      "accessList[0]: must be an object with exactly", LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":1,\"accessList\":[{\"address\":\"0x12\","
      "\"storageKeys\":[]}]}",
      "accessList[0].address: not an address", LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":1,\"accessList\":[{\"address\":\"" TO
      "\",\"storageKeys\":\"0x\"}]}",
      "accessList[0].storageKeys: must be an array", LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":1,\"accessList\":[{\"address\":\"" TO
      "\",\"storageKeys\":[\"0x01\"]}]}",
      "accessList[0].storageKeys[0]: must be 0x + 64", LITHSM_ERR_PARSE },
    { "{\"type\":2,\"chainId\":1", "transaction", LITHSM_ERR_PARSE },
};
static void test_bad_json(void)
{
    lithsm_tx *tx;
    size_t i;

    for (i = 0; i < sizeof(bad_json) / sizeof(bad_json[0]); i++) {
        lithsm_err err = parse(&tx, bad_json[i].json);
        int named = strstr(lithsm_last_error(), bad_json[i].error) != NULL;

        ok(err == bad_json[i].code && named && tx == NULL, bad_json[i].error);
        if (err != bad_json[i].code || !named)
            printf("#   %s\n#   -> %d: %s\n", bad_json[i].json, (int)err,
                   lithsm_last_error());
        lithsm_tx_free(tx);
    }
    ok(lithsm_tx_from_json(NULL, "{}", 2) == LITHSM_ERR_INVALID_ARG,
       "NULL out is INVALID_ARG");
}

static void test_accessors(void)
{
    const char *json =
        "{\"type\":2," FIELDS2 ",\"maxFeePerGas\":\"0x64\","
        "\"maxPriorityFeePerGas\":3,\"accessList\":[{\"address\":\"" TO
        "\",\"storageKeys\":[\"0x" /* 32 bytes of 0x11 */
        "1111111111111111111111111111111111111111111111111111111111111111"
        "\"]},{\"address\":\"" TO "\",\"storageKeys\":[]}]}";
    uint8_t v[32], want[32];
    const uint8_t(*keys)[32] = NULL;
    const uint8_t *data;
    lithsm_eth_address a;
    lithsm_tx *tx = NULL;
    uint64_t u = 0;
    size_t n = 0;
    char *call = NULL;

    if (!ok(parse(&tx, json) == LITHSM_OK, "a full type 2 transaction"))
        return;
    ok_int_eq(lithsm_tx_type(tx), LITHSM_TX_TYPE_DYNAMIC_FEE, "type 2");
    ok(lithsm_tx_chain_id_u64(&u, tx) && u == 8453, "chain id 8453");
    ok(lithsm_tx_nonce(&u, tx) && u == 7, "nonce 7");
    ok(lithsm_tx_to(&a, tx) && a.bytes[0] == 0x4c, "to");
    data = lithsm_tx_data(&n, tx);
    ok(n == 4 && data[0] == 0xa9 && data[3] == 0xbb, "data: the selector");
    lithsm_uint256_from_u64(want, 100);
    ok(lithsm_tx_max_fee_per_gas(v, tx) && memcmp(v, want, 32) == 0,
       "maxFeePerGas from 0x-hex");
    lithsm_uint256_from_u64(want, 3);
    ok(lithsm_tx_priority_fee_per_gas(v, tx) && memcmp(v, want, 32) == 0,
       "maxPriorityFeePerGas from a JSON integer");
    lithsm_uint256_from_u64(want, 2100000);
    ok(lithsm_tx_max_fee_total(v, tx) && memcmp(v, want, 32) == 0,
       "max fee total = gasLimit * maxFeePerGas");
    ok_int_eq(lithsm_tx_access_list_count(tx), 2, "two access-list entries");
    ok(lithsm_tx_access_list_get(&a, &keys, &n, tx, 0) == LITHSM_OK && n == 1 &&
           keys[0][0] == 0x11 && keys[0][31] == 0x11,
       "entry 0: one storage key");
    ok(lithsm_tx_access_list_get(NULL, &keys, &n, tx, 1) == LITHSM_OK &&
           n == 0 && keys == NULL,
       "entry 1: none");
    ok(lithsm_tx_access_list_get(NULL, NULL, NULL, tx, 2) ==
           LITHSM_ERR_INVALID_ARG,
       "entry 2 does not exist");
    ok(lithsm_tx_call_json(&call, tx, NULL) == LITHSM_OK, "call JSON");
    ok_str_eq(call,
              "{\"to\":\"" TO "\",\"value\":\"0x1\",\"data\":\"0xa9059cbb\","
              "\"accessList\":[{\"address\":\"" TO "\",\"storageKeys\":[\"0x"
              "1111111111111111111111111111111111111111111111111111111111111111"
              "\"]},{\"address\":\"" TO "\",\"storageKeys\":[]}]}",
              "call JSON without from, with the access list (it costs gas)");
    lithsm_free(call);
    ok(lithsm_tx_signature(NULL, NULL, NULL, tx) == 0 &&
           lithsm_tx_sender(NULL, NULL, tx) == 0 && lithsm_tx_v(v, tx) == 0,
       "not signed yet");
    ok(lithsm_tx_signed_json(&call, tx) == LITHSM_ERR_INVALID_ARG,
       "no signed JSON for an unsigned transaction");
    lithsm_tx_free(tx);
}

/* A transaction with every fillable field missing, filled by the setters. */
static void test_missing(void)
{
    uint8_t gas[32], fee[32], tip[32], big[32], v[32];
    lithsm_tx *tx = NULL, *legacy = NULL;
    uint64_t u;
    char *call = NULL;
    lithsm_eth_address from;

    if (!ok(parse(&tx, "{\"type\":2,\"chainId\":\"0x2105\"}") == LITHSM_OK,
            "nonce, gas and fees may be absent"))
        return;
    ok_int_eq(lithsm_tx_missing(tx),
              LITHSM_TX_MISSING_NONCE | LITHSM_TX_MISSING_GAS_LIMIT |
                  LITHSM_TX_MISSING_MAX_FEE | LITHSM_TX_MISSING_PRIORITY_FEE,
              "the missing set");
    ok(lithsm_tx_nonce(&u, tx) == 0 && lithsm_tx_gas_limit(v, tx) == 0 &&
           lithsm_tx_max_fee_per_gas(v, tx) == 0 &&
           lithsm_tx_max_fee_total(v, tx) == 0,
       "missing fields read as absent");
    ok(lithsm_tx_check_complete(tx) == LITHSM_ERR_PARSE &&
           strstr(lithsm_last_error(), "nonce is missing") != NULL,
       "the check names nonce first");
    ok(lithsm_tx_sign(NULL, NULL, NULL, NULL, tx, signer) == LITHSM_ERR_PARSE,
       "signing refuses an incomplete transaction");
    ok(lithsm_tx_set_nonce(tx, UINT64_MAX) == LITHSM_ERR_RANGE,
       "nonce 2^64 - 1 is refused (EIP-2681)");
    ok(lithsm_tx_set_nonce(tx, 5) == LITHSM_OK, "set nonce");
    ok(lithsm_tx_check_complete(tx) == LITHSM_ERR_PARSE &&
           strstr(lithsm_last_error(), "gasLimit is missing") != NULL,
       "then gasLimit");
    lithsm_uint256_from_u64(gas, 21000);
    lithsm_uint256_from_u64(fee, 10);
    lithsm_uint256_from_u64(tip, 11);
    memset(big, 0xff, sizeof(big));
    ok(lithsm_tx_set_gas_limit(tx, gas) == LITHSM_OK, "set gas limit");
    ok(lithsm_tx_set_gas_price(tx, fee) == LITHSM_ERR_INVALID_ARG,
       "no gasPrice on type 2");
    ok(lithsm_tx_set_fees(tx, fee, tip) == LITHSM_ERR_RANGE &&
           lithsm_tx_missing(tx) ==
               (LITHSM_TX_MISSING_MAX_FEE | LITHSM_TX_MISSING_PRIORITY_FEE),
       "a priority fee above the max fee is refused, nothing changes");
    ok(lithsm_tx_set_fees(tx, big, tip) == LITHSM_ERR_RANGE &&
           strstr(lithsm_last_error(), "exceeds 2^256 - 1") != NULL,
       "gasLimit * maxFeePerGas past 2^256 - 1 is refused");
    ok(lithsm_tx_set_fees(tx, tip, fee) == LITHSM_OK &&
           lithsm_tx_missing(tx) == 0,
       "set fees: complete");
    ok(lithsm_tx_set_gas_limit(tx, big) == LITHSM_ERR_RANGE,
       "a gas limit that overflows with the fee is refused");
    ok(lithsm_tx_sign(NULL, NULL, &from, NULL, tx, signer) == LITHSM_OK &&
           lithsm_tx_sender(NULL, NULL, tx),
       "signs once complete");
    ok(lithsm_tx_set_nonce(tx, 6) == LITHSM_OK &&
           !lithsm_tx_sender(NULL, NULL, tx),
       "a setter clears the signature");
    ok(lithsm_tx_call_json(&call, tx, &from) == LITHSM_OK &&
           strncmp(call, "{\"from\":\"0x", 11) == 0 &&
           strstr(call,
                  "\"value\":\"0x0\",\"data\":\"0x\",\"accessList\":[]}") !=
               NULL &&
           strstr(call, "\"to\"") == NULL,
       "call JSON of a creation: from, no to, value 0x0, data 0x");
    lithsm_free(call);
    lithsm_tx_free(tx);
    ok(parse(&legacy, "{\"type\":0,\"chainId\":1}") == LITHSM_OK &&
           lithsm_tx_set_fees(legacy, fee, fee) == LITHSM_ERR_INVALID_ARG &&
           lithsm_tx_set_gas_price(legacy, fee) == LITHSM_OK &&
           lithsm_tx_missing(legacy) ==
               (LITHSM_TX_MISSING_NONCE | LITHSM_TX_MISSING_GAS_LIMIT),
       "legacy: gasPrice set, no max fees");
    lithsm_tx_free(legacy);
}

/* ------------------------------------------------------ raw transactions */

/* What a hand-built raw transaction holds. */
typedef struct raw_spec {
    unsigned type; /* 0, 1, 2 */
    uint8_t v[32]; /* legacy v, or yParity */
    uint8_t r[32], s[32];
    int nonce_zero_pad; /* nonce written with a leading zero byte */
    int to_len;         /* 20, 0 or another length */
    int extra_field;    /* one more field after s */
    int drop_s;         /* s left out */
} raw_spec;

static void put_fields(lithsm_rlp_out *w, const raw_spec *sp)
{
    static const uint8_t to[21] = { 0x4c, 0x8e };
    static const uint8_t padded[2] = { 0x00, 0x07 };
    uint8_t one = 1;

    if (sp->type != 0)
        lithsm_rlp_put_u64(w, 1); /* chainId */
    if (sp->nonce_zero_pad)
        lithsm_rlp_put_bytes(w, padded, 2);
    else
        lithsm_rlp_put_u64(w, 7);
    if (sp->type == 2)
        lithsm_rlp_put_u64(w, 1); /* tip */
    lithsm_rlp_put_u64(w, 2);     /* fee */
    lithsm_rlp_put_u64(w, 21000);
    lithsm_rlp_put_bytes(w, to, (size_t)sp->to_len);
    lithsm_rlp_put_u64(w, 0);
    lithsm_rlp_put_bytes(w, NULL, 0);
    if (sp->type != 0)
        lithsm_rlp_put_list(w, 0);
    lithsm_rlp_put_uint(w, sp->v);
    lithsm_rlp_put_uint(w, sp->r);
    if (!sp->drop_s)
        lithsm_rlp_put_uint(w, sp->s);
    if (sp->extra_field)
        lithsm_rlp_put_bytes(w, &one, 1);
}

/* Builds the raw bytes into out; returns the length. */
static size_t build(uint8_t *out, const raw_spec *sp)
{
    lithsm_rlp_out count = { NULL, 0 }, w = { out, 0 };
    uint8_t type = (uint8_t)sp->type;

    put_fields(&count, sp);
    if (sp->type != 0)
        lithsm_rlp_put_raw(&w, &type, 1);
    lithsm_rlp_put_list(&w, count.len);
    put_fields(&w, sp);
    return w.len;
}

static raw_spec base_spec(unsigned type)
{
    raw_spec sp;

    memset(&sp, 0, sizeof(sp));
    sp.type = type;
    sp.to_len = 20;
    lithsm_uint256_from_u64(sp.v, type == 0 ? 37 : 0); /* chain 1, y 0 */
    lithsm_uint256_from_u64(sp.r, 0x1234);
    lithsm_uint256_from_u64(sp.s, 0x5678);
    return sp;
}

/* from_raw of a spec: the code, and the message containing `error`. */
static void refused(const raw_spec *sp, lithsm_err code, const char *error)
{
    uint8_t raw[256];
    size_t n = build(raw, sp);
    lithsm_tx *tx = NULL;
    lithsm_err err = lithsm_tx_from_raw(&tx, NULL, NULL, raw, n);
    int named = strstr(lithsm_last_error(), error) != NULL &&
                strstr(lithsm_last_error(), "transaction: transaction") == NULL;

    ok(err == code && named && tx == NULL, error);
    if (err != code || !named)
        printf("#   -> %d: %s\n", (int)err, lithsm_last_error());
    lithsm_tx_free(tx);
}

static void test_bad_raw(void)
{
    static const uint8_t half_n_plus_1[32] = {
        0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4,
        0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa1,
    };
    raw_spec sp;

    sp = base_spec(0);
    lithsm_uint256_from_u64(sp.v, 27);
    refused(&sp, LITHSM_ERR_PARSE, "without EIP-155");
    lithsm_uint256_from_u64(sp.v, 28);
    refused(&sp, LITHSM_ERR_PARSE, "without EIP-155");
    lithsm_uint256_from_u64(sp.v, 35);
    refused(&sp, LITHSM_ERR_PARSE, "chainId: must not be 0");
    lithsm_uint256_from_u64(sp.v, 30);
    refused(&sp, LITHSM_ERR_PARSE, "v: below 35");
    sp = base_spec(2);
    lithsm_uint256_from_u64(sp.v, 2);
    refused(&sp, LITHSM_ERR_PARSE, "yParity: must be 0 or 1");
    sp = base_spec(2);
    sp.nonce_zero_pad = 1;
    refused(&sp, LITHSM_ERR_PARSE, "nonce: an integer with a leading zero");
    sp = base_spec(1);
    sp.to_len = 19;
    refused(&sp, LITHSM_ERR_PARSE, "to: must be 20 bytes");
    sp = base_spec(2);
    sp.extra_field = 1;
    refused(&sp, LITHSM_ERR_PARSE, "more fields than a type 2");
    sp = base_spec(1);
    sp.drop_s = 1;
    refused(&sp, LITHSM_ERR_PARSE, "transaction: s: missing (too few fields)");
    sp = base_spec(2);
    memset(sp.r, 0, 32);
    refused(&sp, LITHSM_ERR_SIGNATURE, "r or s is zero");
    sp = base_spec(2);
    memcpy(sp.s, half_n_plus_1, 32);
    refused(&sp, LITHSM_ERR_SIGNATURE, "s: above half the curve order");
}

/* A signed transaction decodes back; changed bytes do not. */
static void test_round_trip(void)
{
    const char *json = "{\"type\":0," FIELDS2 ",\"gasPrice\":\"9\"}";
    uint8_t *raw = NULL, hash[32], hash2[32], bad[512];
    size_t len = 0;
    lithsm_eth_address from, from2, addr;
    lithsm_tx *tx = NULL, *back = NULL;
    lithsm_err err;

    lithsm_signer_address(&addr, signer);
    if (!ok(parse(&tx, json) == LITHSM_OK, "a legacy transaction"))
        return;
    ok(lithsm_tx_sign(&raw, &len, &from, hash, tx, signer) == LITHSM_OK &&
           memcmp(from.bytes, addr.bytes, 20) == 0,
       "signed by the key");
    ok(lithsm_tx_from_raw(&back, &from2, hash2, raw, len) == LITHSM_OK &&
           memcmp(from2.bytes, addr.bytes, 20) == 0 &&
           memcmp(hash, hash2, 32) == 0,
       "decodes to the same sender and hash");
    lithsm_tx_free(back);
    ok(lithsm_tx_from_raw(NULL, NULL, NULL, raw, len) == LITHSM_OK,
       "every output may be NULL");
    if (len + 1 <= sizeof(bad)) {
        memcpy(bad, raw, len);
        bad[len] = 0x80;
        ok(lithsm_tx_from_raw(&back, NULL, NULL, bad, len + 1) ==
                   LITHSM_ERR_PARSE &&
               strstr(lithsm_last_error(), "after the item") != NULL,
           "a trailing byte is refused");
        bad[len - 40] ^= 0x01; /* inside r: another sender, or none */
        err = lithsm_tx_from_raw(&back, &from2, NULL, bad, len);
        ok(err != LITHSM_OK || memcmp(from2.bytes, addr.bytes, 20) != 0,
           "a changed r does not recover the key");
        if (err == LITHSM_OK)
            lithsm_tx_free(back);
        ok(lithsm_tx_from_raw(&back, NULL, NULL, raw, len - 1) ==
               LITHSM_ERR_PARSE,
           "a truncated transaction is refused");
    }
    bad[0] = 0x03;
    ok(lithsm_tx_from_raw(&back, NULL, NULL, bad, 1) == LITHSM_ERR_PARSE &&
           strstr(lithsm_last_error(), "type 3 is not supported"),
       "type 3 is refused");
    bad[0] = 0x83;
    ok(lithsm_tx_from_raw(&back, NULL, NULL, bad, 1) == LITHSM_ERR_PARSE,
       "an RLP string is not a transaction");
    ok(lithsm_tx_from_raw(&back, NULL, NULL, bad, 0) == LITHSM_ERR_PARSE,
       "an empty input is refused");
    ok(lithsm_tx_from_raw(&back, NULL, NULL, NULL, 0) == LITHSM_ERR_INVALID_ARG,
       "a NULL raw is INVALID_ARG");
    lithsm_free(raw);
    lithsm_tx_free(tx);
}

/* A legacy chain id whose v does not fit 256 bits cannot be signed. */
static void test_legacy_v_range(void)
{
    const char *json =
        "{\"type\":0,\"chainId\":\"0x"
        "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\","
        "\"nonce\":0,\"gasLimit\":0,\"gasPrice\":0}";
    lithsm_tx *tx = NULL;

    if (!ok(parse(&tx, json) == LITHSM_OK, "a huge legacy chain id parses"))
        return;
    ok(lithsm_tx_sign(NULL, NULL, NULL, NULL, tx, signer) == LITHSM_ERR_RANGE &&
           strstr(lithsm_last_error(), "too large for a legacy v") != NULL,
       "but is refused when signing (v past 2^256 - 1)");
    lithsm_tx_free(tx);
}

int main(void)
{
    uint8_t secret[32];

    memset(secret, 0x42, sizeof(secret));
    if (lithsm_signer_from_secret(&signer, secret) != LITHSM_OK) {
        printf("Bail out! no software signer: %s\n", lithsm_last_error());
        return 1;
    }
    test_bad_json();
    test_accessors();
    test_missing();
    test_bad_raw();
    test_round_trip();
    test_legacy_v_range();
    lithsm_signer_free(signer);
    return tap_done();
}
