#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
/*
 * evm.mjs - the real-EVM part of the interop test, on hardhat's node
 * (chain id 31337) on loopback, with ethers 6.17.0 as the independent side.
 *
 *   node evm.mjs wait URL SECONDS [PID]  until eth_chainId answers 0x7a69
 *                                        (an error at once when PID ends)
 *   node evm.mjs fund URL ADDRESS        send 10 ETH from hardhat account #0
 *   node evm.mjs txs DIR TO              write the transactions lithsm sends:
 *        type0.json type1.json type2.json (transfers to TO, no nonce, fees
 *        or gas: `sign-tx --send` fills them in), create.json (to null,
 *        init code returning RUNTIME)
 *   node evm.mjs call DIR CONTRACT CALLDATA   write call.json (type 2)
 *   node evm.mjs contract URL DIR        the address create.out created
 *   node evm.mjs calldata VALUE          ethers' calldata of set(uint256)
 *   node evm.mjs check URL ADDRESS DIR VALUE  check every receipt
 *
 * check reads DIR/<name>.out, what `lithsm sign-tx --send` printed for
 * DIR/<name>.json, takes the transaction hash from it and asks the node:
 * status 1, from = ADDRESS, the type sent, the recipient's balance, the
 * contract's code equal to RUNTIME, and its storage slot 0 equal to VALUE
 * after the call, and ADDRESS's nonce 5: nothing else was sent (the
 * transaction for another chain that lithsm must refuse was not).
 */

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { JsonRpcProvider, Wallet, Interface, keccak256, getAddress, toBeHex } = require('ethers');

// Runtime: store calldata[4:36] in slot 0, return slot 0.
//   PUSH1 4 CALLDATALOAD PUSH1 0 SSTORE PUSH1 0 SLOAD PUSH1 0 MSTORE
//   PUSH1 32 PUSH1 0 RETURN
export const RUNTIME = '0x600435600055600054600052' + '60206000f3';
// Init code: CODECOPY the runtime (after these 12 bytes) and RETURN it.
const INIT = '0x60' + '11' + '600c600039' + '60' + '11' + '6000f3' + RUNTIME.slice(2);
// Hardhat's first prefunded account (publicly known test key).
const HH0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const CHAIN = '31337';
export const VALUES = { type0: '1000000000000000', type1: '2000000000000000', type2: '3000000000000000' };

const [cmd, ...args] = process.argv.slice(2);
const provider = (url) => new JsonRpcProvider(url, 31337, { staticNetwork: true, polling: true, pollingInterval: 200 });
const write = (f, o) => fs.writeFileSync(f, JSON.stringify(o, null, 2) + '\n');

async function wait(url, seconds, pid) {
  const end = Date.now() + 1000 * Number(seconds);
  for (;;) {
    if (pid) {
      try {
        process.kill(Number(pid), 0);
      } catch {
        throw new Error(`the hardhat node (process ${pid}) ended`);
      }
    }
    try {
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' });
      const j = await r.json();
      if (j.result === '0x7a69') return;
      throw new Error(`eth_chainId answered ${JSON.stringify(j)}`);
    } catch (e) {
      if (Date.now() > end) throw new Error(`hardhat node at ${url} did not answer in ${seconds} s: ${e.message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function fund(url, address) {
  const w = new Wallet(HH0, provider(url));
  const tx = await w.sendTransaction({ to: address, value: 10n * 10n ** 18n });
  const rc = await tx.wait();
  if (rc.status !== 1) throw new Error('funding failed');
  console.log(`funded ${address} with 10 ETH (tx ${rc.hash})`);
}

function txs(dir, to) {
  write(path.join(dir, 'type0.json'), { type: 0, chainId: CHAIN, to, value: VALUES.type0, data: '0x' });
  write(path.join(dir, 'type1.json'), { type: 1, chainId: CHAIN, to, value: VALUES.type1, data: '0x', accessList: [{ address: to, storageKeys: [toBeHex(1, 32)] }] });
  write(path.join(dir, 'type2.json'), { type: 2, chainId: CHAIN, to, value: VALUES.type2, data: '0x', accessList: [] });
  write(path.join(dir, 'create.json'), { type: 2, chainId: CHAIN, to: null, value: '0', data: INIT });
}

function call(dir, contract, calldata) {
  write(path.join(dir, 'call.json'), { type: 2, chainId: CHAIN, to: contract, value: '0', data: calldata });
}

/* What `lithsm sign-tx --send` printed for NAME; when that is not JSON, why
   (the first line of its standard error). */
function readOut(dir, name) {
  const f = path.join(dir, `${name}.out`);
  try {
    return JSON.parse(fs.readFileSync(f, 'utf8'));
  } catch (e) {
    const err = fs.existsSync(path.join(dir, `${name}.err`)) ? fs.readFileSync(path.join(dir, `${name}.err`), 'utf8').split('\n')[0] : '';
    throw new Error(`lithsm printed no JSON: ${err || e.message}`);
  }
}

function hashOf(out, name) {
  const h = out.hash ?? out.receipt?.transactionHash ?? out.transactionHash;
  if (!/^0x[0-9a-f]{64}$/.test(h ?? '')) throw new Error(`${name}: no transaction hash in lithsm's output ${JSON.stringify(out).slice(0, 300)}`);
  if (out.raw && keccak256(out.raw) !== h) throw new Error(`${name}: hash is not keccak256(raw)`);
  return h;
}

async function check(url, address, dir, value) {
  const p = provider(url);
  let n = 0;
  let failed = 0;
  const result = async (name, fn) => {
    n++;
    try {
      console.log(`ok ${n} - evm ${name}: ${await fn()}`);
    } catch (e) {
      failed++;
      console.log(`not ok ${n} - evm ${name}: ${e.message}`);
    }
  };
  const receipts = {};
  for (const name of ['type0', 'type1', 'type2', 'create', 'call']) {
    await result(`${name} receipt`, async () => {
      const input = JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8'));
      const out = readOut(dir, name);
      const hash = hashOf(out, name);
      const rc = await p.getTransactionReceipt(hash);
      if (!rc) throw new Error(`no receipt for ${hash}`);
      const tx = await p.getTransaction(hash);
      receipts[name] = rc;
      if (rc.status !== 1) throw new Error(`status ${rc.status}`);
      if (rc.from !== address) throw new Error(`from ${rc.from}, want ${address}`);
      if (tx.type !== input.type) throw new Error(`type ${tx.type}, want ${input.type}`);
      if (tx.chainId !== 31337n) throw new Error(`chain id ${tx.chainId}`);
      if ((tx.to ?? null) !== (input.to ? getAddress(input.to) : null)) throw new Error(`to ${tx.to}`);
      if (tx.value !== BigInt(input.value)) throw new Error(`value ${tx.value}`);
      if (tx.data !== input.data) throw new Error('data differs from the file');
      const rs = out.receipt;
      if (rs && (rs.transactionHash ?? hash) !== hash) throw new Error("lithsm's receipt names another transaction");
      if (rs && rs.status !== undefined && ![1, '0x1', '1', true].includes(rs.status)) throw new Error(`lithsm's receipt status ${rs.status}`);
      return `status 1 in block ${rc.blockNumber}, from ${rc.from}, type ${tx.type}, nonce ${tx.nonce}, gas used ${rc.gasUsed}`;
    });
  }
  await result('recipient balance', async () => {
    const to = JSON.parse(fs.readFileSync(path.join(dir, 'type0.json'), 'utf8')).to;
    const want = Object.values(VALUES).reduce((a, v) => a + BigInt(v), 0n);
    const got = await p.getBalance(to);
    if (got !== want) throw new Error(`balance ${got}, want ${want}`);
    return `${got} wei`;
  });
  await result('contract code', async () => {
    const addr = receipts.create?.contractAddress;
    if (!addr) throw new Error('no contract address in the creation receipt');
    const code = await p.getCode(addr);
    if (code !== RUNTIME) throw new Error(`code ${code}, want ${RUNTIME}`);
    return `${addr} holds the ${(RUNTIME.length - 2) / 2}-byte runtime`;
  });
  await result('contract storage after the call', async () => {
    const addr = receipts.create?.contractAddress;
    const slot = await p.getStorage(addr, 0);
    if (BigInt(slot) !== BigInt(value)) throw new Error(`slot 0 is ${slot}, want ${value}`);
    return `slot 0 = ${value}`;
  });
  await result('nothing else sent', async () => {
    const count = await p.getTransactionCount(address);
    if (count !== 5) throw new Error(`${address} sent ${count} transactions, want 5`);
    return `${address} has nonce 5`;
  });
  console.log(`1..${n}`);
  console.log(`evm: ${n - failed} of ${n} checks on the hardhat node passed${failed ? `, ${failed} FAILED` : ''}`);
  if (failed) process.exit(1);
}

async function contract(url, dir) {
  const out = readOut(dir, 'create');
  const rc = await provider(url).getTransactionReceipt(hashOf(out, 'create'));
  if (!rc?.contractAddress) throw new Error('no contract address in the creation receipt');
  console.log(rc.contractAddress);
}

const CMDS = {
  wait: () => wait(args[0], args[1] ?? 60, args[2]),
  fund: () => fund(args[0], args[1]),
  txs: () => txs(args[0], args[1]),
  call: () => call(args[0], args[1], args[2]),
  check: () => check(args[0], args[1], args[2], args[3]),
  contract: () => contract(args[0], args[1]),
  calldata: () => console.log(new Interface(['function set(uint256)']).encodeFunctionData('set', [args[0]])),
};
if (!CMDS[cmd]) {
  process.stderr.write('usage: node evm.mjs wait|fund|txs|call|check|calldata ...\n');
  process.exit(2);
}
Promise.resolve().then(CMDS[cmd]).catch((e) => {
  console.error(`evm.mjs ${cmd}: ${e.message}`);
  process.exit(1);
});
