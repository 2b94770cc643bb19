# Shared settings for scripts/cluster/*.sh (sourced, not run). Override any of them in the environment.
CLUSTER_DIR="${CLUSTER_DIR:-/var/tmp/credit-share-cluster}"
CLUSTER_DB="${CLUSTER_DB:-credit_share}"
MONITOR_PORT="${MONITOR_PORT:-6000}"
NODE1_PORT="${NODE1_PORT:-6001}"
NODE2_PORT="${NODE2_PORT:-6002}"
REPLICA_PORT="${REPLICA_PORT:-6003}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
# node name → port and data directory
NODES="monitor node1 node2 replica"
node_port() { case "$1" in monitor) echo "$MONITOR_PORT" ;; node1) echo "$NODE1_PORT" ;; node2) echo "$NODE2_PORT" ;; replica) echo "$REPLICA_PORT" ;; esac; }
node_dir() { echo "$CLUSTER_DIR/$1"; }
MONITOR_URI="postgres://autoctl_node@127.0.0.1:$MONITOR_PORT/pg_auto_failover?sslmode=disable"

# Everything PostgreSQL runs as the postgres user, with pg_autoctl's state and config under CLUSTER_DIR
# (not under ~postgres), so that down.sh removes all of it.
as_pg() {
  local envs=(
    "PATH=$PG_BIN:/usr/bin:/bin"
    "XDG_CONFIG_HOME=$CLUSTER_DIR/xdg/config"
    "XDG_DATA_HOME=$CLUSTER_DIR/xdg/data"
    "XDG_RUNTIME_DIR=$CLUSTER_DIR/xdg/run"
    "PG_CONFIG=$PG_BIN/pg_config"
    "HOME=$CLUSTER_DIR"
  )
  if [ "$(id -un)" = postgres ]; then
    env "${envs[@]}" "$@"
  else
    runuser -u postgres -- env "${envs[@]}" "$@"
  fi
}

# a command run as postgres, its output appended to $CLUSTER_DIR/<name>.log
as_pg_logged() {
  local name="$1"
  shift
  as_pg sh -c 'log="$1"; shift; exec "$@" >>"$log" 2>&1' sh "$CLUSTER_DIR/$name.log" "$@"
}

# the keeper (pg_autoctl run) of one node, in its own session so that it survives this shell
start_keeper() {
  local name="$1" dir
  dir="$(node_dir "$name")"
  as_pg setsid -f sh -c "exec pg_autoctl run --pgdata '$dir' >>'$CLUSTER_DIR/$name.log' 2>&1"
}

keeper_pid() {
  # pg_autoctl's own pid file for that data directory
  local f
  f="$(as_pg sh -c "ls \"\$XDG_RUNTIME_DIR\"/pg_autoctl$(node_dir "$1")/pg_autoctl.pid 2>/dev/null" || true)"
  [ -n "$f" ] && [ -f "$f" ] && head -n1 "$f"
}

keeper_running() {
  local pid
  pid="$(keeper_pid "$1" || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

pg_ready() { "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$1" -q; }

wait_for() { # seconds description command...
  local secs="$1" what="$2"
  shift 2
  for _ in $(seq 1 $((secs * 2))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "cluster: timed out after ${secs}s waiting for $what" >&2
  return 1
}

monitor_sql() { "$PG_BIN/psql" -X -qAt "postgres://autoctl_node@127.0.0.1:$MONITOR_PORT/pg_auto_failover?sslmode=disable" -c "$1"; }

# the state the monitor holds for a node: "reported|assigned"
node_state() { monitor_sql "select reportedstate || '|' || goalstate from pgautofailover.node where nodename = '$1'"; }
node_is() { [ "$(node_state "$1")" = "$2|$2" ]; }

DATABASE_URL="postgres://postgres@127.0.0.1:$NODE1_PORT,127.0.0.1:$NODE2_PORT/$CLUSTER_DB?target_session_attrs=read-write"
READ_DATABASE_URL="postgres://postgres@127.0.0.1:$REPLICA_PORT/$CLUSTER_DB"
