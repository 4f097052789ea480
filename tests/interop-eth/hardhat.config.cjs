// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The lithsm authors
// Minimal hardhat config for lithsm's interop test: only the built-in
// network of `hardhat node` (chain id 31337), no Solidity (no compiler download).
module.exports = {
  networks: { hardhat: { chainId: 31337 } },
};
