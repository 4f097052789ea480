/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * abi_encode.c - the ABI encoding of a call's arguments (JSON values
 * checked against the parsed types), head and tail as the Solidity ABI
 * specification lays them out.
 *
 * One pass, each byte written once: a sequence (the arguments, a tuple,
 * an array's elements) reserves its head at the end of the output, writes
 * static members in place and appends each dynamic member's tail after
 * writing its offset.  Positions, not pointers, survive the buffer's
 * growth.  The path of the value being encoded (its sequence and index at
 * each level) is kept as the walk goes and written out ("argument 2[3].1")
 * only for an error message.
 */
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/abi.h"
#include "eth/int256.h"

#define WORD LITHSM_ABI_WORD
#define PATH_PREFIX "call data: argument"

typedef struct enc {
    const lithsm_abi_function *f;
    uint8_t *data;
    size_t len, cap;
    struct {
        const lithsm_abi_node *seq;
        size_t i;
    } at[LITHSM_ABI_MAX_DEPTH + 2];
    size_t depth;
    char path[256];
} enc;

static lithsm_err bad(enc *e, lithsm_err code, const char *fmt, ...)
    LITHSM_PRINTF(3, 4);

/* Writes the path of the value at hand into e->path: "call data:
 * argument" then " i" (an argument), ".i" (a tuple member) or "[i]" (an
 * array element) per level. */
static const char *path_of(enc *e)
{
    size_t k, len = strlen(PATH_PREFIX);
    int n;

    memcpy(e->path, PATH_PREFIX, len + 1);
    for (k = 0; k < e->depth && len < sizeof(e->path) - 1; k++) {
        const lithsm_abi_node *t = e->at[k].seq;
        size_t room = sizeof(e->path) - len;

        if (k == 0)
            n = snprintf(e->path + len, room, " %zu", e->at[k].i);
        else if (t->kind == LITHSM_ABI_TUPLE)
            n = snprintf(e->path + len, room, ".%zu", e->at[k].i);
        else
            n = snprintf(e->path + len, room, "[%zu]", e->at[k].i);
        len += n > 0 && (size_t)n < room ? (size_t)n : room - 1;
    }
    return e->path;
}

static lithsm_err bad(enc *e, lithsm_err code, const char *fmt, ...)
    LITHSM_PRINTF(3, 4);

/* Fails naming the value's path: "call data: argument 2[3].1: ...". */
static lithsm_err bad(enc *e, lithsm_err code, const char *fmt, ...)
{
    char msg[320];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return lithsm_fail(code, "%s: %s", path_of(e), msg);
}

static lithsm_err too_long(void)
{
    return lithsm_fail(LITHSM_ERR_RANGE, "call data: more than %u bytes",
                       LITHSM_ABI_MAX_CALLDATA);
}

/* Appends n zero bytes; *pos is where they start. */
static lithsm_err grow(enc *e, size_t n, size_t *pos)
{
    if (n > LITHSM_ABI_MAX_CALLDATA - e->len)
        return too_long();
    if (e->len + n > e->cap) {
        size_t cap = e->cap ? e->cap : 256;
        uint8_t *grown;

        while (cap < e->len + n)
            cap *= 2;
        grown = realloc(e->data, cap);
        if (grown == NULL)
            return lithsm_fail(LITHSM_ERR_NOMEM, "call data: out of memory");
        e->data = grown;
        e->cap = cap;
    }
    memset(e->data + e->len, 0, n);
    *pos = e->len;
    e->len += n;
    return LITHSM_OK;
}

/* The text of a JSON string value, or NULL after failing. */
static const char *string_of(enc *e, const json_object *v, size_t *len,
                             const char *what)
{
    if (!json_object_is_type(v, json_type_string)) {
        bad(e, LITHSM_ERR_PARSE, "must be %s", what);
        return NULL;
    }
    *len = (size_t)json_object_get_string_len(v);
    return json_object_get_string((json_object *)v);
}

/* "0x" + hex digits: the number of bytes they hold into *n. */
static lithsm_err hex_of(enc *e, const json_object *v, const char **hex,
                         size_t *len, size_t *n)
{
    *hex = string_of(e, v, len, "a \"0x\"-prefixed hex string");
    if (*hex == NULL)
        return LITHSM_ERR_PARSE;
    if (*len < 2 || (*hex)[0] != '0' || (*hex)[1] != 'x' || *len % 2 != 0)
        return bad(e, LITHSM_ERR_PARSE,
                   "must be \"0x\" followed by an even number of hex digits");
    *n = (*len - 2) / 2;
    return LITHSM_OK;
}

static lithsm_err put_hex(enc *e, uint8_t *out, const char *hex, size_t len,
                          size_t n)
{
    if (lithsm_hex_decode(out, n, hex, len) != LITHSM_OK)
        return bad(e, LITHSM_ERR_PARSE, "holds a character that is not hex");
    return LITHSM_OK;
}

static lithsm_err put_address(enc *e, const json_object *v, size_t pos)
{
    lithsm_eth_address a;
    const char *text;
    size_t len;

    text = string_of(e, v, &len, "an address string");
    if (text == NULL)
        return LITHSM_ERR_PARSE;
    if (len != LITHSM_ETH_ADDRESS_TEXT_LEN ||
        lithsm_eth_address_parse(&a, text, 0) != LITHSM_OK)
        return bad(e, LITHSM_ERR_PARSE,
                   "not an address (\"0x\" + 40 hex digits, lowercase or "
                   "with a correct EIP-55 checksum)");
    memcpy(e->data + pos + WORD - LITHSM_ETH_ADDRESS_LEN, a.bytes,
           LITHSM_ETH_ADDRESS_LEN);
    return LITHSM_OK;
}

/* A value of an elementary static type into the word at pos. */
static lithsm_err put_word(enc *e, const lithsm_abi_node *t,
                           const json_object *v, size_t pos)
{
    lithsm_int_type it;
    uint8_t word[32];
    const char *hex;
    size_t len, n;
    lithsm_err err;

    switch (t->kind) {
    case LITHSM_ABI_UINT:
    case LITHSM_ABI_INT:
        it.bits = t->size;
        it.is_signed = t->kind == LITHSM_ABI_INT;
        /* The path is written out only when the value is refused: then
         * the same parse again gives the message naming it. */
        if (lithsm_int_from_json(word, v, it, "call data") != LITHSM_OK)
            return lithsm_int_from_json(word, v, it, path_of(e));
        memcpy(e->data + pos, word, WORD);
        return LITHSM_OK;
    case LITHSM_ABI_ADDRESS:
        return put_address(e, v, pos);
    case LITHSM_ABI_BOOL:
        if (!json_object_is_type(v, json_type_boolean))
            return bad(e, LITHSM_ERR_PARSE,
                       "must be true or false (a JSON boolean)");
        e->data[pos + WORD - 1] = json_object_get_boolean(v) ? 1 : 0;
        return LITHSM_OK;
    case LITHSM_ABI_FIXED_BYTES:
        if ((err = hex_of(e, v, &hex, &len, &n)) != LITHSM_OK)
            return err;
        if (n != t->size)
            return bad(e, LITHSM_ERR_RANGE,
                       "bytes%u needs exactly %u bytes, not %zu", t->size,
                       t->size, n);
        return put_hex(e, e->data + pos, hex, len, n);
    default:
        return bad(e, LITHSM_ERR_INVALID_ARG, "not an elementary type");
    }
}

static lithsm_err put_dynamic(enc *e, const lithsm_abi_node *t,
                              const json_object *v);
static lithsm_err put_static(enc *e, const lithsm_abi_node *t,
                             const json_object *v, size_t pos);

/* The values of a tuple or array in its head at `start`, their tails
 * appended; v is a JSON array of the right length. */
static lithsm_err put_seq(enc *e, const lithsm_abi_node *t,
                          const json_object *v, size_t start)
{
    size_t i, n = json_object_array_length(v), off = start, level = e->depth;
    uint32_t m = t->child;
    lithsm_err err = LITHSM_OK;

    for (i = 0; i < n && err == LITHSM_OK; i++) {
        const lithsm_abi_node *mt = &e->f->nodes[m];
        const json_object *x = json_object_array_get_idx(v, i);

        if (level >= sizeof(e->at) / sizeof(e->at[0]))
            return lithsm_fail(LITHSM_ERR_RANGE, "call data: nested too deep");
        e->at[level].seq = t;
        e->at[level].i = i;
        e->depth = level + 1;
        if (mt->dynamic) {
            lithsm_abi_word_put_u64(e->data + off, e->len - start);
            err = put_dynamic(e, mt, x);
            off += WORD;
        } else {
            err = put_static(e, mt, x, off);
            off += mt->words * WORD;
        }
        e->depth = level;
        if (t->kind == LITHSM_ABI_TUPLE)
            m = mt->next;
    }
    return err;
}

/* A JSON array for a tuple or array type: its length into *n. */
static lithsm_err check_array(enc *e, const lithsm_abi_node *t,
                              const json_object *v, size_t *n)
{
    if (!json_object_is_type(v, json_type_array))
        return bad(e, LITHSM_ERR_PARSE, "must be a JSON array (%s %s)",
                   t->kind == LITHSM_ABI_TUPLE ? "of the members of a"
                                               : "for a",
                   lithsm_abi_kind_name(t->kind));
    *n = json_object_array_length(v);
    if (t->kind == LITHSM_ABI_TUPLE && *n != t->length)
        return bad(e, LITHSM_ERR_RANGE,
                   "a tuple of %zu members needs %zu values, not %zu",
                   t->length, t->length, *n);
    if (t->kind == LITHSM_ABI_ARRAY && *n != t->length)
        return bad(e, LITHSM_ERR_RANGE,
                   "a fixed array of %zu needs %zu values, not %zu", t->length,
                   t->length, *n);
    return LITHSM_OK;
}

/* A value of a static type at pos (its words are reserved). */
static lithsm_err put_static(enc *e, const lithsm_abi_node *t,
                             const json_object *v, size_t pos)
{
    size_t n;
    lithsm_err err;

    if (t->kind != LITHSM_ABI_TUPLE && t->kind != LITHSM_ABI_ARRAY)
        return put_word(e, t, v, pos);
    if ((err = check_array(e, t, v, &n)) != LITHSM_OK)
        return err;
    return put_seq(e, t, v, pos);
}

/* bytes or string: the length, then the data padded to whole words. */
static lithsm_err put_data(enc *e, const lithsm_abi_node *t,
                           const json_object *v)
{
    const char *text;
    size_t len, n, pos;
    lithsm_err err;

    if (t->kind == LITHSM_ABI_BYTES) {
        if ((err = hex_of(e, v, &text, &len, &n)) != LITHSM_OK)
            return err;
    } else {
        text = string_of(e, v, &len, "a JSON string");
        if (text == NULL)
            return LITHSM_ERR_PARSE;
        if (!lithsm_utf8_valid(text, len))
            return bad(e, LITHSM_ERR_PARSE, "is not valid UTF-8");
        n = len;
    }
    if (n > LITHSM_ABI_MAX_CALLDATA)
        return too_long();
    if ((err = grow(e, WORD + n + lithsm_abi_word_pad(n), &pos)) != LITHSM_OK)
        return err;
    lithsm_abi_word_put_u64(e->data + pos, n);
    if (t->kind == LITHSM_ABI_BYTES)
        return put_hex(e, e->data + pos + WORD, text, len, n);
    memcpy(e->data + pos + WORD, text, n);
    return LITHSM_OK;
}

/* A value of a dynamic type appended at the end (its tail). */
static lithsm_err put_dynamic(enc *e, const lithsm_abi_node *t,
                              const json_object *v)
{
    size_t n, head, pos;
    lithsm_err err;

    if (t->kind == LITHSM_ABI_BYTES || t->kind == LITHSM_ABI_STRING)
        return put_data(e, t, v);
    if ((err = check_array(e, t, v, &n)) != LITHSM_OK)
        return err;
    head = t->head;
    if (t->kind == LITHSM_ABI_DYN_ARRAY) {
        const lithsm_abi_node *elem = &e->f->nodes[t->child];
        size_t slot = elem->dynamic ? 1 : elem->words;

        if (n > LITHSM_ABI_MAX_CALLDATA / WORD / slot)
            return too_long();
        if ((err = grow(e, WORD, &pos)) != LITHSM_OK)
            return err;
        lithsm_abi_word_put_u64(e->data + pos, n);
        head = n * slot;
    }
    if ((err = grow(e, head * WORD, &pos)) != LITHSM_OK)
        return err;
    return put_seq(e, t, v, pos);
}

lithsm_err lithsm_abi_encode_call(uint8_t **out, size_t *out_len,
                                  const lithsm_abi_function *f,
                                  const json_object *args)
{
    const lithsm_abi_node *root;
    enc e;
    size_t pos, n;
    lithsm_err err;

    if (out == NULL || out_len == NULL || f == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "call data: no output");
    *out = NULL;
    *out_len = 0;
    memset(&e, 0, sizeof(e));
    e.f = f;
    root = &f->nodes[f->args];
    if (!json_object_is_type(args, json_type_array))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "call data: the arguments must be a JSON array");
    n = json_object_array_length(args);
    if (n != root->length)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "call data: %zu arguments given, %s takes %zu", n,
                           f->canonical, root->length);
    err = grow(&e, LITHSM_ABI_SELECTOR_LEN, &pos);
    if (err == LITHSM_OK) {
        memcpy(e.data, f->selector, LITHSM_ABI_SELECTOR_LEN);
        err = grow(&e, root->head * WORD, &pos);
    }
    if (err == LITHSM_OK)
        err = put_seq(&e, root, args, pos);
    if (err != LITHSM_OK) {
        free(e.data);
        return err;
    }
    *out = e.data;
    *out_len = e.len;
    return LITHSM_OK;
}
