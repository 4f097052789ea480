/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * lithsm_chipotle.h - Lit Chipotle ChainSecured accounts: the EIP-712
 * proofs the API server takes and the AccountConfig contract calls
 * (doc/lit-networks.md).  One profile of lithsm_eip712.h and lithsm_tx.h.
 * Included by lithsm.h; conventions there.
 */
#ifndef LITHSM_CHIPOTLE_H
#define LITHSM_CHIPOTLE_H

#include "lithsm.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Base, where the AccountConfig contract lives. */
#define LITHSM_CHIPOTLE_CHAIN_ID 8453u
/** The production AccountConfig diamond on Base. */
#define LITHSM_CHIPOTLE_ACCOUNT_CONFIG \
    "0xaaaaa9120fe271f653cfdb6bf400db93d2dea7aa"
/** The server's window around issuedAt, in seconds. */
#define LITHSM_CHIPOTLE_PROOF_WINDOW_S 300

/** A ChainSecured proof to write. */
typedef struct lithsm_chipotle_proof_params {
    /** "CreateWallet", "ConvertAccount", "AddUsageApiKey" or
     *  "BillingAuth". */
    const char *type;
    /** The server's chain id; 0: LITHSM_CHIPOTLE_CHAIN_ID. */
    uint64_t chain_id;
    /** issuedAt, unix seconds; 0: now. */
    int64_t issued_at_s;
    /** ConvertAccount only: new_admin_wallet_address of the body; NULL:
     *  the signer's address. */
    const lithsm_eth_address *new_admin;
} lithsm_chipotle_proof_params;

/** 1 when `type` names a ChainSecured proof type (above), else 0; NULL
 *  is 0. */
LITHSM_API int lithsm_chipotle_is_proof_type(const char *type);

/** The typed data of a proof by `address` (keys in the order types,
 *  primaryType, domain, message; chainId and issuedAt as JSON numbers).
 *  Caller frees.
 *  Returns: OK; INVALID_ARG for a NULL, an unknown type, a chain id
 *  above 2^53 - 1 or a negative time, or new_admin with another type;
 *  NOMEM. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err
lithsm_chipotle_typed_data(char **out, const lithsm_eth_address *address,
                           const lithsm_chipotle_proof_params *params);

/** Signs the proof with `signer` (its address is message.address) and
 *  writes the request body the API route takes:
 *  {"typed_data":{...},"signature":"0x..."} (and
 *  "new_admin_wallet_address" for ConvertAccount).  Caller frees.
 *  Returns: what lithsm_chipotle_typed_data() returns; what
 *  lithsm_typed_data_sign() returns. */
LITHSM_WARN_UNUSED_RESULT
LITHSM_API lithsm_err
lithsm_chipotle_proof(char **body_out, lithsm_signer *signer,
                      const lithsm_chipotle_proof_params *params);

/** The canonical signature of an AccountConfig write lithsm builds
 *  ("newChainSecuredAccount", "registerWalletDerivation",
 *  "setUsageApiKey"), e.g. "newChainSecuredAccount(string,string)"; NULL
 *  for another name.  Argument names, in order, go to *arg_names
 *  (NULL-terminated, static) when arg_names is not NULL. */
LITHSM_API const char *lithsm_chipotle_function(const char *name,
                                                const char *const **arg_names);

#ifdef __cplusplus
}
#endif

#endif /* LITHSM_CHIPOTLE_H */
