#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * eth-anchor.mjs - the JS anchor of `make bench` for Ethereum signing: the
 * rates of ethers 6.17.0 (pinned in package-lock.json), measured on this
 * machine in the same run as lithsm's, with a software key:
 *   eip712_digest_per_s  TypedDataEncoder.hash of the EIP-712 Mail example
 *   eip712_sign_per_s    Wallet.signTypedData of the same (digest + sign)
 *   tx_sign_per_s        Wallet.signTransaction of an EIP-1559 transfer
 *   abi_encode_per_s     Interface.encodeFunctionData of an ERC-20 transfer
 * Each rate: a warm-up, then REPS timed loops of at least MIN_MS each
 * (process.hrtime.bigint); the median loop's calls per second is reported.
 * Before timing, the results are checked: the Mail digest and signature are
 * the ones the EIP publishes (key keccak256("cow")), the transaction parses
 * back to the key's address.
 *
 * Usage: node eth-anchor.mjs [--reps N] [--min-ms MS] [--warmup-ms MS] [--quick]
 * Prints one JSON object on stdout; progress on stderr.
 */

import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { Wallet, TypedDataEncoder, Transaction, Interface, keccak256, toUtf8Bytes, verifyTypedData } = require('ethers');
const HERE = path.dirname(new URL(import.meta.url).pathname);
const ETHERS = JSON.parse(fs.readFileSync(path.join(HERE, 'node_modules/ethers/package.json'), 'utf8')).version;

const opt = { reps: 3, minMs: 1000, warmupMs: 300, quick: false };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const num = () => {
    const v = Number(argv[++i]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${argv[i - 1]} needs a positive number`);
    return v;
  };
  if (argv[i] === '--reps') opt.reps = Math.round(num());
  else if (argv[i] === '--min-ms') opt.minMs = num();
  else if (argv[i] === '--warmup-ms') opt.warmupMs = num();
  else if (argv[i] === '--quick') Object.assign(opt, { reps: 1, minMs: 200, warmupMs: 50, quick: true });
  else {
    process.stderr.write('usage: node eth-anchor.mjs [--reps N] [--min-ms MS] [--warmup-ms MS] [--quick]\n');
    process.exit(2);
  }
}
const progress = (s) => process.stderr.write(`[eth-anchor] ${s}\n`);

// The EIP-712 specification's Mail example and its published results.
const MAIL = {
  domain: { name: 'Ether Mail', version: '1', chainId: 1, verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC' },
  types: {
    Person: [{ name: 'name', type: 'string' }, { name: 'wallet', type: 'address' }],
    Mail: [{ name: 'from', type: 'Person' }, { name: 'to', type: 'Person' }, { name: 'contents', type: 'string' }],
  },
  message: {
    from: { name: 'Cow', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' },
    to: { name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' },
    contents: 'Hello, Bob!',
  },
  digest: '0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2',
  signature: '0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b915621c',
};
const wallet = new Wallet(keccak256(toUtf8Bytes('cow')));
// An EIP-1559 Ether transfer on Base, as in transaction.json.
const TX = {
  type: 2, chainId: 8453n, nonce: 7, to: '0x4C8EB9F329EBFDB369F0C90954875eF8F568AD24', value: 10n ** 16n, data: '0x',
  gasLimit: 21000n, maxFeePerGas: 2000000000n, maxPriorityFeePerGas: 1000000n, accessList: [],
};
const ERC20 = new Interface(['function transfer(address to, uint256 amount)']);
const ARGS = ['0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB', 10n ** 18n];

const hrms = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/* Calls fn (async when isAsync) in a warm-up and then opt.reps loops of at
   least opt.minMs; returns the median loop's rate and every loop's. */
async function rate(name, fn, isAsync) {
  const loop = async (ms) => {
    let n = 0;
    const t0 = hrms();
    let t = t0;
    do {
      for (let k = 0; k < 16; k++) {
        if (isAsync) await fn();
        else fn();
      }
      n += 16;
      t = hrms();
    } while (t - t0 < ms);
    return { n, ms: t - t0 };
  };
  await loop(opt.warmupMs);
  const rates = [];
  for (let r = 0; r < opt.reps; r++) {
    const { n, ms } = await loop(opt.minMs);
    rates.push((n * 1000) / ms);
  }
  const m = median(rates);
  progress(`${name}: ${Math.round(m)}/s`);
  return { per_s: Math.round(m), reps_per_s: rates.map(Math.round) };
}

async function main() {
  // Checks before timing.
  assert.equal(TypedDataEncoder.hash(MAIL.domain, MAIL.types, MAIL.message), MAIL.digest);
  assert.equal(await wallet.signTypedData(MAIL.domain, MAIL.types, MAIL.message), MAIL.signature);
  assert.equal(verifyTypedData(MAIL.domain, MAIL.types, MAIL.message, MAIL.signature), wallet.address);
  const raw = await wallet.signTransaction(TX);
  assert.equal(Transaction.from(raw).from, wallet.address);
  assert.equal(ERC20.encodeFunctionData('transfer', ARGS).length, 2 + 2 * 68);

  const t0 = hrms();
  const d = await rate('eip712 digest', () => TypedDataEncoder.hash(MAIL.domain, MAIL.types, MAIL.message), false);
  const s = await rate('eip712 sign', () => wallet.signTypedData(MAIL.domain, MAIL.types, MAIL.message), true);
  const t = await rate('tx sign (type 2)', () => wallet.signTransaction(TX), true);
  const a = await rate('abi encode', () => ERC20.encodeFunctionData('transfer', ARGS), false);
  const report = {
    tool: 'eth-anchor',
    description: 'ethers v6 rates on this machine, software key, one process, after warm-up; each the median of reps timed loops of at least min_ms.',
    eip712_digest_per_s: d.per_s,
    eip712_sign_per_s: s.per_s,
    tx_sign_per_s: t.per_s,
    abi_encode_per_s: a.per_s,
    node: process.version,
    ethers: ETHERS,
    settings: { reps: opt.reps, min_ms: opt.minMs, warmup_ms: opt.warmupMs, quick: opt.quick },
    workload: {
      eip712: 'EIP-712 Mail example (Mail, Person; 4-field domain): TypedDataEncoder.hash, Wallet.signTypedData',
      tx: 'EIP-1559 Ether transfer on chain 8453, empty access list: Wallet.signTransaction',
      abi: 'transfer(address,uint256): Interface.encodeFunctionData',
    },
    reps_per_s: { eip712_digest: d.reps_per_s, eip712_sign: s.reps_per_s, tx_sign: t.reps_per_s, abi_encode: a.reps_per_s },
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', platform: `${os.platform()} ${os.arch()}` },
    total_timed_s: Math.round(hrms() - t0) / 1000,
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
