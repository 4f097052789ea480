// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * gen-env.mjs - where the generator runs, loaded before anything else: its
 * output directory, a clock it sets, no network, quiet logs, the pinned
 * libraries (checked to be the very copies the SDK uses), and the
 * generated_by block and writer of every vector file.
 */

import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
export const OUT = process.argv[2];
if (!OUT) {
  process.stderr.write('usage: node gen-vectors.mjs OUTDIR\n');
  process.exit(2);
}

// ------------------------------------------------------------ environment
process.noDeprecation = true;
export const RealDate = globalThis.Date;
let clockMs = RealDate.parse('2025-03-10T08:15:00.000Z');
class ClockDate extends RealDate {
  constructor(...a) {
    if (a.length === 0) super(clockMs);
    else super(...a);
  }
  static now() {
    return clockMs;
  }
}
globalThis.Date = ClockDate;
export const setClock = (iso) => {
  clockMs = RealDate.parse(iso);
  assert.ok(Number.isFinite(clockMs), iso);
};
globalThis.fetch = async (u) => {
  throw new Error(`gen-vectors: network access is disabled (tried ${u})`);
};
const realWarn = console.warn;
console.warn = (...a) => {
  const s = String(a[0] ?? '');
  if (s.includes('is missing. Not a problem') || s.includes('Unable to store walletSig')) return;
  realWarn(...a);
};
export const quiet = async (fn) => {
  const e = console.error;
  const l = console.log;
  console.error = () => {};
  console.log = () => {};
  try {
    return await fn();
  } finally {
    console.error = e;
    console.log = l;
  }
};

// ------------------------------------------------------------ libraries
export const { ethers } = require('ethers');
export const { SiweMessage, SiweErrorType } = require('siwe');
export const tweetnacl = require('tweetnacl');
export const { Recap } = require('siwe-recap');
export const { LitNodeClientNodeJs } = require('@lit-protocol/lit-node-client-nodejs');
export const {
  LitAccessControlConditionResource, LitPKPResource, LitActionResource, LitRLIResource,
  RecapSessionCapabilityObject, createSiweMessageWithRecaps, generateAuthSig,
} = require('@lit-protocol/auth-helpers');
export const { LIT_NETWORK } = require('@lit-protocol/constants');
export const { generateSessionKeyPair } = require('@lit-protocol/crypto');
export const { nacl: sdkNacl } = require('@lit-protocol/nacl');
export const { uint8arrayFromString, uint8arrayToString } = require('@lit-protocol/uint8arrays');
export const { canonicalAccessControlConditionFormatter } = require('@lit-protocol/access-control-conditions');
export const { validateSessionSig } = require('@lit-protocol/misc');

// The SDK must run the very copies of these libraries that this script uses.
for (const name of ['ethers', 'siwe', '@lit-protocol/nacl', '@lit-protocol/auth-helpers', '@lit-protocol/uint8arrays']) {
  for (const from of ['@lit-protocol/lit-node-client-nodejs', '@lit-protocol/auth-helpers']) {
    const fromDir = path.dirname(require.resolve(`${from}/package.json`));
    assert.equal(require.resolve(name, { paths: [fromDir] }), require.resolve(name), `${from} has its own ${name}`);
  }
}

const PKGS = [
  '@lit-protocol/lit-node-client-nodejs', '@lit-protocol/auth-helpers', '@lit-protocol/constants',
  '@lit-protocol/crypto', '@lit-protocol/nacl', '@lit-protocol/uint8arrays',
  '@lit-protocol/access-control-conditions', '@lit-protocol/misc', 'siwe', '@spruceid/siwe-parser',
  'siwe-recap', 'ethers', 'tweetnacl',
];
const versionOf = (name) => {
  // @spruceid/siwe-parser is siwe's dependency, not ours: look from siwe.
  const from = name === '@spruceid/siwe-parser' ? [path.dirname(require.resolve('siwe/package.json'))] : undefined;
  let dir = path.dirname(require.resolve(name, from ? { paths: from } : undefined));
  while (!fs.existsSync(path.join(dir, 'package.json')) ||
         JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name !== name) {
    dir = path.dirname(dir);
  }
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
};
const GENERATED_BY = {
  tool: 'tests/interop/gen-vectors.mjs (Node script calling the public Lit JS SDK and libraries at pinned versions)',
  packages: Object.fromEntries(PKGS.map((p) => [p, versionOf(p)])),
};
assert.equal(GENERATED_BY.packages['@lit-protocol/lit-node-client-nodejs'], '7.4.0');
assert.equal(GENERATED_BY.packages.siwe, '2.3.2');
assert.equal(GENERATED_BY.packages.ethers, '5.7.2');

export function writeFile(name, description, vectors, extra = {}) {
  const names = new Set();
  for (const v of vectors) {
    assert.ok(!names.has(v.name), `duplicate name ${v.name}`);
    names.add(v.name);
  }
  const doc = { file: name, description, generated_by: GENERATED_BY, ...extra, vectors };
  fs.writeFileSync(path.join(OUT, name), JSON.stringify(doc, null, 2) + '\n');
  process.stderr.write(`[gen-vectors] ${name}: ${vectors.length} cases\n`);
}
