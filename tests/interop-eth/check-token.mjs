#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * check-token.mjs ADDRESS LIST
 *
 * Independent checks, with ethers 6.17.0 (and eth-sig-util 9.0.0 for the
 * EIP-712 digest), of what lithsm signed with a token key.  LIST has one
 * case a line, "KIND INPUT OUTPUT [NAME]":
 *   typed  INPUT = typed data given to `lithsm sign-typed-data --data`,
 *          OUTPUT = the JSON it printed, {"digest","signature","address"};
 *   tx     INPUT = transaction given to `lithsm sign-tx --tx`,
 *          OUTPUT = the JSON it printed, {"raw","hash","from"};
 *   proof  INPUT = - , OUTPUT = the JSON `lithsm chipotle proof` printed,
 *          {"typed_data","signature"}.
 * Each must recover to ADDRESS (EIP-55, exact): verifyTypedData for typed
 * data, Transaction.from(raw).from for transactions; the digest, hash and
 * decoded transaction must be what ethers computes from INPUT, and the
 * signature 65 bytes, low-s, v 27/28.  Prints "ok"/"not ok" a case and a
 * summary; exits 1 when any case fails.
 */

import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { TypedDataEncoder, verifyTypedData, Transaction, Signature, keccak256, getAddress } = require('ethers');
const { TypedDataUtils, SignTypedDataVersion } = require('@metamask/eth-sig-util');

const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
const [ADDRESS, LIST] = process.argv.slice(2);
if (!ADDRESS || !LIST) {
  process.stderr.write('usage: node check-token.mjs ADDRESS LIST\n');
  process.exit(2);
}

function must(cond, what) {
  if (!cond) throw new Error(what);
}
const readJson = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));
/* What lithsm printed; when that is not JSON, why (its standard error). */
function readOutput(f) {
  try {
    return readJson(f);
  } catch (e) {
    const err = fs.existsSync(`${f}.err`) ? fs.readFileSync(`${f}.err`, 'utf8').trim() : '';
    throw new Error(`lithsm printed no JSON${err ? `: ${err.split('\n')[0]}` : ` (${e.message})`}`);
  }
}
function keysExactly(o, keys, what) {
  must(o && typeof o === 'object' && !Array.isArray(o), `${what}: not a JSON object`);
  must(JSON.stringify(Object.keys(o).sort()) === JSON.stringify([...keys].sort()), `${what}: members ${Object.keys(o)} (want ${keys})`);
}
function lowS(sigHex, what) {
  must(/^0x[0-9a-f]{130}$/.test(sigHex), `${what}: signature is not 65 bytes of lowercase hex`);
  const s = BigInt('0x' + sigHex.slice(66, 130));
  const v = parseInt(sigHex.slice(130), 16);
  must(s <= HALF_N, `${what}: s is high`);
  must(v === 27 || v === 28, `${what}: v is ${v}`);
}

function checkTyped(td, sig, digest) {
  const types = { ...td.types };
  delete types.EIP712Domain;
  const want = TypedDataEncoder.hash(td.domain, types, td.message);
  if (digest !== undefined) must(digest === want, `digest ${digest}, ethers computes ${want}`);
  const esu = '0x' + Buffer.from(TypedDataUtils.eip712Hash(td, SignTypedDataVersion.V4)).toString('hex');
  must(esu === want, `eth-sig-util digest ${esu} differs from ethers ${want}`);
  lowS(sig, 'typed data');
  const rec = verifyTypedData(td.domain, types, td.message, sig);
  must(rec === ADDRESS, `verifyTypedData recovers ${rec}, want ${ADDRESS}`);
  return rec;
}

const CASES = {
  typed(input, out) {
    keysExactly(out, ['digest', 'signature', 'address'], 'output');
    must(out.address === ADDRESS, `address ${out.address}, want ${ADDRESS}`);
    return `recovers ${checkTyped(readJson(input), out.signature, out.digest)}`;
  },
  tx(input, out) {
    keysExactly(out, ['raw', 'hash', 'from'], 'output');
    const p = Transaction.from(out.raw);
    must(p.from === ADDRESS, `Transaction.from(raw).from is ${p.from}, want ${ADDRESS}`);
    must(out.from === ADDRESS, `from ${out.from}, want ${ADDRESS}`);
    must(p.hash === out.hash && keccak256(out.raw) === out.hash, `hash ${out.hash}, ethers computes ${p.hash}`);
    const want = Transaction.from(readJson(input));
    must(p.unsignedSerialized === want.unsignedSerialized, `signed transaction differs from the input: ${p.unsignedSerialized} vs ${want.unsignedSerialized}`);
    must(BigInt(p.signature.s) <= HALF_N, 's is high');
    return `type ${p.type}, Transaction.from(raw).from ${p.from}`;
  },
  proof(_input, out) {
    const td = out.typed_data;
    // convert_to_chain_secured_account also names the new admin wallet.
    const convert = td.primaryType === 'ConvertAccount';
    keysExactly(out, convert ? ['typed_data', 'signature', 'new_admin_wallet_address'] : ['typed_data', 'signature'], 'output');
    if (convert) must(getAddress(out.new_admin_wallet_address) === ADDRESS, `new admin ${out.new_admin_wallet_address}, want ${ADDRESS}`);
    must(td.domain.name === 'Lit ChainSecured' && td.domain.version === '1', 'domain is not Lit ChainSecured v1');
    must(getAddress(td.message.address) === ADDRESS, `proof names ${td.message.address}, want ${ADDRESS}`);
    return `${td.primaryType}, recovers ${checkTyped(td, out.signature)}`;
  },
};

let n = 0;
let failed = 0;
for (const line of fs.readFileSync(LIST, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const [kind, input, output, name = output] = line.split(/\s+/);
  n++;
  try {
    must(CASES[kind], `unknown kind ${kind}`);
    const msg = CASES[kind](input, readOutput(output));
    console.log(`ok ${n} - ${kind} ${name}: ${msg}`);
  } catch (e) {
    failed++;
    console.log(`not ok ${n} - ${kind} ${name}: ${e.message}`);
  }
}
console.log(`1..${n}`);
console.log(`check-token: ${n - failed} of ${n} token signatures verified by ethers${failed ? `, ${failed} FAILED` : ''}`);
process.exit(failed || n === 0 ? 1 : 0);
