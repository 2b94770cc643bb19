#!/usr/bin/env bash
# One node of the local cluster, for the failover test and for drills by hand:
#   node.sh primary          prints the name of the node the monitor holds as primary (node1 or node2)
#   node.sh crash NAME       the machine dies: its keeper is killed (-9) and Postgres stopped with -m immediate
#   node.sh start NAME       starts the node's keeper again (pg_autoctl run): a crashed primary rejoins as a secondary
#   node.sh state            pg_autoctl show state
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=env.sh
. "$here/env.sh"
cmd="${1:-}"
name="${2:-}"
case "$cmd" in
  primary)
    monitor_sql "select nodename from pgautofailover.node where reportedstate in ('primary', 'wait_primary', 'single') and goalstate = reportedstate"
    ;;
  crash)
    [ -n "$name" ] || { echo "usage: node.sh crash NAME" >&2; exit 2; }
    pid="$(keeper_pid "$name" || true)"
    if [ -n "$pid" ]; then
      # the keeper and its sub-processes (they share its process group; Postgres is left to pg_ctl)
      for p in $(ps -o pid=,comm= -g "$pid" | awk '$2 == "pg_autoctl" { print $1 }'); do kill -KILL "$p" 2>/dev/null || true; done
    fi
    as_pg "$PG_BIN/pg_ctl" stop -D "$(node_dir "$name")" -m immediate
    ;;
  start)
    [ -n "$name" ] || { echo "usage: node.sh start NAME" >&2; exit 2; }
    keeper_running "$name" || start_keeper "$name"
    ;;
  state)
    as_pg pg_autoctl show state --pgdata "$(node_dir monitor)"
    ;;
  *)
    echo "usage: node.sh primary | crash NAME | start NAME | state" >&2
    exit 2
    ;;
esac
