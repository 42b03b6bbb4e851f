#!/usr/bin/env bash
# The VS Code workbench tooling (Debian chromium; code-server, Node 24 and playwright-core into the
# git-ignored .e2e/, see client/e2e/README.md). Kept for old instructions: the logic lives in
# scripts/setup/ (`npm test` runs it itself). Idempotent and cached.
set -euo pipefail
exec node "$(dirname "$0")/../scripts/setup.mjs" e2e "$@"
