#!/usr/bin/env bash
# A private MariaDB instance with TLS for tls_integration_test.cc (the shared
# test instances run without TLS, and ssl-* server variables are read-only).
#
#   tls-server.sh up DIR     certificates + instance in DIR; prints the port
#   tls-server.sh down DIR   stops exactly that instance, releases its port
#
# DIR gets ca.pem (signs server.pem: CN=dm-test-server, SAN IP:127.0.0.1),
# other-ca.pem (an unrelated CA), and user dm / password tls-test-pw.
set -euo pipefail
action=${1:?up|down}
dir=${2:?DIR}
root=$(cd "$(dirname "$0")/../../.." && pwd)
sock="$dir/mysqld.sock"
client() { mariadb --no-defaults --protocol=socket --socket="$sock" -uroot "$@"; }

case "$action" in
  up)
    mkdir -p "$dir"
    cd "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 2 -subj "/CN=dm-test-ca" 2>/dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca-key.pem -out other-ca.pem -days 2 \
      -subj "/CN=dm-other-ca" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr -subj "/CN=dm-test-server" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server.pem -days 2 \
      -extfile san.ext 2>/dev/null
    port=$("$root/scripts/alloc-port.sh" 1)
    echo "$port" >port
    cat >my.cnf <<CNF
[mariadbd]
user = root
datadir = $dir/data
socket = $sock
pid-file = $dir/mysqld.pid
log-error = $dir/error.log
bind-address = 127.0.0.1
port = $port
skip-name-resolve
skip-log-bin
performance_schema = OFF
innodb_buffer_pool_size = 32M
ssl-ca = $dir/ca.pem
ssl-cert = $dir/server.pem
ssl-key = $dir/server-key.pem
CNF
    mariadb-install-db --defaults-file="$dir/my.cnf" --auth-root-authentication-method=socket --skip-test-db \
      >install.log 2>&1 || { tail -20 install.log >&2; exit 1; }
    setsid "$(command -v mariadbd || echo /usr/sbin/mariadbd)" --defaults-file="$dir/my.cnf" >>error.log 2>&1 </dev/null &
    deadline=$((SECONDS + 60))
    until client -e 'SELECT 1' >/dev/null 2>&1; do
      [ $SECONDS -lt $deadline ] || { tail -20 error.log >&2; exit 1; }
      sleep 0.2
    done
    client -e "CREATE USER 'dm'@'127.0.0.1' IDENTIFIED BY 'tls-test-pw';
               GRANT ALL PRIVILEGES ON *.* TO 'dm'@'127.0.0.1';"
    echo "$port"
    ;;
  down)
    [ -f "$dir/mysqld.pid" ] || exit 0
    pid=$(cat "$dir/mysqld.pid")
    mariadb-admin --no-defaults --protocol=socket --socket="$sock" -uroot shutdown >/dev/null 2>&1 || true
    deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null; do
      if [ $SECONDS -ge $deadline ]; then
        # Only our own instance: the pid file is ours and the command line names our config.
        grep -q -- "$dir/my.cnf" "/proc/$pid/cmdline" 2>/dev/null && kill -9 "$pid"
        break
      fi
      sleep 0.2
    done
    [ -f "$dir/port" ] && "$root/scripts/alloc-port.sh" --release "$(cat "$dir/port")"
    ;;
  *) echo "usage: $0 up|down DIR" >&2; exit 2 ;;
esac
