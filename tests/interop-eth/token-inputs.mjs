#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * token-inputs.mjs VECDIR DIR ADDRESS NOW
 *
 * Writes the inputs the token key signs in the interop test, and prints one
 * line "KIND FILE NAME" for each (KIND typed or tx):
 *   - four Lit ChainSecured proofs (CreateWallet, ConvertAccount,
 *     AddUsageApiKey, BillingAuth) for ADDRESS, issued at NOW, on Base;
 *   - a Mail typed data (Unicode, nested Person);
 *   - the typed data of every valid case of VECDIR/eip712.json and the
 *     transaction of every case of VECDIR/transaction.json (types 0, 1, 2).
 */

import fs from 'node:fs';
import path from 'node:path';

const [VECDIR, DIR, ADDRESS, NOW] = process.argv.slice(2);
if (!NOW) {
  process.stderr.write('usage: node token-inputs.mjs VECDIR DIR ADDRESS NOW\n');
  process.exit(2);
}
fs.mkdirSync(DIR, { recursive: true });
const lines = [];
const put = (kind, name, obj) => {
  const f = path.join(DIR, `${kind}-${name}.json`);
  fs.writeFileSync(f, JSON.stringify(obj, null, 2) + '\n');
  lines.push(`${kind} ${f} ${name}`);
};

const proofDomain = [{ name: 'name', type: 'string' }, { name: 'version', type: 'string' }, { name: 'chainId', type: 'uint256' }];
for (const t of ['CreateWallet', 'ConvertAccount', 'AddUsageApiKey', 'BillingAuth']) {
  put('typed', `chainsecured_${t}`, {
    types: { EIP712Domain: proofDomain, [t]: [{ name: 'address', type: 'address' }, { name: 'issuedAt', type: 'uint256' }] },
    primaryType: t,
    domain: { name: 'Lit ChainSecured', version: '1', chainId: 8453 },
    message: { address: ADDRESS, issuedAt: String(NOW) },
  });
}
put('typed', 'mail', {
  types: {
    EIP712Domain: [...proofDomain, { name: 'verifyingContract', type: 'address' }],
    Person: [{ name: 'name', type: 'string' }, { name: 'wallet', type: 'address' }],
    Mail: [{ name: 'from', type: 'Person' }, { name: 'to', type: 'Person' }, { name: 'contents', type: 'string' }],
  },
  primaryType: 'Mail',
  domain: { name: 'Ether Mail', version: '1', chainId: 1, verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC' },
  message: {
    from: { name: 'Token Key', wallet: ADDRESS },
    to: { name: 'Bøb 日本', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' },
    contents: 'Hello from an HSM key! 🔐',
  },
});
const read = (f) => JSON.parse(fs.readFileSync(path.join(VECDIR, f), 'utf8')).vectors;
for (const v of read('eip712.json')) put('typed', `eip712_${v.name}`, v.inputs.typed_data);
for (const v of read('transaction.json')) put('tx', `transaction_${v.name}`, v.inputs.tx);
console.log(lines.join('\n'));
