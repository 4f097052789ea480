// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * gen-sessionsigs.mjs - sessionsigs.json: session signatures from
 * getSessionSigs().
 */

import assert from 'node:assert/strict';
import { LitAccessControlConditionResource, setClock, writeFile } from './gen-env.mjs';
import {
  WALLET, WALLET2, NONCE, DOMAIN, NODES, SEEDS, T0, T_SESSION, EXP, plain, reqVec, makeClient, sessionKeyOf,
  sessionKeyVec, walletCallback, signingLoop,
} from './gen-inputs.mjs';

export async function sessionSigs({ urls, seed, wallet, requests, caps, domain = DOMAIN, exp = EXP, t0 = T0, t1 = T_SESSION }) {
  const sk = sessionKeyOf(seed);
  setClock(t0);
  const client = makeClient(urls);
  const log = [];
  const sigs = await client.getSessionSigs({
    chain: 'ethereum', expiration: exp, sessionKey: sk, domain, resourceAbilityRequests: requests,
    capabilityAuthSigs: caps, authNeededCallback: walletCallback(client, wallet, log, t1),
  });
  assert.equal(log.length, 1, 'authNeededCallback must run exactly once');
  const body = JSON.parse(sigs[urls[0]].signedMessage);
  const walletAuthSig = body.capabilities[body.capabilities.length - 1];
  const template = {
    sessionKey: sk.publicKey,
    resourceAbilityRequests: requests,
    capabilities: [...caps, walletAuthSig],
    issuedAt: body.issuedAt,
    expiration: body.expiration,
  };
  assert.equal(body.issuedAt, t1);
  assert.equal(JSON.stringify(signingLoop(template, urls, sk)), JSON.stringify(sigs), 'signing-loop copy diverges');
  return { sk, sigs, body, walletAuthSig, template, client };
}

export async function genSessionSigs(R, D) {
  const cases = [
    ['sessionsigs_two_delegations_four_nodes', {
      urls: NODES, seed: SEEDS.a, wallet: WALLET,
      requests: [{ resource: R.accA, ability: 'access-control-condition-decryption' }],
      caps: [D.full, D.wildcard],
    }],
    ['sessionsigs_no_caps_one_node_three_requests', {
      urls: ['https://[2001:db8::7]:8443'], seed: SEEDS.b, wallet: WALLET2, domain: 'dapp.example.org',
      requests: [
        { resource: R.actA, ability: 'lit-action-execution' },
        { resource: R.pkpShort, ability: 'pkp-signing' },
        { resource: R.accB, ability: 'access-control-condition-signing' },
      ],
      caps: [],
    }],
    ['sessionsigs_unicode_acc_seven_nodes', {
      urls: Array.from({ length: 7 }, (_, i) => `https://n${i + 1}.interop.test:${7000 + i}`),
      seed: SEEDS.c, wallet: WALLET,
      requests: [{ resource: new LitAccessControlConditionResource('*'), ability: 'access-control-condition-decryption' }],
      caps: [D.full], t1: '2025-03-10T08:15:00.000Z',
    }],
    ['sessionsigs_expiration_without_millis', {
      urls: NODES.slice(1, 3), seed: SEEDS.b, wallet: WALLET,
      requests: [{ resource: R.pkp, ability: 'pkp-signing' }],
      caps: [D.noMillis], exp: '2025-03-10T20:15:00Z',
    }],
  ];
  const out = [];
  for (const [name, c] of cases) {
    const r = await sessionSigs(c);
    out.push({
      name,
      description: 'LitNodeClientNodeJs.getSessionSigs() with a preset connected state and a fixed clock.',
      inputs: {
        node_urls: c.urls,
        session_key: sessionKeyVec(c.seed, r.sk),
        wallet_private_key: c.wallet.privateKey,
        wallet_address: c.wallet.address,
        resourceAbilityRequests: c.requests.map(reqVec),
        capabilityAuthSigs: c.caps,
        expiration: c.exp ?? EXP,
        nonce: NONCE,
        domain: c.domain ?? DOMAIN,
        chain: 'ethereum',
        wallet_signed_at: T0,
        session_signed_at: c.t1 ?? T_SESSION,
      },
      expected: {
        wallet_authSig: r.walletAuthSig,
        capabilities: r.body.capabilities,
        signing_template: plain(r.template),
        per_node: c.urls.map((u) => ({
          node_url: u,
          signed_message: r.sigs[u].signedMessage,
          signed_message_hex: Buffer.from(r.sigs[u].signedMessage, 'utf8').toString('hex'),
          sig: r.sigs[u].sig,
        })),
        sessionSigs: r.sigs,
        sessionSigs_json: JSON.stringify(r.sigs),
      },
    });
  }
  writeFile('sessionsigs.json', 'Session signatures from getSessionSigs() (interop set).', out);
}
