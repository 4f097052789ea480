/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * recap.c - ReCap (EIP-5573) capability objects as siwe-recap 0.0.2-alpha.0
 * and the Lit JS SDK 7.4.0 build, encode and query them (lit-protocol.md
 * sections 4.2, 4.4 and 11.4).  Decoding is in recap_decode.c, the
 * statement in recap_statement.c, the key order in recap_order.c.
 *
 * A ReCap is held as two json-c values (struct lithsm_recap in lit.h).
 * Keys are kept in insertion order and sorted only when written, the way
 * siwe-recap's canonicalize() does.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lit/lit.h"

/* ------------------------------------------------------------------------
 * Building
 */
static lithsm_err recap_new(lithsm_recap **out)
{
    lithsm_recap *r = calloc(1, sizeof(*r));

    *out = NULL;
    if (r == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "ReCap: out of memory");
    r->att = json_object_new_object();
    r->prf = json_object_new_array();
    if (r->att == NULL || r->prf == NULL) {
        lithsm_recap_free(r);
        return lithsm_fail(LITHSM_ERR_NOMEM, "ReCap: out of memory");
    }
    *out = r;
    return LITHSM_OK;
}

void lithsm_recap_free(lithsm_recap *recap)
{
    if (recap == NULL)
        return;
    json_object_put(recap->att);
    json_object_put(recap->prf);
    free(recap);
}

/* 1 if every restriction in the list is {} (siwe-recap merge()). */
static int all_empty(json_object *list)
{
    size_t i, n = json_object_array_length(list);

    for (i = 0; i < n; i++) {
        json_object *r = json_object_array_get_idx(list, i);

        if (!json_object_is_type(r, json_type_object) ||
            json_object_object_length(r) != 0)
            return 0;
    }
    return 1;
}

/* Adds `restriction` (ownership taken) under att[key][ability].
 * `replace_empty` gives siwe-recap merge(): a list holding only {} is
 * replaced; otherwise (addAttenuation) the restriction is appended. */
static lithsm_err att_add(json_object *att, const char *key,
                          const char *ability, json_object *restriction,
                          int replace_empty)
{
    json_object *res, *list;

    if (!json_object_object_get_ex(att, key, &res)) {
        res = json_object_new_object();
        if (res == NULL || json_object_object_add(att, key, res) != 0) {
            json_object_put(res);
            goto nomem;
        }
    }
    if (json_object_object_get_ex(res, ability, &list) &&
        !(replace_empty && all_empty(list))) {
        if (json_object_array_add(list, restriction) != 0)
            goto nomem;
        return LITHSM_OK;
    }
    list = json_object_new_array();
    if (list == NULL || json_object_array_add(list, restriction) != 0) {
        json_object_put(list);
        goto nomem;
    }
    restriction = NULL;
    if (json_object_object_add(res, ability, list) != 0) {
        json_object_put(list);
        return lithsm_fail(LITHSM_ERR_NOMEM, "ReCap: out of memory");
    }
    return LITHSM_OK;

nomem:
    json_object_put(restriction);
    return lithsm_fail(LITHSM_ERR_NOMEM, "ReCap: out of memory");
}

static lithsm_err make_key(lithsm_buf *b, const char *prefix,
                           const char *resource)
{
    b->len = 0;
    lithsm_buf_puts(b, prefix);
    lithsm_buf_puts(b, "://");
    lithsm_buf_puts(b, resource);
    if (b->failed)
        return lithsm_fail(LITHSM_ERR_NOMEM, "ReCap: out of memory");
    return LITHSM_OK;
}

/* Adds request `i` of `reqs` to r->att: its ability key and its data (or
 * {}) merged as siwe-recap merge() does, or with `all_abilities`, "*" "/"
 * "*" and {} appended as addAttenuation does. */
static lithsm_err add_request(lithsm_recap *r, lithsm_buf *key,
                              const lithsm_requests *reqs, size_t i,
                              int all_abilities)
{
    lithsm_ability ability;
    const char *prefix, *resource, *data;
    json_object *restriction = NULL;
    lithsm_err err;

    err = lithsm_requests_get(reqs, i, &ability, &prefix, &resource, &data);
    if (err == LITHSM_OK)
        err = make_key(key, prefix, resource);
    if (err != LITHSM_OK)
        return err;
    if (data != NULL) {
        err =
            lithsm_json_parse(&restriction, data, strlen(data), "request data");
        if (err != LITHSM_OK)
            return err;
    } else {
        restriction = json_object_new_object();
        if (restriction == NULL)
            return lithsm_fail(LITHSM_ERR_NOMEM, "ReCap: out of memory");
    }
    if (all_abilities)
        return att_add(r->att, key->data, "*/*", restriction, 0);
    return att_add(r->att, key->data, lithsm_ability_recap_key(ability),
                   restriction, 1);
}

/* A new ReCap of every request in `reqs`, in order (see add_request). */
static lithsm_err recap_build(lithsm_recap **out, const lithsm_requests *reqs,
                              int all_abilities)
{
    lithsm_recap *r = NULL;
    lithsm_buf key;
    size_t i, n = lithsm_requests_count(reqs);
    lithsm_err err;

    err = recap_new(&r);
    if (err != LITHSM_OK)
        return err;
    lithsm_buf_init(&key);
    for (i = 0; i < n && err == LITHSM_OK; i++)
        err = add_request(r, &key, reqs, i, all_abilities);
    lithsm_buf_free(&key);
    if (err != LITHSM_OK) {
        lithsm_recap_free(r);
        return err;
    }
    *out = r;
    return LITHSM_OK;
}

/* The SDK's createSiweMessageWithRecaps adds one request at a time, each
 * through add_to_siwe_message, so requests meet siwe-recap's merge(). */
lithsm_err lithsm_recap_from_requests(lithsm_recap **out,
                                      const lithsm_requests *reqs)
{
    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no output");
    *out = NULL;
    if (reqs == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no requests");
    return recap_build(out, reqs, 0);
}

/* The SDK's addAllCapabilitiesForResource: addAttenuation(key, '*', '*'),
 * which appends, so a repeated key gets [{}, {}].  The keys go through a
 * request list, so they are parsed and normalized exactly as requests. */
lithsm_err lithsm_recap_all_abilities(lithsm_recap **out,
                                      const char *const *resource_keys,
                                      size_t n_keys)
{
    lithsm_requests *tmp = NULL;
    size_t i;
    lithsm_err err;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no output");
    *out = NULL;
    if (resource_keys == NULL && n_keys > 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no resource keys");
    err = lithsm_requests_new(&tmp);
    if (err != LITHSM_OK)
        return err;
    for (i = 0; i < n_keys && err == LITHSM_OK; i++) {
        const char *k = resource_keys[i], *sep;
        lithsm_ability ability;

        if (k == NULL || (sep = strstr(k, "://")) == NULL ||
            !lithsm_ability_for_prefix(&ability, k, (size_t)(sep - k)))
            err = lithsm_fail(LITHSM_ERR_PARSE,
                              "ReCap: resource key %zu is not "
                              "<lit prefix>://<id>",
                              i);
        else
            err =
                lithsm_requests_add(tmp, k, lithsm_ability_name(ability), NULL);
    }
    if (err == LITHSM_OK)
        err = recap_build(out, tmp, 1);
    lithsm_requests_free(tmp);
    return err;
}

/* ------------------------------------------------------------------------
 * Output
 */
lithsm_err lithsm_recap_text_args(char **out, const lithsm_recap *recap)
{
    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no output");
    *out = NULL;
    if (recap == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no ReCap");
    return LITHSM_OK;
}

lithsm_err lithsm_recap_json(char **out, const lithsm_recap *recap)
{
    lithsm_buf b;
    lithsm_err err;

    err = lithsm_recap_text_args(out, recap);
    if (err != LITHSM_OK)
        return err;
    lithsm_buf_init(&b);
    lithsm_buf_puts(&b, "{\"att\":");
    err = lithsm_js_write_sorted(&b, recap->att);
    if (err == LITHSM_OK) {
        lithsm_buf_puts(&b, ",\"prf\":");
        err = lithsm_js_write_sorted(&b, recap->prf);
    }
    if (err != LITHSM_OK) {
        lithsm_buf_free(&b);
        return err;
    }
    lithsm_buf_putc(&b, '}');
    return lithsm_buf_finish(&b, out, NULL);
}

lithsm_err lithsm_recap_urn(char **out, const lithsm_recap *recap)
{
    char *json = NULL, *b64 = NULL;
    size_t len;
    lithsm_buf b;
    lithsm_err err;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no output");
    *out = NULL;
    err = lithsm_recap_json(&json, recap);
    if (err != LITHSM_OK)
        return err;
    len = strlen(json);
    err = lithsm_base64url_encode(&b64, (const uint8_t *)json, len);
    free(json);
    if (err != LITHSM_OK)
        return err;
    lithsm_buf_init(&b);
    lithsm_buf_puts(&b, LITHSM_RECAP_URN_PREFIX);
    lithsm_buf_puts(&b, b64);
    free(b64);
    return lithsm_buf_finish(&b, out, NULL);
}

/* ------------------------------------------------------------------------
 * Queries
 */

/* A node's check (lit-protocol.md 11.4): the key "<prefix>://" + "*" or the
 * exact key, holding "*" "/" "*" or the ability's own key.  Unlike the SDK's
 * verifyCapabilitiesForResource, the wildcard key does not hide the exact
 * one. */
int lithsm_recap_covers(const lithsm_recap *recap, const char *prefix,
                        const char *resource, lithsm_ability ability)
{
    const char *want_prefix = lithsm_ability_prefix(ability);
    const char *ability_key = lithsm_ability_recap_key(ability);
    const char *ids[2];
    lithsm_buf key;
    int i, found = 0;

    if (recap == NULL || prefix == NULL || resource == NULL ||
        want_prefix == NULL || strcmp(prefix, want_prefix) != 0)
        return 0;
    ids[0] = "*";
    ids[1] = resource;
    lithsm_buf_init(&key);
    for (i = 0; i < 2 && !found; i++) {
        json_object *abs;

        if (make_key(&key, prefix, ids[i]) != LITHSM_OK)
            break;
        if (json_object_object_get_ex(recap->att, key.data, &abs) &&
            (json_object_object_get_ex(abs, "*/*", NULL) ||
             json_object_object_get_ex(abs, ability_key, NULL)))
            found = 1;
    }
    lithsm_buf_free(&key);
    return found;
}

lithsm_err lithsm_recap_restrictions(char **out, const lithsm_recap *recap,
                                     const char *resource_key,
                                     const char *ability_key)
{
    json_object *abs, *list, *first;
    lithsm_buf b;
    lithsm_err err;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no output");
    *out = NULL;
    if (recap == NULL || resource_key == NULL || ability_key == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "ReCap: missing ReCap, resource or ability");
    if (!json_object_object_get_ex(recap->att, resource_key, &abs) ||
        !json_object_object_get_ex(abs, ability_key, &list) ||
        json_object_array_length(list) == 0)
        return LITHSM_OK;
    first = json_object_array_get_idx(list, 0);
    lithsm_buf_init(&b);
    err = lithsm_js_write_sorted(&b, first);
    if (err != LITHSM_OK) {
        lithsm_buf_free(&b);
        return err;
    }
    return lithsm_buf_finish(&b, out, NULL);
}
