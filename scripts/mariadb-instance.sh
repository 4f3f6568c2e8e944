#!/usr/bin/env bash
# Starts, stops and inspects independent MariaDB instances for tests, the demo
# and benchmarks, without the system service:
#
#   scripts/mariadb-instance.sh up|down|status NAME PORT
#
# Each instance lives in $DM_INSTANCE_ROOT/NAME (default /tmp/dm-instances):
# its own defaults file, data directory, socket, pid file and error log,
# listening on 127.0.0.1:PORT, server_id = PORT (unique per machine), binlog on
# in ROW format with full row images (what dm needs from an upstream), GTIDs
# in strict mode. binlog_row_metadata stays at the server's default unless
# DM_BINLOG_ROW_METADATA is set (MINIMAL|FULL), since most production
# upstreams do not set it. DM_INNODB_BUFFER_POOL sets the buffer pool (256M).
# DM_EXTRA_CNF holds extra [mariadbd] lines appended to the defaults file on
# every `up` (e.g. "skip-log-bin" or "binlog-ignore-db = x"), for tests of
# settings dm must refuse or warn about.
#
# `up` creates the user dm needs, 'dm'@'127.0.0.1' identified by
# $DM_INSTANCE_PASSWORD (default dm-test-pw), and prints its connection line.
# `down` stops exactly this instance: mariadb-admin shutdown over its socket,
# then its own pid. Neither ever touches another mariadbd.
set -euo pipefail

usage() { echo "usage: $0 up|down|status NAME PORT" >&2; exit 2; }
[ $# -eq 3 ] || usage
action=$1 name=$2 port=$3
[[ "$name" =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "$0: NAME must be [A-Za-z0-9_.-]+, got '$name'" >&2; exit 2; }
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1024 ] && [ "$port" -le 65535 ] ||
  { echo "$0: PORT must be 1024-65535, got '$port'" >&2; exit 2; }

root=${DM_INSTANCE_ROOT:-/tmp/dm-instances}
dir="$root/$name"
cnf="$dir/my.cnf"
sock="$dir/mysqld.sock"
pidfile="$dir/mysqld.pid"
errlog="$dir/error.log"
user=dm
password=${DM_INSTANCE_PASSWORD:-dm-test-pw}

for bin in mariadbd mariadb-install-db mariadb mariadb-admin; do
  command -v "$bin" >/dev/null || [ -x "/usr/sbin/$bin" ] ||
    { echo "$0: $bin not found; run scripts/install-deps.sh" >&2; exit 1; }
done
mariadbd_bin=$(command -v mariadbd || echo /usr/sbin/mariadbd)

instance_pid() {
  [ -f "$pidfile" ] || return 1
  local pid
  pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # The pid must still be this instance's mariadbd, not a recycled pid.
  grep -q -- "--defaults-file=$cnf" "/proc/$pid/cmdline" 2>/dev/null || tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$cnf" || return 1
  echo "$pid"
}

client() { mariadb --no-defaults --protocol=socket --socket="$sock" -uroot "$@"; }

write_config() {
  local metadata_line=""
  if [ -n "${DM_BINLOG_ROW_METADATA:-}" ]; then
    metadata_line="binlog_row_metadata = ${DM_BINLOG_ROW_METADATA}"
  fi
  cat >"$cnf" <<CNF
[mariadbd]
user = root
datadir = $dir/data
socket = $sock
pid-file = $pidfile
log-error = $errlog
tmpdir = $dir/tmp
bind-address = 127.0.0.1
port = $port
server-id = $port
log-bin = $dir/data/mysql-bin
binlog_format = ROW
binlog_row_image = FULL
$metadata_line
gtid_strict_mode = ON
gtid_domain_id = 0
max_allowed_packet = 256M
innodb_buffer_pool_size = ${DM_INNODB_BUFFER_POOL:-256M}
innodb_log_file_size = 256M
innodb_flush_log_at_trx_commit = 2
sync_binlog = 0
performance_schema = OFF
skip-name-resolve
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
local-infile = 1
max_connections = 500
${DM_EXTRA_CNF:-}
CNF
}

up() {
  if pid=$(instance_pid); then
    echo "mariadb instance '$name' already running (pid $pid, port $port, datadir $dir/data)"
    return 0
  fi
  # A private tmpdir: other jobs on shared machines have been seen cleaning
  # /tmp while mariadb-install-db ran, which makes it fail.
  mkdir -p "$dir/tmp"
  write_config
  if [ ! -d "$dir/data/mysql" ]; then
    rm -rf "$dir/data"
    mariadb-install-db --defaults-file="$cnf" --auth-root-authentication-method=socket \
      --skip-test-db >"$dir/install.log" 2>&1 ||
      { echo "$0: mariadb-install-db failed, see $dir/install.log" >&2; tail -20 "$dir/install.log" >&2; exit 1; }
  fi
  # setsid detaches the server from the caller's session, so a test runner's
  # process-group cleanup does not take it down mid-suite.
  setsid "$mariadbd_bin" --defaults-file="$cnf" >>"$errlog" 2>&1 </dev/null &
  local deadline=$((SECONDS + 60))
  until client -e 'SELECT 1' >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      echo "$0: instance '$name' did not start within 60 s; last lines of $errlog:" >&2
      tail -20 "$errlog" >&2
      exit 1
    fi
    sleep 0.2
  done
  client <<SQL
CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$password';
ALTER USER '$user'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO '$user'@'127.0.0.1' WITH GRANT OPTION;
SQL
  echo "mariadb instance '$name' up: pid $(instance_pid), 127.0.0.1:$port, user $user, datadir $dir/data"
}

down() {
  local pid
  if ! pid=$(instance_pid); then
    echo "mariadb instance '$name' is not running"
    return 0
  fi
  mariadb-admin --no-defaults --protocol=socket --socket="$sock" -uroot shutdown >/dev/null 2>&1 || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      kill -9 "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  echo "mariadb instance '$name' stopped (pid $pid)"
}

status() {
  if pid=$(instance_pid); then
    echo "mariadb instance '$name' running: pid $pid, 127.0.0.1:$port, datadir $dir/data"
  else
    echo "mariadb instance '$name' not running"
    return 3
  fi
}

case "$action" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) usage ;;
esac
