/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * lithsm_abi.h - Solidity ABI encoding of contract calls: function
 * signatures, selectors and calldata (included by lithsm.h).
 *
 * Signatures.  The canonical form is `name(type,...)` with no spaces or
 * parameter names; its keccak256 gives the 4-byte selector.  The human
 * form of Solidity and ethers is accepted too and canonicalised: spaces
 * around punctuation, a leading `function`, a parameter name after each
 * type (`transfer(address to, uint256 amount)`), the data locations
 * `memory` and `calldata` before the name, and `tuple(...)` for `(...)`.
 * Types: address, bool, string, bytes, bytesN (N = 1..32), uintN and intN
 * (N = 8..256, a multiple of 8), tuples `(T,...)` (at least one member),
 * fixed arrays T[k] (k >= 1, no leading zero) and dynamic arrays T[],
 * nested to any mix.  `uint` and `int` are the standard Solidity aliases
 * of uint256 and int256 in function signatures and are canonicalised to
 * them (unlike EIP-712 typed data, where libraries disagree and lithsm
 * refuses them).  Anything else is refused: `fixed`, `function`, a width
 * out of range, an empty tuple, text after the closing parenthesis.
 * Limits: 4096 bytes of text, 512 types, nesting 16 deep (each tuple and
 * each array dimension is one level), fixed arrays of at most 65536,
 * static types and calldata of at most 4 MiB.
 *
 * Arguments as JSON: one array, one value per parameter.  Integers are
 * decimal strings ("-" allowed for intN), 0x-hex strings (non-negative) or
 * JSON integers of at most 2^53 - 1 in magnitude, range-checked for their
 * type; addresses are "0x" + 40 hex digits, all-lowercase, all-uppercase
 * or with a correct EIP-55 checksum (a wrong one is refused); bytes and
 * bytesN are "0x" + hex (bytesN exactly N bytes); bool is a JSON boolean
 * (never "true" in quotes); string is a JSON string (its UTF-8 bytes);
 * arrays are JSON arrays (T[k] exactly k values) and tuples JSON arrays of
 * their members in order.  Errors name the argument by its path, counted
 * from 0: "call data: argument 2[3].1: ..." is member 1 of element 3 of
 * the third argument.
 */
#ifndef LITHSM_ABI_H
#define LITHSM_ABI_H

#ifdef __cplusplus
extern "C" {
#endif

#define LITHSM_ABI_SELECTOR_LEN 4

/** A parsed function signature.  Free with lithsm_abi_function_free(). */
typedef struct lithsm_abi_function lithsm_abi_function;

/** Parses a function signature in either form (see above).
 *  Returns: OK; INVALID_ARG for a NULL; PARSE for text that is not a
 *  signature (the message names the position); RANGE past a limit;
 *  NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_abi_function_parse(lithsm_abi_function **out,
                                                const char *signature);

/** NULL is a no-op. */
LITHSM_API void lithsm_abi_function_free(lithsm_abi_function *f);

/** The canonical signature, `name(type,...)`: borrowed, valid while f. */
LITHSM_API const char *lithsm_abi_function_canonical(
    const lithsm_abi_function *f);

/** The selector: the first 4 bytes of keccak256(canonical signature). */
LITHSM_API void lithsm_abi_function_selector(uint8_t out[4],
                                             const lithsm_abi_function *f);

/** The number of parameters. */
LITHSM_API size_t lithsm_abi_function_n_args(const lithsm_abi_function *f);

/** Calldata: the selector, then the arguments ABI-encoded (head and tail,
 *  as the Solidity ABI specification says), from `args_json`, the text of
 *  one JSON array (see above).  *out (caller frees with lithsm_free()) has
 *  *out_len bytes.
 *  Returns: OK; INVALID_ARG for a NULL; PARSE for text that is not JSON
 *  or a value of the wrong JSON type or form; RANGE for a number out of
 *  its type's range, a wrong array length or argument count, or calldata
 *  over 4 MiB; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_abi_encode_json(uint8_t **out, size_t *out_len,
                                             const lithsm_abi_function *f,
                                             const char *args_json,
                                             size_t args_len);

/** The same with one text word per argument, as a command line gives
 *  them (n_args words).  A word for an array or tuple parameter is JSON
 *  (`[1,2]`, `["0x..",true,"0x"]`), with the values inside as above; a
 *  `string` word is taken literally (it must be UTF-8); a `bool` word is
 *  `true` or `false`; any other word is the text of the value without
 *  JSON quotes (`-5`, `0x1f`, an address).
 *  Returns: as lithsm_abi_encode_json(). */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_abi_encode_words(uint8_t **out, size_t *out_len,
                                              const lithsm_abi_function *f,
                                              const char *const *args,
                                              size_t n_args);

/** One call: parses `signature` and encodes `args_json` as
 *  lithsm_abi_encode_json(); `selector_out` may be NULL.
 *  Returns: as lithsm_abi_function_parse() and lithsm_abi_encode_json(). */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_abi_call_data(uint8_t **out, size_t *out_len,
                                           uint8_t *selector_out,
                                           const char *signature,
                                           const char *args_json,
                                           size_t args_len);

/** The selector of a signature in either form.
 *  Returns: as lithsm_abi_function_parse(). */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_abi_selector(uint8_t out[4],
                                          const char *signature);

#ifdef __cplusplus
}
#endif

#endif /* LITHSM_ABI_H */
