#!/usr/bin/env bash
# Stops the members that start.sh started (by their recorded pids), then removes the pid files.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
run="$here/run"
shopt -s nullglob
for f in "$run"/member-*.pid; do
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  fi
  rm -f "$f"
done
echo "hazelcast members stopped"
