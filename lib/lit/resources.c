/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * resources.c - Lit abilities, resource keys and resource-ability requests.
 *
 * The ability table and the PKP id rule follow the JS SDK 7.4.0
 * (auth-helpers recap/utils.ts, resources.ts, utils.ts formatPKPResource);
 * see lit-protocol.md section 4.1.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lit/lit.h"

#define PREFIX_ACC "lit-accesscontrolcondition"
#define PREFIX_PKP "lit-pkp"
#define PREFIX_ACTION "lit-litaction"
#define PREFIX_RLI "lit-ratelimitincrease"

/* A PKP token id is a uint256: at most 64 hex digits. */
#define PKP_ID_LEN 64

static const struct ability_info {
    const char *name;
    const char *prefix;
    const char *recap_key;
} ability_table[] = {
    { "access-control-condition-decryption", PREFIX_ACC,
      "Threshold/Decryption" },
    { "access-control-condition-signing", PREFIX_ACC, "Threshold/Signing" },
    { "pkp-signing", PREFIX_PKP, "Threshold/Signing" },
    { "lit-action-execution", PREFIX_ACTION, "Threshold/Execution" },
    { "rate-limit-increase-auth", PREFIX_RLI, "Auth/Auth" },
};

#define N_ABILITIES (sizeof(ability_table) / sizeof(ability_table[0]))

#define VALID_ABILITIES                                                       \
    "access-control-condition-decryption, access-control-condition-signing, " \
    "pkp-signing, lit-action-execution, rate-limit-increase-auth"

#define VALID_PREFIXES                                     \
    "lit-accesscontrolcondition, lit-pkp, lit-litaction, " \
    "lit-ratelimitincrease"

static const struct ability_info *ability_get(lithsm_ability ability)
{
    if ((unsigned)ability >= N_ABILITIES)
        return NULL;
    return &ability_table[ability];
}

const char *lithsm_ability_name(lithsm_ability ability)
{
    const struct ability_info *a = ability_get(ability);

    return a != NULL ? a->name : NULL;
}

const char *lithsm_ability_prefix(lithsm_ability ability)
{
    const struct ability_info *a = ability_get(ability);

    return a != NULL ? a->prefix : NULL;
}

const char *lithsm_ability_recap_key(lithsm_ability ability)
{
    const struct ability_info *a = ability_get(ability);

    return a != NULL ? a->recap_key : NULL;
}

lithsm_err lithsm_ability_from_name(lithsm_ability *out, const char *name)
{
    size_t i;

    if (out == NULL || name == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ability: no name given");
    for (i = 0; i < N_ABILITIES; i++) {
        if (strcmp(name, ability_table[i].name) == 0) {
            *out = (lithsm_ability)i;
            return LITHSM_OK;
        }
    }
    return lithsm_fail(
        LITHSM_ERR_PARSE,
        "unknown ability \"%.64s\"; valid abilities are: " VALID_ABILITIES,
        name);
}

int lithsm_ability_for_prefix(lithsm_ability *out, const char *prefix, size_t n)
{
    size_t i;

    for (i = 0; i < N_ABILITIES; i++) {
        const char *p = ability_table[i].prefix;

        if (strlen(p) == n && memcmp(p, prefix, n) == 0) {
            *out = (lithsm_ability)i;
            return 1;
        }
    }
    return 0;
}

/* The static prefix string for `p[0..n)`, or NULL if it is not a Lit one. */
static const char *known_prefix(const char *p, size_t n)
{
    lithsm_ability a;

    return lithsm_ability_for_prefix(&a, p, n) ? ability_table[a].prefix : NULL;
}

static int is_hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
           (c >= 'A' && c <= 'F');
}

/* formatPKPResource: drop "0x"; more than 64 characters is an error; an
 * all-hex id (not "*") is left-padded with '0' to 64, keeping its case; any
 * other id is kept as it is. */
static lithsm_err pkp_normalize(char **out, const char *id, size_t n)
{
    size_t i;
    int hex = 1;
    char *s;

    *out = NULL;
    if (n >= 2 && id[0] == '0' && id[1] == 'x') {
        id += 2;
        n -= 2;
    }
    if (n > PKP_ID_LEN)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "resource: PKP token id has %zu characters, more "
                           "than the 64 hex digits of 32 bytes",
                           n);
    if (n == 0)
        return lithsm_fail(LITHSM_ERR_PARSE, "resource: PKP token id is empty");
    for (i = 0; i < n; i++) {
        if (!is_hex_digit(id[i]))
            hex = 0;
    }
    if (!hex) {
        /* "*" or a non-hex id: unchanged, as the SDK does. */
        s = malloc(n + 1);
        if (s == NULL)
            return lithsm_fail(LITHSM_ERR_NOMEM, "resource: out of memory");
        memcpy(s, id, n);
        s[n] = '\0';
    } else {
        s = malloc(PKP_ID_LEN + 1);
        if (s == NULL)
            return lithsm_fail(LITHSM_ERR_NOMEM, "resource: out of memory");
        memset(s, '0', PKP_ID_LEN - n);
        memcpy(s + PKP_ID_LEN - n, id, n);
        s[PKP_ID_LEN] = '\0';
    }
    *out = s;
    return LITHSM_OK;
}

/* Splits "<prefix>://<id>", checks both parts and returns the static prefix
 * and the normalized id (owned). */
static lithsm_err resource_key_parse(const char **prefix_out, char **id_out,
                                     const char *key)
{
    const char *sep, *id, *prefix;
    size_t i, n;

    *prefix_out = NULL;
    *id_out = NULL;
    n = strlen(key);
    if (n > LITHSM_MAX_INPUT)
        return lithsm_fail(LITHSM_ERR_RANGE, "resource: key is too long");
    sep = strstr(key, "://");
    if (sep == NULL)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "resource: key \"%.64s\" is not <prefix>://<id>",
                           key);
    prefix = known_prefix(key, (size_t)(sep - key));
    if (prefix == NULL)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "resource: unknown prefix \"%.*s\"; valid prefixes "
                           "are: " VALID_PREFIXES,
                           (int)((sep - key) > 64 ? 64 : (sep - key)), key);
    id = sep + 3;
    n = strlen(id);
    if (n == 0)
        return lithsm_fail(LITHSM_ERR_PARSE, "resource: empty id after %s://",
                           prefix);
    if (!lithsm_utf8_valid(id, n))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "resource: id after %s:// is not valid UTF-8",
                           prefix);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)id[i];

        /* The id lands in a one-line SIWE statement. */
        if (c < 0x20 || c == 0x7f)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "resource: control character at position %zu "
                               "of the id after %s://",
                               i, prefix);
    }
    if (strcmp(prefix, PREFIX_PKP) == 0) {
        lithsm_err err = pkp_normalize(id_out, id, n);

        if (err != LITHSM_OK)
            return err;
    } else {
        *id_out = lithsm_strdup(id);
        if (*id_out == NULL)
            return lithsm_fail(LITHSM_ERR_NOMEM, "resource: out of memory");
    }
    *prefix_out = prefix;
    return LITHSM_OK;
}

/* ------------------------------------------------------------------------
 * Requests
 */
struct request {
    lithsm_ability ability;
    const char *prefix; /* static */
    char *resource;     /* normalized id */
    char *data_json;    /* compact JSON in the caller's key order, or NULL */
};

struct lithsm_requests {
    struct request *items;
    size_t n;
    size_t cap;
};

lithsm_err lithsm_requests_new(lithsm_requests **out)
{
    lithsm_requests *r;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "requests: no output");
    r = calloc(1, sizeof(*r));
    *out = r;
    if (r == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "requests: out of memory");
    return LITHSM_OK;
}

void lithsm_requests_free(lithsm_requests *reqs)
{
    size_t i;

    if (reqs == NULL)
        return;
    for (i = 0; i < reqs->n; i++) {
        free(reqs->items[i].resource);
        free(reqs->items[i].data_json);
    }
    free(reqs->items);
    free(reqs);
}

lithsm_err lithsm_lit_json_parse_as(json_object **out, const char *text,
                                    size_t len, const char *what,
                                    json_type type, const char *type_error)
{
    lithsm_err err = lithsm_json_parse(out, text, len, what);

    if (err != LITHSM_OK)
        return err;
    if (!json_object_is_type(*out, type)) {
        json_object_put(*out);
        *out = NULL;
        return lithsm_fail(LITHSM_ERR_PARSE, "%s", type_error);
    }
    return LITHSM_OK;
}

/* Parses the nota-bene object and writes it back compact, key order kept. */
static lithsm_err data_normalize(char **out, const char *data_json)
{
    json_object *obj = NULL;
    lithsm_buf b;
    lithsm_err err;

    *out = NULL;
    err = lithsm_lit_json_parse_as(&obj, data_json, strlen(data_json),
                                   "request data", json_type_object,
                                   "request data: must be a JSON object");
    if (err != LITHSM_OK)
        return err;
    lithsm_buf_init(&b);
    lithsm_buf_json_value(&b, obj);
    json_object_put(obj);
    return lithsm_buf_finish(&b, out, NULL);
}

lithsm_err lithsm_requests_add(lithsm_requests *reqs, const char *resource_key,
                               const char *ability_name, const char *data_json)
{
    struct request r = { 0 };
    lithsm_ability ability;
    const char *want;
    lithsm_err err;

    if (reqs == NULL || resource_key == NULL || ability_name == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "requests: missing list, resource or ability");
    err = lithsm_ability_from_name(&ability, ability_name);
    if (err != LITHSM_OK)
        return err;
    err = resource_key_parse(&r.prefix, &r.resource, resource_key);
    if (err != LITHSM_OK)
        return err;
    want = lithsm_ability_prefix(ability);
    if (strcmp(r.prefix, want) != 0) {
        err = lithsm_fail(LITHSM_ERR_PARSE,
                          "request: ability %s needs a %s:// resource, not "
                          "%s://",
                          ability_name, want, r.prefix);
        goto fail;
    }
    r.ability = ability;
    if (data_json != NULL) {
        err = data_normalize(&r.data_json, data_json);
        if (err != LITHSM_OK)
            goto fail;
    }
    if (reqs->n == reqs->cap) {
        size_t cap = reqs->cap ? reqs->cap * 2 : 4;
        struct request *items;

        if (cap > SIZE_MAX / sizeof(*items)) {
            err = lithsm_fail(LITHSM_ERR_NOMEM, "requests: too many");
            goto fail;
        }
        items = realloc(reqs->items, cap * sizeof(*items));
        if (items == NULL) {
            err = lithsm_fail(LITHSM_ERR_NOMEM, "requests: out of memory");
            goto fail;
        }
        reqs->items = items;
        reqs->cap = cap;
    }
    reqs->items[reqs->n++] = r;
    return LITHSM_OK;

fail:
    free(r.resource);
    free(r.data_json);
    return err;
}

size_t lithsm_requests_count(const lithsm_requests *reqs)
{
    return reqs != NULL ? reqs->n : 0;
}

lithsm_err lithsm_requests_get(const lithsm_requests *reqs, size_t i,
                               lithsm_ability *ability, const char **prefix,
                               const char **resource, const char **data_json)
{
    const struct request *r;

    if (reqs == NULL || i >= reqs->n)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "requests: index %zu out of range", i);
    r = &reqs->items[i];
    if (ability != NULL)
        *ability = r->ability;
    if (prefix != NULL)
        *prefix = r->prefix;
    if (resource != NULL)
        *resource = r->resource;
    if (data_json != NULL)
        *data_json = r->data_json;
    return LITHSM_OK;
}
