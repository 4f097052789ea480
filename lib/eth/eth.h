/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * eth.h - the Ethereum layer as the rest of liblithsm uses it: the one
 * libsecp256k1 context.  Keccak-256, EIP-191, addresses and recoverable
 * signatures are public (lithsm.h).  Not installed.
 */
#ifndef LITHSM_ETH_H
#define LITHSM_ETH_H

#include "util/util.h"

/* libsecp256k1's context type, named without including its header. */
struct secp256k1_context_struct;

/* The one libsecp256k1 context of the library: created on first use
 * (thread-safely), randomized, with an illegal-argument callback that does
 * not abort.  Read-only afterwards, so every thread shares it. */
lithsm_err lithsm_secp256k1_ctx(const struct secp256k1_context_struct **out);

#endif /* LITHSM_ETH_H */
