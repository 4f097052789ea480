#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# Configures and builds lithsm in the source tree (extra arguments go to
# configure).  Reconfigures only when needed.
set -eu
cd "$(dirname "$0")/.."
[ -x configure ] || ./autogen.sh
if [ ! -f Makefile ] || [ -n "${LITHSM_RECONFIGURE:-}" ]; then
    ./configure --quiet "$@"
fi
make -j"$(nproc)" >/dev/null
