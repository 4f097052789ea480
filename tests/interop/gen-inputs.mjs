// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * gen-inputs.mjs - the fixed inputs (keys, seeds, nonce, clock, domains,
 * node URLs, resources), all derived from fixed labels, and the helpers the
 * vector families share: clients with a preset state, session keys, AuthSig
 * expectations, the wallet callback and the SDK's signing loop.
 */

import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import {
  ethers, SiweMessage, Recap, LitNodeClientNodeJs, LitAccessControlConditionResource, LitPKPResource,
  LitActionResource, LitRLIResource, createSiweMessageWithRecaps, generateAuthSig, LIT_NETWORK,
  generateSessionKeyPair, sdkNacl, uint8arrayFromString, uint8arrayToString, setClock, tweetnacl,
} from './gen-env.mjs';

// ------------------------------------------------------------ fixed inputs
export const sha256hex = (s) => createHash('sha256').update(s).digest('hex');
export const derive = (label) => sha256hex(`lithsm-interop/${label}`);
export const hexBytes = (h) => Uint8Array.from(Buffer.from(h.replace(/^0x/, ''), 'hex'));
const toHex = (u8) => Buffer.from(u8).toString('hex');
export const N = ethers.BigNumber.from('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');
export const pkHex = (bn) => ethers.utils.hexZeroPad(ethers.BigNumber.from(bn).toHexString(), 32);

export const WALLET = new ethers.Wallet('0x' + derive('wallet'));
export const WALLET2 = new ethers.Wallet('0x' + derive('wallet-2'));
export const OWNER = new ethers.Wallet('0x' + derive('capacity-owner'));
export const STRANGER = new ethers.Wallet('0x' + derive('stranger'));
export const NONCE = '0x' + derive('blockhash');
export const DOMAIN = 'app.interop.test:8443';
export const NODES = ['https://192.0.2.10:443', 'https://192.0.2.11:443', 'http://198.51.100.7:7470',
  'https://lit-node-4.interop.test'];
export const SEEDS = { a: derive('session-seed-a'), b: derive('session-seed-b'), c: derive('session-seed-c') };
export const T0 = '2025-03-10T08:15:00.000Z'; // wallet SIWE "Issued At"
export const T_SESSION = '2025-03-10T08:15:01.017Z'; // session issuedAt
export const EXP = '2025-03-10T20:15:00.000Z';
export const DELEG_NOW = '2025-03-09T23:59:59.999Z';
export const DELEG_EXP = '2025-04-01T00:00:00.000Z';
export const NOW_CHECK = '2025-03-10T09:00:00.000Z';

export const ACCS_A = [
  {
    contractAddress: '0x' + derive('nft-contract').slice(0, 40),
    standardContractType: 'ERC721',
    chain: 'polygon',
    method: 'balanceOf',
    parameters: [':userAddress'],
    returnValueTest: { comparator: '>', value: '0' },
  },
];
export const ACCS_B = [
  {
    // keys deliberately out of the canonical order
    returnValueTest: { value: '42', comparator: '=' },
    parameters: [':userAddress', 'latest'],
    method: 'eth_getBalance',
    chain: 'base',
    standardContractType: '',
    contractAddress: '',
  },
];
export const ACCS_C = [
  ACCS_A[0],
  { operator: 'or' },
  {
    contractAddress: '',
    standardContractType: 'timestamp',
    chain: 'ethereum',
    method: 'eth_getBlockByNumber',
    parameters: ['latest'],
    returnValueTest: { comparator: '>=', value: '1741600000' },
  },
];
export const PLAIN_A = 'interop secret \u00e9\u00e8 #1';
export const PLAIN_B = 'another payload, 2025';
export const PKP_ID = '0x' + derive('pkp-token-id');
export const PKP_SHORT = '0xbeef';
export const CID_A = 'QmZbWNKJPAjxXuNFSEaksCJVd1M6DaKQViJBYPK2BdpXQ9';
export const CID_B = 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG';
export const TOKEN_ID = '98765432109876543210';

// ------------------------------------------------------------ helpers
export const plain = (o) => JSON.parse(JSON.stringify(o));
export const accResource = async (accs, plaintext) =>
  new LitAccessControlConditionResource(
    await LitAccessControlConditionResource.generateResourceString(accs, sha256hex(plaintext)));
const RES_CLASS = {
  'lit-accesscontrolcondition': LitAccessControlConditionResource,
  'lit-pkp': LitPKPResource,
  'lit-litaction': LitActionResource,
  'lit-ratelimitincrease': LitRLIResource,
};
export const resourceOf = (prefix, resource) => new RES_CLASS[prefix](resource);
export const reqVec = (r) => ({
  resource_key: r.resource.getResourceKey(),
  resource_prefix: r.resource.resourcePrefix,
  resource: r.resource.resource,
  ability: r.ability,
  ...(r.data !== undefined ? { data: r.data } : {}),
});
export const recapJsonOfUrn = (urn) => Buffer.from(urn.slice('urn:recap:'.length), 'base64url').toString('utf8');

export function makeClient(urls, blockhash = NONCE) {
  const client = new LitNodeClientNodeJs({ litNetwork: LIT_NETWORK.Custom, debug: false });
  client.ready = true;
  client.connectedNodes = new Set(urls);
  client.latestBlockhash = blockhash;
  client.lastBlockHashRetrieved = Date.now();
  client._getProviderWithFallback = async () => {
    throw new Error('gen-vectors: network fallback reached');
  };
  return client;
}

// The SDK's generateSessionKeyPair() with its random source fixed to the seed.
export function sessionKeyOf(seedHex) {
  const seed = hexBytes(seedHex);
  sdkNacl.setPRNG((x, n) => {
    assert.equal(n, 32);
    x.set(seed);
  });
  const kp = generateSessionKeyPair();
  sdkNacl.setPRNG(() => {
    throw new Error('gen-vectors: unexpected use of randomness');
  });
  const ref = tweetnacl.sign.keyPair.fromSeed(seed);
  assert.equal(kp.publicKey, toHex(ref.publicKey));
  assert.equal(kp.secretKey, toHex(ref.secretKey));
  return kp;
}
export const sessionKeyVec = (seed, kp) => ({
  seed,
  public_key: kp.publicKey,
  secret_key: kp.secretKey,
  session_key_uri: `lit:session:${kp.publicKey}`,
});

function sigParts(sig) {
  const s = ethers.utils.splitSignature(sig);
  return { r: s.r, s: s.s, v: s.v };
}

function recapOfSiwe(text) {
  const m = new SiweMessage(text);
  const urn = m.resources[m.resources.length - 1];
  const r = Recap.decode_urn(urn);
  return { urn, json: recapJsonOfUrn(urn), attenuations: plain(r.attenuations), statement: r.statement };
}

export function authSigExpected(authSig, signer) {
  const hash = ethers.utils.hashMessage(authSig.signedMessage);
  const rec = ethers.utils.verifyMessage(authSig.signedMessage, authSig.sig);
  assert.equal(rec, signer);
  return {
    siwe_message: authSig.signedMessage,
    eip191_hash: hash,
    signature: sigParts(authSig.sig),
    recovered_address: rec,
    recap: recapOfSiwe(authSig.signedMessage),
    authSig: plain(authSig),
    authSig_json: JSON.stringify(authSig),
  };
}

// The documented EOA authNeededCallback; it records its params, and may move
// the clock afterwards (the SDK reads it again for the session issuedAt).
export function walletCallback(client, wallet, log, after = null) {
  return async (params) => {
    log.push(plain(params));
    const toSign = await createSiweMessageWithRecaps({
      uri: params.uri,
      expiration: params.expiration,
      resources: params.resourceAbilityRequests,
      walletAddress: wallet.address,
      nonce: await client.getLatestBlockhash(),
      litNodeClient: client,
      domain: params.domain,
    });
    const authSig = await generateAuthSig({ signer: wallet, toSign });
    if (after) setClock(after);
    return authSig;
  };
}

// Copy of the per-node loop of getSessionSigs (lit-node-client-nodejs 7.4.0),
// checked below against getSessionSigs itself.
export function signingLoop(template, urls, sessionKey) {
  const signatures = {};
  urls.forEach((nodeAddress) => {
    const signedMessage = JSON.stringify({ ...template, nodeAddress });
    const signature = sdkNacl.sign.detached(uint8arrayFromString(signedMessage, 'utf8'),
      uint8arrayFromString(sessionKey.secretKey, 'base16'));
    signatures[nodeAddress] = {
      sig: uint8arrayToString(signature, 'base16'),
      derivedVia: 'litSessionSignViaNacl',
      signedMessage,
      address: sessionKey.publicKey,
      algo: 'ed25519',
    };
  });
  return signatures;
}
