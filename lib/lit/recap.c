/*
 * recap.c - ReCap (EIP-5573) capability objects as siwe-recap 0.0.2-alpha.0
 * and the Lit JS SDK 7.4.0 build, encode, decode and describe them
 * (lit-protocol.md sections 4.2-4.4 and 11.4).
 *
 * A ReCap is held as two json-c values: "att" (resource URI -> "ns/name" ->
 * list of nota-bene objects) and "prf" (a list of strings).  Keys are kept in
 * insertion order and sorted only when written, the way siwe-recap's
 * canonicalize() does.
 *
 * Key order is JavaScript's default sort: UTF-16 code units, which is byte
 * order for UTF-8 except that characters above U+FFFF sort before
 * U+E000..U+FFFF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util/util.h"

#define URN_PREFIX "urn:recap:"
#define URN_PREFIX_LEN (sizeof(URN_PREFIX) - 1)
#define STATEMENT_HEAD                                                     \
    "I further authorize the stated URI to perform the following actions " \
    "on my behalf: "

struct lithsm_recap {
    json_object *att;
    json_object *prf;
};

/* ------------------------------------------------------------------------
 * Key order
 */

/* Decodes the UTF-8 code point starting at s (valid UTF-8 assumed; json-c
 * and lithsm_json_parse have checked it). */
static uint32_t utf8_cp(const unsigned char *s)
{
    if (s[0] < 0x80)
        return s[0];
    if (s[0] < 0xe0)
        return (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
    if (s[0] < 0xf0)
        return (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 |
               (s[2] & 0x3f);
    return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
           (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
}

/* The first UTF-16 code unit of a code point. */
static uint32_t utf16_lead(uint32_t cp)
{
    return cp < 0x10000 ? cp : 0xd800 + ((cp - 0x10000) >> 10);
}

/* strcmp in JavaScript's order (UTF-16 code units). */
static int js_strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;
    size_t i = 0, start;
    uint32_t ca, cb;

    while (x[i] != '\0' && x[i] == y[i])
        i++;
    if (x[i] == y[i])
        return 0;
    if (x[i] == '\0')
        return -1;
    if (y[i] == '\0')
        return 1;
    /* Back up to the first byte of the code point that differs. */
    start = i;
    while (start > 0 && (x[start] & 0xc0) == 0x80)
        start--;
    ca = utf8_cp(x + start);
    cb = utf8_cp(y + start);
    /* Only a BMP character against an astral one can order differently
     * in UTF-16; the lead surrogate never equals a valid BMP character. */
    if ((ca < 0x10000) != (cb < 0x10000)) {
        ca = utf16_lead(ca);
        cb = utf16_lead(cb);
    }
    return ca < cb ? -1 : 1;
}

static int js_keycmp(const void *a, const void *b)
{
    return js_strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 if `s` is an array index ("0", "1", ... "4294967294"), which a
 * JavaScript object lists before its other keys, in numeric order. */
static int array_index(const char *s, uint32_t *val)
{
    uint64_t v = 0;
    size_t i;

    if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
        return 0;
    for (i = 0; s[i] != '\0'; i++) {
        if (s[i] < '0' || s[i] > '9' || i >= 10)
            return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > 4294967294u)
        return 0;
    *val = (uint32_t)v;
    return 1;
}

/* The keys of `obj` in JavaScript sort order (borrowed strings).  *keys is
 * NULL for an empty object; the caller frees the array. */
static lithsm_err sorted_keys(const char ***keys_out, size_t *n_out,
                              json_object *obj)
{
    size_t n = (size_t)json_object_object_length(obj), i = 0;
    const char **keys;

    *keys_out = NULL;
    *n_out = 0;
    if (n == 0)
        return LITHSM_OK;
    keys = malloc(n * sizeof(*keys));
    if (keys == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "ReCap: out of memory");
    json_object_object_foreach(obj, key, val)
    {
        (void)val;
        keys[i++] = key;
    }
    qsort(keys, n, sizeof(*keys), js_keycmp);
    *keys_out = keys;
    *n_out = n;
    return LITHSM_OK;
}

/* Writes `v` compact with the keys of every object sorted
 * (siwe-recap's canonicalize()). */
static lithsm_err write_sorted(lithsm_buf *b, json_object *v)
{
    const char **keys;
    size_t i, n;
    lithsm_err err;

    if (json_object_is_type(v, json_type_array)) {
        n = json_object_array_length(v);
        lithsm_buf_putc(b, '[');
        for (i = 0; i < n; i++) {
            if (i > 0)
                lithsm_buf_putc(b, ',');
            err = write_sorted(b, json_object_array_get_idx(v, i));
            if (err != LITHSM_OK)
                return err;
        }
        lithsm_buf_putc(b, ']');
        return LITHSM_OK;
    }
    if (!json_object_is_type(v, json_type_object)) {
        lithsm_buf_json_value(b, v);
        return LITHSM_OK;
    }
    err = sorted_keys(&keys, &n, v);
    if (err != LITHSM_OK)
        return err;
    lithsm_buf_putc(b, '{');
    for (i = 0; i < n; i++) {
        if (i > 0)
            lithsm_buf_putc(b, ',');
        lithsm_buf_json_str(b, keys[i], strlen(keys[i]));
        lithsm_buf_putc(b, ':');
        err = write_sorted(b, json_object_object_get(v, keys[i]));
        if (err != LITHSM_OK)
            break;
    }
    lithsm_buf_putc(b, '}');
    free(keys);
    return err;
}

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
        if (prev != NULL && js_strcmp(prev, key) >= 0)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "ReCap: keys in att are not sorted: "
                               "\"%.64s\" after \"%.64s\"",
                               key, prev);
        if (array_index(key, &idx)) {
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

/* The SDK's createSiweMessageWithRecaps adds one request at a time, each
 * through add_to_siwe_message, so requests meet siwe-recap's merge(). */
lithsm_err lithsm_recap_from_requests(lithsm_recap **out,
                                      const lithsm_requests *reqs)
{
    lithsm_recap *r = NULL;
    lithsm_buf key;
    size_t i, n;
    lithsm_err err;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no output");
    *out = NULL;
    if (reqs == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no requests");
    lithsm_buf_init(&key);
    err = recap_new(&r);
    if (err != LITHSM_OK)
        return err;
    n = lithsm_requests_count(reqs);
    for (i = 0; i < n; i++) {
        lithsm_ability ability;
        const char *prefix, *resource, *data;
        json_object *restriction = NULL;

        err = lithsm_requests_get(reqs, i, &ability, &prefix, &resource, &data);
        if (err != LITHSM_OK)
            goto fail;
        err = make_key(&key, prefix, resource);
        if (err != LITHSM_OK)
            goto fail;
        if (data != NULL) {
            err = lithsm_json_parse(&restriction, data, strlen(data),
                                    "request data");
            if (err != LITHSM_OK)
                goto fail;
        } else {
            restriction = json_object_new_object();
            if (restriction == NULL) {
                err = lithsm_fail(LITHSM_ERR_NOMEM, "ReCap: out of memory");
                goto fail;
            }
        }
        err = att_add(r->att, key.data, lithsm_ability_recap_key(ability),
                      restriction, 1);
        if (err != LITHSM_OK)
            goto fail;
    }
    lithsm_buf_free(&key);
    *out = r;
    return LITHSM_OK;

fail:
    lithsm_buf_free(&key);
    lithsm_recap_free(r);
    return err;
}

/* A Lit ability whose resource prefix is `prefix[0..n)`, so resource keys
 * are parsed and normalized exactly as for requests. */
static int ability_for_prefix(lithsm_ability *out, const char *prefix, size_t n)
{
    int i;

    for (i = 0; i <= (int)LITHSM_ABILITY_RATE_LIMIT_INCREASE_AUTH; i++) {
        const char *p = lithsm_ability_prefix((lithsm_ability)i);

        if (strlen(p) == n && memcmp(p, prefix, n) == 0) {
            *out = (lithsm_ability)i;
            return 1;
        }
    }
    return 0;
}

/* The SDK's addAllCapabilitiesForResource: addAttenuation(key, '*', '*'),
 * which appends, so a repeated key gets [{}, {}]. */
lithsm_err lithsm_recap_all_abilities(lithsm_recap **out,
                                      const char *const *resource_keys,
                                      size_t n_keys)
{
    lithsm_requests *tmp = NULL;
    lithsm_recap *r = NULL;
    lithsm_buf key;
    size_t i;
    lithsm_err err;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no output");
    *out = NULL;
    if (resource_keys == NULL && n_keys > 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no resource keys");
    lithsm_buf_init(&key);
    err = lithsm_requests_new(&tmp);
    if (err != LITHSM_OK)
        return err;
    for (i = 0; i < n_keys; i++) {
        const char *k = resource_keys[i], *sep;
        lithsm_ability ability;

        if (k == NULL || (sep = strstr(k, "://")) == NULL ||
            !ability_for_prefix(&ability, k, (size_t)(sep - k))) {
            err = lithsm_fail(LITHSM_ERR_PARSE,
                              "ReCap: resource key %zu is not "
                              "<lit prefix>://<id>",
                              i);
            goto fail;
        }
        err = lithsm_requests_add(tmp, k, lithsm_ability_name(ability), NULL);
        if (err != LITHSM_OK)
            goto fail;
    }
    err = recap_new(&r);
    if (err != LITHSM_OK)
        goto fail;
    for (i = 0; i < n_keys; i++) {
        const char *prefix, *resource;
        json_object *restriction;

        err = lithsm_requests_get(tmp, i, NULL, &prefix, &resource, NULL);
        if (err == LITHSM_OK)
            err = make_key(&key, prefix, resource);
        if (err != LITHSM_OK)
            goto fail;
        restriction = json_object_new_object();
        if (restriction == NULL) {
            err = lithsm_fail(LITHSM_ERR_NOMEM, "ReCap: out of memory");
            goto fail;
        }
        err = att_add(r->att, key.data, "*/*", restriction, 0);
        if (err != LITHSM_OK)
            goto fail;
    }
    lithsm_buf_free(&key);
    lithsm_requests_free(tmp);
    *out = r;
    return LITHSM_OK;

fail:
    lithsm_buf_free(&key);
    lithsm_requests_free(tmp);
    lithsm_recap_free(r);
    return err;
}

/* ------------------------------------------------------------------------
 * Decoding
 */

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

lithsm_err lithsm_recap_decode(lithsm_recap **out, const char *urn)
{
    uint8_t *text = NULL;
    size_t text_len, n;
    json_object *top = NULL, *att = NULL, *prf = NULL;
    lithsm_recap *r;
    lithsm_err err;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no output");
    *out = NULL;
    if (urn == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no URN");
    n = strlen(urn);
    if (n > LITHSM_MAX_INPUT)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "ReCap: URN of %zu bytes is larger than the "
                           "%u-byte limit",
                           n, LITHSM_MAX_INPUT);
    if (strncmp(urn, URN_PREFIX, URN_PREFIX_LEN) != 0)
        return lithsm_fail(
            LITHSM_ERR_PARSE,
            "ReCap: resource does not start with \"urn:recap:\"");
    /* siwe-recap's decoder (multiformats base64url) drops any number of
     * trailing '=' before decoding; so do we. */
    while (n > URN_PREFIX_LEN && urn[n - 1] == '=')
        n--;
    err = lithsm_base64url_decode(&text, &text_len, urn + URN_PREFIX_LEN,
                                  n - URN_PREFIX_LEN);
    if (err != LITHSM_OK) {
        char why[128];

        /* Copied: the detail buffer is also the destination. */
        snprintf(why, sizeof(why), "%s", lithsm_last_error());
        return lithsm_fail(err, "ReCap: payload is not base64url: %s", why);
    }
    if (has_nul_escape((const char *)text, text_len)) {
        err = lithsm_fail(LITHSM_ERR_PARSE, "ReCap: JSON holds \\u0000");
        goto done;
    }
    err = lithsm_json_parse(&top, (const char *)text, text_len, "ReCap");
    if (err != LITHSM_OK)
        goto done;
    if (!json_object_is_type(top, json_type_object)) {
        err = lithsm_fail(LITHSM_ERR_PARSE, "ReCap: JSON is not an object");
        goto done;
    }
    /* Exactly "att" and "prf", in either order (siwe-recap checks order only
     * inside att). */
    json_object_object_foreach(top, key, val)
    {
        (void)val;
        if (strcmp(key, "att") != 0 && strcmp(key, "prf") != 0) {
            err = lithsm_fail(LITHSM_ERR_PARSE,
                              "ReCap: unknown member \"%.64s\"", key);
            goto done;
        }
    }
    if (!json_object_object_get_ex(top, "att", &att)) {
        err = lithsm_fail(LITHSM_ERR_PARSE, "ReCap: \"att\" is missing");
        goto done;
    }
    if (!json_object_object_get_ex(top, "prf", &prf)) {
        err = lithsm_fail(LITHSM_ERR_PARSE, "ReCap: \"prf\" is missing");
        goto done;
    }
    err = check_att(att);
    if (err == LITHSM_OK)
        err = check_prf(prf);
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

/* ------------------------------------------------------------------------
 * Output
 */
lithsm_err lithsm_recap_json(char **out, const lithsm_recap *recap)
{
    lithsm_buf b;
    lithsm_err err;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no output");
    *out = NULL;
    if (recap == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no ReCap");
    lithsm_buf_init(&b);
    lithsm_buf_puts(&b, "{\"att\":");
    err = write_sorted(&b, recap->att);
    if (err == LITHSM_OK) {
        lithsm_buf_puts(&b, ",\"prf\":");
        err = write_sorted(&b, recap->prf);
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
    lithsm_buf_puts(&b, URN_PREFIX);
    lithsm_buf_puts(&b, b64);
    free(b64);
    return lithsm_buf_finish(&b, out, NULL);
}

/* One "(n) 'ns': 'a', 'b' for 'resource'." section: a run of sorted
 * ability keys sharing a namespace. */
struct ns_run {
    const char *const *keys; /* first key of the run */
    size_t n_keys;
    size_t ns_len;
    int is_index;
    uint32_t index;
};

static int run_cmp(const void *a, const void *b)
{
    const struct ns_run *x = a, *y = b;

    /* Array-index namespaces first, by value (JavaScript object order);
     * the others keep their sorted order (qsort is not stable, so compare
     * their position). */
    if (x->is_index != y->is_index)
        return x->is_index ? -1 : 1;
    if (x->is_index)
        return x->index < y->index ? -1 : x->index > y->index;
    return x->keys < y->keys ? -1 : x->keys > y->keys;
}

/* Appends the sections for one resource; *section counts across them. */
static lithsm_err statement_resource(lithsm_buf *b, size_t *section,
                                     const char *resource, json_object *abs)
{
    const char **keys = NULL;
    struct ns_run *runs = NULL;
    size_t i, j, n, n_runs = 0;
    lithsm_err err;

    err = sorted_keys(&keys, &n, abs);
    if (err != LITHSM_OK || n == 0)
        return err;
    runs = calloc(n, sizeof(*runs));
    if (runs == NULL) {
        free(keys);
        return lithsm_fail(LITHSM_ERR_NOMEM, "ReCap: out of memory");
    }
    for (i = 0; i < n; i++) {
        const char *slash = strchr(keys[i], '/');
        size_t ns_len = slash ? (size_t)(slash - keys[i]) : strlen(keys[i]);
        struct ns_run *last = n_runs ? &runs[n_runs - 1] : NULL;

        if (last != NULL && last->ns_len == ns_len &&
            memcmp(last->keys[0], keys[i], ns_len) == 0) {
            last->n_keys++;
            continue;
        }
        last = &runs[n_runs++];
        last->keys = &keys[i];
        last->n_keys = 1;
        last->ns_len = ns_len;
        if (ns_len <= 10) {
            char tmp[11];

            memcpy(tmp, keys[i], ns_len);
            tmp[ns_len] = '\0';
            last->is_index = array_index(tmp, &last->index);
        }
    }
    qsort(runs, n_runs, sizeof(*runs), run_cmp);
    for (i = 0; i < n_runs; i++) {
        lithsm_buf_printf(b, "(%zu) '%.*s': ", (*section)++,
                          (int)runs[i].ns_len, runs[i].keys[0]);
        for (j = 0; j < runs[i].n_keys; j++) {
            const char *name = runs[i].keys[j] + runs[i].ns_len;
            const char *end;

            /* JavaScript's split('/')[1]: up to a second slash, if any. */
            if (*name == '/')
                name++;
            end = strchr(name, '/');
            if (end == NULL)
                end = name + strlen(name);
            lithsm_buf_printf(b, "%s'%.*s'", j ? ", " : "", (int)(end - name),
                              name);
        }
        lithsm_buf_printf(b, " for '%s'. ", resource);
    }
    free(runs);
    free(keys);
    return LITHSM_OK;
}

/* siwe-recap's Recap.statement: sorted resources, one numbered section per
 * (resource, namespace), then the trailing space removed. */
lithsm_err lithsm_recap_statement(char **out, const lithsm_recap *recap)
{
    const char **resources = NULL;
    size_t i, n, section = 1;
    lithsm_buf b;
    lithsm_err err;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no output");
    *out = NULL;
    if (recap == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "ReCap: no ReCap");
    err = sorted_keys(&resources, &n, recap->att);
    if (err != LITHSM_OK)
        return err;
    lithsm_buf_init(&b);
    lithsm_buf_puts(&b, STATEMENT_HEAD);
    for (i = 0; i < n && err == LITHSM_OK; i++)
        err = statement_resource(
            &b, &section, resources[i],
            json_object_object_get(recap->att, resources[i]));
    free(resources);
    if (err != LITHSM_OK) {
        lithsm_buf_free(&b);
        return err;
    }
    if (!b.failed && b.len > 0)
        b.data[--b.len] = '\0';
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
    err = write_sorted(&b, first);
    if (err != LITHSM_OK) {
        lithsm_buf_free(&b);
        return err;
    }
    return lithsm_buf_finish(&b, out, NULL);
}
