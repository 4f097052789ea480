/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * int256.h - the 256-bit integers of EIP-712, transactions and the ABI,
 * as 32 big-endian bytes (two's complement for negative intN values, the
 * form both EIP-712 and the ABI encode).  Parsed from the text forms
 * wallets accept, with the range of the Solidity type checked, so every
 * caller refuses the same values with the same words.  Not installed.
 */
#ifndef LITHSM_INT256_H
#define LITHSM_INT256_H

#include "util/util.h"

/* A Solidity integer type: uintN or intN, N = 8..256 in steps of 8. */
typedef struct lithsm_int_type {
    unsigned bits;
    int is_signed;
} lithsm_int_type;

#define LITHSM_UINT256 ((lithsm_int_type){ 256, 0 })
#define LITHSM_UINT64 ((lithsm_int_type){ 64, 0 })

/* Reads "uintN"/"intN" (N = 8..256, a multiple of 8, no leading zero);
 * 1 when `name` is such a type.  "uint" and "int" without a width are not:
 * EIP-712 libraries disagree on them, so they are never guessed. */
int lithsm_int_type_of(lithsm_int_type *out, const char *name);

/* Parses text[0..len): a decimal number ("-" first allowed for signed
 * types; digits only, no "+", spaces or exponent) or "0x" + hex digits
 * (non-negative).  `what` names the field in the error.
 * Returns: OK; PARSE for anything else; RANGE when the value does not fit
 * the type. */
lithsm_err lithsm_int_parse(uint8_t out[32], const char *text, size_t len,
                            lithsm_int_type t, const char *what);

/* The same from a JSON value: a string as above, or a JSON integer of at
 * most 2^53 - 1 in magnitude (fractions and exponents are refused: JSON
 * numbers past 2^53 are not exact in the libraries that wrote them).
 * Returns: as lithsm_int_parse(); PARSE for another JSON type. */
lithsm_err lithsm_int_from_json(uint8_t out[32], const json_object *v,
                                lithsm_int_type t, const char *what);

/* Decimal text of an unsigned 256-bit value; out needs 79 bytes. */
#define LITHSM_UINT256_DEC_MAX 79
void lithsm_uint256_to_dec(char out[LITHSM_UINT256_DEC_MAX],
                           const uint8_t v[32]);

/* The value as uint64 when it fits (1), else 0. */
int lithsm_uint256_to_u64(uint64_t *out, const uint8_t v[32]);
void lithsm_uint256_from_u64(uint8_t out[32], uint64_t v);

/* Number of leading zero bytes, so v + lithsm_uint256_skip(v) is the
 * minimal big-endian form (RLP's integers). */
size_t lithsm_uint256_skip(const uint8_t v[32]);

/* Compares two unsigned values: <0, 0, >0. */
int lithsm_uint256_cmp(const uint8_t a[32], const uint8_t b[32]);

/* out = a * b; 1 on success, 0 when the product exceeds 2^256 - 1. */
int lithsm_uint256_mul(uint8_t out[32], const uint8_t a[32],
                       const uint8_t b[32]);

/* out = a - b; 1 on success, 0 when b > a. */
int lithsm_uint256_sub(uint8_t out[32], const uint8_t a[32],
                       const uint8_t b[32]);

/* q = v / d and returns v % d, for 1 <= d <= 2^23. */
unsigned lithsm_uint256_div_small(uint8_t q[32], const uint8_t v[32],
                                  unsigned d);

/* out = a + b; 1 on success, 0 on overflow. */
int lithsm_uint256_add(uint8_t out[32], const uint8_t a[32],
                       const uint8_t b[32]);

#endif /* LITHSM_INT256_H */
