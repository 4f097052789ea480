/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * rlp.h - Recursive Length Prefix (Ethereum Yellow Paper, appendix B).
 * Writing: a writer that either counts (p == NULL) or writes, so a caller
 * sizes a serialization with the same code that writes it and allocates
 * once.  Reading: strict, only the canonical encoding of each item (the
 * shortest length form, a single byte below 0x80 as itself, no length
 * with leading zero bytes), bounded by the input.  Not installed.
 */
#ifndef LITHSM_RLP_H
#define LITHSM_RLP_H

#include "util/util.h"

/* ---- writing */

/* Writes at p (unless p is NULL) and counts the bytes in len. */
typedef struct lithsm_rlp_out {
    uint8_t *p;
    size_t len;
} lithsm_rlp_out;

/* A byte string b[0..n) (b may be NULL when n is 0). */
void lithsm_rlp_put_bytes(lithsm_rlp_out *w, const uint8_t *b, size_t n);
/* An unsigned integer as its minimal big-endian bytes (0 is "", 0x80). */
void lithsm_rlp_put_uint(lithsm_rlp_out *w, const uint8_t v[32]);
void lithsm_rlp_put_u64(lithsm_rlp_out *w, uint64_t v);
/* The header of a list whose items take payload_len bytes. */
void lithsm_rlp_put_list(lithsm_rlp_out *w, size_t payload_len);
/* Raw bytes (a type byte, or items already encoded). */
void lithsm_rlp_put_raw(lithsm_rlp_out *w, const uint8_t *b, size_t n);

/* ---- reading */

/* One item: a byte string, or a list whose payload (the items, still
 * encoded) is data[0..len). */
typedef struct lithsm_rlp_item {
    const uint8_t *data;
    size_t len;
    int is_list;
} lithsm_rlp_item;

/* The deepest nesting lithsm_rlp_check() accepts. */
#define LITHSM_RLP_MAX_DEPTH 16

/* Reads the item at *p (before end) and moves *p past it; `what` names it
 * in the error ("transaction: nonce").  Only the item's own header is
 * checked: a list's payload is read with the same function.
 * Returns: OK; PARSE for an empty input, a length running past end, or a
 * non-canonical header. */
lithsm_err lithsm_rlp_next(lithsm_rlp_item *out, const uint8_t **p,
                           const uint8_t *end, const char *what);

/* Reads in[0..len) as exactly one item, nothing after it, and checks every
 * item inside to the depth LITHSM_RLP_MAX_DEPTH (a list directly in the
 * top item is depth 2).  *out (may be NULL) gets the top item.
 * Returns: OK; RANGE over LITHSM_MAX_INPUT bytes or nested too deep;
 * PARSE as lithsm_rlp_next() or for trailing bytes. */
lithsm_err lithsm_rlp_check(lithsm_rlp_item *out, const uint8_t *in, size_t len,
                            const char *what);

/* An integer item: a string of at most 32 bytes without a leading zero
 * byte (0 is the empty string), into 32 big-endian bytes.
 * Returns: OK; PARSE for a list, a leading zero or more than 32 bytes. */
lithsm_err lithsm_rlp_uint(uint8_t out[32], const lithsm_rlp_item *it,
                           const char *what);

/* The same, at most 8 bytes. */
lithsm_err lithsm_rlp_u64(uint64_t *out, const lithsm_rlp_item *it,
                          const char *what);

#endif /* LITHSM_RLP_H */
