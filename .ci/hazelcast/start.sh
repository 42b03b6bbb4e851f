#!/usr/bin/env bash
# Starts N Hazelcast members on 127.0.0.1:5701.. (BASE_PORT to change) as one cluster and waits until
# every member answers and the cluster has N members. Logs and pids go to .ci/hazelcast/run/.
# Usage: bash .ci/hazelcast/start.sh [N=3]   env: BASE_PORT=5701 CLUSTER_NAME=dfvisor
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
n="${1:-3}"; base="${BASE_PORT:-5701}"; cluster="${CLUSTER_NAME:-dfvisor}"
jar="$here/lib/hazelcast.jar"
[ -s "$jar" ] || { echo "start.sh: $jar missing: run bash .ci/hazelcast/fetch.sh" >&2; exit 1; }
run="$here/run"; mkdir -p "$run"
members=""
# split-brain protection: a majority, from 3 members on (Hazelcast needs a size of at least 2)
if ((n >= 3)); then quorum=$((n / 2 + 1)); quorum_ref=dfv-majority; else quorum=2; quorum_ref=dfv-none; fi
for ((i = 0; i < n; i++)); do members+="${members:+,}127.0.0.1:$((base + i))"; done
for ((i = 0; i < n; i++)); do
  port=$((base + i))
  if [ -f "$run/member-$port.pid" ] && kill -0 "$(cat "$run/member-$port.pid")" 2>/dev/null; then
    echo "member on $port already running"; continue
  fi
  nohup java -Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
    --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
    --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
    --add-opens java.management/sun.management=ALL-UNNAMED \
    --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED \
    -Dhazelcast.config="$here/member.xml" -Ddfvisor.hz.cluster="$cluster" \
    -Ddfvisor.hz.port="$port" -Ddfvisor.hz.members="$members" -Ddfvisor.hz.host=127.0.0.1 \
    -Ddfvisor.hz.quorum="$quorum" -Ddfvisor.hz.quorum.ref="$quorum_ref" \
    -cp "$jar" com.hazelcast.core.server.HazelcastMemberStarter >"$run/member-$port.log" 2>&1 &
  echo $! >"$run/member-$port.pid"
done
# Ready when the newest member's log shows a cluster of N members.
deadline=$((SECONDS + 90))
for ((i = 0; i < n; i++)); do
  port=$((base + i)); log="$run/member-$port.log"
  until grep -q "Members {size:$n," "$log" 2>/dev/null && grep -q "is STARTED" "$log" 2>/dev/null; do
    if ! kill -0 "$(cat "$run/member-$port.pid")" 2>/dev/null; then
      echo "start.sh: member on $port died; see $log" >&2; tail -20 "$log" >&2; exit 1
    fi
    if ((SECONDS > deadline)); then echo "start.sh: member on $port not ready in 90 s; see $log" >&2; exit 1; fi
    sleep 0.5
  done
done
echo "hazelcast cluster '$cluster' ready: $members"
