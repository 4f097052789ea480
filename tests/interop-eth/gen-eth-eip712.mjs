// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * gen-eth-eip712.mjs - the valid cases of eip712.json: every feature of the
 * EIP-712 type system, domains with each subset of the five fields, the Lit
 * ChainSecured proofs, Permit/Permit2, and signatures whose r or s starts
 * with a zero byte.  Values come from the seeded source (one per case).
 */

import { Rng, MAX256, intForm, toBeHex, ethers } from './gen-eth-common.mjs';
import { F, classify, typedData, valueFor, DOMAIN_FIELDS, MAIL_DOMAIN, digestOf, signDigest } from './gen-eth-eip712-lib.mjs';

const WIDTHS = Array.from({ length: 32 }, (_, i) => 8 * (i + 1));
const PERSON = { Person: F('string name, address wallet') };
const MAIL = { Mail: F('Person from, Person to, string contents'), ...PERSON };

async function valid(name, description, build, domainFields = MAIL_DOMAIN) {
  const rng = new Rng(`eip712/${name}`);
  const key = rng.key();
  const { structs, primary, message } = build(rng);
  await classify('valid', name, description, key, typedData(rng, structs, primary, message, domainFields));
}

const gen = (structs, primary, fill) => (rng) => {
  const message = valueFor(rng, primary, structs);
  if (fill) fill(rng, message);
  return { structs, primary, message };
};

async function structures() {
  await valid('mail_person_to_person', 'The Mail / Person shape of the EIP-712 example with other keys and values.', gen(MAIL, 'Mail'));
  const arrays = {
    Mail: F('Person from, Person[] to, string contents, Attachment[] attachments'),
    Person: F('string name, address[] wallets'),
    Attachment: F('string name, bytes32 digest, uint64 size'),
  };
  await valid('mail_arrays_of_structs', 'Person[] and Attachment[] (arrays of structs), address[] inside a struct, one recipient with no wallets.',
    gen(arrays, 'Mail', (rng, m) => {
      m.to = [0, 1, 2].map(() => valueFor(rng, 'Person', arrays));
      m.to[1].wallets = [];
      m.attachments = [valueFor(rng, 'Attachment', arrays), valueFor(rng, 'Attachment', arrays)];
    }));
  const nested = {
    Trade: F('Leg leg, Meta meta, uint128 fee, uint64 deadline'),
    Leg: F('Venue venue, int128 size, address trader'),
    Venue: F('Meta meta, address operator, string label'),
    Meta: F('string note, bytes4 code, bool live'),
  };
  await valid('nested_structs_four_levels', 'Trade > Leg > Venue > Meta, four levels, with Meta also referenced from the top.', gen(nested, 'Trade'));
  const book = {
    Book: F('Page[][] chapters, Page[2] cover, Page[] appendix, string title'),
    Page: F('uint16 number, string text, bytes32[] refs'),
  };
  await valid('arrays_of_structs_nested_and_empty', 'Page[][] (an empty chapter among them), Page[2] and an empty Page[].',
    gen(book, 'Book', (rng, m) => {
      m.chapters = [[valueFor(rng, 'Page', book)], [], [valueFor(rng, 'Page', book), valueFor(rng, 'Page', book)]];
      m.appendix = [];
    }));
  const fixed = {
    Grid: F('uint256[3] row, address[2] owners, bytes32[2] roots, Point[2] corners, bool[4] flags, int8[3] deltas, string[2] names, bytes[2] blobs, uint8[2][3] cells'),
    Point: F('int256 x, int256 y'),
  };
  await valid('fixed_size_arrays', 'Fixed-size arrays of scalars, strings, bytes, structs, and a fixed array of fixed arrays (uint8[2][3]).', gen(fixed, 'Grid'));
  const dyn = {
    Lists: F('uint256[] many, uint256[] none, uint8[] small, int256[] signed, uint256[][] grid, string[] labels, bytes[] blobs, bool[] flags, address[] owners, bytes32[] roots, string[][] table'),
  };
  await valid('dynamic_arrays_of_every_kind', 'Dynamic arrays: uint256[] (one empty), uint8[], int256[], uint256[][] with an empty row, string[], bytes[], bool[], address[], bytes32[], string[][].',
    gen(dyn, 'Lists', (rng, m) => {
      m.many = Array.from({ length: 7 }, () => intForm(rng, rng.below(256)));
      m.none = [];
      m.grid = [[intForm(rng, rng.below(256))], [], [intForm(rng, MAX256), 0]];
      m.labels = ['', rng.words(2), 'é\u0000'];
    }));
}

async function scalars() {
  const lengths = [0, 1, 2, 31, 32, 33, 64, 65, 300];
  await valid('bytes_dynamic_lengths', `bytes of ${lengths.join('/')} bytes.`,
    gen({ Blob: lengths.map((n) => ({ name: `b${n}`, type: 'bytes' })) }, 'Blob', (rng, m) => {
      for (const n of lengths) m[`b${n}`] = rng.hex(n);
    }));
  await valid('bytesN_1_to_32', 'One field of every bytesN, bytes1 to bytes32.', gen({ Fixed: WIDTHS.map((w) => ({ name: `f${w / 8}`, type: `bytes${w / 8}` })) }, 'Fixed'));
  await valid('uintN_every_width', 'One field of every uintN, uint8 to uint256, random values in all JSON forms.', gen({ U: WIDTHS.map((w) => ({ name: `u${w}`, type: `uint${w}` })) }, 'U'));
  await valid('uintN_maxima_and_zero', 'Every uintN at its maximum 2^N-1 (hex and decimal strings), and uint256 0.',
    gen({ UMax: [...WIDTHS.map((w) => ({ name: `u${w}`, type: `uint${w}` })), { name: 'zero', type: 'uint256' }] }, 'UMax', (rng, m) => {
      for (const w of WIDTHS) {
        const v = (1n << BigInt(w)) - 1n;
        m[`u${w}`] = rng.bool() ? v.toString() : toBeHex(v);
        if (w <= 48 && rng.bool()) m[`u${w}`] = Number(v);
      }
      m.zero = 0;
    }));
  await valid('intN_every_width', 'One field of every intN, int8 to int256, random signed values.', gen({ I: WIDTHS.map((w) => ({ name: `i${w}`, type: `int${w}` })) }, 'I'));
  for (const [which, f] of [['minima', (w) => -(1n << BigInt(w - 1))], ['maxima', (w) => (1n << BigInt(w - 1)) - 1n]]) {
    await valid(`intN_${which}`, `Every intN at its ${which === 'minima' ? 'minimum -2^(N-1)' : 'maximum 2^(N-1)-1'}, plus -1 and 0.`,
      gen({ Bound: [...WIDTHS.map((w) => ({ name: `i${w}`, type: `int${w}` })), ...F('int256 minusOne, int8 zero')] }, 'Bound', (rng, m) => {
        for (const w of WIDTHS) m[`i${w}`] = intForm(rng, f(w));
        m.minusOne = rng.bool() ? -1 : '-1';
        m.zero = '0';
      }));
  }
  await valid('strings_unicode_and_control', 'Strings: empty, accented and other scripts, astral emoji, control characters, U+0000 inside and alone, 2000 characters.',
    gen({ Text: F('string ascii, string empty, string scripts, string emoji, string controls, string nul, string onlyNul, string long') }, 'Text', (rng, m) => {
      m.ascii = rng.words(5);
      m.empty = '';
      m.scripts = 'naïve café / 日本語 / Ελληνικά / עברית / العربية / हिन्दी';
      m.emoji = '🔐🦊 👩‍💻 \u{1F600}\u{10FFFF}';
      m.controls = '\t\n\r\u0001\u001f\u007f\u0085\u2028';
      m.nul = `a\u0000b${rng.words(1)}`;
      m.onlyNul = '\u0000';
      m.long = rng.words(400).slice(0, 2000);
    }));
  await valid('bool_and_address_forms', 'bool true and false; addresses EIP-55, lowercase, zero and all-ff.',
    gen({ Flags: F('bool yes, bool no, address checksummed, address lower, address zero, address ff') }, 'Flags', (rng, m) => {
      m.yes = true;
      m.no = false;
      m.checksummed = rng.address();
      m.lower = rng.address(true);
      m.zero = '0x0000000000000000000000000000000000000000';
      m.ff = '0xffffffffffffffffffffffffffffffffffffffff';
    }));
}

async function typeGraph() {
  const xfer = {
    Transfer: F('Account from, Account to, Account[] cc, Amount amount, string memo'),
    Account: F('address owner, Amount limit'),
    Amount: F('uint256 value, string unit'),
  };
  await valid('type_referenced_by_several_fields', 'Account used by three fields (one an array) and Amount by two types: each listed once in encodeType.', gen(xfer, 'Transfer'));
  const sorted = {
    Root: F('Zeta z, alpha a, Beta b, Item3 i3, Item12 i12, AB ab, Ab ab2, a1 lower'),
    Zeta: F('uint8 n'), alpha: F('Beta inner, string s'), Beta: F('bool f'), Item3: F('Item12 next'),
    Item12: F('bytes2 tag'), AB: F('int16 x'), Ab: F('address w'), a1: F('ZZ deep'), ZZ: F('bytes b'),
  };
  await valid('dependency_types_sorted_by_name', 'Dependencies listed by byte order of their names: AB < Ab < Beta < Item12 < Item3 < ZZ < Zeta < a1 < alpha.', gen(sorted, 'Root'));
}

async function domains() {
  const ping = { Ping: F('uint256 nonce, string note') };
  for (let mask = 0; mask < 32; mask++) {
    const fields = DOMAIN_FIELDS.filter((_, i) => mask & (1 << i)).map(([n]) => n);
    const name = mask === 0 ? 'domain_empty' : `domain_${fields.join('_')}`;
    await valid(name, `Domain with ${mask === 0 ? 'no fields (EIP712Domain())' : `exactly the fields ${fields.join(', ')}`}.`,
      gen(ping, 'Ping'), fields);
  }
  const rng = new Rng('eip712/domain_values');
  const key = rng.key();
  const td = typedData(rng, ping, 'Ping', null, MAIL_DOMAIN);
  td.domain.name = 'Wallet \u0000 日本 🔑';
  td.domain.chainId = '0x' + (8453).toString(16);
  await classify('valid', 'domain_chainid_hex_string_and_unicode_name', 'Domain name with Unicode and U+0000; chainId as a 0x-hex string.', key, td);
}

async function lit() {
  const forms = { dec: (v) => String(v), num: (v) => v, hex: (v) => '0x' + v.toString(16) };
  const cases = [
    ['CreateWallet', 8453, 'dec'], ['ConvertAccount', 8453, 'num'], ['AddUsageApiKey', 8453, 'hex'], ['BillingAuth', '8453', 'dec'],
    ['CreateWallet', 84532, 'num', '_base_sepolia'],
  ];
  for (const [type, chainId, form, suffix = ''] of cases) {
    const rng = new Rng(`eip712/lit/${type}${suffix}`);
    const key = rng.key();
    const issued = 1780000000 + rng.int(40000000);
    const td = {
      types: { EIP712Domain: F('string name, string version, uint256 chainId'), [type]: F('address address, uint256 issuedAt') },
      primaryType: type,
      domain: { name: 'Lit ChainSecured', version: '1', chainId },
      message: { address: new ethers.Wallet(key).address, issuedAt: forms[form](issued) },
    };
    await classify('valid', `lit_chainsecured_${type}${suffix}`,
      `Lit Chipotle ChainSecured proof ${type}: domain {name "Lit ChainSecured", version "1", chainId ${JSON.stringify(chainId)}}, struct (address address, uint256 issuedAt), issuedAt as ${form === 'num' ? 'a JSON number' : form === 'hex' ? 'a 0x-hex string' : 'a decimal string'}.`,
      key, td);
  }
}

async function wellKnown() {
  const permit = { Permit: F('address owner, address spender, uint256 value, uint256 nonce, uint256 deadline') };
  await valid('erc20_permit_eip2612', 'ERC-20 Permit (EIP-2612).', gen(permit, 'Permit', (rng, m) => {
    m.value = MAX256.toString();
  }));
  const p2 = { PermitSingle: F('PermitDetails details, address spender, uint256 sigDeadline'), PermitDetails: F('address token, uint160 amount, uint48 expiration, uint48 nonce') };
  await valid('permit2_permit_single', 'Uniswap Permit2 PermitSingle (domain name and chainId and verifyingContract).', gen(p2, 'PermitSingle'), ['name', 'chainId', 'verifyingContract']);
}

async function leadingZero(which) {
  const ping = { Ping: F('uint256 nonce, string note') };
  const rng = new Rng(`eip712/leading_zero_${which}`);
  const key = rng.key();
  const td = typedData(rng, ping, 'Ping', { nonce: '0', note: rng.words(2) });
  for (let n = 0; ; n++) {
    td.message.nonce = String(n);
    const sig = signDigest(key, digestOf(td));
    if (sig[which].startsWith('0x00')) break;
  }
  await classify('valid', `${which}_with_leading_zero_byte`, `A message (nonce found by search) whose signature ${which} starts with a zero byte; ${which} stays 32 bytes.`, key, td);
}

export async function genEip712Valid() {
  await structures();
  await scalars();
  await typeGraph();
  await domains();
  await lit();
  await wellKnown();
  await leadingZero('r');
  await leadingZero('s');
}
