/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * eip712_values.c - hashStruct: each value of the message (or domain)
 * checked against its field's type and encoded as EIP-712's 32-byte word.
 * The words of a struct or array are collected in one scratch buffer that
 * every level shares (a level appends after the words of the levels
 * around it, hashes its own, and truncates back), so no value allocates.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "eth/eip712.h"

static const char hex_digits[] = "0123456789abcdefABCDEF";

static lithsm_err encode(uint8_t word[32], const eip712_types *t,
                         const eip712_ftype *ft, size_t n_dims,
                         const json_object *v, eip712_path *path,
                         lithsm_buf *scratch);

/* The string value of v with its length, or NULL when v is not a string. */
static const char *string_of(const json_object *v, size_t *len)
{
    if (!json_object_is_type(v, json_type_string))
        return NULL;
    *len = (size_t)json_object_get_string_len(v);
    return json_object_get_string((json_object *)v);
}

/* "0x" followed by hex digits only; the number of digits, or -1. */
static long hex_body(const char *s, size_t len)
{
    if (s == NULL || len < 2 || s[0] != '0' || s[1] != 'x' ||
        strspn(s + 2, hex_digits) != len - 2)
        return -1;
    return (long)(len - 2);
}

static lithsm_err encode_address(uint8_t word[32], const json_object *v,
                                 const eip712_path *path)
{
    lithsm_eth_address a;
    size_t len = 0;
    const char *s = string_of(v, &len);

    if (hex_body(s, len) != 40)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: must be an address (\"0x\" and "
                           "40 hex digits)",
                           path->text);
    /* Single-case text has no checksum: only mixed case costs a hash. */
    if (strpbrk(s + 2, "abcdef") != NULL && strpbrk(s + 2, "ABCDEF") != NULL
            ? lithsm_eth_address_parse(&a, s, 0) != LITHSM_OK
            : lithsm_hex_decode(a.bytes, 20, s + 2, 40) != LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: wrong EIP-55 checksum (give the "
                           "address all-lowercase or correctly checksummed)",
                           path->text);
    memset(word, 0, 12);
    memcpy(word + 12, a.bytes, 20);
    return LITHSM_OK;
}

static lithsm_err encode_bytes_n(uint8_t word[32], unsigned n,
                                 const json_object *v, const eip712_path *path)
{
    size_t len = 0;
    const char *s = string_of(v, &len);

    memset(word, 0, 32);
    if (hex_body(s, len) != 2 * (long)n ||
        lithsm_hex_decode(word, n, s + 2, len - 2) != LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: must be bytes%u: \"0x\" and "
                           "exactly %u hex digits",
                           path->text, n, 2 * n);
    return LITHSM_OK;
}

/* keccak256 of the bytes of "0x..." (decoded into the scratch buffer). */
static lithsm_err encode_bytes(uint8_t word[32], const json_object *v,
                               const eip712_path *path, lithsm_buf *scratch)
{
    size_t len = 0, start = scratch->len, n;
    const char *s = string_of(v, &len);
    long digits = hex_body(s, len);

    if (digits < 0 || digits % 2 != 0)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: must be bytes: \"0x\" and an "
                           "even number of hex digits",
                           path->text);
    n = (size_t)digits / 2;
    lithsm_buf_reserve(scratch, n + 1);
    if (scratch->failed)
        return lithsm_fail(LITHSM_ERR_NOMEM, "typed data: out of memory");
    if (n > 0 && lithsm_hex_decode((uint8_t *)scratch->data + start, n, s + 2,
                                   len - 2) != LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: bad hex", path->text);
    lithsm_keccak256(word, (const uint8_t *)scratch->data + start, n);
    return LITHSM_OK;
}

static lithsm_err encode_atomic(uint8_t word[32], const eip712_ftype *ft,
                                const json_object *v, const eip712_path *path,
                                lithsm_buf *scratch)
{
    size_t len = 0;
    const char *s;

    switch (ft->kind) {
    case EIP712_ADDRESS:
        return encode_address(word, v, path);
    case EIP712_BOOL:
        if (!json_object_is_type(v, json_type_boolean))
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "%s: must be true or false (a "
                               "JSON boolean, not a string or number)",
                               path->text);
        memset(word, 0, 32);
        word[31] = json_object_get_boolean(v) ? 1 : 0;
        return LITHSM_OK;
    case EIP712_BYTES_N:
        return encode_bytes_n(word, ft->size, v, path);
    case EIP712_INT:
        return lithsm_int_from_json(word, v, ft->int_type, path->text);
    case EIP712_BYTES:
        return encode_bytes(word, v, path, scratch);
    case EIP712_STRING:
        if ((s = string_of(v, &len)) == NULL)
            return lithsm_fail(LITHSM_ERR_PARSE, "%s: must be a JSON string",
                               path->text);
        lithsm_keccak256(word, (const uint8_t *)s, len);
        return LITHSM_OK;
    case EIP712_STRUCT:
        break;
    }
    return lithsm_fail(LITHSM_ERR_INVALID_ARG, "%s: not atomic", path->text);
}

/* keccak256 of the words of the array's items. */
static lithsm_err encode_array(uint8_t word[32], const eip712_types *t,
                               const eip712_ftype *ft, size_t n_dims,
                               const json_object *v, eip712_path *path,
                               lithsm_buf *scratch)
{
    size_t want = ft->dims[n_dims - 1], n, i, start = scratch->len, mark;
    uint8_t item[32];
    lithsm_err err;

    if (!json_object_is_type(v, json_type_array))
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: must be a JSON array",
                           path->text);
    n = json_object_array_length(v);
    if (want != 0 && n != want)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: must have exactly %zu items, not "
                           "%zu",
                           path->text, want, n);
    for (i = 0; i < n; i++) {
        mark = eip712_path_index(path, i);
        err = encode(item, t, ft, n_dims - 1, json_object_array_get_idx(v, i),
                     path, scratch);
        if (err != LITHSM_OK)
            return err;
        eip712_path_pop(path, mark);
        lithsm_buf_add(scratch, item, 32);
    }
    if (scratch->failed)
        return lithsm_fail(LITHSM_ERR_NOMEM, "typed data: out of memory");
    lithsm_keccak256(word, (const uint8_t *)scratch->data + start,
                     scratch->len - start);
    scratch->len = start;
    return LITHSM_OK;
}

static lithsm_err encode(uint8_t word[32], const eip712_types *t,
                         const eip712_ftype *ft, size_t n_dims,
                         const json_object *v, eip712_path *path,
                         lithsm_buf *scratch)
{
    if (n_dims > 0)
        return encode_array(word, t, ft, n_dims, v, path, scratch);
    if (ft->kind == EIP712_STRUCT)
        return eip712_hash_struct(word, t, ft->struct_index, v, path, scratch);
    return encode_atomic(word, ft, v, path, scratch);
}

/* Names a member of v that type s does not list (v has one). */
static lithsm_err extra_field(const eip712_struct *s, json_object *v,
                              eip712_path *path)
{
    size_t i;

    json_object_object_foreach(v, key, unused)
    {
        (void)unused;
        for (i = 0; i < s->n_fields; i++)
            if (strcmp(key, s->fields[i].name) == 0)
                break;
        if (i == s->n_fields) {
            eip712_path_key(path, key);
            return lithsm_fail(LITHSM_ERR_PARSE, "%s: not a field of %s",
                               path->text, s->name);
        }
    }
    return lithsm_fail(LITHSM_ERR_PARSE, "%s: a member name holds U+0000",
                       path->text);
}

lithsm_err eip712_hash_struct(uint8_t out[32], const eip712_types *t,
                              size_t type_index, const json_object *value,
                              eip712_path *path, lithsm_buf *scratch)
{
    const eip712_struct *s = &t->structs[type_index];
    size_t start = scratch->len, i, mark;
    uint8_t word[32];
    json_object *member;
    lithsm_err err = LITHSM_OK;

    if (!json_object_is_type(value, json_type_object))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: must be an object (struct %s)", path->text,
                           s->name);
    lithsm_buf_add(scratch, s->type_hash, 32);
    for (i = 0; i < s->n_fields && err == LITHSM_OK; i++) {
        mark = eip712_path_key(path, s->fields[i].name);
        if (!json_object_object_get_ex(value, s->fields[i].name, &member))
            return lithsm_fail(LITHSM_ERR_PARSE, "%s: missing (a field of %s)",
                               path->text, s->name);
        err = encode(word, t, &s->fields[i].type, s->fields[i].type.n_dims,
                     member, path, scratch);
        if (err != LITHSM_OK)
            return err;
        eip712_path_pop(path, mark);
        lithsm_buf_add(scratch, word, 32);
    }
    if ((size_t)json_object_object_length(value) != s->n_fields)
        return extra_field(s, (json_object *)value, path);
    if (scratch->failed)
        return lithsm_fail(LITHSM_ERR_NOMEM, "typed data: out of memory");
    lithsm_keccak256(out, (const uint8_t *)scratch->data + start,
                     scratch->len - start);
    scratch->len = start;
    return LITHSM_OK;
}
