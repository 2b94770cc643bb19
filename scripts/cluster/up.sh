#!/usr/bin/env bash
# A local highly available PostgreSQL cluster (pg_auto_failover), all on 127.0.0.1:
#   monitor :6000 · node1 :6001 and node2 :6002 (primary + synchronous secondary, either may be primary)
#   · replica :6003 (asynchronous read replica: candidate priority 0, outside the replication quorum).
# Data, logs and pg_autoctl's state under $CLUSTER_DIR (default /var/tmp/credit-share-cluster), owned by postgres.
# Idempotent: nodes already created are only started if their keeper is not running.
# Prints DATABASE_URL / READ_DATABASE_URL and writes them to $CLUSTER_DIR/urls.env.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=env.sh
. "$here/env.sh"
started=$(date +%s)

# 1. Debian's packages, only when missing (CI runs as root on a fresh machine)
if ! command -v pg_autoctl >/dev/null 2>&1 || [ ! -x "$PG_BIN/pg_ctl" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "cluster: pg_autoctl or PostgreSQL 15 missing; run as root to install postgresql-15-auto-failover pg-auto-failover-cli" >&2
    exit 1
  fi
  echo "cluster: installing postgresql-15-auto-failover pg-auto-failover-cli"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql-15-auto-failover pg-auto-failover-cli >/dev/null
fi

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$CLUSTER_DIR"
  chown postgres:postgres "$CLUSTER_DIR"
  chmod 0700 "$CLUSTER_DIR"
fi
as_pg mkdir -p "$CLUSTER_DIR/xdg/config" "$CLUSTER_DIR/xdg/data" "$CLUSTER_DIR/xdg/run"
as_pg chmod 0700 "$CLUSTER_DIR/xdg/run"

common=(--hostname 127.0.0.1 --listen 127.0.0.1 --auth trust --no-ssl --pgctl "$PG_BIN/pg_ctl")

# 2. the monitor
mon="$(node_dir monitor)"
if [ ! -f "$mon/PG_VERSION" ]; then
  echo "cluster: creating the monitor on :$MONITOR_PORT"
  as_pg_logged monitor pg_autoctl create monitor --pgdata "$mon" --pgport "$MONITOR_PORT" "${common[@]}"
  # detect a dead primary in a few seconds, not the default ~20-50 s (docs/operations.md, High availability)
  cat <<CONF | as_pg tee -a "$mon/postgresql.conf" >/dev/null
# credit-share: faster failure detection for the local cluster
pgautofailover.health_check_period = 1000
pgautofailover.health_check_timeout = 1000
pgautofailover.health_check_max_retries = 1
pgautofailover.health_check_retry_delay = 500
pgautofailover.node_considered_unhealthy_timeout = 3000
pgautofailover.primary_demote_timeout = 5000
pgautofailover.startup_grace_period = 2000
CONF
fi
keeper_running monitor || start_keeper monitor
wait_for 30 "the monitor" pg_ready "$MONITOR_PORT"
wait_for 30 "the monitor's extension" monitor_sql "select 1 from pgautofailover.formation"

# 3. the data nodes, one at a time (a standby is cloned from the primary by pg_basebackup)
create_node() { # name port extra-args...
  local name="$1" port="$2" dir
  shift 2
  dir="$(node_dir "$name")"
  if [ ! -f "$CLUSTER_DIR/$name.created" ]; then
    echo "cluster: creating $name on :$port"
    # a half-made node from an interrupted run is dropped and made again
    as_pg rm -rf "$dir" "$CLUSTER_DIR/xdg/config/pg_autoctl$dir" "$CLUSTER_DIR/xdg/data/pg_autoctl$dir"
    monitor_sql "select pgautofailover.remove_node(nodeid) from pgautofailover.node where nodename = '$name'" >/dev/null 2>&1 || true
    as_pg_logged "$name" pg_autoctl create postgres --pgdata "$dir" --pgport "$port" --name "$name" --dbname "$CLUSTER_DB" \
      --monitor "$MONITOR_URI" "${common[@]}" "$@"
    as_pg touch "$CLUSTER_DIR/$name.created"
  fi
  keeper_running "$name" || start_keeper "$name"
}

create_node node1 "$NODE1_PORT"
node1_serving() { case "$(node_state node1)" in "single|single" | "primary|primary" | "wait_primary|wait_primary" | "secondary|secondary") return 0 ;; esac; return 1; }
wait_for 60 "node1 to serve" node1_serving
create_node node2 "$NODE2_PORT"
create_node replica "$REPLICA_PORT" --candidate-priority 0 --replication-quorum false

# 4. wait until every node is in a stable state: one primary, two secondaries
stable() {
  local rows
  rows="$(monitor_sql "select string_agg(reportedstate::text, ',' order by reportedstate) from pgautofailover.node where reportedstate = goalstate")"
  [ "$rows" = "primary,secondary,secondary" ]
}
wait_for 90 "primary + 2 secondaries" stable

# 5. synchronous replication: an acknowledged write is on the primary and the secondary
primary_port="$(monitor_sql "select nodeport from pgautofailover.node where reportedstate = 'primary'")"
ssn="$("$PG_BIN/psql" -X -qAt -h 127.0.0.1 -p "$primary_port" -U postgres -d "$CLUSTER_DB" -c 'show synchronous_standby_names')"
if [ -z "$ssn" ]; then
  echo "cluster: synchronous_standby_names is empty on the primary (:$primary_port)" >&2
  exit 1
fi

as_pg sh -c "cat >'$CLUSTER_DIR/urls.env'" <<URLS
DATABASE_URL=$DATABASE_URL
READ_DATABASE_URL=$READ_DATABASE_URL
URLS
chmod a+r "$CLUSTER_DIR/urls.env" 2>/dev/null || true

as_pg pg_autoctl show state --pgdata "$mon" 2>/dev/null || true
echo "synchronous_standby_names on the primary (:$primary_port): $ssn"
echo "cluster up in $(($(date +%s) - started)) s (data and logs: $CLUSTER_DIR)"
echo "DATABASE_URL=$DATABASE_URL"
echo "READ_DATABASE_URL=$READ_DATABASE_URL"
