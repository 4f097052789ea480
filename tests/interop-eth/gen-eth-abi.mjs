// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * gen-eth-abi.mjs - abi-calls.json: calldata (selector + ABI encoding) for
 * the Lit Chipotle AccountConfig writes, ERC-20, Multicall3 and generic
 * static, dynamic, array, tuple and nested types, with arguments from the
 * seeded source.  Values from ethers v6 Interface.encodeFunctionData,
 * checked equal with @ethersproject/abi (ethers v5) and decoded back.
 */

import assert from 'node:assert/strict';
import { ethers, abi5, Rng, MAX256, note, writeVectors, keccak256, toUtf8Bytes } from './gen-eth-common.mjs';

const { Interface } = ethers;

// The production AccountConfig diamond on Base (shared/reference/lit-networks-2026.md).
export const ACCOUNT_CONFIG = ethers.getAddress('0xaaaaa9120fe271f653cfdb6bf400db93d2dea7aa');

const u256 = (rng) => rng.below(256).toString();
const u256s = (rng, n) => Array.from({ length: n }, () => u256(rng));

/* The AccountConfig writes as the contract names them (canonical signature
   and an argument maker). */
export const LIT_CALLS = {
  newChainSecuredAccount: { sig: 'newChainSecuredAccount(string,string)', args: (rng) => [rng.words(2), rng.words(5)] },
  registerWalletDerivation: {
    sig: 'registerWalletDerivation(uint256,address,uint256,string,string)',
    args: (rng) => [u256(rng), rng.address(), u256(rng), rng.words(2), rng.words(4)],
  },
  setUsageApiKey: {
    sig: 'setUsageApiKey(uint256,uint256,uint256,uint256,string,string,bool,bool,bool,uint256[],uint256[],uint256[],uint256[])',
    args: (rng) => [u256(rng), u256(rng), String(1780000000 + rng.int(1e8)), rng.below(80).toString(), rng.words(2), rng.words(3),
      rng.bool(), rng.bool(), rng.bool(), u256s(rng, rng.int(4)), u256s(rng, rng.int(4)), u256s(rng, 0), u256s(rng, 1 + rng.int(3))],
  },
};

const vectors = [];

function abiCase(name, description, sig, args) {
  args = JSON.parse(JSON.stringify(args));
  const fn = sig.slice(0, sig.indexOf('('));
  const iface = new Interface([`function ${sig}`]);
  const frag = iface.getFunction(fn);
  assert.equal(frag.format('sighash'), sig, `${name}: signature is not canonical`);
  const selector = keccak256(toUtf8Bytes(sig)).slice(0, 10);
  assert.equal(frag.selector, selector);
  const calldata = iface.encodeFunctionData(fn, args);
  const v5 = new abi5.Interface([`function ${sig}`]).encodeFunctionData(fn, args);
  assert.equal(v5, calldata, `${name}: ethers v5 calldata`);
  const back = iface.decodeFunctionData(fn, calldata);
  assert.equal(iface.encodeFunctionData(fn, back), calldata, `${name}: decode/encode round trip`);
  vectors.push({ name, description, inputs: { signature: sig, args }, expected: { selector, calldata } });
}

const WIDTHS = Array.from({ length: 32 }, (_, i) => 8 * (i + 1));

export async function genAbi(out) {
  const R = (n) => new Rng(`abi/${n}`);
  let r = R('lit');
  for (const fn of Object.keys(LIT_CALLS)) abiCase(`lit_${fn}`, `Lit AccountConfig ${fn}.`, LIT_CALLS[fn].sig, LIT_CALLS[fn].args(r));
  abiCase('lit_newChainSecuredAccount_empty_strings', 'newChainSecuredAccount with two empty strings.', LIT_CALLS.newChainSecuredAccount.sig, ['', '']);
  abiCase('lit_newChainSecuredAccount_unicode_nul', 'newChainSecuredAccount with multi-script text, emoji and U+0000.', LIT_CALLS.newChainSecuredAccount.sig,
    ['金庫 Trésor 🔐', `a\u0000b ${r.words(30)}`]);
  abiCase('lit_registerWalletDerivation_zero_path_empty_strings', 'registerWalletDerivation with derivation path 0 and empty strings.', LIT_CALLS.registerWalletDerivation.sig,
    [u256(r), r.address(true), '0', '', '']);
  const none = [u256(r), u256(r), '0', '0', r.words(1), '', false, false, false, [], [], [], []];
  abiCase('lit_setUsageApiKey_no_permissions', 'setUsageApiKey with every flag false and every array empty.', LIT_CALLS.setUsageApiKey.sig, none);
  const max = [MAX256.toString(), u256(r), MAX256.toString(), MAX256.toString(), r.words(3), r.words(6), true, true, true,
    u256s(r, 50), u256s(r, 50), u256s(r, 50), Array(50).fill(MAX256.toString())];
  abiCase('lit_setUsageApiKey_max_arrays', 'setUsageApiKey with 2^256-1 values, all flags and four arrays of 50.', LIT_CALLS.setUsageApiKey.sig, max);

  r = R('erc20');
  abiCase('erc20_transfer', 'ERC-20 transfer.', 'transfer(address,uint256)', [r.address(), r.below(100).toString()]);
  abiCase('erc20_transfer_zero_lowercase', 'ERC-20 transfer of 0 to a lowercase address.', 'transfer(address,uint256)', [r.address(true), '0']);
  abiCase('erc20_approve_unlimited', 'ERC-20 approve of 2^256-1.', 'approve(address,uint256)', [r.address(), MAX256.toString()]);
  abiCase('erc20_transferFrom', 'ERC-20 transferFrom.', 'transferFrom(address,address,uint256)', [r.address(), r.address(), u256(r)]);

  r = R('dyn');
  abiCase('bytes_empty', 'bytes of length 0.', 'save(bytes)', ['0x']);
  abiCase('bytes_32_then_uint', 'bytes of exactly 32 bytes, then a uint256.', 'push(bytes,uint256)', [r.hex(32), u256(r)]);
  abiCase('bytes_33_and_300', 'bytes of 33 and of 300 bytes.', 'store(bytes,bytes)', [r.hex(33), r.hex(300)]);
  abiCase('string_array', 'string[] with an empty string, multi-script text and U+0000.', 'setTags(string[])', [['', 'x', 'Ελληνικά 日本語', 'nul\u0000inside', r.words(8)]]);
  abiCase('string_array_empty', 'An empty string[].', 'clearLabels(string[])', [[]]);
  abiCase('bytes_array', 'bytes[] of lengths 0, 1, 32, 65.', 'putAll(bytes[])', [[r.hex(0), r.hex(1), r.hex(32), r.hex(65)]]);
  abiCase('nested_dynamic_array_and_string', 'uint256[][] with an empty row, then a string.', 'setRows(uint256[][],string)', [[u256s(r, 2), [], u256s(r, 3)], r.words(3)]);
  abiCase('fixed_array_of_strings', 'string[2] (a fixed array of a dynamic type) and uint8[3].', 'label(string[2],uint8[3])', [[r.words(1), ''], ['0', '7', '255']]);
  abiCase('fixed_array_of_dynamic_arrays', 'uint256[][2] and address[2][] nested arrays.', 'grid(uint256[][2],address[2][])', [[u256s(r, 1), []], [[r.address(), r.address()], [r.address(true), r.address()]]]);

  r = R('tuple');
  abiCase('tuple_static_and_dynamic', 'One tuple (uint256,address,string,bytes).', 'register((uint256,address,string,bytes))', [[u256(r), r.address(), r.words(3), r.hex(40)]]);
  abiCase('tuple_all_static', 'A static tuple (uint8,bool,bytes32) beside a uint256.', 'setFlag((uint8,bool,bytes32),uint256)', [['9', true, r.hex(32)], u256(r)]);
  const call = () => [r.address(), r.bool(), r.hex(r.int(70))];
  abiCase('multicall3_aggregate3', 'Multicall3 aggregate3((address,bool,bytes)[]) with three calls.', 'aggregate3((address,bool,bytes)[])', [[call(), call(), call()]]);
  abiCase('nested_tuple_with_tuple_array', 'A tuple holding a tuple array: (bool,(uint64,(address,string)[])).', 'setPolicy(bool,(uint64,(address,string)[]))',
    [true, [r.below(64).toString(), [[r.address(), 'Peggy'], [r.address(), ''], [r.address(), '🙂']]]]);
  abiCase('tuple_fixed_array', 'A fixed array of two dynamic tuples (uint8,bytes)[2].', 'pair((uint8,bytes)[2])', [[['1', r.hex(3)], ['2', '0x']]]);

  r = R('static');
  abiCase('fixed_size_arrays', 'uint256[3], address[2] and bytes32.', 'setGrid(uint256[3],address[2],bytes32)', [[u256(r), '0', MAX256.toString()], [r.address(), r.address()], r.hex(32)]);
  abiCase('fixed_bytes', 'bytes1, bytes4, bytes20 and bytes32.', 'setKeys(bytes1,bytes4,bytes20,bytes32)', [r.hex(1), r.hex(4), r.hex(20), r.hex(32)]);
  abiCase('signed_integers', 'int8 minimum, int256 minimum, int24 maximum, -1 and uint8 maximum.', 'shift(int8,int256,int24,int256,uint8)',
    ['-128', (-(1n << 255n)).toString(), '8388607', '-1', '255']);
  abiCase('every_uint_width', 'One argument of every uintN, uint8 to uint256.', `widths(${WIDTHS.map((w) => `uint${w}`).join(',')})`, WIDTHS.map((w) => r.below(w).toString()));
  abiCase('every_int_width', 'One argument of every intN, int8 to int256, signs mixed.', `swings(${WIDTHS.map((w) => `int${w}`).join(',')})`,
    WIDTHS.map((w) => { const m = r.below(w - 1); return (r.bool() ? -m - 1n : m).toString(); }));
  abiCase('bool_and_address', 'bool true/false and addresses zero, lowercase, EIP-55.', 'check(bool,bool,address,address,address)',
    [true, false, '0x0000000000000000000000000000000000000000', r.address(true), r.address()]);
  abiCase('no_arguments', 'A function without arguments: only the selector.', 'pause()', []);

  writeVectors(out, 'abi-calls.json',
    'ABI-encoded calldata (4-byte selector + arguments) on arguments from a seeded generator: the Lit Chipotle AccountConfig writes, ERC-20, Multicall3 aggregate3 and generic dynamic, array, tuple and nested types. Values from ethers v6 Interface.encodeFunctionData; each was checked equal with @ethersproject/abi (ethers v5) and decoded back.',
    ['ethers', '@ethersproject/abi'], { vectors });
}
