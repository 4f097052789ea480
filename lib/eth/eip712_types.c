/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * eip712_types.c - the `types` of EIP-712 typed data: names, field types,
 * the rules the header lithsm_eip712.h lists (no cycles, no unused types,
 * EIP712Domain's five fields in order), and encodeType with each struct's
 * type hash, computed once per document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "eth/eip712.h"

#define EIP712_DOMAIN "EIP712Domain"
#define NOT_FOUND ((size_t)-1)

/* ------------------------------------------------------------- paths */

/* Appends n bytes of s, cut at the buffer's end. */
static void path_add(eip712_path *p, const char *s, size_t n)
{
    if (n > sizeof(p->text) - 1 - p->len)
        n = sizeof(p->text) - 1 - p->len;
    memcpy(p->text + p->len, s, n);
    p->len += n;
    p->text[p->len] = '\0';
}

void eip712_path_init(eip712_path *p, const char *first)
{
    static const char prefix[] = "typed data: ";

    memcpy(p->text, prefix, sizeof(prefix));
    p->len = p->base = sizeof(prefix) - 1;
    eip712_path_key(p, first);
}

size_t eip712_path_key(eip712_path *p, const char *name)
{
    size_t old = p->len;

    if (p->len > p->base)
        path_add(p, ".", 1);
    path_add(p, name, strlen(name));
    return old;
}

size_t eip712_path_index(eip712_path *p, size_t i)
{
    char digits[24];
    size_t n = sizeof(digits), old = p->len;

    digits[--n] = ']';
    do {
        digits[--n] = (char)('0' + i % 10);
        i /= 10;
    } while (i > 0);
    digits[--n] = '[';
    path_add(p, digits + n, sizeof(digits) - n);
    return old;
}

void eip712_path_pop(eip712_path *p, size_t len)
{
    p->len = len;
    p->text[len] = '\0';
}

int eip712_is_identifier(const char *s, size_t len)
{
    size_t i;

    if (len == 0 || strlen(s) != len || (s[0] >= '0' && s[0] <= '9'))
        return 0;
    for (i = 0; i < len; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '$'))
            return 0;
    }
    return 1;
}

/* 1 for "<prefix><digits or nothing>". */
static int prefix_digits(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);

    if (strncmp(s, prefix, n) != 0)
        return 0;
    return strspn(s + n, "0123456789") == strlen(s + n);
}

/* A name only an atomic type may have (or one the libraries read as one). */
static int atomic_like(const char *s)
{
    return strcmp(s, "address") == 0 || strcmp(s, "bool") == 0 ||
           strcmp(s, "string") == 0 || prefix_digits(s, "bytes") ||
           prefix_digits(s, "int") || prefix_digits(s, "uint");
}

/* ------------------------------------------------------- field types */

static lithsm_err parse_base(eip712_ftype *ft, const eip712_types *t,
                             const char *base, const eip712_path *path)
{
    if (strcmp(base, "address") == 0) {
        ft->kind = EIP712_ADDRESS;
    } else if (strcmp(base, "bool") == 0) {
        ft->kind = EIP712_BOOL;
    } else if (strcmp(base, "string") == 0) {
        ft->kind = EIP712_STRING;
    } else if (strcmp(base, "bytes") == 0) {
        ft->kind = EIP712_BYTES;
    } else if (prefix_digits(base, "bytes")) {
        unsigned long n = strtoul(base + 5, NULL, 10);

        if (base[5] == '0' || strlen(base) > 7 || n < 1 || n > 32)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "%s: invalid type \"%s\" (bytesN "
                               "needs N from 1 to 32)",
                               path->text, base);
        ft->kind = EIP712_BYTES_N;
        ft->size = (unsigned)n;
    } else if (strcmp(base, "uint") == 0 || strcmp(base, "int") == 0) {
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: type \"%s\" has no width (write "
                           "%s256: libraries read it differently)",
                           path->text, base, base);
    } else if (prefix_digits(base, "int") || prefix_digits(base, "uint")) {
        if (!lithsm_int_type_of(&ft->int_type, base))
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "%s: invalid type \"%s\" (the "
                               "width must be 8 to 256 in steps of 8)",
                               path->text, base);
        ft->kind = EIP712_INT;
    } else {
        if (strcmp(base, EIP712_DOMAIN) == 0)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "%s: a field cannot have type "
                               "EIP712Domain",
                               path->text);
        ft->struct_index = eip712_types_find(t, base);
        if (ft->struct_index == NOT_FOUND)
            return lithsm_fail(LITHSM_ERR_PARSE, "%s: unknown type \"%s\"",
                               path->text, base);
        ft->kind = EIP712_STRUCT;
    }
    return LITHSM_OK;
}

/* Reads "[N]" and "[]" suffixes of text (from its first '[') into ft. */
static lithsm_err parse_dims(eip712_ftype *ft, const char *s,
                             const eip712_path *path, const char *text)
{
    while (*s != '\0') {
        size_t n = 0, digits;

        if (*s != '[')
            goto bad;
        digits = strspn(s + 1, "0123456789");
        if (s[1 + digits] != ']' || (digits > 0 && s[1] == '0'))
            goto bad;
        if (digits > 6)
            goto range;
        if (digits > 0)
            n = strtoul(s + 1, NULL, 10);
        if (n > EIP712_MAX_FIXED_LEN)
            goto range;
        if (ft->n_dims == EIP712_MAX_DIMS)
            return lithsm_fail(LITHSM_ERR_RANGE,
                               "%s: more than %d array dimensions", path->text,
                               EIP712_MAX_DIMS);
        ft->dims[ft->n_dims++] = n;
        s += digits + 2;
    }
    return LITHSM_OK;
bad:
    return lithsm_fail(LITHSM_ERR_PARSE,
                       "%s: \"%s\" is not a type (array sizes "
                       "are [] or [N], N from 1, no leading zero)",
                       path->text, text);
range:
    return lithsm_fail(LITHSM_ERR_RANGE,
                       "%s: a fixed array of more than %d items", path->text,
                       EIP712_MAX_FIXED_LEN);
}

static lithsm_err parse_field_type(eip712_ftype *ft, const eip712_types *t,
                                   const char *text, const eip712_path *path)
{
    char base[EIP712_MAX_NAME + 1];
    size_t n = strcspn(text, "[");
    lithsm_err err;

    memset(ft, 0, sizeof(*ft));
    if (n == 0 || n >= sizeof(base))
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: \"%.80s\" is not a type",
                           path->text, text);
    memcpy(base, text, n);
    base[n] = '\0';
    if (!eip712_is_identifier(base, n))
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: \"%.80s\" is not a type",
                           path->text, text);
    err = parse_dims(ft, text + n, path, text);
    if (err == LITHSM_OK)
        err = parse_base(ft, t, base, path);
    return err;
}

/* ------------------------------------------------------ reading types */

static int by_name(const void *a, const void *b)
{
    return strcmp(((const eip712_struct *)a)->name,
                  ((const eip712_struct *)b)->name);
}

size_t eip712_types_find(const eip712_types *t, const char *name)
{
    eip712_struct key;
    const eip712_struct *hit;

    if (t->n == 0)
        return NOT_FOUND;
    key.name = name;
    hit = bsearch(&key, t->structs, t->n, sizeof(key), by_name);
    return hit ? (size_t)(hit - t->structs) : NOT_FOUND;
}

void eip712_types_clear(eip712_types *t)
{
    size_t i;

    for (i = 0; i < t->n; i++) {
        free(t->structs[i].fields);
        free(t->structs[i].encoded);
    }
    free(t->structs);
    memset(t, 0, sizeof(*t));
}

/* One {name, type} entry of a struct's list (types not yet resolved). */
static lithsm_err read_field(eip712_field *f, const json_object *entry,
                             eip712_path *path)
{
    json_object *name = NULL, *type = NULL;
    size_t mark;

    if (!json_object_is_type(entry, json_type_object) ||
        !json_object_object_get_ex(entry, "name", &name) ||
        !json_object_object_get_ex(entry, "type", &type) ||
        json_object_object_length(entry) != 2)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: must be an object with exactly "
                           "\"name\" and \"type\"",
                           path->text);
    mark = eip712_path_key(path, "name");
    if (!json_object_is_type(name, json_type_string) ||
        json_object_get_string_len(name) > EIP712_MAX_NAME ||
        !eip712_is_identifier(json_object_get_string(name),
                              (size_t)json_object_get_string_len(name)))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: must be an identifier string (at most %d "
                           "characters)",
                           path->text, EIP712_MAX_NAME);
    eip712_path_pop(path, mark);
    mark = eip712_path_key(path, "type");
    if (!json_object_is_type(type, json_type_string) ||
        json_object_get_string_len(type) > 2 * EIP712_MAX_NAME ||
        strlen(json_object_get_string(type)) !=
            (size_t)json_object_get_string_len(type))
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: must be a type name string",
                           path->text);
    eip712_path_pop(path, mark);
    f->name = json_object_get_string(name);
    f->type_text = json_object_get_string(type);
    return LITHSM_OK;
}

static lithsm_err read_struct(eip712_struct *s, const char *name,
                              const json_object *list, eip712_path *path)
{
    size_t i, n, mark;
    lithsm_err err;

    s->name = name;
    if (strlen(name) > EIP712_MAX_NAME ||
        !eip712_is_identifier(name, strlen(name)) || atomic_like(name))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: \"%.80s\" cannot name a type "
                           "(an identifier that no atomic type has, at most "
                           "%d characters)",
                           path->text, name, EIP712_MAX_NAME);
    if (!json_object_is_type(list, json_type_array))
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: must be an array of fields",
                           path->text);
    n = json_object_array_length(list);
    if (n > EIP712_MAX_FIELDS)
        return lithsm_fail(LITHSM_ERR_RANGE, "%s: more than %d fields",
                           path->text, EIP712_MAX_FIELDS);
    s->fields = calloc(n ? n : 1, sizeof(*s->fields));
    if (s->fields == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "typed data: out of memory");
    s->n_fields = n;
    for (i = 0; i < n; i++) {
        mark = eip712_path_index(path, i);
        err =
            read_field(&s->fields[i], json_object_array_get_idx(list, i), path);
        if (err != LITHSM_OK)
            return err;
        eip712_path_pop(path, mark);
    }
    return LITHSM_OK;
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Resolves each field's type and refuses a field name used twice. */
static lithsm_err resolve_struct(eip712_types *t, size_t k)
{
    eip712_struct *s = &t->structs[k];
    eip712_path path;
    const char **names;
    size_t i, mark;
    lithsm_err err = LITHSM_OK;

    eip712_path_init(&path, "types");
    eip712_path_key(&path, s->name);
    for (i = 0; i < s->n_fields && err == LITHSM_OK; i++) {
        mark = eip712_path_index(&path, i);
        eip712_path_key(&path, "type");
        err = parse_field_type(&s->fields[i].type, t, s->fields[i].type_text,
                               &path);
        eip712_path_pop(&path, mark);
    }
    if (err != LITHSM_OK || s->n_fields < 2)
        return err;
    names = malloc(s->n_fields * sizeof(*names));
    if (names == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "typed data: out of memory");
    for (i = 0; i < s->n_fields; i++)
        names[i] = s->fields[i].name;
    qsort(names, s->n_fields, sizeof(*names), by_str);
    for (i = 1; i < s->n_fields && err == LITHSM_OK; i++)
        if (strcmp(names[i - 1], names[i]) == 0)
            err = lithsm_fail(LITHSM_ERR_PARSE,
                              "%s: field \"%s\" is listed twice", path.text,
                              names[i]);
    free(names);
    return err;
}

/* ------------------------------------------------------- type rules */

static const struct {
    const char *name, *type;
} domain_fields[] = {
    { "name", "string" },     { "version", "string" },
    { "chainId", "uint256" }, { "verifyingContract", "address" },
    { "salt", "bytes32" },
};
#define N_DOMAIN_FIELDS (sizeof(domain_fields) / sizeof(domain_fields[0]))

/* EIP712Domain lists some of the five fields, with their types, in the
 * EIP's order. */
static lithsm_err check_domain_type(const eip712_struct *s)
{
    size_t i, j, next = 0;

    for (i = 0; i < s->n_fields; i++) {
        for (j = 0; j < N_DOMAIN_FIELDS; j++)
            if (strcmp(s->fields[i].name, domain_fields[j].name) == 0)
                break;
        if (j == N_DOMAIN_FIELDS)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "typed data: types.EIP712Domain[%zu].name: "
                               "\"%s\" is not a domain field (name, version, "
                               "chainId, verifyingContract, salt)",
                               i, s->fields[i].name);
        if (strcmp(s->fields[i].type_text, domain_fields[j].type) != 0)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "typed data: types.EIP712Domain[%zu].type: "
                               "%s must have type %s",
                               i, domain_fields[j].name, domain_fields[j].type);
        if (j < next)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "typed data: types.EIP712Domain[%zu].name: "
                               "\"%s\" is out of the EIP-712 order (name, "
                               "version, chainId, verifyingContract, salt)",
                               i, s->fields[i].name);
        next = j + 1;
    }
    return LITHSM_OK;
}

/* Depth-first from k: refuses a cycle and nesting past the limit.
 * state: 0 unseen, 1 on the path, 2 done. */
static lithsm_err check_acyclic(const eip712_types *t, size_t k,
                                unsigned char *state, unsigned depth)
{
    const eip712_struct *s = &t->structs[k];
    size_t i, j;
    lithsm_err err;

    if (depth > EIP712_MAX_NESTING)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "typed data: types.%s: types nest more than %d "
                           "deep",
                           s->name, EIP712_MAX_NESTING);
    state[k] = 1;
    for (i = 0; i < s->n_fields; i++) {
        if (s->fields[i].type.kind != EIP712_STRUCT)
            continue;
        j = s->fields[i].type.struct_index;
        if (state[j] == 1)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "typed data: types.%s[%zu].type: circular "
                               "types (\"%s\" contains itself)",
                               s->name, i, t->structs[j].name);
        if (state[j] == 0 &&
            (err = check_acyclic(t, j, state, depth + 1)) != LITHSM_OK)
            return err;
    }
    state[k] = 2;
    return LITHSM_OK;
}

/* Sets mark[j] for every type reached from `start` (not start itself
 * unless a cycle leads back).  stack holds t->n entries. */
static void reach(const eip712_types *t, size_t start, unsigned char *mark,
                  size_t *stack)
{
    size_t top = 0, i;

    stack[top++] = start;
    while (top > 0) {
        const eip712_struct *s = &t->structs[stack[--top]];

        for (i = 0; i < s->n_fields; i++) {
            size_t j = s->fields[i].type.struct_index;

            if (s->fields[i].type.kind == EIP712_STRUCT && !mark[j]) {
                mark[j] = 1;
                stack[top++] = j;
            }
        }
    }
}

static void put_signature(lithsm_buf *b, const eip712_struct *s)
{
    size_t i;

    lithsm_buf_puts(b, s->name);
    lithsm_buf_putc(b, '(');
    for (i = 0; i < s->n_fields; i++) {
        if (i > 0)
            lithsm_buf_putc(b, ',');
        lithsm_buf_puts(b, s->fields[i].type_text);
        lithsm_buf_putc(b, ' ');
        lithsm_buf_puts(b, s->fields[i].name);
    }
    lithsm_buf_putc(b, ')');
}

static size_t signature_len(const eip712_struct *s)
{
    size_t i, n = strlen(s->name) + 2;

    for (i = 0; i < s->n_fields; i++)
        n += strlen(s->fields[i].type_text) + strlen(s->fields[i].name) + 2;
    return n;
}

/* encodeType and the type hash of every struct; RANGE when all of them
 * together would pass EIP712_MAX_ENCODED bytes. */
static lithsm_err encode_types(eip712_types *t, unsigned char *mark,
                               size_t *stack)
{
    size_t k, j, len, total = 0;
    lithsm_buf b;

    for (k = 0; k < t->n; k++) {
        memset(mark, 0, t->n);
        reach(t, k, mark, stack);
        mark[k] = 1;
        for (j = 0; j < t->n; j++)
            if (mark[j])
                total += signature_len(&t->structs[j]);
        if (total > EIP712_MAX_ENCODED)
            return lithsm_fail(LITHSM_ERR_RANGE,
                               "typed data: types: their encodeType texts "
                               "pass %u bytes",
                               EIP712_MAX_ENCODED);
        lithsm_buf_init(&b);
        put_signature(&b, &t->structs[k]);
        for (j = 0; j < t->n; j++)
            if (mark[j] && j != k)
                put_signature(&b, &t->structs[j]);
        if (lithsm_buf_finish(&b, &t->structs[k].encoded, &len) != LITHSM_OK)
            return lithsm_fail(LITHSM_ERR_NOMEM, "typed data: out of memory");
        lithsm_keccak256(t->structs[k].type_hash,
                         (const uint8_t *)t->structs[k].encoded, len);
    }
    return LITHSM_OK;
}

/* Every type is the primary one, EIP712Domain or reached from them. */
static lithsm_err check_used(const eip712_types *t, size_t primary,
                             unsigned char *mark, size_t *stack)
{
    size_t k;

    memset(mark, 0, t->n);
    mark[primary] = mark[t->domain_index] = 1;
    reach(t, primary, mark, stack);
    reach(t, t->domain_index, mark, stack);
    for (k = 0; k < t->n; k++)
        if (!mark[k])
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "typed data: types.%s: the type is not used "
                               "(neither primaryType, EIP712Domain nor "
                               "reached from them)",
                               t->structs[k].name);
    return LITHSM_OK;
}

static lithsm_err find_primary(size_t *out, const eip712_types *t,
                               const char *primary_type)
{
    if (primary_type[0] == '\0')
        return lithsm_fail(LITHSM_ERR_PARSE, "typed data: primaryType: empty");
    if (strcmp(primary_type, EIP712_DOMAIN) == 0)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "typed data: primaryType: EIP712Domain is refused "
                           "(it would sign a bare domain)");
    *out = eip712_types_find(t, primary_type);
    if (*out == NOT_FOUND)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "typed data: primaryType: unknown type \"%.80s\"",
                           primary_type);
    return LITHSM_OK;
}

/* The rules between types, once each one reads. */
static lithsm_err check_graph(eip712_types *t, size_t primary)
{
    unsigned char *state = calloc(t->n, 1);
    size_t *stack = calloc(t->n, sizeof(*stack));
    size_t k;
    lithsm_err err = LITHSM_OK;

    if (state == NULL || stack == NULL)
        err = lithsm_fail(LITHSM_ERR_NOMEM, "typed data: out of memory");
    for (k = 0; k < t->n && err == LITHSM_OK; k++)
        if (state[k] == 0)
            err = check_acyclic(t, k, state, 1);
    if (err == LITHSM_OK)
        err = check_used(t, primary, state, stack);
    if (err == LITHSM_OK)
        err = encode_types(t, state, stack);
    free(state);
    free(stack);
    return err;
}

static lithsm_err read_all(eip712_types *t, json_object *types)
{
    eip712_path path;
    size_t i = 0, mark, total = 0;
    lithsm_err err;

    eip712_path_init(&path, "types");
    t->structs = calloc(t->n ? t->n : 1, sizeof(*t->structs));
    if (t->structs == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "typed data: out of memory");
    json_object_object_foreach(types, key, list)
    {
        mark = eip712_path_key(&path, key);
        err = read_struct(&t->structs[i], key, list, &path);
        if (err != LITHSM_OK)
            return err;
        eip712_path_pop(&path, mark);
        total += t->structs[i++].n_fields;
        if (total > EIP712_MAX_TOTAL_FIELDS)
            return lithsm_fail(LITHSM_ERR_RANGE,
                               "typed data: types: more than %d fields in "
                               "all",
                               EIP712_MAX_TOTAL_FIELDS);
    }
    qsort(t->structs, t->n, sizeof(*t->structs), by_name);
    for (i = 1; i < t->n; i++)
        if (strcmp(t->structs[i - 1].name, t->structs[i].name) == 0)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "typed data: types.%s: defined twice",
                               t->structs[i].name);
    return LITHSM_OK;
}

lithsm_err eip712_types_read(eip712_types *t, size_t *primary_out,
                             const json_object *types, const char *primary_type)
{
    size_t k;
    lithsm_err err;

    memset(t, 0, sizeof(*t));
    if (!json_object_is_type(types, json_type_object))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "typed data: types: must be an object");
    t->n = (size_t)json_object_object_length(types);
    if (t->n > EIP712_MAX_TYPES)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "typed data: types: more than %d types",
                           EIP712_MAX_TYPES);
    err = read_all(t, (json_object *)types);
    for (k = 0; k < t->n && err == LITHSM_OK; k++)
        err = resolve_struct(t, k);
    if (err == LITHSM_OK) {
        t->domain_index = eip712_types_find(t, EIP712_DOMAIN);
        if (t->domain_index == NOT_FOUND)
            err = lithsm_fail(LITHSM_ERR_PARSE,
                              "typed data: types: EIP712Domain is missing "
                              "(it is never built from the domain object)");
    }
    if (err == LITHSM_OK)
        err = check_domain_type(&t->structs[t->domain_index]);
    if (err == LITHSM_OK)
        err = find_primary(primary_out, t, primary_type);
    if (err == LITHSM_OK)
        err = check_graph(t, *primary_out);
    if (err != LITHSM_OK)
        eip712_types_clear(t);
    return err;
}
