/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * abi_call.c - the public face of the ABI encoder (lithsm_abi.h): parsed
 * signatures, and calldata from JSON text or from command-line words.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/abi.h"

lithsm_err lithsm_abi_function_parse(lithsm_abi_function **out,
                                     const char *signature)
{
    lithsm_abi_function *f;
    lithsm_err err;

    if (out == NULL || signature == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "function signature: none given");
    *out = NULL;
    f = calloc(1, sizeof(*f));
    if (f == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM,
                           "function signature: out of memory");
    err = lithsm_abi_parse(f, signature);
    if (err != LITHSM_OK) {
        free(f);
        return err;
    }
    *out = f;
    return LITHSM_OK;
}

void lithsm_abi_function_free(lithsm_abi_function *f)
{
    if (f == NULL)
        return;
    free(f->nodes);
    free(f->canonical);
    free(f);
}

const char *lithsm_abi_function_canonical(const lithsm_abi_function *f)
{
    return f->canonical;
}

void lithsm_abi_function_selector(uint8_t out[4], const lithsm_abi_function *f)
{
    memcpy(out, f->selector, LITHSM_ABI_SELECTOR_LEN);
}

size_t lithsm_abi_function_n_args(const lithsm_abi_function *f)
{
    return f->nodes[f->args].length;
}

lithsm_err lithsm_abi_encode_json(uint8_t **out, size_t *out_len,
                                  const lithsm_abi_function *f,
                                  const char *args_json, size_t args_len)
{
    json_object *args = NULL;
    lithsm_err err;

    if (out == NULL || out_len == NULL || f == NULL || args_json == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "call data: no arguments");
    /* A string argument may hold U+0000 (the ABI takes any bytes). */
    err = lithsm_json_parse_nul(&args, args_json, args_len, 1,
                                "call data: arguments");
    if (err == LITHSM_OK)
        err = lithsm_abi_encode_call(out, out_len, f, args);
    json_object_put(args);
    return err;
}

/* The JSON value of command-line word i for parameter type t. */
static lithsm_err word_value(json_object **out, const lithsm_abi_node *t,
                             const char *word, size_t i)
{
    char what[64];
    size_t len = strlen(word);

    snprintf(what, sizeof(what), "call data: argument %zu", i);
    switch (t->kind) {
    case LITHSM_ABI_TUPLE:
    case LITHSM_ABI_ARRAY:
    case LITHSM_ABI_DYN_ARRAY:
        return lithsm_json_parse_nul(out, word, len, 1, what);
    case LITHSM_ABI_BOOL:
        if (strcmp(word, "true") != 0 && strcmp(word, "false") != 0)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "%s: a bool is 'true' or 'false'", what);
        *out = json_object_new_boolean(word[0] == 't');
        break;
    default: /* the word is the value; a string must be UTF-8 */
        if (t->kind == LITHSM_ABI_STRING && !lithsm_utf8_valid(word, len))
            return lithsm_fail(LITHSM_ERR_PARSE, "%s: is not valid UTF-8",
                               what);
        *out = json_object_new_string_len(word, (int)len);
        break;
    }
    if (*out == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "call data: out of memory");
    return LITHSM_OK;
}

lithsm_err lithsm_abi_encode_words(uint8_t **out, size_t *out_len,
                                   const lithsm_abi_function *f,
                                   const char *const *args, size_t n_args)
{
    const lithsm_abi_node *root;
    json_object *list, *v = NULL;
    uint32_t m;
    size_t i;
    lithsm_err err = LITHSM_OK;

    if (out == NULL || out_len == NULL || f == NULL ||
        (args == NULL && n_args > 0))
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "call data: no arguments");
    root = &f->nodes[f->args];
    if (n_args != root->length)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "call data: %zu arguments given, %s takes %zu",
                           n_args, f->canonical, root->length);
    list = json_object_new_array();
    if (list == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "call data: out of memory");
    for (i = 0, m = root->child; i < n_args && err == LITHSM_OK; i++) {
        if (args[i] == NULL || strlen(args[i]) > LITHSM_MAX_INPUT)
            err =
                lithsm_fail(LITHSM_ERR_INVALID_ARG,
                            "call data: argument %zu: missing or too long", i);
        else
            err = word_value(&v, &f->nodes[m], args[i], i);
        if (err == LITHSM_OK && json_object_array_add(list, v) != 0) {
            json_object_put(v);
            err = lithsm_fail(LITHSM_ERR_NOMEM, "call data: out of memory");
        }
        m = f->nodes[m].next;
    }
    if (err == LITHSM_OK)
        err = lithsm_abi_encode_call(out, out_len, f, list);
    json_object_put(list);
    return err;
}

lithsm_err lithsm_abi_call_data(uint8_t **out, size_t *out_len,
                                uint8_t *selector_out, const char *signature,
                                const char *args_json, size_t args_len)
{
    lithsm_abi_function *f = NULL;
    lithsm_err err;

    if (out == NULL || out_len == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "call data: no output");
    *out = NULL;
    *out_len = 0;
    err = lithsm_abi_function_parse(&f, signature);
    if (err == LITHSM_OK)
        err = lithsm_abi_encode_json(out, out_len, f, args_json, args_len);
    if (err == LITHSM_OK && selector_out != NULL)
        lithsm_abi_function_selector(selector_out, f);
    lithsm_abi_function_free(f);
    return err;
}

lithsm_err lithsm_abi_selector(uint8_t out[4], const char *signature)
{
    lithsm_abi_function *f = NULL;
    lithsm_err err;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "function signature: no output");
    err = lithsm_abi_function_parse(&f, signature);
    if (err == LITHSM_OK)
        lithsm_abi_function_selector(out, f);
    lithsm_abi_function_free(f);
    return err;
}
