// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * gen-eip191.mjs - eip191.json: EIP-191 personal_sign with ethers v5.
 */

import assert from 'node:assert/strict';
import { ethers, writeFile } from './gen-env.mjs';
import { derive, hexBytes, N, pkHex } from './gen-inputs.mjs';

export async function genEip191() {
  const keys = [
    ['two', pkHex(2)],
    ['n_minus_2', pkHex(N.sub(2))],
    ['r1', '0x' + derive('eip191-key-1')],
    ['r2', '0x' + derive('eip191-key-2')],
    ['r3', '0x' + derive('eip191-key-3')],
  ];
  const out = [];
  for (const [, pk] of keys) {
    const w = new ethers.Wallet(pk);
    out.push({
      name: `key_${w.address.slice(2, 10).toLowerCase()}`,
      description: 'Address and public keys of a secp256k1 private key (ethers v5).',
      inputs: { private_key: pk },
      expected: {
        address: w.address,
        address_lowercase: w.address.toLowerCase(),
        public_key_uncompressed: ethers.utils.computePublicKey(pk, false),
        public_key_compressed: ethers.utils.computePublicKey(pk, true),
      },
    });
  }
  const msgs = [
    ['empty', { message: '' }],
    ['ascii', { message: 'Interop check: lithsm vs ethers v5.' }],
    ['hex_looking_text', { message: '0xdeadbeefcafe' }],
    ['utf8_cjk_emoji', { message: '\u7b7e\u540d \u2713 \ud83d\udd10 \u00fc\u00df' }],
    ['crlf_and_tabs', { message: 'line one\r\n\tline two\n\nend' }],
    ['length_1000', { message: 'abcdefghij'.repeat(100) }],
    ['length_9', { message: '123456789' }],
    ['bytes_binary', { message_bytes_hex: '0x00ff10e2' + derive('bytes').slice(0, 40) }],
  ];
  for (const [, pk] of keys.slice(1, 4)) {
    const w = new ethers.Wallet(pk);
    for (const [mname, input] of msgs) {
      const msg = input.message !== undefined ? input.message : hexBytes(input.message_bytes_hex);
      const bytes = typeof msg === 'string' ? ethers.utils.toUtf8Bytes(msg) : msg;
      const prefixed = ethers.utils.concat([
        ethers.utils.toUtf8Bytes('\x19Ethereum Signed Message:\n'), // checked against hashMessage below
        ethers.utils.toUtf8Bytes(String(bytes.length)),
        bytes,
      ]);
      const hash = ethers.utils.hashMessage(msg);
      assert.equal(ethers.utils.keccak256(prefixed), hash);
      const signature = await w.signMessage(msg);
      const sp = ethers.utils.splitSignature(signature);
      out.push({
        name: `sign_${mname}_${w.address.slice(2, 10).toLowerCase()}`,
        description: 'ethers Wallet.signMessage (EIP-191) of a text (UTF-8) or of raw bytes.',
        inputs: { private_key: pk, ...input },
        expected: {
          message_bytes_hex: ethers.utils.hexlify(bytes),
          message_length: bytes.length,
          prefixed_message_hex: ethers.utils.hexlify(prefixed),
          hash,
          signature,
          r: sp.r,
          s: sp.s,
          v: sp.v,
          recovery_param: sp.recoveryParam,
          recovered_address: ethers.utils.verifyMessage(msg, signature),
          address: w.address,
          public_key_uncompressed: ethers.utils.computePublicKey(pk, false),
        },
      });
    }
  }
  writeFile('eip191.json', 'EIP-191 personal_sign with ethers v5 (interop set).', out);
}
