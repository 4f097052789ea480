/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * abi.h - the Solidity ABI as the rest of liblithsm uses it: 32-byte words
 * (shared by the staking decoder in lib/net/abi.c and the encoder), the
 * type grammar of function signatures (abi_type.c) and the encoder of
 * calls (abi_encode.c).  The public face is lithsm_abi.h.  Not installed.
 */
#ifndef LITHSM_ETH_ABI_H
#define LITHSM_ETH_ABI_H

#include "util/util.h"

#include "lithsm_abi.h"

/* ---------------------------------------------------------------- words */

#define LITHSM_ABI_WORD 32u

/* 1 when only the low `bytes` bytes of the big-endian word w are used. */
int lithsm_abi_word_fits(const uint8_t *w, size_t bytes);

/* The low 8 bytes of the word as a number (the rest unchecked). */
uint64_t lithsm_abi_word_u64(const uint8_t *w);

/* An offset, a length or any uint64 field: word `index` of data.  1 with
 * *out set when it fits 64 bits, else 0. */
int lithsm_abi_word_read_u64(uint64_t *out, const uint8_t *data, size_t index);

/* Writes v as a big-endian word (offsets and lengths). */
void lithsm_abi_word_put_u64(uint8_t *w, uint64_t v);

/* Bytes of padding after n bytes of dynamic data, up to a whole word. */
size_t lithsm_abi_word_pad(size_t n);

/* ---------------------------------------------------------------- types */

/* Limits of a signature: its text, the nodes of its type tree, how deep
 * tuples and arrays nest, a fixed array's length and the words of any
 * static type; and of the encoded calldata. */
#define LITHSM_ABI_MAX_SIGNATURE 4096u
#define LITHSM_ABI_MAX_NODES 512u
#define LITHSM_ABI_MAX_DEPTH 16u
#define LITHSM_ABI_MAX_FIXED_LEN 65536u
#define LITHSM_ABI_MAX_CALLDATA LITHSM_MAX_INPUT
#define LITHSM_ABI_MAX_STATIC_WORDS (LITHSM_ABI_MAX_CALLDATA / LITHSM_ABI_WORD)

typedef enum {
    LITHSM_ABI_UINT,        /* uintN: size = N */
    LITHSM_ABI_INT,         /* intN: size = N */
    LITHSM_ABI_ADDRESS,     /* address */
    LITHSM_ABI_BOOL,        /* bool */
    LITHSM_ABI_FIXED_BYTES, /* bytesN: size = N */
    LITHSM_ABI_BYTES,       /* bytes */
    LITHSM_ABI_STRING,      /* string */
    LITHSM_ABI_TUPLE,       /* (T,...): length members from child */
    LITHSM_ABI_ARRAY,       /* T[k]: length = k, child = T */
    LITHSM_ABI_DYN_ARRAY    /* T[]: child = T */
} lithsm_abi_kind;

#define LITHSM_ABI_NONE UINT32_MAX

/* One type of the tree; nodes refer to each other by index. */
typedef struct lithsm_abi_node {
    lithsm_abi_kind kind;
    unsigned size;
    size_t length;
    uint32_t child;  /* arrays: the element; tuples: the first member */
    uint32_t next;   /* the next member of the enclosing tuple */
    int dynamic;     /* encoded in the tail, reached by an offset */
    size_t words;    /* static: the encoding's words; dynamic: 1 */
    size_t head;     /* tuples and T[k]: the words of their head */
    unsigned height; /* 1 for an elementary type */
} lithsm_abi_node;

struct lithsm_abi_function {
    lithsm_abi_node *nodes;
    size_t n_nodes;
    uint32_t args; /* the tuple of the arguments */
    char *canonical;
    uint8_t selector[4];
};

/* Parses a signature (lithsm_abi_function_parse() documents the forms)
 * into f, which is zeroed first; lithsm_abi_function_free() frees it. */
lithsm_err lithsm_abi_parse(struct lithsm_abi_function *f, const char *text);

/* "uint256", "bytes", "tuple", "T[]"... for messages. */
const char *lithsm_abi_kind_name(lithsm_abi_kind kind);

/* ---------------------------------------------------------------- calls */

/* The calldata of f with the arguments in `args`, a JSON array (as
 * lithsm_abi_encode_json()): what library code that builds json-c values
 * calls.  *out is freed with free(). */
lithsm_err lithsm_abi_encode_call(uint8_t **out, size_t *out_len,
                                  const lithsm_abi_function *f,
                                  const json_object *args);

#endif /* LITHSM_ETH_ABI_H */
