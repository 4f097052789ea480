/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * acc.c - the hash that names an access-control-condition resource, as the
 * JS SDK 7.4.0 hashAccessControlConditions() computes it
 * (packages/access-control-conditions/src/lib/hashing.ts and
 * canonicalFormatter.ts canonicalAccessControlConditionFormatter;
 * lit-protocol.md section 7).
 *
 * Only that function's (basic EVM) formatter is implemented.  The
 * EVM-contract, Solana, Cosmos and unified formatters and their hash
 * functions are not: pass those conditions elsewhere.
 */
#include <string.h>

#include <openssl/evp.h>

#include <json-c/json.h>

#include "lit/lit.h"

/* The canonical condition keys, in the order the SDK writes them. */
static const char *const cond_keys[] = {
    "contractAddress", "chain", "standardContractType", "method", "parameters",
};

/* Writes a member if present (JSON.stringify drops undefined ones; a JSON
 * null is kept). */
static void put_member(lithsm_buf *b, int *first, json_object *obj,
                       const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(obj, key, &v))
        return;
    if (!*first)
        lithsm_buf_putc(b, ',');
    *first = 0;
    lithsm_buf_json_str(b, key, strlen(key));
    lithsm_buf_putc(b, ':');
    lithsm_buf_json_value(b, v);
}

static lithsm_err canon(lithsm_buf *b, json_object *cond, size_t index)
{
    json_object *op, *rvt;
    size_t i, n;
    int first = 1;

    /* A group: formatted element by element. */
    if (json_object_is_type(cond, json_type_array)) {
        n = json_object_array_length(cond);
        lithsm_buf_putc(b, '[');
        for (i = 0; i < n; i++) {
            lithsm_err err;

            if (i > 0)
                lithsm_buf_putc(b, ',');
            err = canon(b, json_object_array_get_idx(cond, i), index);
            if (err != LITHSM_OK)
                return err;
        }
        lithsm_buf_putc(b, ']');
        return LITHSM_OK;
    }
    if (!json_object_is_type(cond, json_type_object))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "access control conditions: element %zu is an "
                           "invalid access control condition (not an "
                           "object)",
                           index);
    if (json_object_object_get_ex(cond, "operator", &op)) {
        lithsm_buf_puts(b, "{\"operator\":");
        lithsm_buf_json_value(b, op);
        lithsm_buf_putc(b, '}');
        return LITHSM_OK;
    }
    if (!json_object_object_get_ex(cond, "returnValueTest", &rvt))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "access control conditions: element %zu is an "
                           "invalid access control condition (no operator "
                           "or returnValueTest)",
                           index);
    /* The SDK would throw on null and write {} for other non-objects;
     * we refuse both. */
    if (!json_object_is_type(rvt, json_type_object))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "access control conditions: returnValueTest of "
                           "element %zu is not an object",
                           index);
    lithsm_buf_putc(b, '{');
    for (i = 0; i < sizeof(cond_keys) / sizeof(cond_keys[0]); i++)
        put_member(b, &first, cond, cond_keys[i]);
    if (!first)
        lithsm_buf_putc(b, ',');
    lithsm_buf_puts(b, "\"returnValueTest\":{");
    first = 1;
    put_member(b, &first, rvt, "comparator");
    put_member(b, &first, rvt, "value");
    lithsm_buf_puts(b, "}}");
    return LITHSM_OK;
}

lithsm_err lithsm_acc_hash(char hash_hex_out[65], char **canonical_out,
                           const char *conditions_json)
{
    json_object *conds = NULL;
    lithsm_buf b;
    char *text = NULL;
    size_t i, n, len;
    unsigned char md[32];
    unsigned int md_len = 0;
    lithsm_err err;

    if (canonical_out != NULL)
        *canonical_out = NULL;
    if (hash_hex_out == NULL || conditions_json == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "access control conditions: missing argument");
    hash_hex_out[0] = '\0';
    err = lithsm_lit_json_parse_as(
        &conds, conditions_json, strlen(conditions_json),
        "access control conditions", json_type_array,
        "access control conditions: must be a JSON array");
    if (err != LITHSM_OK)
        return err;
    lithsm_buf_init(&b);
    lithsm_buf_putc(&b, '[');
    n = json_object_array_length(conds);
    for (i = 0; i < n; i++) {
        if (i > 0)
            lithsm_buf_putc(&b, ',');
        err = canon(&b, json_object_array_get_idx(conds, i), i);
        if (err != LITHSM_OK)
            break;
    }
    lithsm_buf_putc(&b, ']');
    json_object_put(conds);
    if (err != LITHSM_OK) {
        lithsm_buf_free(&b);
        return err;
    }
    err = lithsm_buf_finish(&b, &text, &len);
    if (err != LITHSM_OK)
        return err;
    if (EVP_Digest(text, len, md, &md_len, EVP_sha256(), NULL) != 1 ||
        md_len != sizeof(md)) {
        lithsm_free(text);
        return lithsm_fail(LITHSM_ERR_CRYPTO,
                           "access control conditions: SHA-256 failed");
    }
    err = lithsm_hex_encode(hash_hex_out, 65, md, sizeof(md));
    if (err != LITHSM_OK) {
        lithsm_free(text);
        return err;
    }
    if (canonical_out != NULL)
        *canonical_out = text;
    else
        lithsm_free(text);
    return LITHSM_OK;
}
