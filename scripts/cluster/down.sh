#!/usr/bin/env bash
# Stops every node of the local cluster (scripts/cluster/up.sh) and removes $CLUSTER_DIR.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=env.sh
. "$here/env.sh"
[ -d "$CLUSTER_DIR" ] || { echo "cluster: nothing at $CLUSTER_DIR"; exit 0; }

for name in replica node2 node1 monitor; do
  dir="$(node_dir "$name")"
  pid="$(keeper_pid "$name" || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    # pg_autoctl stop: the keeper stops its Postgres and exits
    as_pg pg_autoctl stop --pgdata "$dir" --fast >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  # a Postgres left without its keeper (a test killed the keeper)
  if [ -f "$dir/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" stop -D "$dir" -m immediate >/dev/null 2>&1 || true
  fi
done
rm -rf "$CLUSTER_DIR"
echo "cluster: stopped and removed $CLUSTER_DIR"
