#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * gen-eth-vectors.mjs OUTDIR
 *
 * Writes eip712.json, transaction.json and abi-calls.json into OUTDIR in
 * the format of tests/vectors (README.md there, "Ethereum signing vectors"),
 * with keys and inputs of their own from a seeded generator (the seed is
 * "lithsm-interop-eth-1", or $LITHSM_ETH_SEED).  Every expected value comes
 * from ethers 6.17.0; EIP-712 cases are cross-checked with
 * @metamask/eth-sig-util 9.0.0 (a case on which they differ is left out, or
 * filed as a library disagreement), transactions and calldata with the
 * ethers v5 packages.  Two runs with one seed write identical files.
 */

import fs from 'node:fs';
import { writeVectors, note } from './gen-eth-common.mjs';
import { out as e712, skipped } from './gen-eth-eip712-lib.mjs';
import { genEip712Valid } from './gen-eth-eip712.mjs';
import { genEip712Bad } from './gen-eth-eip712-bad.mjs';
import { genTransactions } from './gen-eth-tx.mjs';
import { genAbi } from './gen-eth-abi.mjs';

const OUT = process.argv[2];
if (!OUT) {
  process.stderr.write('usage: node gen-eth-vectors.mjs OUTDIR\n');
  process.exit(2);
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  await genEip712Valid();
  await genEip712Bad();
  writeVectors(OUT, 'eip712.json',
    'EIP-712 typed structured data as eth_signTypedData_v4 takes it, on inputs from a seeded generator: encoded type, type hash, domain separator, struct hash of the primary message, the digest keccak256(0x1901 || domainSeparator || structHash), and the deterministic (RFC 6979) secp256k1 signature r || s || v (v 27/28). Values from ethers v6 TypedDataEncoder and Wallet.signTypedData; every digest and signature was checked equal with @metamask/eth-sig-util (TypedDataUtils, signTypedData, V4). "invalid" holds typed data that both ethers v6 and eth-sig-util refuse; "library_disagreements" holds inputs on which they part ways (no verdict).',
    ['ethers', '@metamask/eth-sig-util'], e712);
  if (skipped.length) note(`eip712: ${skipped.length} generated cases left out: ${skipped.join(', ')}`);
  await genTransactions(OUT);
  await genAbi(OUT);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
