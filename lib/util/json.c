/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * json.c - strict, bounded parsing of untrusted JSON with json-c.
 */
#include <string.h>

#include <json-c/json.h>

#include "util/util.h"

/* Deep enough for any Lit message (a SessionSig nests 6 levels), shallow
 * enough that hostile nesting cannot exhaust the stack. */
#define LITHSM_JSON_DEPTH 64

int lithsm_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        unsigned char c = p[i];
        size_t k, len;
        uint32_t cp;

        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i < len)
            return 0;
        for (k = 1; k < len; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += len;
    }
    return 1;
}

/* json-c is more lenient than RFC 8259 even in strict mode: it takes
 * 'single-quoted' strings, raw control characters inside strings and
 * numbers such as "1." or "-.5", and it cuts
 * object keys at an escaped NUL.  One pass over the text refuses those
 * before json-c sees it; json-c checks everything else.  Returns the offset
 * of the first offending byte, or len when the text is acceptable. */
static size_t lexical_problem(const char *s, size_t n, int nul_values,
                              const char **why)
{
    size_t i = 0, nul = n, j;

    while (i < n) {
        char c = s[i];

        if (c == '"') {
            for (i++; i < n && s[i] != '"'; i++) {
                if ((unsigned char)s[i] < 0x20) {
                    *why = "a control character inside a string (RFC 8259 "
                           "wants it escaped)";
                    return i;
                }
                if (s[i] != '\\')
                    continue;
                if (nul == n && i + 5 < n && s[i + 1] == 'u' &&
                    memcmp(s + i + 2, "0000", 4) == 0)
                    nul = i;
                i++; /* skip the escaped character */
            }
            i++;
            for (j = i; j < n && strchr(" \t\r\n", s[j]) != NULL; j++)
                ;
            if (nul != n && (!nul_values || (j < n && s[j] == ':'))) {
                *why = nul_values ? "an escaped NUL character (\\u0000) in "
                                    "a member name"
                                  : "an escaped NUL character (\\u0000)";
                return nul;
            }
            nul = n;
        } else if (c == '\'') {
            *why = "a single-quoted string";
            return i;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t start = i;

            /* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
            if (s[i] == '-')
                i++;
            if (i < n && s[i] == '0')
                i++;
            else if (i < n && s[i] >= '1' && s[i] <= '9')
                while (i < n && s[i] >= '0' && s[i] <= '9')
                    i++;
            else
                goto bad_number;
            if (i < n && s[i] == '.') {
                if (++i >= n || s[i] < '0' || s[i] > '9')
                    goto bad_number;
                while (i < n && s[i] >= '0' && s[i] <= '9')
                    i++;
            }
            if (i < n && (s[i] == 'e' || s[i] == 'E')) {
                if (++i < n && (s[i] == '+' || s[i] == '-'))
                    i++;
                if (i >= n || s[i] < '0' || s[i] > '9')
                    goto bad_number;
                while (i < n && s[i] >= '0' && s[i] <= '9')
                    i++;
            }
            if (i < n && strchr("0123456789.eE+-", s[i]) != NULL && s[i])
                goto bad_number;
            continue;
        bad_number:
            *why = "a malformed number";
            return start;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            /* Only the three literals; json-c also takes NaN, Infinity. */
            static const char *const words[] = { "true", "false", "null" };
            size_t w, len = 0;

            while (i + len < n && ((s[i + len] >= 'a' && s[i + len] <= 'z') ||
                                   (s[i + len] >= 'A' && s[i + len] <= 'Z')))
                len++;
            for (w = 0; w < 3; w++)
                if (len == strlen(words[w]) &&
                    memcmp(s + i, words[w], len) == 0)
                    break;
            if (w == 3) {
                *why = "a bare word (only true, false and null are JSON)";
                return i;
            }
            i += len;
        } else {
            i++;
        }
    }
    return n;
}

/* Integers beyond 2^53 cannot be exact in JavaScript, and json-c clamps
 * those beyond 64 bits: neither could be signed or re-sent faithfully. */
static int numbers_exact(const json_object *v)
{
    const int64_t limit = (int64_t)1 << 53;
    size_t i, n;

    switch (json_object_get_type(v)) {
    case json_type_int: {
        int64_t x = json_object_get_int64(v);

        return x <= limit && x >= -limit;
    }
    case json_type_array:
        n = json_object_array_length(v);
        for (i = 0; i < n; i++)
            if (!numbers_exact(json_object_array_get_idx(v, i)))
                return 0;
        return 1;
    case json_type_object: {
        json_object_object_foreach((json_object *)v, key, val)
        {
            (void)key;
            if (!numbers_exact(val))
                return 0;
        }
        return 1;
    }
    default:
        return 1;
    }
}

lithsm_err lithsm_json_parse(json_object **out, const char *text, size_t len,
                             const char *what)
{
    return lithsm_json_parse_nul(out, text, len, 0, what);
}

lithsm_err lithsm_json_parse_nul(json_object **out, const char *text,
                                 size_t len, int nul_values, const char *what)
{
    json_tokener *tok;
    json_object *obj;
    enum json_tokener_error jerr;
    const char *why = NULL;
    size_t used;

    *out = NULL;
    if (text == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "%s: no JSON text", what);
    if (len > LITHSM_MAX_INPUT)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "%s: JSON text of %zu bytes is larger than the "
                           "%u-byte limit",
                           what, len, LITHSM_MAX_INPUT);
    if (!lithsm_utf8_valid(text, len))
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: JSON text is not valid UTF-8",
                           what);
    if (memchr(text, '\0', len) != NULL)
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: JSON text holds a NUL byte",
                           what);
    used = lexical_problem(text, len, nul_values, &why);
    if (used != len)
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: invalid JSON at byte %zu: %s",
                           what, used, why);
    tok = json_tokener_new_ex(LITHSM_JSON_DEPTH);
    if (tok == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "%s: out of memory", what);
    /* UTF-8 is checked above, more strictly than json-c's own check. */
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    obj = json_tokener_parse_ex(tok, text, (int)len);
    jerr = json_tokener_get_error(tok);
    used = json_tokener_get_parse_end(tok);
    if (obj == NULL && jerr == json_tokener_continue) {
        /* A bare number needs a terminator to complete: feed a space.  If
         * that does not complete the value, the text was cut short. */
        obj = json_tokener_parse_ex(tok, " ", 1);
        if (obj != NULL) {
            used = len;
            jerr = json_tokener_success;
        }
    }
    json_tokener_free(tok);
    if (obj == NULL || jerr != json_tokener_success) {
        json_object_put(obj);
        if (jerr == json_tokener_continue)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "%s: JSON text ends early (truncated)", what);
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: invalid JSON at byte %zu: %s",
                           what, used, json_tokener_error_desc(jerr));
    }
    /* Only whitespace may follow the value. */
    while (used < len && strchr(" \t\r\n", text[used]) != NULL)
        used++;
    if (used != len) {
        json_object_put(obj);
        return lithsm_fail(
            LITHSM_ERR_PARSE,
            "%s: unexpected data after the JSON value at byte %zu", what, used);
    }
    if (!numbers_exact(obj)) {
        json_object_put(obj);
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "%s: an integer is beyond 2^53 and cannot be kept "
                           "exact",
                           what);
    }
    *out = obj;
    return LITHSM_OK;
}

const char *lithsm_json_get_str(const json_object *obj, const char *key)
{
    json_object *v;

    if (!json_object_is_type(obj, json_type_object) ||
        !json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_string)) {
        lithsm_fail(LITHSM_ERR_PARSE, "field \"%s\" is missing or not a string",
                    key);
        return NULL;
    }
    return json_object_get_string(v);
}
