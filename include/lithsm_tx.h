/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * lithsm_tx.h - Ethereum transactions (included by lithsm.h): legacy with
 * EIP-155 replay protection (type 0), EIP-2930 (type 1) and EIP-1559
 * (type 2), read from the JSON a wallet takes or from a signed raw
 * transaction, signed with any lithsm_signer.
 *
 * Choices (see also lithsm_tx_from_json and lithsm_tx_from_raw):
 *  - Only EIP-155 legacy transactions: a raw legacy transaction with
 *    v = 27 or 28 (no chain id, replayable on every chain) is refused, and
 *    chain id 0 is refused everywhere.
 *  - Decoding is strict: canonical RLP only (shortest lengths, integers
 *    without leading zero bytes, nothing after the transaction), exactly the
 *    fields of the type, and a low s (EIP-2), as Ethereum nodes require.
 *  - Numbers are 32-byte big-endian values (uint256), except the nonce,
 *    which EIP-2681 bounds to 2^64 - 2.
 */
#ifndef LITHSM_TX_H
#define LITHSM_TX_H

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Transactions
 */
#define LITHSM_TX_TYPE_LEGACY 0u      /* EIP-155 */
#define LITHSM_TX_TYPE_ACCESS_LIST 1u /* EIP-2930 */
#define LITHSM_TX_TYPE_DYNAMIC_FEE 2u /* EIP-1559 */

/* The largest serialized transaction (signed or not) read or written. */
#define LITHSM_TX_MAX_RAW (1024u * 1024u)

/* Fields a sender may leave out of the JSON and fill from the chain
 * (lithsm_tx_missing() gives them as a bit set). */
#define LITHSM_TX_MISSING_NONCE 0x01u
#define LITHSM_TX_MISSING_GAS_LIMIT 0x02u
#define LITHSM_TX_MISSING_GAS_PRICE 0x04u    /* types 0 and 1 */
#define LITHSM_TX_MISSING_MAX_FEE 0x08u      /* type 2: maxFeePerGas */
#define LITHSM_TX_MISSING_PRIORITY_FEE 0x10u /* type 2 */

/** A transaction, unsigned or signed.  Functions returning a new *out:
 *  caller frees it with lithsm_tx_free(). */
typedef struct lithsm_tx lithsm_tx;

/** Parses the transaction object of transaction.json's inputs, text
 *  json[0..json_len), strictly:
 *  - "type": required, the JSON integer 0, 1 or 2 (an absent type is
 *    refused: guessing it from the fee fields given is what wallets
 *    disagree on);
 *  - "chainId" (required, not 0), "nonce" (at most 2^64 - 2), "value",
 *    "gasLimit", "gasPrice" (types 0 and 1), "maxFeePerGas" and
 *    "maxPriorityFeePerGas" (type 2): decimal strings, 0x-hex strings or
 *    JSON integers of at most 2^53 - 1;
 *  - "to": an address (all lowercase, all uppercase or EIP-55; a wrong
 *    checksum is refused), or null or absent for a contract creation;
 *  - "data": 0x-hex, "0x" when empty; absent means empty;
 *  - "accessList" (types 1 and 2): [{"address", "storageKeys": [32-byte
 *    0x-hex, ...]}], each object with exactly those two members.
 *  "value" absent means 0.  "nonce", "gasLimit" and the fees may be
 *  absent: lithsm_tx_missing() lists them and the setters below fill them.
 *  Any other member, a fee of another type, maxPriorityFeePerGas above
 *  maxFeePerGas or gasLimit * (gasPrice or maxFeePerGas) above 2^256 - 1
 *  is an error; lithsm_last_error() names the field
 *  ("transaction: nonce: ...").
 *  Returns: OK; INVALID_ARG for a NULL; PARSE for malformed JSON, a
 *  missing or unknown field or a bad value; RANGE for a value out of
 *  range, text over 4 MiB or a transaction over LITHSM_TX_MAX_RAW bytes;
 *  NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_tx_from_json(lithsm_tx **out, const char *json,
                                          size_t json_len);

/** Decodes a signed raw transaction raw[0..len) of any of the three types
 *  (see the choices above), recovers its sender into *from and writes its
 *  hash (keccak256 of the raw bytes); `out`, `from` and `hash` may each be
 *  NULL when not wanted.  The transaction *out is signed: lithsm_tx_raw()
 *  gives the same bytes back.
 *  Returns: OK; INVALID_ARG for a NULL raw; RANGE over LITHSM_TX_MAX_RAW
 *  bytes or for a nonce above 2^64 - 2; PARSE for an unknown type,
 *  non-canonical or truncated RLP, trailing bytes, a wrong number of
 *  fields or a field of the wrong shape (the message names it), a legacy
 *  v without EIP-155; SIGNATURE for r or s zero or out of range, a high s,
 *  or no sender recovering; CRYPTO; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_tx_from_raw(lithsm_tx **out,
                                         lithsm_eth_address *from,
                                         uint8_t hash[32], const uint8_t *raw,
                                         size_t len);

/** Wipes nothing (a transaction holds no secret) and frees.  NULL is a
 *  no-op. */
LITHSM_API void lithsm_tx_free(lithsm_tx *tx);

/* ---- what the transaction says (for a sender and for a signing policy) */

/** LITHSM_TX_TYPE_LEGACY, _ACCESS_LIST or _DYNAMIC_FEE. */
LITHSM_API unsigned lithsm_tx_type(const lithsm_tx *tx);

/** The chain id as 32 big-endian bytes. */
LITHSM_API void lithsm_tx_chain_id(uint8_t out[32], const lithsm_tx *tx);

/** The chain id as a uint64: 1 when it fits, else 0 (*out unchanged). */
LITHSM_API int lithsm_tx_chain_id_u64(uint64_t *out, const lithsm_tx *tx);

/** The nonce: 1, or 0 when it is missing (*out unchanged). */
LITHSM_API int lithsm_tx_nonce(uint64_t *out, const lithsm_tx *tx);

/** The recipient: 1, or 0 for a contract creation (*out unchanged). */
LITHSM_API int lithsm_tx_to(lithsm_eth_address *out, const lithsm_tx *tx);

/** The value in wei. */
LITHSM_API void lithsm_tx_value(uint8_t out[32], const lithsm_tx *tx);

/** The call data (borrowed, valid while tx is neither changed nor freed;
 *  NULL when *len_out is 0).  A function selector is its first 4 bytes. */
LITHSM_API const uint8_t *lithsm_tx_data(size_t *len_out, const lithsm_tx *tx);

/** The gas limit: 1, or 0 when it is missing (*out unchanged). */
LITHSM_API int lithsm_tx_gas_limit(uint8_t out[32], const lithsm_tx *tx);

/** The fee per gas the sender pays at most: gasPrice (types 0 and 1) or
 *  maxFeePerGas (type 2).  1, or 0 when it is missing (*out unchanged). */
LITHSM_API int lithsm_tx_max_fee_per_gas(uint8_t out[32], const lithsm_tx *tx);

/** maxPriorityFeePerGas (type 2): 1, or 0 when it is missing or the type
 *  has none (*out unchanged). */
LITHSM_API int lithsm_tx_priority_fee_per_gas(uint8_t out[32],
                                              const lithsm_tx *tx);

/** The most the transaction can cost in fees, gasLimit * (gasPrice or
 *  maxFeePerGas), which never exceeds 2^256 - 1 (the parser and the setters
 *  refuse more): 1, or 0 while either is missing (*out unchanged). */
LITHSM_API int lithsm_tx_max_fee_total(uint8_t out[32], const lithsm_tx *tx);

/** The number of access-list entries (0 for type 0 and for an empty
 *  list). */
LITHSM_API size_t lithsm_tx_access_list_count(const lithsm_tx *tx);

/** The i-th access-list entry: its address and storage keys (borrowed, as
 *  lithsm_tx_data; *keys is NULL when *n_keys is 0); each output may be
 *  NULL.  Returns: OK; INVALID_ARG for a NULL tx or i >= the count. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_tx_access_list_get(lithsm_eth_address *address,
                                                const uint8_t (**keys)[32],
                                                size_t *n_keys,
                                                const lithsm_tx *tx, size_t i);

/** The JSON-RPC call object for eth_estimateGas (or eth_call):
 *  {"from","to","value","data"} with "value" a hex quantity ("0x0") and
 *  "data" 0x-hex; "from" only when `from` is not NULL, "to" only when the
 *  transaction has one; types 1 and 2 add their "accessList" (it costs
 *  gas, so an estimate without it is too low).  Caller frees *out with lithsm_free().
 *  Returns: OK; INVALID_ARG for a NULL out or tx; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_tx_call_json(char **out, const lithsm_tx *tx,
                                          const lithsm_eth_address *from);

/* ---- filling what the JSON left out (each clears a signature) */

/** The missing fields, LITHSM_TX_MISSING_* bits (0: ready to sign). */
LITHSM_API unsigned lithsm_tx_missing(const lithsm_tx *tx);

/** Fails naming the first missing field ("transaction: nonce is missing;
 *  give it in the file or fill it from the network").
 *  Returns: OK; INVALID_ARG for a NULL; PARSE when a field is missing. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_tx_check_complete(const lithsm_tx *tx);

/** Sets the nonce.
 *  Returns: OK; INVALID_ARG for a NULL; RANGE for 2^64 - 1 (EIP-2681). */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_tx_set_nonce(lithsm_tx *tx, uint64_t nonce);

/** Sets the gas limit.  On failure the transaction is unchanged.
 *  Returns: OK; INVALID_ARG for a NULL; RANGE when gas * the fee per gas
 *  exceeds 2^256 - 1. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_tx_set_gas_limit(lithsm_tx *tx,
                                              const uint8_t gas[32]);

/** Sets gasPrice (types 0 and 1).  On failure the transaction is
 *  unchanged.
 *  Returns: OK; INVALID_ARG for a NULL or a type 2 transaction; RANGE when
 *  gasLimit * price exceeds 2^256 - 1. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_tx_set_gas_price(lithsm_tx *tx,
                                              const uint8_t price[32]);

/** Sets maxFeePerGas and maxPriorityFeePerGas (type 2).  On failure the
 *  transaction is unchanged.
 *  Returns: OK; INVALID_ARG for a NULL or a type 0 or 1 transaction; RANGE
 *  when the priority fee exceeds the max fee or gasLimit * max fee exceeds
 *  2^256 - 1. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_tx_set_fees(lithsm_tx *tx,
                                         const uint8_t max_fee[32],
                                         const uint8_t priority_fee[32]);

/* ---- serializing and signing */

/** The unsigned serialization: type 0 RLP([nonce, gasPrice, gasLimit, to,
 *  value, data, chainId, 0, 0]); types 1 and 2 the type byte then the RLP
 *  list of EIP-2930 / EIP-1559.  Caller frees *out with lithsm_free().
 *  Returns: OK; INVALID_ARG for a NULL; PARSE for a missing field (as
 *  lithsm_tx_check_complete); NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_tx_unsigned(uint8_t **out, size_t *out_len,
                                         const lithsm_tx *tx);

/** keccak256 of the unsigned serialization: the digest the key signs.
 *  Returns: as lithsm_tx_unsigned(). */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_tx_signing_hash(uint8_t out[32],
                                             const lithsm_tx *tx);

/** Signs with `signer` (a software or token key: low s, recovery id from
 *  lithsm_signer_sign_digest()) and keeps the signature in tx.  Writes the
 *  signed raw transaction (*raw_out, caller frees with lithsm_free()),
 *  its sender and its hash; raw_out (with raw_len), from and hash may each
 *  be NULL.  A legacy v = chainId * 2 + 35 + yParity is computed in 256
 *  bits.  On failure tx is left unsigned.
 *  Returns: OK; INVALID_ARG for a NULL tx or signer, or raw_out without
 *  raw_len; PARSE for a missing field; RANGE when a legacy v exceeds
 *  2^256 - 1; what lithsm_signer_sign_digest() returns; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_tx_sign(uint8_t **raw_out, size_t *raw_len,
                                     lithsm_eth_address *from, uint8_t hash[32],
                                     lithsm_tx *tx, lithsm_signer *signer);

/** 1 when tx is signed (by lithsm_tx_sign or lithsm_tx_from_raw), else 0;
 *  then r, s and yParity (each output may be NULL). */
LITHSM_API int lithsm_tx_signature(uint8_t r[32], uint8_t s[32],
                                   unsigned *y_parity, const lithsm_tx *tx);

/** The v the transaction carries: chainId * 2 + 35 + yParity for type 0,
 *  yParity for types 1 and 2.  1 when signed, else 0 (*out unchanged). */
LITHSM_API int lithsm_tx_v(uint8_t out[32], const lithsm_tx *tx);

/** The sender and the transaction hash of a signed tx; each output may be
 *  NULL.  1 when signed, else 0. */
LITHSM_API int lithsm_tx_sender(lithsm_eth_address *from, uint8_t hash[32],
                                const lithsm_tx *tx);

/** The signed raw transaction.  Caller frees *out with lithsm_free().
 *  Returns: OK; INVALID_ARG for a NULL or an unsigned tx; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_tx_raw(uint8_t **out, size_t *out_len,
                                    const lithsm_tx *tx);

/** What `lithsm sign-tx` prints for a signed tx, one line of JSON:
 *  {"raw":"0x..","hash":"0x..","from":"0x" + EIP-55}.  Caller frees *out
 *  with lithsm_free().
 *  Returns: OK; INVALID_ARG for a NULL or an unsigned tx; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_tx_signed_json(char **out, const lithsm_tx *tx);

#ifdef __cplusplus
}
#endif

#endif /* LITHSM_TX_H */
