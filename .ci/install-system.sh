#!/usr/bin/env bash
# Debian packages the tests and the demo need (Open vSwitch, tenant controllers, tshark, neovim,
# chromium for the VS Code workbench tests). Idempotent; quick when everything is present.
set -euo pipefail
pkgs=(openvswitch-switch openvswitch-testcontroller python3-os-ken tshark ethtool iproute2 iputils-ping iperf3 neovim openssl)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "system packages ready"
