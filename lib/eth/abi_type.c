/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * abi_type.c - the type grammar of function signatures: the canonical
 * form `name(type,...)` and the human form with spaces and parameter
 * names (lithsm_abi.h lists both), parsed into a tree of nodes in one
 * array, with the canonical text written as the parse goes.
 *
 *   signature := ["function" ws] name "(" [param ("," param)*] ")"
 *   param     := type [["memory" | "calldata" ws] name]
 *   type      := (elementary | ["tuple"] "(" param ("," param)* ")")
 *                ("[" [k] "]")*
 *
 * Spaces may come around any punctuation.  Each node knows whether it is
 * dynamic and how many words it takes, so the encoder never measures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/abi.h"
#include "eth/int256.h"

typedef struct parser {
    const char *s;
    size_t pos;
    lithsm_abi_function *f;
    size_t cap;
    lithsm_buf canon;
} parser;

static lithsm_err syntax(const parser *p, const char *what)
{
    char c = p->s[p->pos];

    if (c == '\0')
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "function signature: %s at the end of the text",
                           what);
    return lithsm_fail(LITHSM_ERR_PARSE,
                       "function signature: %s at byte %zu ('%c')", what,
                       p->pos, (c > 0x20 && c < 0x7f) ? c : '?');
}

static void skip_ws(parser *p)
{
    while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
           p->s[p->pos] == '\n' || p->s[p->pos] == '\r')
        p->pos++;
}

static int ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == '$';
}

/* An identifier at the position: its length (0: none). */
static size_t ident_len(const parser *p)
{
    const char *s = p->s + p->pos;
    size_t n = 0;

    if (!ident_start(s[0]))
        return 0;
    while (ident_start(s[n]) || (s[n] >= '0' && s[n] <= '9'))
        n++;
    return n;
}

static int ident_is(const parser *p, size_t len, const char *word)
{
    return len == strlen(word) && strncmp(p->s + p->pos, word, len) == 0;
}

static lithsm_err new_node(parser *p, lithsm_abi_kind kind, uint32_t *out)
{
    lithsm_abi_function *f = p->f;
    lithsm_abi_node *n;

    if (f->n_nodes >= LITHSM_ABI_MAX_NODES)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "function signature: more than %u types",
                           LITHSM_ABI_MAX_NODES);
    if (f->n_nodes == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        lithsm_abi_node *grown = realloc(f->nodes, cap * sizeof(*grown));

        if (grown == NULL)
            return lithsm_fail(LITHSM_ERR_NOMEM,
                               "function signature: out of memory");
        f->nodes = grown;
        p->cap = cap;
    }
    n = &f->nodes[f->n_nodes];
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    n->child = n->next = LITHSM_ABI_NONE;
    n->words = 1;
    n->height = 1;
    *out = (uint32_t)f->n_nodes++;
    return LITHSM_OK;
}

/* "bytesN", N = 1..32 without a leading zero: N, else 0. */
static unsigned fixed_bytes_size(const char *name)
{
    char *end;
    unsigned long n;

    if (strncmp(name, "bytes", 5) != 0 || name[5] < '1' || name[5] > '9')
        return 0;
    n = strtoul(name + 5, &end, 10);
    return (*end == '\0' && n >= 1 && n <= 32) ? (unsigned)n : 0;
}

/* An elementary type named by the identifier of `len` bytes. */
static lithsm_err parse_elementary(parser *p, size_t len, uint32_t *out)
{
    char name[16];
    lithsm_int_type t;
    lithsm_abi_kind kind;
    unsigned size = 0;
    lithsm_err err;

    if (len >= sizeof(name))
        return syntax(p, "an unknown type");
    memcpy(name, p->s + p->pos, len);
    name[len] = '\0';
    if (strcmp(name, "uint") == 0 || strcmp(name, "int") == 0) {
        t.is_signed = name[0] == 'i';
        t.bits = 256; /* Solidity's alias, canonicalised */
    } else if (!lithsm_int_type_of(&t, name)) {
        t.bits = 0;
    }
    if (t.bits != 0) {
        kind = t.is_signed ? LITHSM_ABI_INT : LITHSM_ABI_UINT;
        size = t.bits;
        snprintf(name, sizeof(name), "%s%u", t.is_signed ? "int" : "uint",
                 t.bits);
    } else if ((size = fixed_bytes_size(name)) != 0) {
        kind = LITHSM_ABI_FIXED_BYTES;
    } else if (strcmp(name, "address") == 0) {
        kind = LITHSM_ABI_ADDRESS;
    } else if (strcmp(name, "bool") == 0) {
        kind = LITHSM_ABI_BOOL;
    } else if (strcmp(name, "bytes") == 0) {
        kind = LITHSM_ABI_BYTES;
    } else if (strcmp(name, "string") == 0) {
        kind = LITHSM_ABI_STRING;
    } else {
        return syntax(p, "an unknown type");
    }
    if ((err = new_node(p, kind, out)) != LITHSM_OK)
        return err;
    p->f->nodes[*out].size = size;
    p->f->nodes[*out].dynamic =
        kind == LITHSM_ABI_BYTES || kind == LITHSM_ABI_STRING;
    lithsm_buf_puts(&p->canon, name);
    p->pos += len;
    return LITHSM_OK;
}

/* The words a value of node n takes in a head: an offset or itself. */
static size_t slot_words(const lithsm_abi_node *n)
{
    return n->dynamic ? 1 : n->words;
}

static lithsm_err too_big(void)
{
    return lithsm_fail(LITHSM_ERR_RANGE,
                       "function signature: a type of more than %u words",
                       LITHSM_ABI_MAX_STATIC_WORDS);
}

/* The limits on a node; the argument list (depth 0) is one level more. */
static lithsm_err check_sizes(const lithsm_abi_node *n, unsigned depth)
{
    if (n->height > LITHSM_ABI_MAX_DEPTH + (depth == 0))
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "function signature: types nest deeper than %u",
                           LITHSM_ABI_MAX_DEPTH);
    if (n->head > LITHSM_ABI_MAX_STATIC_WORDS ||
        n->words > LITHSM_ABI_MAX_STATIC_WORDS)
        return too_big();
    return LITHSM_OK;
}

/* "[k]" or "[]" after a type: the array node around `*t`. */
static lithsm_err parse_suffix(parser *p, uint32_t *t)
{
    lithsm_abi_node *n, *elem;
    unsigned long k = 0;
    uint32_t a;
    lithsm_err err;

    p->pos++; /* '[' */
    if (p->s[p->pos] >= '1' && p->s[p->pos] <= '9') {
        while (p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
            k = k * 10 + (unsigned long)(p->s[p->pos++] - '0');
            if (k > LITHSM_ABI_MAX_FIXED_LEN)
                return lithsm_fail(LITHSM_ERR_RANGE,
                                   "function signature: a fixed array "
                                   "longer than %u",
                                   LITHSM_ABI_MAX_FIXED_LEN);
        }
    } else if (p->s[p->pos] != ']') {
        return syntax(p, "an array length (1 or more, no leading zero)");
    }
    if (p->s[p->pos] != ']')
        return syntax(p, "expected ']'");
    p->pos++;
    err = new_node(p, k ? LITHSM_ABI_ARRAY : LITHSM_ABI_DYN_ARRAY, &a);
    if (err != LITHSM_OK)
        return err;
    n = &p->f->nodes[a];
    elem = &p->f->nodes[*t];
    n->child = *t;
    n->length = k;
    n->height = elem->height + 1;
    n->dynamic = k == 0 || elem->dynamic;
    if (k != 0) {
        if (slot_words(elem) > LITHSM_ABI_MAX_STATIC_WORDS / k)
            return too_big();
        n->head = (size_t)k * slot_words(elem);
        n->words = n->dynamic ? 1 : n->head;
        lithsm_buf_printf(&p->canon, "[%lu]", k);
    } else {
        lithsm_buf_puts(&p->canon, "[]");
    }
    *t = a;
    return check_sizes(n, 1);
}

static lithsm_err parse_tuple(parser *p, unsigned depth, uint32_t *out);

/* A type: elementary or a tuple, then any array suffixes. */
static lithsm_err parse_type(parser *p, unsigned depth, uint32_t *out)
{
    size_t len;
    lithsm_err err;

    skip_ws(p);
    len = ident_len(p);
    if (ident_is(p, len, "tuple") && p->s[p->pos + len] == '(')
        p->pos += len;
    if (p->s[p->pos] == '(')
        err = parse_tuple(p, depth + 1, out);
    else if (len == 0)
        err = syntax(p, "expected a type");
    else
        err = parse_elementary(p, len, out);
    while (err == LITHSM_OK) {
        size_t at = p->pos;

        skip_ws(p);
        if (p->s[p->pos] != '[') {
            p->pos = at;
            break;
        }
        err = parse_suffix(p, out);
    }
    return err;
}

/* A parameter: a type, then maybe a data location and a name. */
static lithsm_err parse_param(parser *p, unsigned depth, uint32_t *out)
{
    size_t len;
    lithsm_err err = parse_type(p, depth, out);

    if (err != LITHSM_OK)
        return err;
    skip_ws(p);
    len = ident_len(p);
    if (len == 0)
        return LITHSM_OK;
    if (ident_is(p, len, "memory") || ident_is(p, len, "calldata")) {
        p->pos += len;
        skip_ws(p);
        len = ident_len(p);
        if (len == 0)
            return LITHSM_OK;
    }
    p->pos += len;
    skip_ws(p);
    return LITHSM_OK;
}

/* The members of a tuple (or the arguments: depth 0, may be empty). */
static lithsm_err parse_members(parser *p, unsigned depth, uint32_t t)
{
    uint32_t m, last = LITHSM_ABI_NONE;
    lithsm_abi_node *n;
    lithsm_err err;

    skip_ws(p);
    if (p->s[p->pos] == ')' && depth == 0) {
        p->pos++;
        return LITHSM_OK;
    }
    for (;;) {
        if ((err = parse_param(p, depth, &m)) != LITHSM_OK)
            return err;
        if (last == LITHSM_ABI_NONE)
            p->f->nodes[t].child = m;
        else
            p->f->nodes[last].next = m;
        last = m;
        n = &p->f->nodes[t];
        n->length++;
        n->head += slot_words(&p->f->nodes[m]);
        n->dynamic |= p->f->nodes[m].dynamic;
        if (n->height < p->f->nodes[m].height + 1)
            n->height = p->f->nodes[m].height + 1;
        if ((err = check_sizes(n, depth)) != LITHSM_OK)
            return err;
        if (p->s[p->pos] == ')')
            break;
        if (p->s[p->pos] != ',')
            return syntax(p, "expected ',' or ')'");
        lithsm_buf_putc(&p->canon, ',');
        p->pos++;
    }
    p->pos++;
    n = &p->f->nodes[t];
    n->words = n->dynamic ? 1 : n->head;
    return LITHSM_OK;
}

static lithsm_err parse_tuple(parser *p, unsigned depth, uint32_t *out)
{
    lithsm_err err;

    if (depth > LITHSM_ABI_MAX_DEPTH)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "function signature: types nest deeper than %u",
                           LITHSM_ABI_MAX_DEPTH);
    if ((err = new_node(p, LITHSM_ABI_TUPLE, out)) != LITHSM_OK)
        return err;
    p->pos++; /* '(' */
    lithsm_buf_putc(&p->canon, '(');
    skip_ws(p);
    if (depth > 0 && p->s[p->pos] == ')')
        return syntax(p, "an empty tuple");
    p->f->nodes[*out].words = 0;
    p->f->nodes[*out].height = 1;
    err = parse_members(p, depth, *out);
    lithsm_buf_putc(&p->canon, ')');
    return err;
}

/* ["function" ws] name: the name into the canonical text. */
static lithsm_err parse_name(parser *p)
{
    size_t len;

    skip_ws(p);
    len = ident_len(p);
    if (ident_is(p, len, "function") &&
        (p->s[p->pos + len] == ' ' || p->s[p->pos + len] == '\t')) {
        p->pos += len;
        skip_ws(p);
        len = ident_len(p);
    }
    if (len == 0)
        return syntax(p, "expected a function name");
    lithsm_buf_add(&p->canon, p->s + p->pos, len);
    p->pos += len;
    skip_ws(p);
    if (p->s[p->pos] != '(')
        return syntax(p, "expected '(' after the function name");
    return LITHSM_OK;
}

lithsm_err lithsm_abi_parse(lithsm_abi_function *f, const char *text)
{
    parser p;
    lithsm_err err;

    memset(f, 0, sizeof(*f));
    if (strnlen(text, LITHSM_ABI_MAX_SIGNATURE + 1) > LITHSM_ABI_MAX_SIGNATURE)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "function signature: longer than %u bytes",
                           LITHSM_ABI_MAX_SIGNATURE);
    memset(&p, 0, sizeof(p));
    p.s = text;
    p.f = f;
    lithsm_buf_init(&p.canon);
    err = parse_name(&p);
    if (err == LITHSM_OK)
        err = parse_tuple(&p, 0, &f->args);
    if (err == LITHSM_OK) {
        skip_ws(&p);
        if (p.s[p.pos] != '\0')
            err = syntax(&p, "unexpected text after ')'");
    }
    if (err == LITHSM_OK &&
        lithsm_buf_finish(&p.canon, &f->canonical, NULL) != LITHSM_OK)
        err =
            lithsm_fail(LITHSM_ERR_NOMEM, "function signature: out of memory");
    lithsm_buf_free(&p.canon);
    if (err != LITHSM_OK) {
        free(f->nodes);
        memset(f, 0, sizeof(*f));
        return err;
    }
    {
        uint8_t hash[32];

        lithsm_keccak256(hash, (const uint8_t *)f->canonical,
                         strlen(f->canonical));
        memcpy(f->selector, hash, 4);
    }
    return LITHSM_OK;
}

const char *lithsm_abi_kind_name(lithsm_abi_kind kind)
{
    static const char *const names[] = {
        "uint",  "int",    "address", "bool",        "bytesN",
        "bytes", "string", "tuple",   "fixed array", "dynamic array",
    };

    return (size_t)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}
