// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * gen-eth-eip712-bad.mjs - typed data meant to be refused, and inputs on
 * which wallets are known to part ways.  Each is run through both libraries
 * (classify in gen-eth-eip712-lib.mjs): it lands in "invalid" only when
 * ethers v6 and eth-sig-util both refuse it, else in
 * "library_disagreements" with each library's outcome (no verdict).
 */

import { Rng, MAX256 } from './gen-eth-common.mjs';
import { F, classify, typedData } from './gen-eth-eip712-lib.mjs';


/* A Mail base with a field of each kind the defects below touch. */
function base(rng) {
  const structs = {
    Mail: F('Person from, Person to, string contents, uint256 amount, bytes4 tag, bytes memo, bool urgent, int8 delta, uint256[3] ids, uint256[] list, address[] cc'),
    Person: F('string name, address wallet'),
  };
  return typedData(rng, structs, 'Mail');
}

const field = (td, type, name) => td.types[type].find((f) => f.name === name);

/* [name, why (for invalid), description, mutate(td, rng)] */
const INVALID = [
  ['unknown_struct_type', 'field type names a struct that is not defined', 'Mail.to has type "Persona", not in types.', (t) => { field(t, 'Mail', 'to').type = 'Persona'; }],
  ['unknown_array_element_type', 'array of an undefined struct type', 'Mail.cc has type "Contact[]", Contact not in types.', (t, r) => { field(t, 'Mail', 'cc').type = 'Contact[]'; t.message.cc.push(r.address()); }],
  ['uint7_type', 'uint width not a multiple of 8', 'Mail.amount has type uint7.', (t) => { field(t, 'Mail', 'amount').type = 'uint7'; t.message.amount = '5'; }],
  ['uint0_type', 'uint width 0', 'Mail.amount has type uint0.', (t) => { field(t, 'Mail', 'amount').type = 'uint0'; t.message.amount = '0'; }],
  ['uint264_type', 'uint width above 256', 'Mail.amount has type uint264.', (t) => { field(t, 'Mail', 'amount').type = 'uint264'; }],
  ['int264_type', 'int width above 256', 'Mail.delta has type int264.', (t) => { field(t, 'Mail', 'delta').type = 'int264'; }],
  ['missing_field', 'message lacks a field of the primary type', 'message has no "contents".', (t) => { delete t.message.contents; }],
  ['missing_nested_field', 'nested struct lacks a field', 'message.from has no "wallet".', (t) => { delete t.message.from.wallet; }],
  ['uint8_out_of_range', 'value out of range for uint8', 'Mail.amount is uint8 and the value is 256.', (t) => { field(t, 'Mail', 'amount').type = 'uint8'; t.message.amount = 256; }],
  ['uint256_out_of_range', 'value out of range for uint256', 'Mail.amount is 2^256 as a decimal string.', (t) => { t.message.amount = (MAX256 + 1n).toString(); }],
  ['uint256_out_of_range_hex', 'value out of range for uint256', 'Mail.amount is 2^256 as a 0x-hex string.', (t) => { t.message.amount = '0x1' + '0'.repeat(64); }],
  ['int16_out_of_range', 'value out of range for int16', 'Mail.delta is int16 and the value is -40000.', (t) => { field(t, 'Mail', 'delta').type = 'int16'; t.message.delta = '-40000'; }],
  ['int8_below_minimum', 'value out of range for int8', 'Mail.delta is int8 and the value is -129.', (t) => { t.message.delta = -129; }],
  ['uint_not_a_number', 'uint value is not a number', 'Mail.amount is the string "7x7".', (t) => { t.message.amount = '7x7'; }],
  ['bytes32_too_long', 'bytes32 value with 33 bytes', 'domain-free Mail gains a bytes32 field given 33 bytes.', (t, r) => { t.types.Mail.push({ name: 'root', type: 'bytes32' }); t.message.root = r.hex(33); }],
  ['address_too_long', 'address with 21 bytes', 'message.to.wallet has 21 bytes.', (t, r) => { t.message.to.wallet = r.hex(21); }],
  ['address_not_hex', 'address with characters that are not hex', 'message.from.wallet has a "g" in it.', (t) => { t.message.from.wallet = '0x' + 'g' + t.message.from.wallet.slice(3); }],
  ['array_value_not_array', 'array field given a non-array value', 'Mail.list (uint256[]) is the number 5.', (t) => { t.message.list = 5; }],
  ['struct_value_not_object', 'struct field given a string', 'message.to is a string.', (t) => { t.message.to = 'Bob'; }],
  ['primary_type_not_in_types', 'primaryType names no type in types', 'primaryType is "Letter".', (t) => { t.primaryType = 'Letter'; }],
  ['domain_chainid_not_a_number', 'domain chainId is not a number', 'domain.chainId is "base".', (t) => { t.domain.chainId = 'base'; }],
  ['domain_chainid_negative', 'negative domain chainId', 'domain.chainId is -8453.', (t) => { t.domain.chainId = -8453; }],
  ['negative_uint', 'negative value for uint256', 'Mail.amount is "-1".', (t) => { t.message.amount = '-1'; }],
  // expected to be disagreements, where eth-sig-util is lenient:
  ['bytes4_too_long', 'bytes4 value with 5 bytes', 'Mail.tag is bytes4 and the value has 5 bytes.', (t, r) => { t.message.tag = r.hex(5); }],
  ['bytes4_too_short', 'bytes4 value with 2 bytes', 'Mail.tag is bytes4 and the value has 2 bytes.', (t, r) => { t.message.tag = r.hex(2); }],
  ['bytes33_type', 'bytes width above 32', 'Mail.tag has type bytes33 and a 33-byte value.', (t, r) => { field(t, 'Mail', 'tag').type = 'bytes33'; t.message.tag = r.hex(33); }],
  ['bytes0_type', 'bytes width 0', 'Mail.tag has type bytes0 and the value "0x".', (t) => { field(t, 'Mail', 'tag').type = 'bytes0'; t.message.tag = '0x'; }],
  ['bytes_value_not_hex', 'bytes given text', 'Mail.memo (bytes) is the text "memo text".', (t) => { t.message.memo = 'memo text'; }],
  ['bytes_odd_hex', 'bytes with an odd number of hex digits', 'Mail.memo is "0xabc".', (t) => { t.message.memo = '0xabc'; }],
  ['string_given_number', 'string given a number', 'Mail.contents is the number 7.', (t) => { t.message.contents = 7; }],
  ['int8_128', 'value out of range for int8', 'Mail.delta is int8 and the value is 128.', (t) => { t.message.delta = 128; }],
  ['short_address', 'address with 2 bytes', 'message.to.wallet is "0xbeef".', (t) => { t.message.to.wallet = '0xbeef'; }],
  ['bad_checksum_address', 'bad EIP-55 checksum', 'message.to.wallet has the case of one letter flipped.', (t) => { t.message.to.wallet = flipCase(t.message.to.wallet); }],
  ['fixed_array_wrong_length', 'fixed array with the wrong length', 'Mail.ids is uint256[3] and the value has 4 items.', (t) => { t.message.ids = ['1', '2', '3', '4']; }],
  ['missing_struct_value', 'struct field missing', 'message has no "to" (type Person).', (t) => { delete t.message.to; }],
  ['circular_types', 'circular types', 'Person.next has type Person2 and Person2.back has type Person; the message ends the chain.', (t) => { t.types.Person.push({ name: 'next', type: 'Person2' }); t.types.Person2 = F('Person back'); }],
  ['duplicate_field_name', 'duplicate field name', 'Person declares "name" twice.', (t) => { t.types.Person.push({ name: 'name', type: 'string' }); }],
  ['unused_type', 'type not reachable from primaryType', 'types has an extra Receipt type nothing references.', (t) => { t.types.Receipt = F('uint256 id'); }],
  ['bool_given_string_false', 'bool given a string', 'Mail.urgent is the string "false".', (t) => { t.message.urgent = 'false'; }],
  ['bool_given_number', 'bool given a number', 'Mail.urgent is the number 1.', (t) => { t.message.urgent = 1; }],
  ['uint_alias_without_width', 'uint without a width', 'Mail.amount has type "uint".', (t) => { field(t, 'Mail', 'amount').type = 'uint'; }],
  ['uint_fraction', 'uint given a fraction', 'Mail.amount is the JSON number 1.5.', (t) => { t.message.amount = 1.5; }],
  ['domain_type_fields_reordered', 'EIP712Domain out of the EIP order', 'EIP712Domain lists chainId before name.', (t) => { const d = t.types.EIP712Domain; t.types.EIP712Domain = [d[2], d[0], d[1], d[3]]; }],
  ['domain_value_not_in_domain_type', 'domain value without a type', 'domain has a salt, EIP712Domain does not list it.', (t, r) => { t.domain.salt = r.hex(32); }],
  ['domain_unknown_key', 'domain field outside the five', 'domain and EIP712Domain both carry "network".', (t) => { t.types.EIP712Domain.push({ name: 'network', type: 'string' }); t.domain.network = 'base'; }],
  ['types_without_eip712domain', 'no EIP712Domain in types', 'types has no EIP712Domain while domain has four fields.', (t) => { delete t.types.EIP712Domain; }],
];

function flipCase(a) {
  for (let i = 2; i < a.length; i++) {
    const c = a[i];
    if (/[a-f]/.test(c)) return a.slice(0, i) + c.toUpperCase() + a.slice(i + 1);
    if (/[A-F]/.test(c)) return a.slice(0, i) + c.toLowerCase() + a.slice(i + 1);
  }
  throw new Error('no letter to flip');
}

export async function genEip712Bad() {
  for (const [name, why, description, mutate] of INVALID) {
    const rng = new Rng(`eip712/bad/${name}`);
    const key = rng.key();
    const td = base(rng);
    mutate(td, rng);
    await classify('invalid', `invalid_${name}`, description, key, td, why);
  }
}
