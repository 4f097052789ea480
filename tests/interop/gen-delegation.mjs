// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * gen-delegation.mjs - delegation.json: capacity-credit delegation AuthSigs.
 */

import { setClock, writeFile } from './gen-env.mjs';
import {
  WALLET, WALLET2, OWNER, STRANGER, NONCE, NODES, DELEG_NOW, DELEG_EXP, TOKEN_ID, makeClient,
  authSigExpected,
} from './gen-inputs.mjs';

export async function delegation(params, now = DELEG_NOW) {
  setClock(now);
  const client = makeClient(NODES.slice(0, 1));
  const { capacityDelegationAuthSig } = await client.createCapacityDelegationAuthSig({ dAppOwnerWallet: OWNER, ...params });
  return capacityDelegationAuthSig;
}

export async function genDelegation() {
  const cases = [
    ['delegation_big_token_one_delegatee', { capacityTokenId: TOKEN_ID, delegateeAddresses: [WALLET.address], uses: '3', expiration: DELEG_EXP }],
    ['delegation_three_delegatees_mixed_forms', {
      capacityTokenId: '77',
      delegateeAddresses: [WALLET.address.toLowerCase(), WALLET2.address.slice(2), '0x' + STRANGER.address.slice(2).toUpperCase()],
      uses: '1000000', expiration: DELEG_EXP,
    }],
    ['delegation_no_uses_no_token', { delegateeAddresses: [WALLET2.address], expiration: DELEG_EXP }],
    ['delegation_expiration_without_millis', { capacityTokenId: '31337', delegateeAddresses: [WALLET.address], expiration: '2025-04-01T00:00:00Z' }],
    ['delegation_default_expiration', { capacityTokenId: TOKEN_ID, delegateeAddresses: [WALLET.address], uses: '12' }],
    ['delegation_domain_statement_empty_list', {
      capacityTokenId: '5', delegateeAddresses: [], uses: '0', expiration: DELEG_EXP,
      domain: 'capacity.interop.test', statement: 'Sharing my capacity credits with the interop wallets.',
    }],
  ];
  const out = [];
  for (const [name, params] of cases) {
    const authSig = await delegation(params);
    out.push({
      name,
      description: 'LitNodeClientNodeJs.createCapacityDelegationAuthSig().',
      inputs: {
        dAppOwnerWallet_private_key: OWNER.privateKey,
        dAppOwnerWallet_address: OWNER.address,
        ...params,
        nonce: NONCE,
        clock_now: DELEG_NOW,
      },
      expected: authSigExpected(authSig, OWNER.address),
    });
  }
  writeFile('delegation.json', 'Capacity-credit delegation AuthSigs from createCapacityDelegationAuthSig() (interop set).', out);
}
