#!/bin/sh
# Installs the Debian packages dealboard needs to build and test, if any are
# missing: directly as root, else through sudo. Quiet when nothing is missing.
# STATIC=1 (make STATIC=1 …): also what the static link needs.
# DEB=1 (make deb): what the Debian package build needs, instead.
set -eu

missing=""
need_pkg() { missing="$missing $1"; }

have_pc() { pkg-config --exists "$1" 2>/dev/null; }
have_cmd() { command -v "$1" >/dev/null 2>&1; }

if [ "${DEB:-}" = 1 ]; then
    # make deb: dpkg-buildpackage, debhelper, fakeroot and lintian, and the
    # Build-Depends of debian/control; none of the test suite's tools.
    have_cmd dpkg-buildpackage || need_pkg dpkg-dev
    have_cmd dh || need_pkg debhelper
    have_cmd fakeroot || need_pkg fakeroot
    have_cmd lintian || need_pkg lintian
    have_cmd cc || need_pkg gcc
    have_cmd make || need_pkg make
    have_cmd pkg-config || need_pkg pkg-config
    have_pc ncursesw || need_pkg libncurses-dev
    have_pc libgit2 || need_pkg libgit2-dev
    have_pc libcjson || need_pkg libcjson-dev
    have_pc cmocka || need_pkg libcmocka-dev   # the unit tests run in the package build
    [ -f /usr/include/csv.h ] || need_pkg libcsv-dev
else
    have_cmd cc || need_pkg gcc
    have_cmd make || need_pkg make
    have_cmd pkg-config || need_pkg pkg-config
    have_cmd git || need_pkg git
    have_cmd python3 || need_pkg python3   # tests/cli: the independent forecast model
    have_pc ncursesw || need_pkg libncurses-dev
    # libgit2 linked as a shared library. For STATIC=1 the package also holds its
    # .a, and depends on the -dev packages with the .a files of the libraries it
    # brings in (mbedTLS, libssh2, libssl for libcrypto, http-parser, PCRE2, zlib).
    have_pc libgit2 || need_pkg libgit2-dev
    if [ "${STATIC:-}" = 1 ]; then
        # libgit2's Negotiate (GSSAPI): shared even in the static link.
        have_pc krb5-gssapi || need_pkg libkrb5-dev
    fi
    have_pc libcjson || need_pkg libcjson-dev
    have_pc cmocka || need_pkg libcmocka-dev
    [ -f /usr/include/csv.h ] || need_pkg libcsv-dev
    have_cmd tmux || need_pkg tmux
    have_cmd strace || need_pkg strace     # tests/sync/restat.sh: renames held back past a second
    have_cmd sshd || [ -x /usr/sbin/sshd ] || need_pkg openssh-server
    have_cmd ssh-agent || need_pkg openssh-client
    have_cmd openssl || need_pkg openssl       # tests/sync/tls.sh: a local TLS server with its own CA
    # tests/sync/https.sh: lighttpd runs git-http-backend (from git) behind basic auth, with TLS.
    have_cmd lighttpd || [ -x /usr/sbin/lighttpd ] || need_pkg lighttpd
    [ -f /usr/lib/lighttpd/mod_openssl.so ] || need_pkg lighttpd-mod-openssl
    [ -f /etc/ssl/certs/ca-certificates.crt ] || need_pkg ca-certificates
    have_cmd groff || need_pkg groff-base
    have_cmd clang || need_pkg clang
    ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
        ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1 ||
        need_pkg libclang-rt-dev
    locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$' || need_pkg locales
fi

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
    sudo=""
elif have_cmd sudo; then
    sudo="sudo"
else
    echo "dealboard: missing packages:$missing" >&2
    echo "dealboard: install them with: apt-get install$missing (as root)" >&2
    exit 1
fi
if ! have_cmd apt-get; then
    echo "dealboard: missing:$missing — install them with your package manager" >&2
    exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
