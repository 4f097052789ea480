#!/usr/bin/env node
/*
 * gen-vectors.mjs OUTDIR
 *
 * Writes an interop vector set in the format of tests/vectors (see its
 * README.md) with inputs of its own: other keys, seeds, nonce, clock,
 * domains, node URLs, resources and delegations.  Every expected value comes
 * from the public Lit JS SDK 7.4.0 and its libraries (pinned in
 * package.json), driven offline the way tests/vectors was made:
 *   - a real LitNodeClientNodeJs with only the state connect() would learn
 *     preset (ready, connectedNodes, latestBlockhash); fetch throws;
 *   - Date is a clock this script sets;
 *   - session keys come from the SDK's generateSessionKeyPair() with the nacl
 *     random source returning a fixed seed;
 *   - the wallet AuthSig comes from the documented authNeededCallback
 *     (createSiweMessageWithRecaps + generateAuthSig);
 *   - verifier cases over altered content are re-signed with a copy of the
 *     signing loop of getSessionSigs, checked to match it byte for byte;
 *     their verdict comes from the libraries' own checks (tweetnacl, siwe
 *     verify, siwe-recap, verifyCapabilitiesForResource), in check_order.
 * All inputs are derived from fixed labels, so two runs give identical files.
 */
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const OUT = process.argv[2];
if (!OUT) {
  process.stderr.write('usage: node gen-vectors.mjs OUTDIR\n');
  process.exit(2);
}

// ------------------------------------------------------------ environment
process.noDeprecation = true;
const RealDate = globalThis.Date;
let clockMs = RealDate.parse('2025-03-10T08:15:00.000Z');
class ClockDate extends RealDate {
  constructor(...a) {
    if (a.length === 0) super(clockMs);
    else super(...a);
  }
  static now() {
    return clockMs;
  }
}
globalThis.Date = ClockDate;
const setClock = (iso) => {
  clockMs = RealDate.parse(iso);
  assert.ok(Number.isFinite(clockMs), iso);
};
globalThis.fetch = async (u) => {
  throw new Error(`gen-vectors: network access is disabled (tried ${u})`);
};
const realWarn = console.warn;
console.warn = (...a) => {
  const s = String(a[0] ?? '');
  if (s.includes('is missing. Not a problem') || s.includes('Unable to store walletSig')) return;
  realWarn(...a);
};
const quiet = async (fn) => {
  const e = console.error;
  const l = console.log;
  console.error = () => {};
  console.log = () => {};
  try {
    return await fn();
  } finally {
    console.error = e;
    console.log = l;
  }
};

// ------------------------------------------------------------ libraries
const { ethers } = require('ethers');
const { SiweMessage, SiweErrorType } = require('siwe');
const tweetnacl = require('tweetnacl');
const { Recap } = require('siwe-recap');
const { LitNodeClientNodeJs } = require('@lit-protocol/lit-node-client-nodejs');
const {
  LitAccessControlConditionResource, LitPKPResource, LitActionResource, LitRLIResource,
  RecapSessionCapabilityObject, createSiweMessageWithRecaps, generateAuthSig,
} = require('@lit-protocol/auth-helpers');
const { LIT_NETWORK } = require('@lit-protocol/constants');
const { generateSessionKeyPair } = require('@lit-protocol/crypto');
const { nacl: sdkNacl } = require('@lit-protocol/nacl');
const { uint8arrayFromString, uint8arrayToString } = require('@lit-protocol/uint8arrays');
const { canonicalAccessControlConditionFormatter } = require('@lit-protocol/access-control-conditions');
const { validateSessionSig } = require('@lit-protocol/misc');

// The SDK must run the very copies of these libraries that this script uses.
for (const name of ['ethers', 'siwe', '@lit-protocol/nacl', '@lit-protocol/auth-helpers', '@lit-protocol/uint8arrays']) {
  for (const from of ['@lit-protocol/lit-node-client-nodejs', '@lit-protocol/auth-helpers']) {
    const fromDir = path.dirname(require.resolve(`${from}/package.json`));
    assert.equal(require.resolve(name, { paths: [fromDir] }), require.resolve(name), `${from} has its own ${name}`);
  }
}

const PKGS = [
  '@lit-protocol/lit-node-client-nodejs', '@lit-protocol/auth-helpers', '@lit-protocol/constants',
  '@lit-protocol/crypto', '@lit-protocol/nacl', '@lit-protocol/uint8arrays',
  '@lit-protocol/access-control-conditions', '@lit-protocol/misc', 'siwe', '@spruceid/siwe-parser',
  'siwe-recap', 'ethers', 'tweetnacl',
];
const versionOf = (name) => {
  // @spruceid/siwe-parser is siwe's dependency, not ours: look from siwe.
  const from = name === '@spruceid/siwe-parser' ? [path.dirname(require.resolve('siwe/package.json'))] : undefined;
  let dir = path.dirname(require.resolve(name, from ? { paths: from } : undefined));
  while (!fs.existsSync(path.join(dir, 'package.json')) ||
         JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name !== name) {
    dir = path.dirname(dir);
  }
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
};
const GENERATED_BY = {
  tool: 'tests/interop/gen-vectors.mjs (Node script calling the public Lit JS SDK and libraries at pinned versions)',
  packages: Object.fromEntries(PKGS.map((p) => [p, versionOf(p)])),
};
assert.equal(GENERATED_BY.packages['@lit-protocol/lit-node-client-nodejs'], '7.4.0');
assert.equal(GENERATED_BY.packages.siwe, '2.3.2');
assert.equal(GENERATED_BY.packages.ethers, '5.7.2');

// ------------------------------------------------------------ fixed inputs
const sha256hex = (s) => createHash('sha256').update(s).digest('hex');
const derive = (label) => sha256hex(`lithsm-interop/${label}`);
const hexBytes = (h) => Uint8Array.from(Buffer.from(h.replace(/^0x/, ''), 'hex'));
const toHex = (u8) => Buffer.from(u8).toString('hex');
const N = ethers.BigNumber.from('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');
const pkHex = (bn) => ethers.utils.hexZeroPad(ethers.BigNumber.from(bn).toHexString(), 32);

const WALLET = new ethers.Wallet('0x' + derive('wallet'));
const WALLET2 = new ethers.Wallet('0x' + derive('wallet-2'));
const OWNER = new ethers.Wallet('0x' + derive('capacity-owner'));
const STRANGER = new ethers.Wallet('0x' + derive('stranger'));
const NONCE = '0x' + derive('blockhash');
const DOMAIN = 'app.interop.test:8443';
const NODES = ['https://192.0.2.10:443', 'https://192.0.2.11:443', 'http://198.51.100.7:7470',
  'https://lit-node-4.interop.test'];
const SEEDS = { a: derive('session-seed-a'), b: derive('session-seed-b'), c: derive('session-seed-c') };
const T0 = '2025-03-10T08:15:00.000Z'; // wallet SIWE "Issued At"
const T_SESSION = '2025-03-10T08:15:01.017Z'; // session issuedAt
const EXP = '2025-03-10T20:15:00.000Z';
const DELEG_NOW = '2025-03-09T23:59:59.999Z';
const DELEG_EXP = '2025-04-01T00:00:00.000Z';
const NOW_CHECK = '2025-03-10T09:00:00.000Z';

const ACCS_A = [
  {
    contractAddress: '0x' + derive('nft-contract').slice(0, 40),
    standardContractType: 'ERC721',
    chain: 'polygon',
    method: 'balanceOf',
    parameters: [':userAddress'],
    returnValueTest: { comparator: '>', value: '0' },
  },
];
const ACCS_B = [
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
const ACCS_C = [
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
const PLAIN_A = 'interop secret \u00e9\u00e8 #1';
const PLAIN_B = 'another payload, 2025';
const PKP_ID = '0x' + derive('pkp-token-id');
const PKP_SHORT = '0xbeef';
const CID_A = 'QmZbWNKJPAjxXuNFSEaksCJVd1M6DaKQViJBYPK2BdpXQ9';
const CID_B = 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG';
const TOKEN_ID = '98765432109876543210';

// ------------------------------------------------------------ helpers
const plain = (o) => JSON.parse(JSON.stringify(o));
const accResource = async (accs, plaintext) =>
  new LitAccessControlConditionResource(
    await LitAccessControlConditionResource.generateResourceString(accs, sha256hex(plaintext)));
const RES_CLASS = {
  'lit-accesscontrolcondition': LitAccessControlConditionResource,
  'lit-pkp': LitPKPResource,
  'lit-litaction': LitActionResource,
  'lit-ratelimitincrease': LitRLIResource,
};
const resourceOf = (prefix, resource) => new RES_CLASS[prefix](resource);
const reqVec = (r) => ({
  resource_key: r.resource.getResourceKey(),
  resource_prefix: r.resource.resourcePrefix,
  resource: r.resource.resource,
  ability: r.ability,
  ...(r.data !== undefined ? { data: r.data } : {}),
});
const recapJsonOfUrn = (urn) => Buffer.from(urn.slice('urn:recap:'.length), 'base64url').toString('utf8');

function makeClient(urls, blockhash = NONCE) {
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
function sessionKeyOf(seedHex) {
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
const sessionKeyVec = (seed, kp) => ({
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

function authSigExpected(authSig, signer) {
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
function walletCallback(client, wallet, log, after = null) {
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
function signingLoop(template, urls, sessionKey) {
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

function writeFile(name, description, vectors, extra = {}) {
  const names = new Set();
  for (const v of vectors) {
    assert.ok(!names.has(v.name), `duplicate name ${v.name}`);
    names.add(v.name);
  }
  const doc = { file: name, description, generated_by: GENERATED_BY, ...extra, vectors };
  fs.writeFileSync(path.join(OUT, name), JSON.stringify(doc, null, 2) + '\n');
  process.stderr.write(`[gen-vectors] ${name}: ${vectors.length} cases\n`);
}

// ------------------------------------------------------------ eip191.json
async function genEip191() {
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

// ------------------------------------------------------------ siwe.json
const SIWE_KEYS = ['scheme', 'domain', 'address', 'statement', 'uri', 'version', 'chainId', 'nonce',
  'issuedAt', 'expirationTime', 'notBefore', 'requestId', 'resources'];
const siweFieldsOf = (m) => {
  const o = {};
  for (const k of SIWE_KEYS) if (m[k] !== undefined) o[k] = plain(m[k]);
  return o;
};

async function genSiwe() {
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

// ------------------------------------------------------------ recap.json
async function genRecap() {
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

// ------------------------------------------------------------ authsig.json
async function genAuthsig(R) {
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

// ------------------------------------------------------------ delegation.json
async function delegation(params, now = DELEG_NOW) {
  setClock(now);
  const client = makeClient(NODES.slice(0, 1));
  const { capacityDelegationAuthSig } = await client.createCapacityDelegationAuthSig({ dAppOwnerWallet: OWNER, ...params });
  return capacityDelegationAuthSig;
}

async function genDelegation() {
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

// ------------------------------------------------------------ sessionsigs.json
async function sessionSigs({ urls, seed, wallet, requests, caps, domain = DOMAIN, exp = EXP, t0 = T0, t1 = T_SESSION }) {
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

async function genSessionSigs(R, D) {
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

// ------------------------------------------------------------ verify-negative.json
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

async function genVerify(R, D) {
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

// ------------------------------------------------------------ main
async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  await genEip191();
  await genSiwe();
  const R = await genRecap();
  await genAuthsig(R);
  await genDelegation();
  const D = {
    full: await delegation({ capacityTokenId: TOKEN_ID, delegateeAddresses: [WALLET.address], uses: '3', expiration: DELEG_EXP }),
    wildcard: await delegation({ delegateeAddresses: [WALLET.address.toLowerCase(), WALLET2.address], uses: '50', expiration: DELEG_EXP }),
    noMillis: await delegation({ capacityTokenId: '31337', delegateeAddresses: [WALLET.address], expiration: '2025-04-01T00:00:00Z' }),
  };
  await genSessionSigs(R, D);
  await genVerify(R, D);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
