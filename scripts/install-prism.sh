#!/usr/bin/env bash
# Installs Prism (@stoplight/prism-cli), pinned by tools/prism/package-lock.json, for the
# contract tests in tests/tests/external/prism_contract.rs. Needs Node.js and npm.
set -euo pipefail
cd "$(dirname "$0")/../tools/prism"
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install-prism: $tool is not installed; install Node.js and npm (e.g. apt-get install nodejs npm)" >&2
    exit 1
  fi
done
if [ -x node_modules/.bin/prism ] && [ "$(node_modules/.bin/prism --version)" = "$(node -p 'require("./package.json").dependencies["@stoplight/prism-cli"]')" ]; then
  echo "install-prism: prism $(node_modules/.bin/prism --version) already installed"
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
echo "install-prism: prism $(node_modules/.bin/prism --version) installed"
