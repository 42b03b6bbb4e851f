#!/usr/bin/env bash
# Debian packages the tests and the demo need (Open vSwitch, tenant controllers, tshark, iperf3, neovim,
# openssl, prometheus for promtool). Kept for old instructions: the list and the logic live in
# scripts/setup/ (`npm test` runs them itself).
set -euo pipefail
exec node "$(dirname "$0")/../scripts/setup.mjs" system "$@"
