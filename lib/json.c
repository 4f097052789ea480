/*
 * json.c - strict, bounded parsing of untrusted JSON with json-c.
 */
#include <string.h>

#include "internal.h"

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

/* json-c accepts 'single-quoted' strings even in strict mode; RFC 8259 and
 * the Lit nodes do not.  A quote outside a double-quoted string is refused. */
static int single_quote_free(const char *s, size_t n)
{
    size_t i;
    int in_string = 0;

    for (i = 0; i < n; i++) {
        if (in_string) {
            if (s[i] == '\\')
                i++;
            else if (s[i] == '"')
                in_string = 0;
        } else if (s[i] == '"') {
            in_string = 1;
        } else if (s[i] == '\'') {
            return 0;
        }
    }
    return 1;
}

lithsm_err lithsm_json_parse(json_object **out, const char *text, size_t len,
                             const char *what)
{
    json_tokener *tok;
    json_object *obj;
    enum json_tokener_error jerr;
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
    if (!single_quote_free(text, len))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: single-quoted strings are not JSON", what);
    tok = json_tokener_new_ex(LITHSM_JSON_DEPTH);
    if (tok == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "%s: out of memory", what);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
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
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: unexpected data after the JSON value at byte %zu",
                           what, used);
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
