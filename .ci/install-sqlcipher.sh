#!/usr/bin/env bash
# Installs the official SQLCipher 4 command-line shell, the real peer our interop
# test opens the replica with. Debian 12 only packages SQLCipher 3.4 (a different
# file format), so we build SQLCipher 4.6.1 from Debian's own source package
# (trixie) — same registry, same upstream tarball Debian ships — into
# /opt/lantern-tools. Idempotent: does nothing when it is already there.
set -euo pipefail
PREFIX=${LANTERN_TOOLS:-/opt/lantern-tools}
BIN="$PREFIX/bin/sqlcipher"
VERSION=4.6.1
if [ -x "$BIN" ] && echo "PRAGMA cipher_version;" | "$BIN" ":memory:" 2>/dev/null | grep -q "^$VERSION"; then
  echo "sqlcipher $VERSION already at $BIN"
  exit 0
fi
SRC_LIST=/etc/apt/sources.list.d/lantern-trixie-src.sources
if [ ! -f "$SRC_LIST" ]; then
  cat > "$SRC_LIST" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt-get update -qq
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq build-essential libssl-dev tcl libreadline-dev zlib1g-dev >/dev/null
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
apt-get source --download-only "sqlcipher=$VERSION-2" >/dev/null 2>&1
tar xzf "sqlcipher_$VERSION.orig.tar.gz"
cd "sqlcipher-$VERSION"
./configure --enable-tempstore=yes CFLAGS="-DSQLITE_HAS_CODEC -DSQLITE_TEMP_STORE=2 -O2" LDFLAGS="-lcrypto" >/dev/null
make -j"$(nproc)" sqlcipher >/dev/null
mkdir -p "$PREFIX/bin"
install -m 0755 sqlcipher "$BIN"
echo "installed $("$BIN" --version | head -c 60) at $BIN"
