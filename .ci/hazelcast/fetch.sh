#!/usr/bin/env bash
# Copies the Hazelcast member jar (com.hazelcast:hazelcast, version in pom.xml) from Maven Central
# into .ci/hazelcast/lib/hazelcast.jar. Cached in ~/.m2; idempotent; needs java and mvn.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ -s "$here/lib/hazelcast.jar" ]; then echo "hazelcast jar ready: $here/lib/hazelcast.jar"; exit 0; fi
command -v mvn >/dev/null || { echo "fetch.sh: mvn not found (apt-get install maven)" >&2; exit 1; }
mkdir -p "$here/lib"
mvn -q -B -f "$here/pom.xml" dependency:copy
test -s "$here/lib/hazelcast.jar"
echo "hazelcast jar ready: $here/lib/hazelcast.jar"
