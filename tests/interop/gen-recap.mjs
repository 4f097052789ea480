// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * gen-recap.mjs - recap.json: ReCaps built with the SDK, and
 * access-control-condition hashing.
 */

import assert from 'node:assert/strict';
import {
  SiweMessage, LitAccessControlConditionResource, LitPKPResource, LitActionResource, LitRLIResource,
  RecapSessionCapabilityObject, createSiweMessageWithRecaps, canonicalAccessControlConditionFormatter,
  setClock, writeFile,
} from './gen-env.mjs';
import {
  sha256hex, WALLET, WALLET2, STRANGER, NONCE, DOMAIN, NODES, SEEDS, T0, EXP, ACCS_A, ACCS_B, ACCS_C,
  PLAIN_A, PLAIN_B, PKP_ID, PKP_SHORT, CID_A, CID_B, TOKEN_ID, plain, accResource, reqVec, recapJsonOfUrn,
  makeClient, sessionKeyOf,
} from './gen-inputs.mjs';

export async function genRecap() {
  const out = [];
  for (const [name, accs, plaintext] of [
    ['acc_hash_erc721_polygon', ACCS_A, PLAIN_A],
    ['acc_hash_unordered_keys_base', ACCS_B, PLAIN_B],
    ['acc_hash_with_operator', ACCS_C, PLAIN_A],
  ]) {
    const dataToEncryptHash = sha256hex(plaintext);
    const canonical = JSON.stringify(accs.map((c) => canonicalAccessControlConditionFormatter(c)));
    const resourceString = await LitAccessControlConditionResource.generateResourceString(accs, dataToEncryptHash);
    const hashed = resourceString.split('/')[0];
    assert.equal(sha256hex(canonical), hashed);
    out.push({
      name,
      description: 'LitAccessControlConditionResource.generateResourceString(accs, dataToEncryptHash).',
      inputs: { accessControlConditions: accs, plaintext, dataToEncryptHash },
      expected: {
        canonical_json: canonical,
        hashed_accs_hex: hashed,
        resource_string: resourceString,
        resource_key: new LitAccessControlConditionResource(resourceString).getResourceKey(),
      },
    });
  }

  const accA = await accResource(ACCS_A, PLAIN_A);
  const accB = await accResource(ACCS_B, PLAIN_B);
  const pkp = new LitPKPResource(PKP_ID);
  const pkpShort = new LitPKPResource(PKP_SHORT);
  const actA = new LitActionResource(CID_A);
  const actB = new LitActionResource(CID_B);
  const rli = new LitRLIResource(TOKEN_ID);
  const probes = [
    [accA, 'access-control-condition-decryption'],
    [accA, 'access-control-condition-signing'],
    [accB, 'access-control-condition-decryption'],
    [pkp, 'pkp-signing'],
    [pkpShort, 'pkp-signing'],
    [actA, 'lit-action-execution'],
    [actB, 'lit-action-execution'],
    [rli, 'rate-limit-increase-auth'],
    [new LitRLIResource('1'), 'rate-limit-increase-auth'],
    [new LitAccessControlConditionResource('*'), 'access-control-condition-decryption'],
    [pkp, 'access-control-condition-decryption'],
    [accB, 'pkp-signing'],
  ];
  const sk = sessionKeyOf(SEEDS.b);
  const baseSiwe = {
    domain: DOMAIN,
    address: WALLET.address,
    statement: 'Interop base statement.',
    uri: `lit:session:${sk.publicKey}`,
    version: '1',
    chainId: 1,
    nonce: NONCE,
    issuedAt: T0,
    expirationTime: EXP,
  };
  const sdkParams = {
    uri: `lit:session:${sk.publicKey}`,
    expiration: EXP,
    walletAddress: WALLET.address,
    nonce: NONCE,
    domain: DOMAIN,
    clock_now: T0,
  };
  setClock(T0);
  const client = makeClient(NODES);
  const cases = [
    ['recap_acc_decryption', [{ resource: accA, ability: 'access-control-condition-decryption' }]],
    ['recap_acc_signing_other_acc', [{ resource: accB, ability: 'access-control-condition-signing' }]],
    ['recap_acc_wildcard', [{ resource: new LitAccessControlConditionResource('*'), ability: 'access-control-condition-decryption' }]],
    ['recap_pkp_full_id', [{ resource: pkp, ability: 'pkp-signing' }]],
    ['recap_pkp_short_id_padded', [{ resource: pkpShort, ability: 'pkp-signing' }]],
    ['recap_lit_action_other_cid', [{ resource: actB, ability: 'lit-action-execution' }]],
    ['recap_lit_action_wildcard', [{ resource: new LitActionResource('*'), ability: 'lit-action-execution' }]],
    ['recap_capacity_big_token_three_delegatees', [{
      resource: rli, ability: 'rate-limit-increase-auth',
      data: { nft_id: [TOKEN_ID], delegate_to: [WALLET.address.slice(2), WALLET2.address.slice(2).toLowerCase(), STRANGER.address.slice(2)], uses: '7' },
    }]],
    ['recap_capacity_wildcard_uses_only', [{
      resource: new LitRLIResource('*'), ability: 'rate-limit-increase-auth', data: { uses: '250' },
    }]],
    ['recap_same_resource_two_abilities', [
      { resource: accA, ability: 'access-control-condition-signing' },
      { resource: accA, ability: 'access-control-condition-decryption' },
    ]],
    ['recap_five_requests_merged', [
      { resource: actA, ability: 'lit-action-execution' },
      { resource: accB, ability: 'access-control-condition-decryption' },
      { resource: pkp, ability: 'pkp-signing' },
      { resource: actB, ability: 'lit-action-execution' },
      { resource: accA, ability: 'access-control-condition-signing' },
    ]],
    ['recap_all_abilities_two_resources', null, [pkp, accB]],
    ['recap_none', []],
  ];
  for (const [name, requests, allFor] of cases) {
    const recap = new RecapSessionCapabilityObject();
    if (allFor) for (const r of allFor) recap.addAllCapabilitiesForResource(r);
    else for (const r of requests) recap.addCapabilityForResource(r.resource, r.ability, r.data || null);
    const urn = recap.encodeAsSiweResource();
    const withStmt = recap.addToSiweMessage(new SiweMessage({ ...baseSiwe })).prepareMessage();
    const noStmtFields = { ...baseSiwe };
    delete noStmtFields.statement;
    const noStmt = recap.addToSiweMessage(new SiweMessage(noStmtFields)).prepareMessage();
    let sdkMsg = null;
    if (requests && requests.length > 0) {
      setClock(T0);
      sdkMsg = await createSiweMessageWithRecaps({
        uri: sdkParams.uri, expiration: sdkParams.expiration, resources: requests,
        walletAddress: sdkParams.walletAddress, nonce: sdkParams.nonce, litNodeClient: client, domain: sdkParams.domain,
      });
    }
    out.push({
      name,
      description: 'RecapSessionCapabilityObject (auth-helpers) over siwe-recap: attenuations, urn, statement, coverage probes and SIWE messages carrying it.',
      inputs: {
        ...(allFor ? { all_capabilities_for: allFor.map((r) => ({ resource_key: r.getResourceKey(), resource_prefix: r.resourcePrefix, resource: r.resource })) }
          : { requests: requests.map(reqVec) }),
        base_siwe_fields: baseSiwe,
        sdk_createSiweMessageWithRecaps_params: sdkMsg ? sdkParams : null,
      },
      expected: {
        attenuations: plain(recap.attenuations),
        recap_json: recapJsonOfUrn(urn),
        urn,
        statement: recap.statement,
        verify_capabilities: probes.map(([r, ab]) => ({
          resource_key: r.getResourceKey(), ability: ab, covered: recap.verifyCapabilitiesForResource(r, ab),
        })),
        siwe_base_with_statement: new SiweMessage({ ...baseSiwe }).prepareMessage(),
        siwe_with_recap_added_to_statement: withStmt,
        siwe_with_recap_no_base_statement: noStmt,
        sdk_createSiweMessageWithRecaps: sdkMsg,
      },
    });
  }
  writeFile('recap.json', 'ReCap objects built with the Lit SDK, and access-control-condition hashing (interop set).', out);
  return { accA, accB, pkp, pkpShort, actA, actB, rli };
}
