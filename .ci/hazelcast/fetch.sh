#!/usr/bin/env bash
# Copies the Hazelcast member jar (com.hazelcast:hazelcast, version in pom.xml) from Maven Central
# into .ci/hazelcast/lib/hazelcast.jar (cached in ~/.m2). Kept for old instructions: the logic lives
# in scripts/setup/ (`npm test` runs it itself); idempotent.
set -euo pipefail
exec node "$(dirname "$0")/../../scripts/setup.mjs" hazelcast "$@"
