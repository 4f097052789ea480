// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * gen-eth-eip712-lib.mjs - typed data built from a seeded source, and the
 * two libraries run side by side on it: ethers v6 (TypedDataEncoder,
 * Wallet.signTypedData) and @metamask/eth-sig-util (TypedDataUtils, V4).
 * A case becomes a vector only when both accept it with the same encoded
 * type, domain separator, struct hash, digest and signature; an "invalid"
 * case only when both refuse it; anything else is a library disagreement.
 */

import assert from 'node:assert/strict';
import { ethers, sigUtil, intForm, CHAIN_IDS, errText, note, keccak256, toUtf8Bytes, concat, hexlify } from './gen-eth-common.mjs';

const { TypedDataEncoder, Wallet, Signature, verifyTypedData } = ethers;
const { TypedDataUtils, SignTypedDataVersion, signTypedData, recoverTypedSignature } = sigUtil;
const V4 = SignTypedDataVersion.V4;

export const DOMAIN_FIELDS = [
  ['name', 'string'], ['version', 'string'], ['chainId', 'uint256'],
  ['verifyingContract', 'address'], ['salt', 'bytes32'],
];
export const MAIL_DOMAIN = ['name', 'version', 'chainId', 'verifyingContract'];
const APPS = ['Ether Mail', 'Custody Desk', 'Lit Vault', 'Order Router', 'Treasury Ops', 'Signer Lab'];

/* The domain (and its EIP712Domain type, in the EIP's field order) with the
   given fields; values from rng. */
export function makeDomain(rng, fields = MAIL_DOMAIN) {
  const type = [];
  const domain = {};
  for (const [name, t] of DOMAIN_FIELDS) {
    if (!fields.includes(name)) continue;
    type.push({ name, type: t });
    if (name === 'name') domain.name = rng.pick(APPS);
    else if (name === 'version') domain.version = rng.pick(['1', '2', '1.0.0', '4.1']);
    else if (name === 'chainId') domain.chainId = rng.pick(CHAIN_IDS);
    else if (name === 'verifyingContract') domain.verifyingContract = rng.address(rng.int(4) === 0);
    else domain.salt = rng.hex(32);
  }
  return { type, domain };
}

/* Struct fields from 'type name, type name, ...'. */
export const F = (spec) => spec.split(',').map((s) => {
  const [type, name] = s.trim().split(/\s+/);
  return { name, type };
});

const ARRAY = /^(.*)\[(\d*)\]$/;

/* A random value of an EIP-712 type, in one of the JSON forms wallets use. */
export function valueFor(rng, type, types) {
  const m = ARRAY.exec(type);
  if (m) {
    const n = m[2] === '' ? rng.int(4) : Number(m[2]);
    return Array.from({ length: n }, () => valueFor(rng, m[1], types));
  }
  if (types[type]) {
    const o = {};
    for (const f of types[type]) o[f.name] = valueFor(rng, f.type, types);
    return o;
  }
  if (type === 'address') return rng.address(rng.int(4) === 0);
  if (type === 'bool') return rng.bool();
  if (type === 'string') return rng.words(1 + rng.int(4));
  if (type === 'bytes') return rng.hex(rng.int(48));
  let w = /^bytes(\d+)$/.exec(type);
  if (w) return rng.hex(Number(w[1]));
  w = /^uint(\d+)$/.exec(type);
  if (w) return intForm(rng, rng.below(Number(w[1])));
  w = /^int(\d+)$/.exec(type);
  if (w) {
    const mag = rng.below(Number(w[1]) - 1);
    return intForm(rng, rng.bool() ? -mag - 1n : mag);
  }
  throw new Error(`valueFor: no rule for type ${type}`);
}

/* {types (EIP712Domain first), primaryType, domain, message} as JSON would
   carry it (the very object written to the file). */
export function typedData(rng, structs, primaryType, message, domainFields = MAIL_DOMAIN) {
  const { type, domain } = makeDomain(rng, domainFields);
  const msg = message ?? valueFor(rng, primaryType, structs);
  return JSON.parse(JSON.stringify({ types: { EIP712Domain: type, ...structs }, primaryType, domain, message: msg }));
}

const clone = (o) => JSON.parse(JSON.stringify(o));

async function ethersSide(td, key) {
  const types = clone(td.types);
  delete types.EIP712Domain;
  const enc = TypedDataEncoder.from(types);
  const encoded_type = enc.encodeType(td.primaryType);
  const domain_separator = TypedDataEncoder.hashDomain(td.domain);
  const struct_hash = enc.hashStruct(td.primaryType, clone(td.message));
  // Wallet.signTypedData signs the type ethers finds as the root.
  if (enc.primaryType !== td.primaryType) throw new Error(`primary type is ${enc.primaryType}, not ${td.primaryType}`);
  const digest = keccak256(concat(['0x1901', domain_separator, struct_hash]));
  assert.equal(TypedDataEncoder.hash(td.domain, types, clone(td.message)), digest);
  const wallet = new Wallet(key);
  const signature = await wallet.signTypedData(clone(td.domain), types, clone(td.message));
  assert.equal(verifyTypedData(td.domain, types, clone(td.message), signature), wallet.address);
  return { accepted: true, encoded_type, domain_separator, struct_hash, digest, signature, address: wallet.address };
}

function esuSide(td, key) {
  const data = clone(td);
  const digest = hexlify(TypedDataUtils.eip712Hash(data, V4));
  const domain_separator = hexlify(TypedDataUtils.eip712DomainHash(clone(td), V4));
  const struct_hash = hexlify(TypedDataUtils.hashStruct(td.primaryType, clone(td.message), clone(td.types), V4));
  const encoded_type = TypedDataUtils.encodeType(td.primaryType, clone(td.types));
  const signature = signTypedData({ privateKey: Buffer.from(key.slice(2), 'hex'), data: clone(td), version: V4 });
  const address = recoverTypedSignature({ data: clone(td), signature, version: V4 });
  return { accepted: true, encoded_type, domain_separator, struct_hash, digest, signature, address };
}

async function outcomes(td, key) {
  let a;
  let b;
  try {
    a = await ethersSide(td, key);
  } catch (e) {
    a = { accepted: false, error: errText(e) };
  }
  try {
    b = esuSide(td, key);
  } catch (e) {
    b = { accepted: false, error: errText(e) };
  }
  return { ethers: a, eth_sig_util: b };
}

const SAME = ['encoded_type', 'domain_separator', 'struct_hash', 'digest', 'signature'];
const short = (o) => (o.accepted ? { accepted: true, digest: o.digest, signature: o.signature } : o);

/* The three sections of eip712.json, filled by classify(). */
export const out = { vectors: [], invalid: [], library_disagreements: [] };
export const skipped = [];

/* Runs both libraries on td and files the case where it belongs.  kind is
   'valid' (must be a vector) or 'invalid' (meant to be refused): a case that
   does not land where it was meant to is reported (and a valid one that the
   libraries do not agree on is left out rather than written wrong). */
export async function classify(kind, name, description, key, td, why) {
  td = clone(td);
  const o = await outcomes(td, key);
  const A = o.ethers;
  const B = o.eth_sig_util;
  const agree = A.accepted && B.accepted && SAME.every((k) => A[k] === B[k]) &&
    A.address.toLowerCase() === B.address.toLowerCase();
  if (kind === 'valid') {
    if (!agree) {
      skipped.push(name);
      const diff = A.accepted && B.accepted ? SAME.filter((k) => A[k] !== B[k]).join(', ') : JSON.stringify({ ethers: short(A), eth_sig_util: short(B) });
      note(`eip712: left out ${name}: the libraries differ: ${diff}`);
      return false;
    }
    const sig = Signature.from(A.signature);
    out.vectors.push({
      name, description, inputs: { private_key: key, typed_data: td },
      expected: {
        encoded_type: A.encoded_type,
        type_hash: keccak256(toUtf8Bytes(A.encoded_type)),
        domain_separator: A.domain_separator,
        struct_hash: A.struct_hash,
        digest: A.digest,
        signature: A.signature,
        r: sig.r,
        s: sig.s,
        v: sig.v,
        address: A.address,
      },
    });
    return true;
  }
  if (!A.accepted && !B.accepted) {
    out.invalid.push({
      name, description, inputs: { private_key: key, typed_data: td },
      expected: { error: true, why },
      library_errors: { ethers: A.error, eth_sig_util: B.error },
    });
    return true;
  }
  if (agree) {
    skipped.push(name);
    note(`eip712: left out ${name}: both libraries accept it alike`);
    return false;
  }
  out.library_disagreements.push({
    name: name.replace(/^invalid_/, ''), description, inputs: { private_key: key, typed_data: td },
    outcomes: { ethers: short(A), eth_sig_util: short(B) },
  });
  return true;
}

/* Signs the digest alone (fast) to find a case whose r or s starts with a
   zero byte. */
export function digestOf(td) {
  const types = clone(td.types);
  delete types.EIP712Domain;
  return TypedDataEncoder.hash(td.domain, types, td.message);
}
export const signDigest = (key, digest) => new Wallet(key).signingKey.sign(digest);
