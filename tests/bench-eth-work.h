/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * bench-eth-work.h - one unit of each kind of Ethereum signing work, for
 * the bench programs: the same inputs with a software key (bench-eth.c)
 * and a token key (integration/bench_pkcs11.c).  Each dies on failure.
 */
#ifndef LITHSM_BENCH_ETH_WORK_H
#define LITHSM_BENCH_ETH_WORK_H

/* Parses the EIP-712 Mail example and computes its digest; arg unused. */
void work_digest(void *arg);
/* The same, signed by the lithsm_signer `signer`. */
void work_sign_typed_data(void *signer);
/* Parses an EIP-1559 transfer and signs it with `signer`. */
void work_sign_tx(void *signer);
/* ERC-20 transfer calldata from its signature and JSON arguments. */
void work_abi(void *arg);

#endif /* LITHSM_BENCH_ETH_WORK_H */
