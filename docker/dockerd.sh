#!/usr/bin/env bash
# A Docker daemon of faultline's own, for machines (and CI) that run none:
#   docker/dockerd.sh start <dir>   prints the DOCKER_HOST to export
#   docker/dockerd.sh stop <dir>    stops it and restores iptables as it was
# Its data, state and socket live under <dir>; needs root and Debian's
# docker.io. dockerd adds its own chains and sets FORWARD's policy to DROP:
# the rule set saved at start is restored at stop, and the docker0 bridge it
# makes is removed if it was not there before.
set -euo pipefail
action="${1:-}"
dir="${2:-}"
if [ -z "$dir" ] || { [ "$action" != start ] && [ "$action" != stop ]; }; then
  echo "usage: docker/dockerd.sh start|stop <dir>" >&2
  exit 2
fi
case "$action" in
start)
  command -v dockerd >/dev/null || { echo "dockerd: not installed (apt-get install docker.io)" >&2; exit 1; }
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [ -S "$dir/docker.sock" ] && DOCKER_HOST="unix://$dir/docker.sock" docker info >/dev/null 2>&1; then
    echo "DOCKER_HOST=unix://$dir/docker.sock"
    exit 0
  fi
  iptables-save >"$dir/iptables.before"
  # dockerd makes a docker0 bridge and leaves it: removed at stop if it is new.
  ip link show docker0 >/dev/null 2>&1 || touch "$dir/docker0.new"
  setsid dockerd --data-root "$dir/data" --exec-root "$dir/exec" \
    -H "unix://$dir/docker.sock" --pidfile "$dir/docker.pid" >"$dir/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 300); do
    if DOCKER_HOST="unix://$dir/docker.sock" docker info >/dev/null 2>&1; then
      echo "DOCKER_HOST=unix://$dir/docker.sock"
      exit 0
    fi
    sleep 0.1
  done
  echo "dockerd did not answer within 30 s; its log:" >&2
  tail -5 "$dir/dockerd.log" >&2
  exit 1
  ;;
stop)
  dir="$(cd "$dir" && pwd)"
  if [ -f "$dir/docker.pid" ]; then
    pid="$(cat "$dir/docker.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  # dockerd leaves its default network namespace mounted.
  if [ -d "$dir/exec/netns" ]; then
    for ns in "$dir"/exec/netns/*; do umount "$ns" 2>/dev/null || true; done
  fi
  if [ -f "$dir/docker0.new" ]; then
    ip link delete docker0 2>/dev/null || true
    rm -f "$dir/docker0.new"
  fi
  if [ -f "$dir/iptables.before" ]; then
    iptables-restore <"$dir/iptables.before"
    rm -f "$dir/iptables.before"
  fi
  ;;
esac
