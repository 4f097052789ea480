/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * lithsm_eip712.h - EIP-712 typed data as eth_signTypedData_v4 takes it
 * (included by lithsm.h).
 *
 * lithsm_typed_data_parse() reads the JSON text {types, primaryType,
 * domain, message} strictly, checks every type and every value, and
 * computes the hashes once; the other functions only read the object, so
 * one parsed object may be shared between threads.
 *
 * Values, as wallets give them: intN/uintN (and the domain chainId) as a
 * JSON integer of at most 2^53 - 1 in magnitude, a decimal string ("-"
 * first for intN; no "+", spaces, fractions or exponents) or "0x" + hex
 * (non-negative), range-checked for the type; bytes and bytesN as "0x" +
 * hex (exactly N bytes for bytesN, "0x" is empty bytes); address as "0x"
 * + 40 hex digits, all-lowercase, all-uppercase or with a correct EIP-55
 * checksum; bool as a JSON boolean; string as a JSON string (any Unicode,
 * U+0000 included: its UTF-8 bytes are hashed); a struct as a JSON object
 * with exactly its fields; an array as a JSON array (of exactly N items
 * for T[N]).
 *
 * Strict policy.  The public libraries disagree on some inputs (ethers v6
 * and @metamask/eth-sig-util, tests/vectors/eip712.json
 * "library_disagreements"); lithsm refuses each of them, never guessing:
 *  - bytesN given more or fewer than N bytes; bytes0 or bytes33 as types;
 *    text that is not 0x-hex in a bytes field;
 *  - a JSON number for a string; a string (even "true"/"false") for a bool;
 *  - intN outside -2^(N-1) .. 2^(N-1)-1 (int8 128 is refused), uintN
 *    outside 0 .. 2^N-1; JSON numbers above 2^53 - 1 or with a fraction;
 *  - an address not of 20 bytes, or with a wrong EIP-55 checksum;
 *  - T[N] given another number of items; T[0] as a type;
 *  - a missing field (struct-typed ones too) or a field the type does not
 *    list, at any depth, the domain included;
 *  - circular types; a field name used twice in a type; a type that
 *    neither is the primary type or EIP712Domain nor is reached from them;
 *    a type name or field name that is not an identifier
 *    ([A-Za-z_$][A-Za-z0-9_$]*); a struct named like an atomic type
 *    (address, bool, string, bytes, bytesN, intN, uintN, int, uint);
 *  - "uint" or "int" without a width (ethers v6 reads uint256,
 *    eth-sig-util keeps "uint": the digests differ);
 *  - types without EIP712Domain (it is never built from the domain
 *    object); EIP712Domain fields other than name (string), version
 *    (string), chainId (uint256), verifyingContract (address) and salt
 *    (bytes32), or out of that order; a domain whose keys are not exactly
 *    the fields EIP712Domain lists; a struct field of type EIP712Domain;
 *  - primaryType "EIP712Domain" (it would sign a bare domain), an empty
 *    primaryType or one not in types;
 *  - top-level keys other than types, primaryType, domain and message
 *    (all four are required), and type entries other than {name, type}.
 * Limits against hostile input: the JSON text is at most 4 MiB and 64
 * levels deep; at most 256 types, 1024 fields per type and 8192 in all,
 * type and field names of at most 256 characters, 8 array dimensions per
 * field, fixed arrays of at most 65536 items, types nested at most 64
 * deep, and 4 MiB of encodeType text for all types together (each type's
 * repeats the types it reaches).  Time and memory stay linear in the
 * input.
 *
 * Errors name the place: "typed data: message.to.wallet: ...",
 * "typed data: types.Mail[2].type: unknown type \"Persn\"".
 */
#ifndef LITHSM_EIP712_H
#define LITHSM_EIP712_H

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * EIP-712 typed data (eth_signTypedData_v4)
 */
typedef struct lithsm_typed_data lithsm_typed_data;

/** Parses and checks typed-data JSON json[0..len) (it need not end in
 *  NUL) and computes its type hash, domain separator, struct hash and
 *  digest.  Caller frees *out with lithsm_typed_data_free().
 *  Returns: OK; INVALID_ARG for a NULL; PARSE for JSON that is not
 *  typed data as above (the message names the field); RANGE for an
 *  integer out of its type's range, or input past the limits above; NOMEM.
 */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_typed_data_parse(lithsm_typed_data **out,
                                              const char *json, size_t len);

/** Frees.  NULL is a no-op. */
LITHSM_API void lithsm_typed_data_free(lithsm_typed_data *td);

/** encodeType(primaryType): "Mail(Person from,...)Person(...)", the
 *  primary type first, then every type it reaches once, sorted by name
 *  in byte order.  Caller frees *out with lithsm_free().
 *  Returns: OK; INVALID_ARG for a NULL; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err
lithsm_typed_data_encode_type(char **out, const lithsm_typed_data *td);

/** keccak256(encodeType(primaryType)). */
LITHSM_API void lithsm_typed_data_type_hash(uint8_t out[32],
                                            const lithsm_typed_data *td);

/** hashStruct("EIP712Domain", domain). */
LITHSM_API void lithsm_typed_data_domain_separator(uint8_t out[32],
                                                   const lithsm_typed_data *td);

/** hashStruct(primaryType, message). */
LITHSM_API void lithsm_typed_data_struct_hash(uint8_t out[32],
                                              const lithsm_typed_data *td);

/** keccak256(0x19 0x01 || domain separator || struct hash): the 32 bytes
 *  the key signs. */
LITHSM_API void lithsm_typed_data_digest(uint8_t out[32],
                                         const lithsm_typed_data *td);

/** Signs the digest with any signer (software or token key alike, through
 *  lithsm_signer_sign_digest(): low s, v 27/28); the digest is written to
 *  `digest` too.
 *  Returns: OK; INVALID_ARG for a NULL; what lithsm_signer_sign_digest()
 *  returns. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_typed_data_sign(lithsm_eth_sig *sig,
                                             uint8_t digest[32],
                                             lithsm_signer *signer,
                                             const lithsm_typed_data *td);

/* Read-only accessors for a signing policy.  Borrowed strings live as long
 * as `td`. */

/** The primary type's name. */
LITHSM_API const char *lithsm_typed_data_primary_type(
    const lithsm_typed_data *td);

/** The domain's name, or NULL when the domain has none.  A name may hold
 *  U+0000: compare len_out bytes, not up to the first NUL (len_out may be
 *  NULL only when the caller refuses such names some other way). */
LITHSM_API const char *lithsm_typed_data_domain_name(
    const lithsm_typed_data *td, size_t *len_out);

/** The domain's version, or NULL; as lithsm_typed_data_domain_name(). */
LITHSM_API const char *lithsm_typed_data_domain_version(
    const lithsm_typed_data *td, size_t *len_out);

/** The domain's chainId as canonical decimal text ("8453", whatever form
 *  the JSON gave), or NULL when the domain has none. */
LITHSM_API const char *lithsm_typed_data_domain_chain_id(
    const lithsm_typed_data *td);

/** 1 and the domain's verifyingContract in *out, or 0 when it has none. */
LITHSM_API int lithsm_typed_data_verifying_contract(
    lithsm_eth_address *out, const lithsm_typed_data *td);

/** 1 and the domain's salt in out, or 0 when it has none. */
LITHSM_API int lithsm_typed_data_domain_salt(uint8_t out[32],
                                             const lithsm_typed_data *td);

#ifdef __cplusplus
}
#endif

#endif /* LITHSM_EIP712_H */
