#!/usr/bin/env bash
# The npm packages of package-lock.json (map data, axe-core), installed with `npm ci`.
set -euo pipefail
if ! command -v npm >/dev/null 2>&1; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "warning: npm is missing and cannot be installed (no apt-get); the map falls back to a tile grid and the accessibility tests are skipped" >&2
        exit 0
    fi
    sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    echo "installing Debian packages: nodejs npm" >&2
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
npm ci --no-audit --no-fund --loglevel=error
