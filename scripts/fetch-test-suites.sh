#!/usr/bin/env bash
# The W3C SHACL test suite (core/ and sparql/, with manifests) for tests/test_shacl_w3c.py,
# and the W3C SPARQL 1.1 protocol manifest for tests/test_sparql_protocol.py.
# It is not kept in this repository: it comes from the sdist of pySHACL on PyPI, which
# ships a copy (see scripts/w3c-shacl-suite.md), pinned by version and sha256, and is
# unpacked into .cache/w3c-shacl/ (gitignored). Idempotent; run by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=0.40.1
SHA256=011e3cf1a68b31747cb762ba3d755ae1bdcc464c8fad0dc212a9adc550719552
DEST=.cache/w3c-shacl
PYTHON=${PYTHON:-.venv/bin/python}
if [ ! -f "$DEST/.pyshacl-$VERSION" ]; then
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
fi

# The W3C SPARQL 1.1 protocol manifest (w3c/rdf-tests, sparql/sparql11/protocol) for
# tests/test_sparql_protocol.py, from the sdist of rdflib on PyPI, which ships the W3C
# SPARQL test suites; pinned the same way, unpacked into .cache/w3c-sparql/.
RDFLIB=7.6.0
RDFLIB_SHA256=6c831288d5e4a5a7ece85d0ccde9877d512a3d0f02d7c06455d00d6d0ea379df
SPARQL_DEST=.cache/w3c-sparql
if [ ! -f "$SPARQL_DEST/.rdflib-$RDFLIB" ]; then
    tmp2=$(mktemp -d)
    "$PYTHON" -m pip download --quiet --no-deps --no-binary :all: "rdflib==$RDFLIB" -d "$tmp2" \
        2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
    echo "$RDFLIB_SHA256  $tmp2/rdflib-$RDFLIB.tar.gz" | sha256sum --check --quiet
    rm -rf "$SPARQL_DEST"
    mkdir -p "$SPARQL_DEST"
    tar -xzf "$tmp2/rdflib-$RDFLIB.tar.gz" -C "$SPARQL_DEST" --strip-components=6 \
        "rdflib-$RDFLIB/test/data/suites/w3c/sparql11/protocol"
    rm -rf "$tmp2"
    touch "$SPARQL_DEST/.rdflib-$RDFLIB"
    echo "W3C SPARQL 1.1 protocol manifest (from rdflib $RDFLIB) in $SPARQL_DEST"
fi
