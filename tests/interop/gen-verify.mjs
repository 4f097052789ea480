// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * gen-verify.mjs - verify-negative.json: accept/reject cases for a
 * session-signature verifier, their verdicts from the libraries' own checks
 * in CHECK_ORDER.
 */

import assert from 'node:assert/strict';
import {
  ethers, SiweMessage, SiweErrorType, Recap, LitAccessControlConditionResource, RecapSessionCapabilityObject,
  generateAuthSig, sdkNacl, validateSessionSig, RealDate, setClock, quiet, tweetnacl, writeFile,
} from './gen-env.mjs';
import {
  hexBytes, WALLET, WALLET2, STRANGER, NONCE, DOMAIN, NODES, SEEDS, T0, T_SESSION, EXP, DELEG_EXP, NOW_CHECK,
  TOKEN_ID, plain, resourceOf, sessionKeyOf, signingLoop,
} from './gen-inputs.mjs';
import { delegation } from './gen-delegation.mjs';
import { sessionSigs } from './gen-sessionsigs.mjs';

const CHECK_ORDER = [
  'unsupported_algo: sessionSig.algo must be "ed25519" and derivedVia "litSessionSignViaNacl"',
  'session_signature_invalid: ed25519 verify of sig over the UTF-8 bytes of signedMessage with public key = hex(address) (tweetnacl and the SDK nacl agree)',
  'session_key_mismatch: signedMessage.sessionKey must equal sessionSig.address',
  'node_address_mismatch: signedMessage.nodeAddress must equal the URL of the verifying node',
  'session_expired: now must be strictly before signedMessage.expiration',
  'per capability in order (role "delegation" if SIWE uri is lit:capability:delegation, else "authsig"): <role>_expired / <role>_not_yet_valid / <role>_signature_invalid from siwe SiweMessage.verify({signature, time: now}); then <role>_address_mismatch if getAddress(authSig.address) differs from the SIWE address',
  'session_uri_mismatch: the wallet AuthSig (last capability) SIWE uri must be "lit:session:" + sessionKey',
  'recap_missing: the wallet SIWE must have at least one resource',
  'recap_malformed: resources[0] must decode as a ReCap (siwe-recap decode_urn, which also requires sorted keys)',
  'recap_statement_mismatch: the SIWE statement must end with the ReCap statement (siwe-recap Recap.extract_and_verify)',
  'resource_not_covered: every resourceAbilityRequest in signedMessage must pass RecapSessionCapabilityObject.verifyCapabilitiesForResource',
  'delegatee_not_authorized: for each delegation capability, if its Auth/Auth nota-bene has delegate_to, the wallet address (lowercase hex without 0x) must be listed (case-insensitive)',
];

// The verdict, from the libraries' checks in CHECK_ORDER.
async function judge(sessionSig, nodeUrl, now, client) {
  const ev = {};
  const done = (reason) => ({ verdict: reason === 'ok' ? 'accept' : 'reject', reason, evidence: ev });
  setClock(now);
  ev.sdk_validateSessionSig = plain(validateSessionSig(plain(sessionSig)));
  ev.algo = sessionSig.algo ?? null;
  ev.derivedVia = sessionSig.derivedVia ?? null;
  if (sessionSig.algo !== 'ed25519' || sessionSig.derivedVia !== 'litSessionSignViaNacl') return done('unsupported_algo');
  const msg = Buffer.from(sessionSig.signedMessage, 'utf8');
  const sig = hexBytes(sessionSig.sig);
  const pub = hexBytes(sessionSig.address);
  const ok = tweetnacl.sign.detached.verify(msg, sig, pub);
  assert.equal(sdkNacl.sign.detached.verify(new Uint8Array(msg), sig, pub), ok);
  ev.ed25519_verify = ok;
  if (!ok) return done('session_signature_invalid');
  const body = JSON.parse(sessionSig.signedMessage);
  ev.signed_session_key = body.sessionKey;
  if (body.sessionKey !== sessionSig.address) return done('session_key_mismatch');
  ev.signed_node_address = body.nodeAddress;
  if (body.nodeAddress !== nodeUrl) return done('node_address_mismatch');
  ev.session_expiration = body.expiration;
  if (!(RealDate.parse(now) < RealDate.parse(body.expiration))) return done('session_expired');
  ev.capabilities = [];
  const siwes = [];
  for (const cap of body.capabilities) {
    const m = new SiweMessage(cap.signedMessage);
    siwes.push(m);
    const role = m.uri === 'lit:capability:delegation' ? 'delegation' : 'authsig';
    const r = await quiet(() => m.verify({ signature: cap.sig, time: now }, { suppressExceptions: true }));
    const e = {
      role, siwe_uri: m.uri, siwe_address: m.address, authsig_address: cap.address,
      siwe_verify_success: r.success, siwe_verify_error: r.success ? null : (r.error?.type ?? String(r.error)),
    };
    ev.capabilities.push(e);
    if (!r.success) {
      const t = r.error?.type ?? '';
      if (t === SiweErrorType.EXPIRED_MESSAGE) return done(`${role}_expired`);
      if (t === SiweErrorType.NOT_YET_VALID_MESSAGE) return done(`${role}_not_yet_valid`);
      return done(`${role}_signature_invalid`);
    }
    if (ethers.utils.getAddress(cap.address) !== m.address) return done(`${role}_address_mismatch`);
  }
  const walletCap = body.capabilities[body.capabilities.length - 1];
  const wm = siwes[siwes.length - 1];
  const sessionKeyUri = `lit:session:${body.sessionKey}`;
  const requests = body.resourceAbilityRequests.map((q) => ({
    resource: resourceOf(q.resource.resourcePrefix, q.resource.resource), ability: q.ability,
  }));
  if (wm.uri !== sessionKeyUri) return done('session_uri_mismatch');
  try {
    ev.sdk_checkNeedToResignSessionKey = await quiet(() => client.checkNeedToResignSessionKey({
      authSig: walletCap, sessionKeyUri, resourceAbilityRequests: requests,
    }));
  } catch (e) {
    ev.sdk_checkNeedToResignSessionKey = { threw: String(e.message ?? e) };
  }
  if (!wm.resources || wm.resources.length === 0) return done('recap_missing');
  let recap;
  try {
    recap = RecapSessionCapabilityObject.decode(wm.resources[0]);
  } catch (e) {
    ev.recap_decode_error = String(e.message ?? e);
    return done('recap_malformed');
  }
  ev.recap_attenuations = plain(recap.attenuations);
  try {
    Recap.extract_and_verify(wm);
    ev.recap_extract_and_verify = 'ok';
  } catch (e) {
    ev.recap_extract_and_verify = String(e.message ?? e);
    return done('recap_statement_mismatch');
  }
  ev.coverage = requests.map((q) => ({
    resource_key: q.resource.getResourceKey(), ability: q.ability,
    covered: recap.verifyCapabilitiesForResource(q.resource, q.ability),
  }));
  if (ev.coverage.some((c) => !c.covered)) return done('resource_not_covered');
  const me = wm.address.slice(2).toLowerCase();
  for (let i = 0; i < siwes.length - 1; i++) {
    if (ev.capabilities[i].role !== 'delegation') continue;
    const d = Recap.decode_urn(siwes[i].resources[siwes[i].resources.length - 1]);
    for (const abilities of Object.values(d.attenuations)) {
      for (const nb of abilities['Auth/Auth'] ?? []) {
        if (nb.delegate_to === undefined) continue;
        ev.delegate_to = plain(nb.delegate_to);
        if (!nb.delegate_to.some((a) => a.toLowerCase() === me)) return done('delegatee_not_authorized');
      }
    }
  }
  return done('ok');
}

async function walletSiweAuthSig(fields, signer = WALLET, recap = null, keepStatement = true) {
  let m = new SiweMessage({ ...fields });
  if (recap) {
    if (!keepStatement) delete m.statement;
    m = recap.addToSiweMessage(m);
  }
  return generateAuthSig({ signer, toSign: m.prepareMessage() });
}

export async function genVerify(R, D) {
  const acc = R.accA;
  const requests = [{ resource: acc, ability: 'access-control-condition-decryption' }];
  const base = await sessionSigs({ urls: NODES, seed: SEEDS.a, wallet: WALLET, requests, caps: [D.full] });
  const { sk, sigs, template, client } = base;
  const first = NODES[0];
  const last = NODES[NODES.length - 1];
  const sign1 = (tpl, url = first) => signingLoop(plain(tpl), [url], sk)[url];
  const flip = (h, i) => h.slice(0, i) + (h[i] === '0' ? '1' : '0') + h.slice(i + 1);
  const walletFields = (extra = {}) => ({
    domain: DOMAIN, address: WALLET.address, statement: 'This is a test statement.  You can put anything you want here.',
    uri: `lit:session:${sk.publicKey}`, version: '1', chainId: 1, nonce: NONCE, issuedAt: T0, expirationTime: EXP, ...extra,
  });
  const recapFor = (reqs) => {
    const r = new RecapSessionCapabilityObject();
    for (const q of reqs) r.addCapabilityForResource(q.resource, q.ability, q.data || null);
    return r;
  };
  const withWallet = (walletAuthSig, caps = [D.full]) => sign1({ ...template, capabilities: [...caps, walletAuthSig] });
  const otherSk = sessionKeyOf(SEEDS.b);
  const cases = [];
  const add = (name, description, intended, sessionSig, node = first, now = NOW_CHECK) =>
    cases.push({ name, description, intended, node, now, sessionSig });

  add('accept_first_node', 'Untouched getSessionSigs output (delegation + wallet AuthSig), first node.', 'ok', sigs[first]);
  add('accept_last_node', 'Same session, last node.', 'ok', sigs[last], last);
  add('accept_one_ms_before_expiration', 'Checked 1 ms before the session expiration.', 'ok', sigs[first], first, '2025-03-10T20:14:59.999Z');
  add('reject_session_sig_tampered', 'Last hex digit of the ed25519 signature changed.', 'session_signature_invalid',
    { ...sigs[first], sig: flip(sigs[first].sig, sigs[first].sig.length - 1) });
  add('reject_session_message_tampered', 'signedMessage edited (issuedAt moved) without re-signing.', 'session_signature_invalid',
    { ...sigs[first], signedMessage: sigs[first].signedMessage.replace(T_SESSION, '2025-03-10T08:15:01.018Z') });
  add('reject_address_other_session_key', 'address replaced by another session public key.', 'session_signature_invalid',
    { ...sigs[first], address: otherSk.publicKey });
  {
    const s = sign1({ ...template, sessionKey: otherSk.publicKey });
    add('reject_session_key_field_other', 'Body names another session key but is signed by this one.', 'session_key_mismatch', s);
  }
  add('reject_wrong_node', 'The first node\'s signature presented to the third node.', 'node_address_mismatch', sigs[first], NODES[2]);
  add('reject_node_url_trailing_slash', 'Verifying node URL differs only by a trailing slash.', 'node_address_mismatch', sigs[first], first + '/');
  add('reject_session_expired', 'Checked 1 s after the session expiration.', 'session_expired', sigs[first], first, '2025-03-10T20:15:01.000Z');
  add('reject_session_expired_at_instant', 'Checked exactly at the expiration instant.', 'session_expired', sigs[first], first, EXP);
  {
    const w = template.capabilities[1];
    add('reject_wallet_authsig_sig_tampered', 'Wallet AuthSig signature altered (a digit of s); session re-signed with the session key.',
      'authsig_signature_invalid', withWallet({ ...w, sig: flip(w.sig, 70) }));
    add('reject_wallet_authsig_address_field_other', 'Wallet AuthSig address names another account.', 'authsig_address_mismatch',
      withWallet({ ...w, address: WALLET2.address }));
    add('accept_wallet_authsig_address_lowercase', 'Wallet AuthSig address in lowercase; getAddress normalises it.', 'ok',
      withWallet({ ...w, address: w.address.toLowerCase() }));
  }
  const rq = recapFor(requests);
  add('reject_wallet_siwe_signed_by_other_key', 'Wallet SIWE names the wallet but is signed by another key.', 'authsig_signature_invalid',
    withWallet({ ...(await walletSiweAuthSig(walletFields(), WALLET2, rq)), address: WALLET.address }));
  add('reject_wallet_authsig_expired', 'Wallet SIWE expires before now; session still valid.', 'authsig_expired',
    withWallet(await walletSiweAuthSig(walletFields({ expirationTime: '2025-03-10T08:59:59.999Z' }), WALLET, rq)));
  add('reject_wallet_authsig_not_yet_valid', 'Wallet SIWE has a Not Before after now.', 'authsig_not_yet_valid',
    withWallet(await walletSiweAuthSig(walletFields({ notBefore: '2025-03-10T09:00:00.001Z' }), WALLET, rq)));
  add('accept_wallet_authsig_not_before_passed', 'Wallet SIWE Not Before equal to now.', 'ok',
    withWallet(await walletSiweAuthSig(walletFields({ notBefore: NOW_CHECK }), WALLET, rq)));
  add('reject_session_uri_other_key', 'Wallet SIWE authorizes another session key.', 'session_uri_mismatch',
    withWallet(await walletSiweAuthSig(walletFields({ uri: `lit:session:${otherSk.publicKey}` }), WALLET, rq)));
  add('reject_resource_not_covered_other_acc', 'Wallet ReCap grants decryption on another ACC resource.', 'resource_not_covered',
    withWallet(await walletSiweAuthSig(walletFields(), WALLET, recapFor([{ resource: R.accB, ability: 'access-control-condition-decryption' }]))));
  add('reject_ability_not_covered', 'Wallet ReCap grants Threshold/Signing; decryption requested.', 'resource_not_covered',
    withWallet(await walletSiweAuthSig(walletFields(), WALLET, recapFor([{ resource: acc, ability: 'access-control-condition-signing' }]))));
  add('reject_pkp_grant_for_acc_request', 'Wallet ReCap grants PKP signing only.', 'resource_not_covered',
    withWallet(await walletSiweAuthSig(walletFields(), WALLET, recapFor([{ resource: R.pkp, ability: 'pkp-signing' }]))));
  add('accept_wildcard_resource', 'Wallet ReCap on lit-accesscontrolcondition://* covers the resource.', 'ok',
    withWallet(await walletSiweAuthSig(walletFields(), WALLET,
      recapFor([{ resource: new LitAccessControlConditionResource('*'), ability: 'access-control-condition-decryption' }]))));
  {
    const all = new RecapSessionCapabilityObject();
    all.addAllCapabilitiesForResource(acc);
    add('accept_all_abilities', 'Wallet ReCap grants */* on the resource.', 'ok', withWallet(await walletSiweAuthSig(walletFields(), WALLET, all)));
  }
  add('accept_recap_without_base_statement', 'Wallet SIWE statement is only the ReCap sentence.', 'ok',
    withWallet(await walletSiweAuthSig(walletFields(), WALLET, rq, false)));
  add('reject_wallet_authsig_expired_at_instant', 'Wallet SIWE expires exactly at now (exclusive expiry, as siwe verify).', 'authsig_expired',
    withWallet(await walletSiweAuthSig(walletFields({ expirationTime: NOW_CHECK }), WALLET, rq)));
  add('reject_recap_not_first_resource', 'Wallet SIWE lists another resource before the ReCap.', 'recap_malformed',
    withWallet(await walletSiweAuthSig(walletFields({ resources: ['https://app.interop.test/terms'] }), WALLET, rq)));
  add('reject_recap_missing', 'Wallet SIWE has no Resources.', 'recap_missing', withWallet(await walletSiweAuthSig(walletFields())));
  add('reject_recap_statement_missing_sentence', 'ReCap resource present, statement without the ReCap sentence.', 'recap_statement_mismatch',
    withWallet(await walletSiweAuthSig(walletFields({ resources: [rq.encodeAsSiweResource()] }))));
  {
    const key = acc.getResourceKey();
    const unsorted = `{"att":{"${key}":{"Threshold/Decryption":[{}],"Threshold/Execution":[{}]}},"prf":[]}`;
    const swapped = `{"att":{"${key}":{"Threshold/Execution":[{}],"Threshold/Decryption":[{}]}},"prf":[]}`;
    const good = new Recap(JSON.parse(unsorted).att, []);
    const urnBad = 'urn:recap:' + Buffer.from(swapped, 'utf8').toString('base64url');
    add('reject_recap_ability_keys_unsorted', 'ReCap JSON with "Threshold/Execution" before "Threshold/Decryption".', 'recap_malformed',
      withWallet(await walletSiweAuthSig(walletFields({ statement: walletFields().statement + ' ' + good.statement, resources: [urnBad] }))));
    add('reject_recap_not_json', 'ReCap urn payload is base64url of text that is not JSON.', 'recap_malformed',
      withWallet(await walletSiweAuthSig(walletFields({ resources: ['urn:recap:' + Buffer.from('not json', 'utf8').toString('base64url')] }))));
  }
  {
    const d = template.capabilities[0];
    add('reject_delegation_sig_tampered', 'Delegation AuthSig signature altered; session re-signed.', 'delegation_signature_invalid',
      withWallet(template.capabilities[1], [{ ...d, sig: flip(d.sig, 20) }]));
    add('reject_delegation_address_field_other', 'Delegation AuthSig address names another account.', 'delegation_address_mismatch',
      withWallet(template.capabilities[1], [{ ...d, address: STRANGER.address }]));
  }
  add('reject_delegation_expired', 'Capacity delegation expired before now.', 'delegation_expired',
    withWallet(template.capabilities[1], [await delegation({ capacityTokenId: TOKEN_ID, delegateeAddresses: [WALLET.address], uses: '3', expiration: '2025-03-10T08:30:00.000Z' })]));
  add('reject_delegation_expired_at_instant', 'Capacity delegation expires exactly at now.', 'delegation_expired',
    withWallet(template.capabilities[1], [await delegation({ capacityTokenId: TOKEN_ID, delegateeAddresses: [WALLET.address], expiration: NOW_CHECK })]));
  add('reject_delegatee_not_authorized', 'Capacity delegated to two other accounts only.', 'delegatee_not_authorized',
    withWallet(template.capabilities[1], [await delegation({ capacityTokenId: TOKEN_ID, delegateeAddresses: [WALLET2.address, STRANGER.address], uses: '3', expiration: DELEG_EXP })]));
  add('reject_delegatee_empty_list', 'Capacity delegated to an empty list.', 'delegatee_not_authorized',
    withWallet(template.capabilities[1], [await delegation({ capacityTokenId: TOKEN_ID, delegateeAddresses: [], expiration: DELEG_EXP })]));
  add('accept_delegatee_uppercase_hex', 'delegate_to lists the wallet in uppercase hex.', 'ok',
    withWallet(template.capabilities[1], [await delegation({ delegateeAddresses: ['0x' + WALLET.address.slice(2).toUpperCase()], uses: '1', expiration: DELEG_EXP })]));
  add('accept_delegation_without_delegatees', 'Delegation with no delegate_to restriction.', 'ok',
    withWallet(template.capabilities[1], [await delegation({ capacityTokenId: '9', uses: '2', expiration: DELEG_EXP })]));
  add('accept_two_delegations', 'Two delegations before the wallet AuthSig, both listing the wallet.', 'ok',
    withWallet(template.capabilities[1], [D.full, D.wildcard]));
  add('accept_no_delegation', 'Only the wallet AuthSig.', 'ok', withWallet(template.capabilities[1], []));
  add('reject_algo_missing', 'algo field removed.', 'unsupported_algo', (() => {
    const s = { ...sigs[first] };
    delete s.algo;
    return s;
  })());
  add('reject_derived_via_other', 'derivedVia is web3.eth.personal.sign.', 'unsupported_algo',
    { ...sigs[first], derivedVia: 'web3.eth.personal.sign' });

  const out = [];
  for (const c of cases) {
    const r = await judge(c.sessionSig, c.node, c.now, client);
    assert.equal(r.reason, c.intended, `${c.name}: the libraries say ${r.reason}, the case was built for ${c.intended}`);
    out.push({
      name: c.name,
      description: c.description,
      inputs: { node_url: c.node, now: c.now, sessionSig: c.sessionSig },
      expected: { verdict: r.verdict, reason: r.reason, evidence: r.evidence },
    });
  }
  writeFile('verify-negative.json', 'Accept/reject cases for a session-signature verifier (interop set); verdicts from the libraries\' checks.', out,
    { check_order: CHECK_ORDER, library_quirks: [] });
}
