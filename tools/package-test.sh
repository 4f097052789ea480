#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# package-test.sh - the Debian packages, end to end, on a throwaway Debian 12
# machine (as root; .ci/run calls it after tools/run-tests.sh):
#
#  1. builds liblithsm0, liblithsm-dev, lithsm, lithsm-provider and
#     lithsm-devnet with dpkg-buildpackage -b -us -uc from `git archive HEAD`
#     in a temporary directory (DEB_BUILD_OPTIONS=nocheck unless
#     LITHSM_PACKAGE_CHECK=1: tools/run-tests.sh has run make check already);
#  2. lintian on the .changes: any error fails;
#  3. apt-get install ./*.deb, printing what it installs;
#  4. the demo with the installed files only (/usr/bin/lithsm,
#     /usr/bin/lithsm-devnet, the provider in libcrypto's modules directory;
#     a clean environment, run outside the source tree): a SoftHSM2 token,
#     wallet and capacity-owner keys made on it, a devnet of 3 nodes, the
#     delegation, SessionSigs and every node's verdict; then
#     `man -w lithsm-session-sigs`, the service user and the unit left
#     disabled;
#  5. purges every package it installed (the build dependencies too) and
#     the lithsm user it made, so the machine is left as it was.
#
# Prints the time each step took; the last line is "package-test: passed"
# or "package-test: FAILED: <reason>".
set -eu

# demo DIR: the demo flow with the installed files only, in DIR (the
# script runs itself with --demo DIR under env -i, outside the tree).
demo() {
    d=$1
    cd "$d"
    mkdir home tokens
    for p in lithsm lithsm-devnet; do
        [ "$(command -v "$p")" = "/usr/bin/$p" ] ||
            fail "$p is not /usr/bin/$p: $(command -v "$p")"
    done
    # /lib is /usr/lib on a merged-/usr system: compare the real paths.
    lib=$(ldd /usr/bin/lithsm | sed -n 's/.*liblithsm\.so\.0 => \([^ ]*\).*/\1/p')
    lib=$(readlink -f "$lib")
    dpkg -L liblithsm0 | while read -r f; do readlink -f "$f"; done |
        grep -qx "$lib" ||
        fail "/usr/bin/lithsm uses $lib, which is not liblithsm0's"
    modulesdir=$(openssl version -m | sed -n 's/^MODULESDIR: "\(.*\)"$/\1/p')
    dpkg -S "$modulesdir/lithsm.so" | grep -q '^lithsm-provider:' ||
        fail "no $modulesdir/lithsm.so from lithsm-provider"
    openssl list -providers -provider lithsm | grep -A3 '^  lithsm$' ||
        fail "openssl cannot load the installed provider lithsm"
    version=$(dpkg-query -W -f='${Version}' lithsm)
    lithsm --version >version.out
    cat version.out
    grep -q "${version%%-*}" version.out ||
        fail "lithsm --version does not print the package's version $version"

    module=/usr/lib/softhsm/libsofthsm2.so
    [ -f "$module" ] || fail "$module not found (apt-get install softhsm2)"
    printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\n' \
        "$d" >softhsm2.conf
    SOFTHSM2_CONF=$d/softhsm2.conf
    export SOFTHSM2_CONF
    umask 077
    pin=$(openssl rand -hex 8)
    printf '%s\n' "$pin" >pin
    softhsm2-util --init-token --free --label lithsm-pkg --pin "$pin" \
        --so-pin "$(openssl rand -hex 8)" >/dev/null
    T="--module $module --pin-source file:$d/pin"
    # shellcheck disable=SC2086 # $T is a list of options
    lithsm keygen --token lithsm-pkg --label wallet $T >wallet.json
    cat wallet.json
    # shellcheck disable=SC2086
    lithsm keygen --token lithsm-pkg --label owner $T >/dev/null
    wallet=$(sed 's/.*"address":"\([^"]*\)".*/\1/' wallet.json)

    lithsm-devnet --nodes 3 >devnet.json 2>devnet.err &
    devnet=$!
    i=0
    until grep -q '}$' devnet.json 2>/dev/null; do
        i=$((i + 1))
        if [ "$i" -gt 100 ] || ! kill -0 "$devnet" 2>/dev/null; then
            cat devnet.err >&2
            fail "lithsm-devnet did not start"
        fi
        sleep 0.1
    done
    cat devnet.json
    rpc=$(sed 's/.*"rpc":"\([^"]*\)".*/\1/' devnet.json)
    staking=$(sed 's/.*"staking":"\([^"]*\)".*/\1/' devnet.json)
    NET="--rpc $rpc --staking $staking --timeout-ms 5000"
    # shellcheck disable=SC2086 # $NET is a list of options
    lithsm handshake $NET >handshake.json
    hash=$(sed 's/.*"latestBlockhash":"\([^"]*\)".*/\1/' handshake.json)
    # shellcheck disable=SC2086
    lithsm delegate --key "pkcs11:token=lithsm-pkg;object=owner" $T \
        --capacity-token-id 1234 --delegatee "$wallet" --uses 10 \
        --nonce "$hash" >delegation.json
    # shellcheck disable=SC2086
    lithsm session-sigs --wallet "pkcs11:token=lithsm-pkg;object=wallet" $T \
        --delegation delegation.json --resource 'lit-pkp://*' \
        --ability pkp-signing $NET >session-sigs.json
    n=$(grep -o '"algo":"ed25519"' session-sigs.json | wc -l)
    [ "$n" -eq 3 ] || fail "session-sigs: $n SessionSigs, expected 3"
    # shellcheck disable=SC2086
    lithsm verify --session-sigs session-sigs.json --send $NET >verify.json ||
        fail "lithsm verify --send: exit $?: $(cat verify.json)"
    cat verify.json
    n=$(grep -o '"verdict":"accept"' verify.json | wc -l)
    [ "$n" -eq 3 ] || fail "verify: $n nodes accept, expected 3"
    kill -TERM "$devnet"
    wait "$devnet" || true
    echo "demo: 3 SessionSigs from the installed lithsm, 3 nodes accept"

    page=$(man -w lithsm-session-sigs 2>&1) ||
        fail "man -w lithsm-session-sigs: no manual page installed ($page)"
    dpkg -S "$page" | grep -q '^lithsm:' ||
        fail "the page $page does not come from the package lithsm"
    echo "man -w lithsm-session-sigs: $page"

    uid=$(id -u lithsm) || fail "the package lithsm made no user lithsm"
    [ "$uid" -lt 1000 ] || fail "the user lithsm is not a system user (uid $uid)"
    [ -f /lib/systemd/system/lithsm-serve.service ] ||
        fail "no /lib/systemd/system/lithsm-serve.service"
    if ls /etc/systemd/system/*.wants/lithsm-serve.service 2>/dev/null; then
        fail "lithsm-serve.service was enabled on install"
    fi
    echo "user lithsm ($uid), lithsm-serve.service installed, not enabled"
}
if [ "${1:-}" = --demo ]; then
    fail() {
        echo "package-test: demo: $*" >&2
        exit 1
    }
    demo "$2"
    exit 0
fi
cd "$(dirname "$0")/.."
top=$(pwd)
PACKAGES="liblithsm0 liblithsm-dev lithsm lithsm-provider lithsm-devnet"

fail() {
    echo "package-test: FAILED: $*" >&2
    exit 1
}
step() { printf '\n== package-test: %s (%ss)\n' "$*" "$(($(date +%s) - t0))"; }
t0=$(date +%s)

[ "$(id -u)" -eq 0 ] ||
    fail "must run as root (it installs and removes packages)"
for tool in git apt-get dpkg-buildpackage lintian softhsm2-util man; do
    command -v "$tool" >/dev/null 2>&1 ||
        fail "$tool not found (sh tools/deps.sh installs it)"
done
git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
    fail "$top is not a git checkout (the packages are built from git archive HEAD)"
for p in $PACKAGES; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q installed; then
        fail "$p is installed already: this test installs and purges it (apt-get purge $PACKAGES)"
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/lithsm-package.XXXXXX")
# What the machine has before: restored at the end.
dpkg-query -W -f='${Package}:${Architecture}\n' | sort >"$work/before"
user_before=no
getent passwd lithsm >/dev/null && user_before=yes
devnet_pid=

# cleanup: the devnet stopped, every package that was not there before
# purged, the lithsm user removed if this test made it, $work removed.
cleanup() {
    status=$?
    set +e
    [ -z "$devnet_pid" ] || kill -TERM "$devnet_pid" 2>/dev/null
    dpkg-query -W -f='${Package}:${Architecture}\n' | sort >"$work/after"
    new=$(comm -13 "$work/before" "$work/after" | tr '\n' ' ')
    if [ -n "$new" ]; then
        echo "package-test: purging what it installed: $new"
        # shellcheck disable=SC2086 # a list of package names
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -q $new >"$work/purge.log" 2>&1 ||
            { tail -n 20 "$work/purge.log"; status=1; }
        dpkg-query -W -f='${Package}:${Architecture}\n' | sort >"$work/after"
        if ! cmp -s "$work/before" "$work/after"; then
            echo "package-test: the package list differs from before:"
            diff "$work/before" "$work/after"
            status=1
        fi
    fi
    if [ "$user_before" = no ] && getent passwd lithsm >/dev/null; then
        userdel lithsm || status=1
        ! getent group lithsm >/dev/null || groupdel lithsm || status=1
    fi
    rm -rf "$work"
    if [ "$status" -eq 0 ]; then
        echo "package-test: passed in $(($(date +%s) - t0))s"
    else
        echo "package-test: FAILED (see above) after $(($(date +%s) - t0))s"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
export DEBIAN_FRONTEND=noninteractive

# ---------------------------------------------------------------- 1. build
step "source: git archive HEAD ($(git rev-parse --short HEAD))"
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
    echo "package-test: note: uncommitted changes are not in the packages"
mkdir "$work/src" "$work/src/lithsm"
git archive --format=tar HEAD | tar -xf - -C "$work/src/lithsm"
[ -f "$work/src/lithsm/debian/control" ] || fail "HEAD has no debian/control"

step "build dependencies (apt-get build-dep)"
(cd "$work/src/lithsm" && apt-get build-dep -y -q ./) >"$work/build-dep.log" 2>&1 ||
    { tail -n 20 "$work/build-dep.log"; fail "apt-get build-dep"; }
sed -n '/^The following NEW packages/,/^[^ ]/p' "$work/build-dep.log" |
    sed '$d' | grep . || echo "(nothing new)"

opts="parallel=$(nproc)"
[ "${LITHSM_PACKAGE_CHECK:-}" = 1 ] || opts="nocheck $opts"
step "dpkg-buildpackage -b -us -uc (DEB_BUILD_OPTIONS=$opts)"
(cd "$work/src/lithsm" && DEB_BUILD_OPTIONS=$opts dpkg-buildpackage -b -us -uc) \
    >"$work/build.log" 2>&1 || { tail -n 40 "$work/build.log"; fail "dpkg-buildpackage"; }
debs=
for p in $PACKAGES; do
    deb=$(ls "$work/src/${p}_"*.deb) || fail "no ${p} package was built"
    debs="$debs $deb"
done
ls -l "$work/src/"*.deb

# ---------------------------------------------------------------- 2. lintian
step "lintian"
lintian --fail-on error --info "$work/src/"lithsm_*.changes >"$work/lintian.log" 2>&1 ||
    lintian_failed=1
grep -v '^running with root privileges' "$work/lintian.log" || true
[ -z "${lintian_failed:-}" ] || fail "lintian reports errors"

# ---------------------------------------------------------------- 3. install
step "apt-get install the packages"
# shellcheck disable=SC2086 # a list of paths without spaces
apt-get install -y -q $debs
echo "installed:"
# shellcheck disable=SC2086 # a list of package names
dpkg-query -W -f='  ${Package} ${Version} ${Status}\n' $PACKAGES

# ---------------------------------------------------------------- 4. demo
step "the demo from the installed files (a clean environment, in $work/demo)"
mkdir "$work/demo"
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$work/demo/home" \
    TMPDIR="$work/demo" LANG=C.UTF-8 sh "$0" --demo "$work/demo" ||
    fail "the demo from the installed packages"
