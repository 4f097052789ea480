// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * gen-siwe.mjs - siwe.json: EIP-4361 messages prepared and parsed by the
 * siwe package.
 */

import assert from 'node:assert/strict';
import { ethers, SiweMessage, writeFile } from './gen-env.mjs';
import { WALLET2, NONCE, DOMAIN, SEEDS, T0, EXP, CID_A, plain, sessionKeyOf } from './gen-inputs.mjs';

const SIWE_KEYS = ['scheme', 'domain', 'address', 'statement', 'uri', 'version', 'chainId', 'nonce',
  'issuedAt', 'expirationTime', 'notBefore', 'requestId', 'resources'];
const siweFieldsOf = (m) => {
  const o = {};
  for (const k of SIWE_KEYS) if (m[k] !== undefined) o[k] = plain(m[k]);
  return o;
};

export async function genSiwe() {
  const signer = WALLET2;
  const base = {
    domain: 'login.interop.test',
    address: signer.address,
    uri: 'https://login.interop.test/siwe',
    version: '1',
    chainId: 10,
    nonce: 'Zq8vR2mT5wXy',
    issuedAt: '2025-02-28T23:59:59.123Z',
  };
  const cases = [
    ['no_statement_chain_10', { ...base }],
    ['statement_chain_8453', { ...base, chainId: 8453, statement: 'Log in to the interop test app, please.' }],
    ['three_resources', {
      ...base, statement: 'Resources follow.',
      resources: ['ipfs://' + CID_A, 'https://login.interop.test/a?b=c&d=e', 'urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8'],
    }],
    ['all_fields_big_chain', {
      ...base, chainId: 11155111, statement: 'Everything set.',
      expirationTime: '2025-03-01T23:59:59.123Z', notBefore: '2025-02-28T12:00:00.000Z',
      requestId: 'interop-req-42:a@b', resources: ['https://login.interop.test/claims.json'],
    }],
    ['ip_domain_with_port', { ...base, domain: '192.0.2.10:8080', uri: 'http://192.0.2.10:8080/' }],
    ['http_scheme', { ...base, scheme: 'http', domain: 'localhost:5173', uri: 'http://localhost:5173/' }],
    ['issued_at_offset_no_millis', { ...base, issuedAt: '2025-02-28T10:00:00+02:00' }],
    ['long_nonce_and_request_id_only', { ...base, nonce: NONCE, requestId: 'r' }],
    ['lit_session_like', {
      ...base, domain: DOMAIN, uri: `lit:session:${sessionKeyOf(SEEDS.c).publicKey}`, chainId: 1,
      nonce: NONCE, statement: 'Interop session.', expirationTime: EXP, issuedAt: T0,
    }],
  ];
  const out = [];
  for (const [name, fields] of cases) {
    const message = new SiweMessage({ ...fields }).prepareMessage();
    const parsed = siweFieldsOf(new SiweMessage(message));
    out.push({
      name,
      description: 'new SiweMessage(fields).prepareMessage() (siwe 2.3.2), parsed back with new SiweMessage(string), signed with EIP-191.',
      inputs: { fields, signer_private_key: signer.privateKey },
      expected: {
        message,
        message_hex: ethers.utils.hexlify(ethers.utils.toUtf8Bytes(message)),
        parsed,
        eip191_hash: ethers.utils.hashMessage(message),
        signature: await signer.signMessage(message),
      },
    });
  }
  const good = new SiweMessage({ ...base, statement: 'Reject me.' }).prepareMessage();
  const rejects = [
    ['reject_address_all_lowercase', good.replace(signer.address, signer.address.toLowerCase())],
    ['reject_address_all_uppercase', good.replace(signer.address, '0x' + signer.address.slice(2).toUpperCase())],
    ['reject_nonce_7_chars', good.replace('Nonce: Zq8vR2mT5wXy', 'Nonce: Zq8vR2m')],
    ['reject_version_2', good.replace('Version: 1', 'Version: 2')],
    ['reject_chain_id_missing', good.replace('Chain ID: 10\n', '')],
    ['reject_uri_missing', good.replace('URI: https://login.interop.test/siwe\n', '')],
    ['reject_header_wrong_word', good.replace('wants you to sign in', 'wants you to log in')],
  ];
  for (const [name, message] of rejects) {
    assert.notEqual(message, good, name);
    let err = null;
    try {
      new SiweMessage(message);
    } catch (e) {
      err = e;
    }
    assert.ok(err, `${name}: siwe accepted it`);
    const text = String(err.message ?? err.error?.type ?? err);
    out.push({
      name,
      description: 'new SiweMessage(string) must reject this message.',
      inputs: { message },
      expected: {
        accepted: false,
        reason: /EIP-55/.test(text) ? 'address_not_eip55' : 'abnf_parse_failed',
        library_error: text,
      },
    });
  }
  writeFile('siwe.json', 'EIP-4361 messages prepared and parsed by the siwe package (interop set).', out);
}
