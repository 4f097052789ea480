// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * gen-eth-common.mjs - what the Ethereum vector generator shares: its output
 * directory, the pinned libraries, a seeded deterministic random source,
 * value makers (keys, addresses, integers in their JSON forms, words) and the
 * writer of a vector file in the layout of tests/vectors (README.md there).
 */

import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
export const ethers = require('ethers');
export const sigUtil = require('@metamask/eth-sig-util');
export const abi5 = require('@ethersproject/abi');
export const tx5 = require('@ethersproject/transactions');
// @ethersproject/bignumber comes with @ethersproject/transactions (same lock).
export const BN5 = require('@ethersproject/bignumber').BigNumber;
const { keccak256, toUtf8Bytes, concat, getBytes, hexlify, getAddress, toBeHex } = ethers;

const HERE = path.dirname(new URL(import.meta.url).pathname);
const version = (name) =>
  JSON.parse(fs.readFileSync(path.join(HERE, 'node_modules', name, 'package.json'), 'utf8')).version;
export const VERSIONS = {
  ethers: version('ethers'),
  '@metamask/eth-sig-util': version('@metamask/eth-sig-util'),
  '@ethersproject/abi': version('@ethersproject/abi'),
  '@ethersproject/transactions': version('@ethersproject/transactions'),
};
assert.equal(VERSIONS.ethers, '6.17.0', 'ethers must be the pinned 6.17.0');
assert.equal(VERSIONS['@metamask/eth-sig-util'], '9.0.0', 'eth-sig-util must be 9.0.0');

// The seed names the input set; LITHSM_ETH_SEED picks another one.
export const SEED = process.env.LITHSM_ETH_SEED || 'lithsm-interop-eth-1';
export const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
export const MAX256 = (1n << 256n) - 1n;

/* A deterministic stream of bytes for one label: keccak256(seed/label/i). */
export class Rng {
  constructor(label) {
    this.base = `${SEED}/${label}`;
    this.i = 0;
    this.pool = new Uint8Array(0);
  }
  bytes(n) {
    const out = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      if (this.pool.length === 0) this.pool = getBytes(keccak256(toUtf8Bytes(`${this.base}/${this.i++}`)));
      out[k] = this.pool[0];
      this.pool = this.pool.subarray(1);
    }
    return out;
  }
  hex(n) {
    return hexlify(this.bytes(n));
  }
  big(bits) {
    const b = this.bytes(Math.ceil(bits / 8));
    let v = b.length ? BigInt(hexlify(b)) : 0n;
    return v & ((1n << BigInt(bits)) - 1n);
  }
  /* 0 <= result < n (n a Number) */
  int(n) {
    return Number(this.big(48) % BigInt(n));
  }
  pick(a) {
    return a[this.int(a.length)];
  }
  bool() {
    return (this.bytes(1)[0] & 1) === 1;
  }
  /* A value with a random bit length, so small and large numbers both occur. */
  below(bits) {
    return this.big(1 + this.int(bits));
  }
  key() {
    for (;;) {
      const k = this.big(256);
      if (k > 0n && k < N) return toBeHex(k, 32);
    }
  }
  address(lower = false) {
    const a = getAddress(this.hex(20));
    return lower ? a.toLowerCase() : a;
  }
  words(n) {
    const w = [];
    for (let i = 0; i < n; i++) w.push(this.pick(WORDS));
    return w.join(' ');
  }
}

const WORDS = ('amber basil cedar delta ember fjord garnet harbor indigo jasper kestrel lumen ' +
  'maple nectar onyx pepper quartz raven saffron tundra umber velvet willow xenon yarrow zephyr ' +
  'ledger escrow treasury custody vault settle audit payroll').split(' ');

export const CHAIN_IDS = [1, 10, 56, 100, 137, 8453, 42161, 84532, 175188, 11155111, 31337];

/* An integer as JSON the way wallets send it: a JSON number (below 2^53),
   a decimal string or (non-negative) a 0x-hex string. */
export function intForm(rng, v) {
  const forms = ['dec'];
  if (v >= 0n) forms.push('hex');
  if (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER)) forms.push('num');
  const f = rng.pick(forms);
  if (f === 'num') return Number(v);
  if (f === 'hex') return '0x' + v.toString(16);
  return v.toString();
}


export const note = (msg) => process.stderr.write(`[gen-eth-vectors] ${msg}\n`);

export function errText(e) {
  return String((e && (e.shortMessage || e.message)) || e).split('\n')[0];
}

export function writeVectors(out, file, description, packages, sections) {
  const doc = {
    file,
    description,
    generated_by: {
      tool: 'tests/interop-eth/gen-eth-vectors.mjs (Node script calling the pinned ethers v6 and cross-check libraries; inputs from a seeded generator)',
      variant: `interop seed ${JSON.stringify(SEED)}`,
      packages: Object.fromEntries(packages.map((p) => [p, VERSIONS[p]])),
    },
    ...sections,
  };
  const names = new Set();
  for (const list of Object.values(sections)) {
    for (const v of list) {
      assert.ok(!names.has(v.name), `duplicate case name ${v.name}`);
      names.add(v.name);
    }
  }
  fs.writeFileSync(path.join(out, file), JSON.stringify(doc, null, 2) + '\n');
  note(`${file}: ${Object.entries(sections).map(([k, v]) => `${v.length} ${k}`).join(', ')}`);
}

export { keccak256, toUtf8Bytes, concat, hexlify, toBeHex };
