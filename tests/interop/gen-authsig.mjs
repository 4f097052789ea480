// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * gen-authsig.mjs - authsig.json: wallet AuthSigs made inside
 * getSessionSigs().
 */

import assert from 'node:assert/strict';
import { LitActionResource, setClock, writeFile } from './gen-env.mjs';
import {
  WALLET, WALLET2, NONCE, DOMAIN, NODES, SEEDS, T0, EXP, reqVec, makeClient, sessionKeyOf, sessionKeyVec,
  authSigExpected, walletCallback,
} from './gen-inputs.mjs';

export async function genAuthsig(R) {
  const cases = [
    ['authsig_acc_decryption_nodes4', WALLET, SEEDS.a, [{ resource: R.accA, ability: 'access-control-condition-decryption' }], DOMAIN],
    ['authsig_pkp_short_and_action_wildcard', WALLET2, SEEDS.b, [
      { resource: R.pkpShort, ability: 'pkp-signing' },
      { resource: new LitActionResource('*'), ability: 'lit-action-execution' },
    ], 'dapp.example.org'],
    ['authsig_default_domain', WALLET, SEEDS.c, [{ resource: R.actB, ability: 'lit-action-execution' }], undefined],
    ['authsig_three_acc_and_pkp', WALLET2, SEEDS.a, [
      { resource: R.accB, ability: 'access-control-condition-decryption' },
      { resource: R.pkp, ability: 'pkp-signing' },
      { resource: R.accA, ability: 'access-control-condition-signing' },
      { resource: R.accA, ability: 'access-control-condition-decryption' },
    ], '192.0.2.10:443'],
  ];
  const out = [];
  for (const [name, wallet, seed, requests, domain] of cases) {
    const sk = sessionKeyOf(seed);
    setClock(T0);
    const client = makeClient(NODES.slice(0, 2));
    const log = [];
    const sigs = await client.getSessionSigs({
      chain: 'ethereum', expiration: EXP, sessionKey: sk, ...(domain !== undefined ? { domain } : {}),
      resourceAbilityRequests: requests, authNeededCallback: walletCallback(client, wallet, log),
    });
    assert.equal(log.length, 1);
    const body = JSON.parse(Object.values(sigs)[0].signedMessage);
    const authSig = body.capabilities[body.capabilities.length - 1];
    out.push({
      name,
      description: 'getSessionSigs() -> authNeededCallback (createSiweMessageWithRecaps + generateAuthSig).',
      inputs: {
        wallet_private_key: wallet.privateKey,
        wallet_address: wallet.address,
        session_key: sessionKeyVec(seed, sk),
        resourceAbilityRequests: requests.map(reqVec),
        expiration: EXP,
        nonce: NONCE,
        ...(domain !== undefined ? { domain } : {}),
        chain: 'ethereum',
        chain_id: 1,
        version: '1',
        clock_now: T0,
      },
      expected: { callback_params: log[0], ...authSigExpected(authSig, wallet.address) },
    });
  }
  writeFile('authsig.json', 'Wallet AuthSigs made inside getSessionSigs() by an authNeededCallback (interop set).', out);
}
