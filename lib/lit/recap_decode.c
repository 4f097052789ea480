/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * recap_decode.c - strict decoding of "urn:recap:<base64url>" as
 * siwe-recap 0.0.2-alpha.0 decode_urn() accepts it: an object of exactly
 * "att" and "prf", valid ability keys, nota-bene objects, and keys sorted
 * as siwe-recap's encoder writes them (lit-protocol.md section 4.4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lit/lit.h"

/* siwe-recap isSorted(): every object's keys, as JavaScript lists them
 * (array indices first), equal their sorted order.  We also require the
 * text order itself to be sorted, which siwe-recap's encoder always gives. */
static lithsm_err check_sorted(json_object *v)
{
    const char *prev = NULL;
    int seen_other = 0, seen_index = 0;
    uint32_t last = 0, idx;
    size_t i, n;
    lithsm_err err;

    if (json_object_is_type(v, json_type_array)) {
        n = json_object_array_length(v);
        for (i = 0; i < n; i++) {
            err = check_sorted(json_object_array_get_idx(v, i));
            if (err != LITHSM_OK)
                return err;
        }
        return LITHSM_OK;
    }
    if (!json_object_is_type(v, json_type_object))
        return LITHSM_OK;
    json_object_object_foreach(v, key, val)
    {
        if (prev != NULL && lithsm_js_strcmp(prev, key) >= 0)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "ReCap: keys in att are not sorted: "
                               "\"%.64s\" after \"%.64s\"",
                               key, prev);
        if (lithsm_js_array_index(key, &idx)) {
            /* JavaScript would list this key first: not sorted for it. */
            if (seen_other || (seen_index && idx <= last))
                return lithsm_fail(LITHSM_ERR_PARSE,
                                   "ReCap: keys in att are not sorted as "
                                   "JavaScript lists them (numeric key "
                                   "\"%.64s\")",
                                   key);
            seen_index = 1;
            last = idx;
        } else {
            seen_other = 1;
        }
        err = check_sorted(val);
        if (err != LITHSM_OK)
            return err;
        prev = key;
    }
    return LITHSM_OK;
}

/* siwe-recap's ability regex: ^[a-zA-Z0-9.*_+-]+\/[a-zA-Z0-9.*_+-]+$ */
static int ability_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '*' || c == '_' ||
           c == '+' || c == '-';
}

static int valid_ability_key(const char *s)
{
    size_t i = 0, ns;

    while (ability_char(s[i]))
        i++;
    ns = i;
    if (ns == 0 || s[i] != '/')
        return 0;
    i++;
    while (ability_char(s[i]))
        i++;
    return i > ns + 1 && s[i] == '\0';
}

/* json-c keeps keys as C strings, so a "\u0000" would silently cut one;
 * JavaScript would keep it.  Refuse the escape anywhere. */
static int has_nul_escape(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i + 1 < n; i++) {
        if (s[i] != '\\')
            continue;
        if (s[i + 1] == 'u' && n - i >= 6 && memcmp(s + i + 2, "0000", 4) == 0)
            return 1;
        i++; /* skip the escaped character */
    }
    return 0;
}

static lithsm_err check_att(json_object *att)
{
    size_t i, n;

    if (!json_object_is_type(att, json_type_object))
        return lithsm_fail(LITHSM_ERR_PARSE, "ReCap: \"att\" is not an object");
    json_object_object_foreach(att, resource, abilities)
    {
        if (strchr(resource, ':') == NULL)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "ReCap: att key \"%.64s\" is not a URI",
                               resource);
        if (!json_object_is_type(abilities, json_type_object))
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "ReCap: att[\"%.64s\"] is not an object",
                               resource);
        json_object_object_foreach(abilities, ability, list)
        {
            if (!valid_ability_key(ability))
                return lithsm_fail(LITHSM_ERR_PARSE,
                                   "ReCap: invalid ability \"%.64s\" on "
                                   "\"%.64s\" (want namespace/name)",
                                   ability, resource);
            if (!json_object_is_type(list, json_type_array))
                return lithsm_fail(LITHSM_ERR_PARSE,
                                   "ReCap: nota-bene list of %.64s on "
                                   "\"%.64s\" is not an array",
                                   ability, resource);
            n = json_object_array_length(list);
            for (i = 0; i < n; i++) {
                if (!json_object_is_type(json_object_array_get_idx(list, i),
                                         json_type_object))
                    return lithsm_fail(LITHSM_ERR_PARSE,
                                       "ReCap: restriction %zu of %.64s on "
                                       "\"%.64s\" is not an object",
                                       i, ability, resource);
            }
        }
    }
    return check_sorted(att);
}

static lithsm_err check_prf(json_object *prf)
{
    size_t i, n;

    if (!json_object_is_type(prf, json_type_array))
        return lithsm_fail(LITHSM_ERR_PARSE, "ReCap: \"prf\" is not an array");
    n = json_object_array_length(prf);
    for (i = 0; i < n; i++) {
        if (!json_object_is_type(json_object_array_get_idx(prf, i),
                                 json_type_string))
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "ReCap: prf[%zu] is not a string", i);
    }
    return LITHSM_OK;
}

/* The JSON text of a ReCap URN (owned). */
static lithsm_err urn_payload(uint8_t **text, size_t *text_len, const char *urn)
{
    size_t n = strlen(urn);
    lithsm_err err;

    if (n > LITHSM_MAX_INPUT)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "ReCap: URN of %zu bytes is larger than the "
                           "%u-byte limit",
                           n, LITHSM_MAX_INPUT);
    if (strncmp(urn, LITHSM_RECAP_URN_PREFIX, LITHSM_RECAP_URN_PREFIX_LEN) != 0)
        return lithsm_fail(
            LITHSM_ERR_PARSE,
            "ReCap: resource does not start with \"urn:recap:\"");
    /* siwe-recap's decoder (multiformats base64url) drops any number of
     * trailing '=' before decoding; so do we. */
    while (n > LITHSM_RECAP_URN_PREFIX_LEN && urn[n - 1] == '=')
        n--;
    err = lithsm_base64url_decode(text, text_len,
                                  urn + LITHSM_RECAP_URN_PREFIX_LEN,
                                  n - LITHSM_RECAP_URN_PREFIX_LEN);
    if (err != LITHSM_OK) {
        char why[128];

        /* Copied: the detail buffer is also the destination. */
        snprintf(why, sizeof(why), "%s", lithsm_last_error());
        return lithsm_fail(err, "ReCap: payload is not base64url: %s", why);
    }
    return LITHSM_OK;
}

/* "att" and "prf" of the top object (borrowed), checked. */
static lithsm_err top_members(json_object **att, json_object **prf,
                              json_object *top)
{
    lithsm_err err;

    /* Exactly "att" and "prf", in either order (siwe-recap checks order only
     * inside att). */
    json_object_object_foreach(top, key, val)
    {
        (void)val;
        if (strcmp(key, "att") != 0 && strcmp(key, "prf") != 0)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "ReCap: unknown member \"%.64s\"", key);
    }
    if (!json_object_object_get_ex(top, "att", att))
        return lithsm_fail(LITHSM_ERR_PARSE, "ReCap: \"att\" is missing");
    if (!json_object_object_get_ex(top, "prf", prf))
        return lithsm_fail(LITHSM_ERR_PARSE, "ReCap: \"prf\" is missing");
    err = check_att(*att);
    if (err == LITHSM_OK)
        err = check_prf(*prf);
    return err;
}

lithsm_err lithsm_recap_decode(lithsm_recap **out, const char *urn)
{
    uint8_t *text = NULL;
    size_t text_len;
    json_object *top = NULL, *att = NULL, *prf = NULL;
    lithsm_recap *r;
    lithsm_err err;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no output");
    *out = NULL;
    if (urn == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no URN");
    err = urn_payload(&text, &text_len, urn);
    if (err != LITHSM_OK)
        return err;
    if (has_nul_escape((const char *)text, text_len))
        err = lithsm_fail(LITHSM_ERR_PARSE, "ReCap: JSON holds \\u0000");
    else
        err = lithsm_lit_json_parse_as(&top, (const char *)text, text_len,
                                       "ReCap", json_type_object,
                                       "ReCap: JSON is not an object");
    if (err == LITHSM_OK)
        err = top_members(&att, &prf, top);
    if (err != LITHSM_OK)
        goto done;
    r = calloc(1, sizeof(*r));
    if (r == NULL) {
        err = lithsm_fail(LITHSM_ERR_NOMEM, "ReCap: out of memory");
        goto done;
    }
    r->att = json_object_get(att);
    r->prf = json_object_get(prf);
    *out = r;

done:
    json_object_put(top);
    free(text);
    return err;
}
