// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * gen-eth-tx.mjs - transaction.json: types 0 (EIP-155), 1 (EIP-2930) and 2
 * (EIP-1559) with the edge values of tests/vectors/README.md, on keys and
 * values from the seeded source.  Every expected value is from ethers v6
 * (Transaction, Wallet.signTransaction); the unsigned serialization, the
 * raw transaction, its hash and sender are checked equal with
 * @ethersproject/transactions (ethers v5).
 */

import assert from 'node:assert/strict';
import { ethers, tx5, BN5, Rng, MAX256, note, writeVectors, keccak256 } from './gen-eth-common.mjs';
import { LIT_CALLS, ACCOUNT_CONFIG } from './gen-eth-abi.mjs';

const { Transaction, Wallet, Interface } = ethers;
const clone = (o) => JSON.parse(JSON.stringify(o));
const vectors = [];

/* The cross-check: ethers v5 serializes the same unsigned bytes and parses
   the raw transaction to the same hash and sender. */
function crossCheck(tx, unsigned, raw, from, hash) {
  const B = (v) => BN5.from(v);
  const t5 = {
    type: tx.type, chainId: Number(tx.chainId), nonce: B(tx.nonce), to: tx.to ?? undefined,
    value: B(tx.value), data: tx.data, gasLimit: B(tx.gasLimit),
  };
  if (tx.type === 2) Object.assign(t5, { maxFeePerGas: B(tx.maxFeePerGas), maxPriorityFeePerGas: B(tx.maxPriorityFeePerGas) });
  else t5.gasPrice = B(tx.gasPrice);
  if (tx.type !== 0) t5.accessList = tx.accessList;
  if (Number(tx.chainId) <= Number.MAX_SAFE_INTEGER) assert.equal(tx5.serialize(t5), unsigned, 'ethers v5 unsigned serialization');
  // ethers v5 reads nonces only below 2^53-1 (its number limit)
  if (BigInt(tx.nonce) >= 2n ** 53n - 1n) return;
  const p = tx5.parse(raw);
  assert.equal(p.hash, hash, 'ethers v5 tx hash');
  assert.equal(p.from, from, 'ethers v5 sender');
}

async function txCase(name, description, key, tx) {
  tx = clone(tx);
  const t = Transaction.from(tx);
  const unsigned = t.unsignedSerialized;
  const signingHash = t.unsignedHash;
  assert.equal(keccak256(unsigned), signingHash);
  const wallet = new Wallet(key);
  const raw = await wallet.signTransaction(tx);
  const p = Transaction.from(raw);
  assert.equal(p.from, wallet.address, `${name}: sender`);
  assert.equal(p.unsignedSerialized, unsigned, `${name}: unsigned after parse`);
  assert.equal(p.hash, keccak256(raw));
  crossCheck(tx, unsigned, raw, p.from, p.hash);
  const expected = {
    unsigned_serialized: unsigned,
    signing_hash: signingHash,
    signed_serialized: raw,
    tx_hash: p.hash,
    from: p.from,
    r: p.signature.r,
    s: p.signature.s,
    yParity: p.signature.yParity,
  };
  if (tx.type === 0) {
    const v = BigInt(tx.chainId) * 2n + 35n + BigInt(p.signature.yParity);
    assert.equal(p.signature.networkV, v, `${name}: EIP-155 v`);
    expected.v = v.toString();
  }
  vectors.push({ name, description, inputs: { private_key: key, tx }, expected });
}

function base(rng, type, chainId, over = {}) {
  const tx = { type, chainId: String(chainId), nonce: String(rng.int(5000)), to: rng.address(), value: rng.below(70).toString(), data: '0x', gasLimit: '21000' };
  if (type === 2) {
    tx.maxPriorityFeePerGas = String(1 + rng.int(3e9));
    tx.maxFeePerGas = String(BigInt(tx.maxPriorityFeePerGas) + BigInt(rng.int(9e10)));
  } else tx.gasPrice = String((1 + rng.int(200)) * 1e9);
  if (type !== 0) tx.accessList = [];
  return Object.assign(tx, over);
}

const accessList = (rng, counts) => counts.map((n) => ({ address: rng.address(), storageKeys: Array.from({ length: n }, () => rng.hex(32)) }));
const TYPE_NAME = ['legacy', 'eip2930', 'eip1559'];

async function make(name, description, type, chainId, over) {
  const rng = new Rng(`tx/${name}`);
  const key = rng.key();
  const tx = base(rng, type, chainId, typeof over === 'function' ? over(rng) : over);
  await txCase(name, description, key, tx);
}

async function leadingZero(type, which, chainId) {
  const name = `${TYPE_NAME[type]}_${which}_leading_zero`;
  const rng = new Rng(`tx/${name}`);
  const key = rng.key();
  const tx = base(rng, type, chainId);
  const signer = new Wallet(key).signingKey;
  for (let n = 0; ; n++) {
    tx.nonce = String(n);
    if (signer.sign(Transaction.from(tx).unsignedHash)[which].startsWith('0x00')) break;
  }
  await txCase(name, `Type ${type} transaction (nonce found by search) whose signature ${which} starts with a zero byte: 32 bytes in expected, minimal inside the RLP.`, key, tx);
}

export async function genTransactions(out) {
  const litTo = (rng) => (rng.bool() ? ACCOUNT_CONFIG : ACCOUNT_CONFIG.toLowerCase());
  const litData = (fn, rng) => new Interface([`function ${LIT_CALLS[fn].sig}`]).encodeFunctionData(fn, LIT_CALLS[fn].args(rng));
  const lit = (fn) => (rng) => ({ to: litTo(rng), value: '0', data: litData(fn, rng), gasLimit: String(100000 + rng.int(400000)) });
  for (const type of [0, 1, 2]) {
    const T = TYPE_NAME[type];
    await make(`${T}_transfer`, `Type ${type} Ether transfer on chain 1.`, type, 1);
    await make(`${T}_zero_values`, `Type ${type} with nonce, value, gas limit and fees all 0 (RLP 0x80), empty data.`, type, 11155111,
      { nonce: '0', value: '0', gasLimit: '0', ...(type === 2 ? { maxFeePerGas: '0', maxPriorityFeePerGas: '0' } : { gasPrice: '0' }) });
    await make(`${T}_value_max_uint256`, `Type ${type} sending 2^256-1 wei.`, type, 8453, { value: MAX256.toString() });
    await make(`${T}_fee_max_uint256`, `Type ${type} with the fee at 2^256-1 and gas limit 1 (product within 2^256-1).`, type, 42161,
      { gasLimit: '1', ...(type === 2 ? { maxFeePerGas: MAX256.toString(), maxPriorityFeePerGas: MAX256.toString() } : { gasPrice: MAX256.toString() }) });
    await make(`${T}_contract_creation`, `Type ${type} contract creation (to null) with init code.`, type, 175188,
      (rng) => ({ to: null, value: '0', gasLimit: '1200000', data: '0x6080604052' + rng.hex(60 + rng.int(100)).slice(2) }));
    await make(`${T}_data_1kb`, `Type ${type} with 1024 bytes of data.`, type, 1, (rng) => ({ data: rng.hex(1024), gasLimit: '90000' }));
    await make(`${T}_high_nonce`, `Type ${type} with nonce 2^53-1 (above 2^32; the ethers limit).`, type, 8453, { nonce: String(Number.MAX_SAFE_INTEGER) });
    await make(`${T}_nonce_2_32`, `Type ${type} with nonce 2^32.`, type, 10, { nonce: String(2 ** 32) });
    await make(`${T}_lowercase_to`, `Type ${type} with an all-lowercase to address.`, type, 137, (rng) => ({ to: rng.address(true) }));
    await make(`${T}_chainid_above_2_32`, `Type ${type} on chain 2^32+${type} (above 32 bits).`, type, 2 ** 32 + type);
    await make(`${T}_lit_newChainSecuredAccount`, `Type ${type} call to the Lit AccountConfig diamond on Base: newChainSecuredAccount.`, type, 8453, lit('newChainSecuredAccount'));
    await make(`${T}_erc20_transfer`, `Type ${type} ERC-20 transfer call.`, type, 8453,
      (rng) => ({ value: '0', gasLimit: '65000', data: new Interface(['function transfer(address,uint256)']).encodeFunctionData('transfer', [rng.address(), rng.below(200)]) }));
  }
  for (const type of [1, 2]) {
    const T = TYPE_NAME[type];
    await make(`${T}_access_list`, `Type ${type} with an access list of three addresses holding 3, 1 and 0 storage keys.`, type, 1, (rng) => ({ accessList: accessList(rng, [3, 1, 0]), gasLimit: '120000' }));
    await make(`${T}_access_list_many_keys`, `Type ${type} with an access list of one address holding 12 storage keys.`, type, 5000, (rng) => ({ accessList: accessList(rng, [12]), gasLimit: '300000', data: rng.hex(36) }));
  }
  await make('eip1559_lit_registerWalletDerivation', 'Type 2 call to the Lit AccountConfig: registerWalletDerivation.', 2, 8453, lit('registerWalletDerivation'));
  await make('eip1559_lit_setUsageApiKey', 'Type 2 call to the Lit AccountConfig: setUsageApiKey.', 2, 8453, lit('setUsageApiKey'));
  for (const c of [1, 8453, 175188, 11155111]) await make(`eip1559_chain_${c}`, `Type 2 transfer on chain ${c}.`, 2, c);
  await leadingZero(2, 'r', 8453);
  await leadingZero(0, 's', 11155111);
  await leadingZero(1, 'r', 1);
  writeVectors(out, 'transaction.json',
    'Signed Ethereum transactions: legacy (type 0, EIP-155), EIP-2930 (type 1) and EIP-1559 (type 2), on inputs from a seeded generator. Unsigned serialization, signing hash, signed raw transaction, transaction hash, sender, r, s, yParity and, for legacy, the EIP-155 v. Values from ethers v6 Transaction and Wallet.signTransaction; each was parsed back (sender recovered) and checked equal with @ethersproject/transactions (ethers v5).',
    ['ethers', '@ethersproject/transactions'], { vectors });
}
