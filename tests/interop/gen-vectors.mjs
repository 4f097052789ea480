#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
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
 *
 * The vector families are written by gen-<family>.mjs, on the fixed inputs
 * and helpers of gen-inputs.mjs, in the environment of gen-env.mjs (which
 * is loaded first: it sets the clock before any library is loaded).
 */

import fs from 'node:fs';
import { OUT } from './gen-env.mjs';
import { WALLET, WALLET2, DELEG_EXP, TOKEN_ID } from './gen-inputs.mjs';
import { genEip191 } from './gen-eip191.mjs';
import { genSiwe } from './gen-siwe.mjs';
import { genRecap } from './gen-recap.mjs';
import { genAuthsig } from './gen-authsig.mjs';
import { delegation, genDelegation } from './gen-delegation.mjs';
import { genSessionSigs } from './gen-sessionsigs.mjs';
import { genVerify } from './gen-verify.mjs';

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
