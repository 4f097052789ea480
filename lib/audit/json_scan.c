/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * json_scan.c - the JSON checker of audit records and trail lines.
 *
 * Not json-c: a record is kept as its caller wrote it (member order,
 * duplicate names, the exact text of numbers and strings), so the checker
 * reads the text itself and only drops the whitespace between tokens.  It
 * takes RFC 8259 as it is (numbers of any size, "\u0000" in strings) and
 * refuses what tools read differently: invalid UTF-8 and lone surrogate
 * escapes.  Nesting is bounded (LITHSM_AUDIT_DEPTH_MAX), so the recursion
 * is too.
 */
#include <string.h>

#include "audit/audit.h"

typedef struct scanner {
    const char *s;
    size_t n, i;
    lithsm_buf *out; /* the compact text, or NULL */
    audit_scan *scan;
    int depth;
} scanner;

static int scan_value(scanner *p);

static int fail(scanner *p, const char *why)
{
    p->scan->why = why;
    p->scan->bad_at = p->i;
    return 0;
}

static void skip_ws(scanner *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
                           p->s[p->i] == '\n' || p->s[p->i] == '\r'))
        p->i++;
}

static int at(const scanner *p, char c)
{
    return p->i < p->n && p->s[p->i] == c;
}

/* Copies the token s[from..i) to the compact text. */
static void emit(scanner *p, size_t from)
{
    if (p->out != NULL)
        lithsm_buf_add(p->out, p->s + from, p->i - from);
}

/* Takes the punctuation character c at i. */
static void take(scanner *p, char c)
{
    if (p->out != NULL)
        lithsm_buf_putc(p->out, c);
    p->i++;
}

static int hex4(const char *s, size_t n, unsigned *cp)
{
    size_t k;

    *cp = 0;
    if (n < 4)
        return 0;
    for (k = 0; k < 4; k++) {
        char c = s[k];
        unsigned d;

        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return 0;
        *cp = *cp << 4 | d;
    }
    return 1;
}

/* The escape at i (a backslash); advances past it. */
static int scan_escape(scanner *p)
{
    const char *s = p->s;
    unsigned cp, low;

    if (p->i + 1 >= p->n)
        return fail(p, "an unterminated string");
    if (s[p->i + 1] != 'u') {
        if (strchr("\"\\/bfnrt", s[p->i + 1]) == NULL || s[p->i + 1] == '\0')
            return fail(p, "an unknown escape in a string");
        p->i += 2;
        return 1;
    }
    if (!hex4(s + p->i + 2, p->n - p->i - 2, &cp))
        return fail(p, "a \\u escape without 4 hex digits");
    if (cp >= 0xdc00 && cp <= 0xdfff)
        return fail(p, "a lone low surrogate escape");
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (p->i + 7 >= p->n || s[p->i + 6] != '\\' || s[p->i + 7] != 'u' ||
            !hex4(s + p->i + 8, p->n - p->i - 8, &low) || low < 0xdc00 ||
            low > 0xdfff)
            return fail(p, "a high surrogate escape without its low half");
        p->i += 6;
    }
    p->i += 6;
    return 1;
}

/* The length of the UTF-8 sequence that starts with byte c (0: none). */
static size_t utf8_len(unsigned char c)
{
    if (c >= 0xc2 && c <= 0xdf)
        return 2;
    if (c >= 0xe0 && c <= 0xef)
        return 3;
    if (c >= 0xf0 && c <= 0xf4)
        return 4;
    return 0;
}

/* The string at i (a quote); advances past its closing quote. */
static int scan_string(scanner *p)
{
    size_t start = p->i;

    p->i++;
    for (;;) {
        unsigned char c;
        size_t len;

        if (p->i >= p->n)
            return fail(p, "an unterminated string");
        c = (unsigned char)p->s[p->i];
        if (c == '"')
            break;
        if (c < 0x20)
            return fail(p, "a control character in a string");
        if (c == '\\') {
            if (!scan_escape(p))
                return 0;
            continue;
        }
        if (c < 0x80) {
            p->i++;
            continue;
        }
        len = utf8_len(c);
        if (len == 0 || p->n - p->i < len ||
            !lithsm_utf8_valid(p->s + p->i, len))
            return fail(p, "invalid UTF-8 in a string");
        p->i += len;
    }
    p->i++;
    emit(p, start);
    return 1;
}

static void skip_digits(scanner *p)
{
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
        p->i++;
}

static int is_digit_at(const scanner *p)
{
    return p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9';
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int scan_number(scanner *p)
{
    size_t start = p->i;

    if (at(p, '-'))
        p->i++;
    if (at(p, '0'))
        p->i++;
    else if (is_digit_at(p))
        skip_digits(p);
    else
        return fail(p, "a malformed number");
    if (at(p, '.')) {
        p->i++;
        if (!is_digit_at(p))
            return fail(p, "a malformed number");
        skip_digits(p);
    }
    if (at(p, 'e') || at(p, 'E')) {
        p->i++;
        if (at(p, '+') || at(p, '-'))
            p->i++;
        if (!is_digit_at(p))
            return fail(p, "a malformed number");
        skip_digits(p);
    }
    emit(p, start);
    return 1;
}

static int scan_literal(scanner *p)
{
    static const char *const words[] = { "true", "false", "null" };
    size_t w, start = p->i;

    for (w = 0; w < 3; w++) {
        size_t len = strlen(words[w]);

        if (p->n - p->i >= len && memcmp(p->s + p->i, words[w], len) == 0) {
            p->i += len;
            emit(p, start);
            return 1;
        }
    }
    return fail(p, "an unexpected character");
}

/* 1 if the raw (escaped) member name k[0..n) reads `word` (ASCII). */
static int key_is(const char *k, size_t n, const char *word)
{
    static const char escaped[] = "\"\\/bfnrt", meant[] = "\"\\/\b\f\n\r\t";
    size_t i = 0, w = 0, wl = strlen(word);

    while (i < n) {
        unsigned cp = (unsigned char)k[i];

        if (cp == '\\' && k[i + 1] == 'u') {
            (void)hex4(k + i + 2, n - i - 2, &cp);
            i += 6;
        } else if (cp == '\\') {
            cp = (unsigned char)meant[strchr(escaped, k[i + 1]) - escaped];
            i += 2;
        } else {
            i++;
        }
        if (w >= wl || cp != (unsigned char)word[w])
            return 0;
        w++;
    }
    return w == wl;
}

/* 1 if the raw member name k[0..n) holds the escape \u0000. */
static int has_escaped_nul(const char *k, size_t n)
{
    size_t i;

    for (i = 0; i + 6 <= n; i++)
        if (k[i] == '\\' && (k[i + 1] != 'u' || memcmp(k + i + 2, "0000", 4)))
            i++; /* another escape: skip the escaped character */
        else if (k[i] == '\\')
            return 1;
    return 0;
}

/* Notes a top-level member named "seq" or "prev". */
static void note_key(audit_scan *scan, const char *k, size_t n, size_t index)
{
    long *slot = NULL;

    if (key_is(k, n, "seq"))
        slot = &scan->seq_at;
    else if (key_is(k, n, "prev"))
        slot = &scan->prev_at;
    if (slot == NULL)
        return;
    if (*slot >= 0)
        scan->reserved_dup = 1;
    else
        *slot = (long)index;
}

static int enter(scanner *p)
{
    if (++p->depth > LITHSM_AUDIT_DEPTH_MAX) {
        p->scan->too_deep = 1;
        return fail(p, "nesting deeper than the limit");
    }
    return 1;
}

static int scan_member(scanner *p, size_t index)
{
    size_t name;

    skip_ws(p);
    if (!at(p, '"'))
        return fail(p, "a member name was expected");
    name = p->i + 1;
    if (!scan_string(p))
        return 0;
    /* json-c and others cut a name at U+0000: "seq\u0000x" would read as
     * "seq" there, so such names are refused. */
    if (has_escaped_nul(p->s + name, p->i - 1 - name))
        return fail(p, "an escaped NUL (\\u0000) in a member name");
    if (p->depth == 1)
        note_key(p->scan, p->s + name, p->i - 1 - name, index);
    skip_ws(p);
    if (!at(p, ':'))
        return fail(p, "':' was expected");
    take(p, ':');
    return scan_value(p);
}

static int scan_object(scanner *p)
{
    size_t index = 0;

    if (!enter(p))
        return 0;
    take(p, '{');
    skip_ws(p);
    if (!at(p, '}')) {
        for (;; index++) {
            if (!scan_member(p, index))
                return 0;
            skip_ws(p);
            if (!at(p, ','))
                break;
            take(p, ',');
        }
        index++;
        if (!at(p, '}'))
            return fail(p, "',' or '}' was expected");
    }
    take(p, '}');
    if (p->depth == 1)
        p->scan->members = index;
    p->depth--;
    return 1;
}

static int scan_array(scanner *p)
{
    if (!enter(p))
        return 0;
    take(p, '[');
    skip_ws(p);
    if (!at(p, ']')) {
        for (;;) {
            if (!scan_value(p))
                return 0;
            skip_ws(p);
            if (!at(p, ','))
                break;
            take(p, ',');
        }
        if (!at(p, ']'))
            return fail(p, "',' or ']' was expected");
    }
    take(p, ']');
    p->depth--;
    return 1;
}

static int scan_value(scanner *p)
{
    char c;

    skip_ws(p);
    if (p->i >= p->n)
        return fail(p, "the text ends where a value was expected");
    c = p->s[p->i];
    if (c == '{')
        return scan_object(p);
    if (c == '[')
        return scan_array(p);
    if (c == '"')
        return scan_string(p);
    if (c == '-' || (c >= '0' && c <= '9'))
        return scan_number(p);
    return scan_literal(p);
}

int audit_json_scan(audit_scan *scan, lithsm_buf *compact, const char *s,
                    size_t n)
{
    scanner p;

    memset(scan, 0, sizeof(*scan));
    scan->seq_at = -1;
    scan->prev_at = -1;
    p.s = s;
    p.n = n;
    p.i = 0;
    p.out = compact;
    p.scan = scan;
    p.depth = 0;
    skip_ws(&p);
    if (!at(&p, '{'))
        return fail(&p, "the text is not a JSON object");
    if (!scan_object(&p))
        return 0;
    skip_ws(&p);
    if (p.i != n)
        return fail(&p, "data after the object");
    return 1;
}
