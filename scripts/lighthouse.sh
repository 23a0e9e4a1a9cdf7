#!/usr/bin/env bash
# Lighthouse (accessibility, best practices, SEO, performance) of the home page, a board page
# and the editor, in Debian's Chromium, against a server of the repository's data on loopback.
# Lighthouse comes from tools/lighthouse/package-lock.json (npm ci); nothing else is fetched,
# and Chromium's own background traffic is switched off (the machine may have no network).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${LIGHTHOUSE_PORT:-8765}
base="http://127.0.0.1:${port}/"
out=${LIGHTHOUSE_OUT:-test-artifacts/lighthouse}
mkdir -p "$out"
(cd tools/lighthouse && npm ci --no-audit --no-fund --loglevel=error)
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
export KGRAPH_BASE_IRI="$base" KGRAPH_STORE="$work/store" KGRAPH_DUMPS_DIR="$work/dumps"
.venv/bin/kgraph build >/dev/null
.venv/bin/kgraph serve --port "$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "${base}readyz" >/dev/null && break; sleep 0.2; done
flags="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run"
flags="$flags --disable-background-networking --disable-component-update --disable-sync"
export CHROME_PATH=${CHROME_PATH:-$(command -v chromium)}
for page in "home|" "board|id/board/kalmar" "editor|sparql"; do
    name=${page%%|*}
    path=${page#*|}
    tools/lighthouse/node_modules/.bin/lighthouse "${base}${path}" --quiet \
        --chrome-flags="$flags" --output=json --output-path="$out/$name.json" \
        --only-categories=performance,accessibility,best-practices,seo >/dev/null
    node -e '
        const r = require(process.argv[1]);
        const s = Object.values(r.categories).map(c => `${c.title} ${Math.round(c.score * 100)}`);
        const failed = Object.values(r.audits).filter(a => a.score !== null && a.score < 1
            && a.scoreDisplayMode === "binary").map(a => a.id);
        console.log(`${process.argv[2]}: ${s.join(", ")}${failed.length ? "  (not passed: " + failed.join(", ") + ")" : ""}`);
    ' "$PWD/$out/$name.json" "$name ($path)"
done
