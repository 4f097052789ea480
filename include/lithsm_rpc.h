/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * lithsm_rpc.h - an Ethereum JSON-RPC client over liblithsm's HTTP client:
 * the chain id, the pending nonce, fee data, gas estimates, sending a raw
 * transaction and waiting for its receipt.  Included by lithsm.h; the
 * conventions are lithsm.h's.
 *
 * Replies are parsed strictly: a quantity must be canonical 0x-hex ("0x0",
 * or "0x" and hex digits without a leading zero), a JSON-RPC error is
 * reported with its code and message (PROTOCOL), and a reply with another
 * id, a missing result or anything but a JSON object is PROTOCOL.  A node
 * that cannot be reached, answers an HTTP error or times out is NETWORK.
 * Messages name the RPC URL only as scheme://host[:port] ("***" for a
 * path, query or credentials, where providers put their API keys).
 *
 * 256-bit quantities (wei) are 32 big-endian bytes.
 */
#ifndef LITHSM_RPC_H
#define LITHSM_RPC_H

#include "lithsm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lithsm_rpc lithsm_rpc;

/** How to reach the RPC endpoint. */
typedef struct lithsm_rpc_opts {
    const char *ca_file; /* PEM trust anchors instead of the system's; may
                          * be NULL */
    int insecure_tls;    /* 1: no TLS verification */
    long timeout_ms;     /* per request; 0: 30 s */
    const char *proxy;   /* NULL: no proxy, whatever the environment says */
} lithsm_rpc_opts;

/** Opens a client of the JSON-RPC endpoint `url` (http:// or https://);
 *  nothing is sent yet.  `opts` may be NULL (defaults).
 *  Returns: OK; INVALID_ARG for a NULL, another scheme or a negative
 *  timeout; NETWORK when libcurl cannot be loaded; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_rpc_open(lithsm_rpc **out, const char *url,
                                      const lithsm_rpc_opts *opts);

/** Frees; NULL is a no-op. */
LITHSM_API void lithsm_rpc_free(lithsm_rpc *rpc);

/** Calls `method` with `params_json` (a JSON array; NULL: []) and gives
 *  the result as JSON text (caller frees; "null" for a null result).
 *  Returns: OK; INVALID_ARG for a NULL rpc/method/out; NETWORK; PROTOCOL
 *  (a JSON-RPC error, a bad reply); NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_rpc_call(char **result_json_out, lithsm_rpc *rpc,
                                      const char *method,
                                      const char *params_json);

/** eth_chainId.
 *  Returns: OK; INVALID_ARG; NETWORK; PROTOCOL (also for a chain id
 *  beyond 64 bits); NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_rpc_chain_id(uint64_t *out, lithsm_rpc *rpc);

/** eth_getTransactionCount(address, "pending"): the nonce of the
 *  address's next transaction.
 *  Returns: as lithsm_rpc_chain_id(). */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_rpc_pending_nonce(uint64_t *out, lithsm_rpc *rpc,
                                               const lithsm_eth_address *addr);

/** Fee data as ethers' getFeeData() computes it. */
typedef struct lithsm_rpc_fees {
    uint8_t gas_price[32]; /* eth_gasPrice */
    int has_eip1559;       /* 1: the latest block has a baseFeePerGas */
    uint8_t base_fee[32];  /* the latest block's baseFeePerGas */
    /* eth_maxPriorityFeePerGas, or when the node has no such method the
     * median reward of eth_feeHistory(1, "latest", [50]) */
    uint8_t max_priority_fee[32];
    uint8_t max_fee[32]; /* 2 * base_fee + max_priority_fee */
} lithsm_rpc_fees;

/** eth_gasPrice, then eth_getBlockByNumber("latest", false); when the
 *  block has a base fee, the priority fee and the max fee too.
 *  Returns: OK; INVALID_ARG; NETWORK; PROTOCOL; RANGE when 2 * base +
 *  priority exceeds 256 bits; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_rpc_fee_data(lithsm_rpc_fees *out,
                                          lithsm_rpc *rpc);

/** eth_estimateGas(call) with `call_json` a JSON object
 *  ({from, to, value, data, ...} as the node takes it); the block tag is
 *  left out, as ethers does.
 *  Returns: OK; INVALID_ARG for a NULL or call_json not an object;
 *  NETWORK; PROTOCOL (a revert included); NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_rpc_estimate_gas(uint64_t *out, lithsm_rpc *rpc,
                                              const char *call_json);

/** eth_sendRawTransaction(raw) with raw "0x" + hex; *hash_out is the hash
 *  the node answered, "0x" + 64 lowercase hex (caller frees).
 *  Returns: OK; INVALID_ARG for a NULL or raw not 0x-hex; NETWORK;
 *  PROTOCOL (the node refused the transaction, or a bad hash); NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_rpc_send_raw(char **hash_out, lithsm_rpc *rpc,
                                          const char *raw);

/** Polls eth_getTransactionReceipt(hash) until the node has a receipt
 *  (every 100 ms at first, growing to 1 s) or timeout_ms passes.
 *  *receipt_out is the receipt object as JSON text (the node's fields in
 *  its order; caller frees) and *status_out its status (1 success, 0
 *  reverted).  The receipt must name `hash` and have a status of "0x0" or
 *  "0x1" and a canonical blockNumber.
 *  Returns: OK (a reverted transaction included: check *status_out);
 *  INVALID_ARG for a NULL, a hash not 0x + 64 hex or timeout_ms <= 0;
 *  NETWORK when the node cannot be reached or no receipt came in time;
 *  PROTOCOL for a bad receipt; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_rpc_wait_receipt(char **receipt_out,
                                              int *status_out, lithsm_rpc *rpc,
                                              const char *hash,
                                              long timeout_ms);

/* ------------------------------------------------------------------------
 * Filling, signing and sending a transaction (lithsm_tx.h)
 */
typedef struct lithsm_tx lithsm_tx;

typedef struct lithsm_rpc_send_opts {
    /* The most the transaction may pay per gas, in wei, 32 big-endian
     * bytes: gasPrice (types 0, 1) or maxFeePerGas (type 2), whether the
     * file gave it or the node; NULL: no cap. */
    const uint8_t *max_fee_per_gas;
    long receipt_timeout_ms; /* 0: 120 s */
} lithsm_rpc_send_opts;

/** What lithsm_rpc_send_tx() sent and got back. */
typedef struct lithsm_rpc_sent {
    char *raw;  /* the signed raw transaction, "0x" + hex */
    char *hash; /* "0x" + 64 hex, as the node answered it */
    char from[LITHSM_ETH_ADDRESS_TEXT_LEN + 1]; /* EIP-55 */
    char *receipt; /* the receipt object as JSON text */
    int status;    /* the receipt's status: 1 success, 0 reverted */
} lithsm_rpc_sent;

/** Frees what a lithsm_rpc_sent holds and zeroes it; NULL is a no-op. */
LITHSM_API void lithsm_rpc_sent_clear(lithsm_rpc_sent *sent);

/** Sends `tx` from `signer`'s address: refuses a fee given above the cap;
 *  checks eth_chainId against the transaction's chainId (a difference is
 *  an error naming both, before anything is signed); fills what the
 *  transaction leaves out (lithsm_tx_missing()): the nonce from
 *  eth_getTransactionCount(from, "pending"), gasPrice (types 0, 1) or
 *  maxPriorityFeePerGas and maxFeePerGas = 2 * baseFee + priority
 *  (type 2) from lithsm_rpc_fee_data(), the gas limit from
 *  eth_estimateGas(lithsm_tx_call_json(tx, from)); refuses a filled fee
 *  above the cap (nothing is signed or sent); signs; sends; waits for the
 *  receipt.  A reverted transaction is OK with out->status 0: the caller
 *  decides.  `opts` may be NULL.  On failure *out is empty (a failure
 *  after sending names the transaction hash in its message).
 *  Returns: OK; INVALID_ARG for a NULL, a negative timeout or another
 *  chain; RANGE for a fee above the cap or a value the transaction
 *  cannot hold; NETWORK (no receipt in time included); PROTOCOL (the node
 *  refused the transaction, answered another hash or a bad reply); what
 *  lithsm_tx_sign() returns; NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err lithsm_rpc_send_tx(lithsm_rpc_sent *out, lithsm_rpc *rpc,
                                         lithsm_tx *tx, lithsm_signer *signer,
                                         const lithsm_rpc_send_opts *opts);

#ifdef __cplusplus
}
#endif

#endif /* LITHSM_RPC_H */
