/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * tx-check.c - helpers for tests/sign-tx.test:
 *
 *   tx-check decode 0xRAW          decodes a signed raw transaction with
 *                                  lithsm_tx_from_raw and prints one line
 *                                  {"from","hash","type","chainId","nonce",
 *                                  "to","value","data"}
 *   tx-check names FILE            prints the name of each case of a
 *                                  transaction.json file, one a line
 *   tx-check vector FILE NAME DIR  writes the case NAME of a
 *                                  transaction.json file as DIR/tx.json
 *                                  (its inputs.tx), DIR/key.der (its key,
 *                                  SEC1 DER for openssl to make a PEM) and
 *                                  DIR/expected.json (what sign-tx must
 *                                  print, from its expected values)
 *
 * Exit status 0, 1 on failure, 2 on usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "eth/int256.h"
#include "lithsm.h"

/* "0x" + hex of text into a new buffer; NULL if it is not that. */
static uint8_t *unhex(size_t *len, const char *text)
{
    size_t n = strlen(text);
    uint8_t *b;

    if (n < 2 || strncmp(text, "0x", 2) != 0 || n % 2 != 0)
        return NULL;
    *len = (n - 2) / 2;
    b = malloc(*len + 1);
    if (b != NULL && lithsm_hex_decode(b, *len, text, n) != LITHSM_OK) {
        free(b);
        return NULL;
    }
    return b;
}

static void print_hex(const char *key, const uint8_t *b, size_t n)
{
    size_t i;

    printf("\"%s\":\"0x", key);
    for (i = 0; i < n; i++)
        printf("%02x", b[i]);
    printf("\"");
}

static int decode(const char *hex)
{
    size_t len = 0, data_len = 0;
    uint8_t *raw = unhex(&len, hex), hash[32], v[32];
    const uint8_t *data;
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1], dec[LITHSM_UINT256_DEC_MAX];
    lithsm_eth_address from, to;
    lithsm_tx *tx = NULL;
    uint64_t nonce = 0;
    lithsm_err err;

    if (raw == NULL) {
        fprintf(stderr, "tx-check: not 0x-hex\n");
        return 1;
    }
    err = lithsm_tx_from_raw(&tx, &from, hash, raw, len);
    free(raw);
    if (err != LITHSM_OK) {
        fprintf(stderr, "tx-check: %s\n", lithsm_last_error());
        return 1;
    }
    lithsm_eth_address_to_text(text, &from);
    printf("{\"from\":\"%s\",", text);
    print_hex("hash", hash, 32);
    lithsm_tx_chain_id(v, tx);
    lithsm_uint256_to_dec(dec, v);
    lithsm_tx_nonce(&nonce, tx);
    printf(",\"type\":%u,\"chainId\":\"%s\",\"nonce\":\"%llu\",",
           lithsm_tx_type(tx), dec, (unsigned long long)nonce);
    if (lithsm_tx_to(&to, tx)) {
        lithsm_eth_address_to_text(text, &to);
        printf("\"to\":\"%s\",", text);
    } else {
        printf("\"to\":null,");
    }
    lithsm_tx_value(v, tx);
    lithsm_uint256_to_dec(dec, v);
    data = lithsm_tx_data(&data_len, tx);
    printf("\"value\":\"%s\",", dec);
    print_hex("data", data, data_len);
    printf("}\n");
    lithsm_tx_free(tx);
    return 0;
}

static int write_file(const char *dir, const char *name, const void *b,
                      size_t n)
{
    char path[4096];
    FILE *f;
    int ok;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if ((f = fopen(path, "wb")) == NULL) {
        perror(path);
        return 0;
    }
    ok = fwrite(b, 1, n, f) == n;
    return (fclose(f) == 0) && ok;
}

/* The SEC1 DER of a secp256k1 private key. */
static int write_key(const char *dir, const char *hex)
{
    static const uint8_t head[7] = { 0x30, 0x2e, 0x02, 0x01, 0x01, 0x04, 0x20 };
    static const uint8_t tail[9] = { 0xa0, 0x07, 0x06, 0x05, 0x2b,
                                     0x81, 0x04, 0x00, 0x0a };
    uint8_t der[48];
    size_t len = 0;
    uint8_t *key = hex ? unhex(&len, hex) : NULL;
    int ok = key != NULL && len == 32;

    if (ok) {
        memcpy(der, head, 7);
        memcpy(der + 7, key, 32);
        memcpy(der + 39, tail, 9);
        ok = write_file(dir, "key.der", der, sizeof(der));
    }
    free(key);
    return ok;
}

static const char *member_str(json_object *o, const char *key)
{
    json_object *v = NULL;

    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v)
                                                 : "";
}

static int names(const char *file)
{
    json_object *doc = json_object_from_file(file), *list = NULL;
    size_t i;

    if (doc == NULL || !json_object_object_get_ex(doc, "vectors", &list)) {
        fprintf(stderr, "tx-check: %s: no vectors\n", file);
        json_object_put(doc);
        return 1;
    }
    for (i = 0; i < json_object_array_length(list); i++)
        printf("%s\n", member_str(json_object_array_get_idx(list, i), "name"));
    json_object_put(doc);
    return 0;
}

static int vector(const char *file, const char *name, const char *dir)
{
    json_object *doc = json_object_from_file(file), *list = NULL;
    size_t i;
    int rc = 1;

    if (doc == NULL || !json_object_object_get_ex(doc, "vectors", &list))
        fprintf(stderr, "tx-check: %s: no vectors\n", file);
    for (i = 0; list != NULL && i < json_object_array_length(list); i++) {
        json_object *v = json_object_array_get_idx(list, i), *in = NULL,
                    *ex = NULL, *tx = NULL;
        char out[8192];
        const char *tx_text;

        if (strcmp(member_str(v, "name"), name) != 0 ||
            !json_object_object_get_ex(v, "inputs", &in) ||
            !json_object_object_get_ex(v, "expected", &ex) ||
            !json_object_object_get_ex(in, "tx", &tx))
            continue;
        tx_text = json_object_to_json_string_ext(tx, JSON_C_TO_STRING_PLAIN);
        snprintf(out, sizeof(out),
                 "{\"raw\":\"%s\",\"hash\":\"%s\","
                 "\"from\":\"%s\"}\n",
                 member_str(ex, "signed_serialized"), member_str(ex, "tx_hash"),
                 member_str(ex, "from"));
        if (write_file(dir, "tx.json", tx_text, strlen(tx_text)) &&
            write_file(dir, "expected.json", out, strlen(out)) &&
            write_key(dir, member_str(in, "private_key")))
            rc = 0;
        break;
    }
    json_object_put(doc);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "decode") == 0)
        return decode(argv[2]);
    if (argc == 3 && strcmp(argv[1], "names") == 0)
        return names(argv[2]);
    if (argc == 5 && strcmp(argv[1], "vector") == 0)
        return vector(argv[2], argv[3], argv[4]);
    fprintf(stderr, "usage: tx-check decode 0xRAW\n"
                    "       tx-check names FILE\n"
                    "       tx-check vector FILE NAME DIR\n");
    return 2;
}
