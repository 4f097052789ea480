/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * eip712.h - what the parts of the EIP-712 code share: the checked type
 * set (eip712_types.c), the value encoder (eip712_values.c) and the
 * public object (eip712.c).  Not installed.
 */
#ifndef LITHSM_EIP712_INTERNAL_H
#define LITHSM_EIP712_INTERNAL_H

#include "eth/int256.h"
#include "util/util.h"

/* Bounds that keep hostile types linear in time and memory: names and
 * type texts are short, and every type's encodeType (which repeats the
 * types it reaches) adds up to a bounded total. */
#define EIP712_MAX_TYPES 256
#define EIP712_MAX_FIELDS 1024
#define EIP712_MAX_TOTAL_FIELDS 8192
#define EIP712_MAX_NAME 256
#define EIP712_MAX_ENCODED (4u * 1024u * 1024u)
#define EIP712_MAX_DIMS 8
#define EIP712_MAX_FIXED_LEN 65536
#define EIP712_MAX_NESTING 64
#define EIP712_PATH_MAX 512

typedef enum {
    EIP712_ADDRESS,
    EIP712_BOOL,
    EIP712_BYTES_N, /* size = N */
    EIP712_INT,     /* int_type */
    EIP712_BYTES,
    EIP712_STRING,
    EIP712_STRUCT /* struct_index */
} eip712_kind;

/* A field's type: the base, then array dimensions from the innermost
 * (dims[0]) to the outermost (dims[n_dims - 1]); 0 is a dynamic T[]. */
typedef struct {
    eip712_kind kind;
    unsigned size;
    lithsm_int_type int_type;
    size_t struct_index;
    size_t n_dims;
    size_t dims[EIP712_MAX_DIMS];
} eip712_ftype;

typedef struct {
    const char *name; /* borrowed from the parsed JSON */
    const char *type_text;
    eip712_ftype type;
} eip712_field;

typedef struct {
    const char *name; /* borrowed from the parsed JSON */
    eip712_field *fields;
    size_t n_fields;
    char *encoded; /* encodeType(name), set by eip712_types_finish() */
    uint8_t type_hash[32];
} eip712_struct;

/* The types of one document, sorted by name in byte order. */
typedef struct {
    eip712_struct *structs;
    size_t n;
    size_t domain_index; /* EIP712Domain */
} eip712_types;

/* A JSON path for error messages, after their common prefix:
 * "typed data: message.to.wallet".  Built with memcpy, not printf: it
 * follows every value. */
typedef struct {
    char text[EIP712_PATH_MAX];
    size_t len, base; /* base: the prefix's length */
} eip712_path;

/* "typed data: " + first. */
void eip712_path_init(eip712_path *p, const char *first);
/* Appends ".name" (or "name" at the start) / "[i]"; returns the old
 * length for eip712_path_pop(). */
size_t eip712_path_key(eip712_path *p, const char *name);
size_t eip712_path_index(eip712_path *p, size_t i);
void eip712_path_pop(eip712_path *p, size_t len);

/* 1 when s is an identifier: [A-Za-z_$][A-Za-z0-9_$]*. */
int eip712_is_identifier(const char *s, size_t len);

/* Reads `types` (a JSON object), checks every name and field type, that
 * the types are acyclic, that each one is primary_type, EIP712Domain or
 * reached from them, and that EIP712Domain lists domain fields in the EIP
 * order; then computes encodeType and the type hash of each.  Strings are
 * borrowed from `types`.  *primary_out is primary_type's index.
 * Returns: OK; PARSE; RANGE (limits); NOMEM (t cleared on failure). */
lithsm_err eip712_types_read(eip712_types *t, size_t *primary_out,
                             const json_object *types,
                             const char *primary_type);
void eip712_types_clear(eip712_types *t);

/* Index of a struct type by name, or (size_t)-1. */
size_t eip712_types_find(const eip712_types *t, const char *name);

/* hashStruct(type, value) into out; `path` names value in errors and is
 * left as it was given.  `scratch` is a work buffer reused across calls.
 * Returns: OK; PARSE; RANGE; NOMEM. */
lithsm_err eip712_hash_struct(uint8_t out[32], const eip712_types *t,
                              size_t type_index, const json_object *value,
                              eip712_path *path, lithsm_buf *scratch);

#endif /* LITHSM_EIP712_INTERNAL_H */
