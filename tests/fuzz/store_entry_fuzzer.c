/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * store_entry_fuzzer.c - untrusted session store entries (a file anyone
 * with write access to the store directory, or a torn write, may have
 * left): flow.c's entry reader.  It must never crash, and an entry it
 * accepts must be exactly {"sessionKey":"<64|128 hex>","walletSig":
 * <AuthSig>,"version":1}, checked here independently of flow.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "store/store.h"

#include "fuzz.h"

/* The independent check of an accepted entry: text is the entry as
 * stored, key and authsig what flow.c made of it. */
static void check_accepted(const char *text, const lithsm_session_key *key,
                           const char *authsig)
{
    json_object *obj = NULL, *v, *wallet;
    lithsm_session_key *again = NULL;
    char pk[65], pk_again[65], *wallet_text = NULL;
    const char *secret;
    lithsm_buf b;
    size_t n;

    MUST(key != NULL && authsig != NULL);
    MUST(lithsm_json_parse(&obj, text, strlen(text), "entry") == LITHSM_OK);
    MUST(json_object_is_type(obj, json_type_object));
    MUST(json_object_object_length(obj) == 3);

    secret = lithsm_json_get_str(obj, "sessionKey");
    MUST(secret != NULL);
    n = strlen(secret);
    MUST(n == 64 || n == 128);
    MUST(lithsm_session_key_from_secret_hex(&again, secret) == LITHSM_OK);
    lithsm_session_key_public_hex(pk, key);
    lithsm_session_key_public_hex(pk_again, again);
    MUST(strcmp(pk, pk_again) == 0);
    lithsm_session_key_free(again);

    MUST(json_object_object_get_ex(obj, "version", &v));
    MUST(json_object_is_type(v, json_type_int));
    MUST(json_object_get_int64(v) == 1);

    MUST(json_object_object_get_ex(obj, "walletSig", &wallet));
    MUST(json_object_is_type(wallet, json_type_object));
    MUST(lithsm_json_get_str(wallet, "sig") != NULL);
    MUST(lithsm_json_get_str(wallet, "signedMessage") != NULL);
    MUST(lithsm_json_get_str(wallet, "address") != NULL);
    lithsm_buf_init(&b);
    lithsm_buf_json_value(&b, wallet);
    if (lithsm_buf_finish(&b, &wallet_text, NULL) == LITHSM_OK)
        MUST(strcmp(wallet_text, authsig) == 0);
    free(wallet_text);
    json_object_put(obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lithsm_session_key *key = (lithsm_session_key *)1;
    char *value, *copy, *authsig = (char *)1;
    lithsm_err err;

    /* lithsm_store_get hands over a C string of at most this size. */
    if (size > LITHSM_STORE_VALUE_MAX || memchr(data, '\0', size) != NULL)
        return 0;
    value = malloc(size + 1);
    copy = malloc(size + 1);
    if (value == NULL || copy == NULL) {
        free(value);
        free(copy);
        return 0;
    }
    memcpy(value, data, size);
    value[size] = '\0';
    memcpy(copy, value, size + 1);

    err = lithsm_flow_parse_entry(&key, &authsig, value);
    if (err == LITHSM_OK) {
        check_accepted(copy, key, authsig);
    } else {
        MUST(err == LITHSM_ERR_PARSE || err == LITHSM_ERR_NOMEM);
        MUST(key == NULL && authsig == NULL);
    }
    lithsm_session_key_free(key);
    free(authsig);
    free(value);
    free(copy);
    return 0;
}
