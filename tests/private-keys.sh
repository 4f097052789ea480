# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# private-keys.sh - sourced by the test scripts (and tools/run-demo.sh).
# shellcheck shell=sh
#
# lithsm refuses a key file others can read, as ssh does, but git checks
# the TEST-ONLY fixtures out 0644: tests use private copies.

# private_keys DIR: copies tests/keys/*.pem into DIR/keys with mode 0600
# and sets KEYS to that folder.  Fails if the copy fails.
private_keys() {
    mkdir -m 700 "$1/keys" &&
        cp "${top_srcdir:-.}"/tests/keys/*.pem "$1/keys/" &&
        chmod 600 "$1/keys"/*.pem &&
        KEYS=$1/keys
}
