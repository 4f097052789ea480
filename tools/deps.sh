#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# Installs the Debian 12 packages lithsm builds and tests with (as root).
# Safe to run again: apt-get skips what is already installed.
set -eu
PACKAGES="build-essential autoconf automake libtool pkg-config openssl
  libssl-dev libp11-dev libcurl4-openssl-dev libjson-c-dev libsecp256k1-dev
  debhelper dpkg-dev fakeroot lintian
  nettle-dev libmicrohttpd-dev libgnutls28-dev libsystemd-dev p11-kit
  p11-kit-modules libp11-kit-dev softhsm2 systemd
  opensc valgrind curl time libengine-pkcs11-openssl clang-format jq
  clang libclang-rt-14-dev libpq-dev postgresql man-db groff-base"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "deps.sh: missing packages:$missing (run as root to install)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    # shellcheck disable=SC2086
    apt-get install -y --no-install-recommends $missing
fi
