#!/usr/bin/env bash
# TLS on every link of the cluster (DM's ssl-ca/ssl-cert/ssl-key and
# cert-allowed-cn), on real processes: two dm-masters whose etcd members talk
# over https peer URLs, one dm-worker, dmctl, and a private MariaDB instance
# with TLS whose user for dm REQUIRE SSL (so every dump, load, binlog and
# target connection of dm is encrypted, or the task fails). The masters'
# API refuses plain HTTP, a client without a certificate, a certificate of
# another CA and one whose CN is not allowed. A task-mode all task runs
# through the cluster and dm-diff (also over TLS) finds the target equal;
# dmctl reaches the follower, which forwards to the leader over TLS;
# get-config and query-status never show the password.
source "$(dirname "$0")/../_utils/lib.sh"
source "$(dirname "$0")/../_utils/cluster.sh"
work=$(mktemp -d)
pids=()
alloc_ports 6
db_port=${ALLOCATED_PORTS[0]} worker_port=${ALLOCATED_PORTS[5]}
for i in 1 2; do
  master_port[$i]=${ALLOCATED_PORTS[$i]}
  peer_port[$i]=${ALLOCATED_PORTS[$((i + 2))]}
done
certs=$work/certs
export DM_INSTANCE_ROOT="$work/instances" DM_INSTANCE_PASSWORD=tls-admin-pw DM_EXTRA_CNF="ssl-ca = $certs/ca.pem
ssl-cert = $certs/server.pem
ssl-key = $certs/server-key.pem"
cleanup() {
  kill_started
  "$DM_SOURCE_DIR/scripts/mariadb-instance.sh" down tls-db "$db_port" >/dev/null 2>&1 || true
  cleanup_work
}
trap cleanup EXIT

# Certificates: one CA signs the nodes' certificate (masters, worker and
# MariaDB; CN dm-node, SAN 127.0.0.1), dmctl's (CN dm-ctl) and an intruder's
# (CN intruder); another CA signs a certificate with an allowed CN.
mkdir -p "$certs"
new_cert() {  # new_cert NAME CN CA
  openssl req -newkey rsa:2048 -nodes -keyout "$certs/$1-key.pem" -out "$certs/$1.csr" -subj "/CN=$2" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\n' >"$certs/san.ext"
  openssl x509 -req -in "$certs/$1.csr" -CA "$certs/$3.pem" -CAkey "$certs/$3-key.pem" -CAcreateserial \
    -out "$certs/$1.pem" -days 2 -extfile "$certs/san.ext" 2>/dev/null
}
for ca in ca other-ca; do
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$certs/$ca-key.pem" -out "$certs/$ca.pem" -days 2 \
    -subj "/CN=dm-test-$ca" 2>/dev/null
done
new_cert server dm-node ca
new_cert ctl dm-ctl ca
new_cert intruder intruder ca
new_cert stranger dm-ctl other-ca

"$DM_SOURCE_DIR/scripts/mariadb-instance.sh" up tls-db "$db_port" >/dev/null
pw=tls-admin-pw
sql "$db_port" -e "
  CREATE USER 'dmtls'@'127.0.0.1' IDENTIFIED BY 'tls-secret-pw' REQUIRE SSL;
  GRANT ALL PRIVILEGES ON *.* TO 'dmtls'@'127.0.0.1';
  CREATE DATABASE tls_up CHARACTER SET utf8mb4;
  CREATE TABLE tls_up.t (id INT PRIMARY KEY, v VARCHAR(64), b BLOB);
  INSERT INTO tls_up.t SELECT seq, CONCAT('row ', seq), UNHEX(SHA2(seq, 256)) FROM tls_up.seq_1_to_3000;"
if mariadb --no-defaults --skip-ssl -h127.0.0.1 -P"$db_port" -udmtls -ptls-secret-pw -e 'SELECT 1' >/dev/null 2>&1; then
  fail "the MariaDB user dmtls connects without TLS; the test would not prove dm encrypts"
fi

initial="m1=https://127.0.0.1:${peer_port[1]},m2=https://127.0.0.1:${peer_port[2]}"
security="ssl-ca = \"$certs/ca.pem\"
ssl-cert = \"$certs/server.pem\"
ssl-key = \"$certs/server-key.pem\"
cert-allowed-cn = [\"dm-node\", \"dm-ctl\"]"
for i in 1 2; do
  cat >"$work/m$i.toml" <<TOML
name = "m$i"
master-addr = "127.0.0.1:${master_port[$i]}"
peer-urls = "https://127.0.0.1:${peer_port[$i]}"
initial-cluster = "$initial"
data-dir = "$work/m$i"
log-file = "$work/m$i.log"
$security
TOML
  "$DM_BIN_DIR/dm-master" --config "$work/m$i.toml" 2>>"$work/m$i.err" &
  pids+=($!)
done
masters="127.0.0.1:${master_port[1]},127.0.0.1:${master_port[2]}"
cat >"$work/worker.toml" <<TOML
name = "w1"
worker-addr = "127.0.0.1:$worker_port"
join = "$masters"
keepalive-ttl = 5
log-file = "$work/w1.log"
$security
TOML

dmctl_as() {  # dmctl_as CERT ARGS...: dmctl with the CERT certificate (and our CA)
  local cert=$1
  shift
  "$DM_BIN_DIR/dmctl" --master-addr "$masters" --rpc-timeout 10s --ssl-ca "$certs/ca.pem" \
    --ssl-cert "$certs/$cert.pem" --ssl-key "$certs/$cert-key.pem" "$@"
}
dmctl() { dmctl_as ctl "$@"; }
curl_tls() { curl -fsS --max-time 5 --cacert "$certs/ca.pem" "$@"; }
has_leader() { [ -n "$(dmctl list-member --leader | json_field "d['members'][0]['leader']['name']")" ]; }
wait_for 60 "two TLS masters to elect a leader (m1: $(tail -2 "$work/m1.err" 2>/dev/null))" has_leader
pass "two masters form one etcd cluster over https peer URLs and elect a leader"

# The API refuses every client that is not an allowed, CA-signed certificate.
status_url="https://127.0.0.1:${master_port[1]}/status"
curl_tls --cert "$certs/ctl.pem" --key "$certs/ctl-key.pem" "$status_url" >/dev/null ||
  fail "an allowed client certificate cannot read /status"
if curl -fsS --max-time 5 "http://127.0.0.1:${master_port[1]}/status" >/dev/null 2>&1; then
  fail "the master answers plain HTTP with TLS on"
fi
if curl_tls "$status_url" >/dev/null 2>&1; then fail "the master answers a client without a certificate"; fi
for cert in intruder stranger; do
  if answer=$(dmctl_as "$cert" list-member 2>&1); then fail "dmctl with the $cert certificate was served: $answer"; fi
done
if answer=$("$DM_BIN_DIR/dmctl" --master-addr "$masters" --rpc-timeout 5s list-member 2>&1); then
  fail "dmctl without TLS was served: $answer"
fi
pass "plain HTTP, no certificate, another CA's certificate and a CN outside cert-allowed-cn are all refused"

"$DM_BIN_DIR/dm-worker" --config "$work/worker.toml" 2>>"$work/w1.err" &
pids+=($!)
wait_for 30 "the worker to register over TLS ($(tail -2 "$work/w1.err" 2>/dev/null))" worker_free
pass "the worker keeps its lease through the masters over TLS"

db_security="security: {ssl-ca: \"$certs/ca.pem\", cert-allowed-cn: [\"dm-node\"]}"
cipher=$("$DM_BIN_DIR/dmctl" encrypt tls-secret-pw)
cat >"$work/source.yaml" <<YAML
source-id: "tls-src"
from: {host: "127.0.0.1", port: $db_port, user: "dmtls", password: "$cipher", $db_security}
YAML
cat >"$work/task.yaml" <<YAML
name: "tls_task"
task-mode: all
meta-schema: "tls_meta"
target-database: {host: "127.0.0.1", port: $db_port, user: "dmtls", password: "tls-secret-pw", $db_security}
block-allow-list:
  up: {do-dbs: ["tls_up"]}
routes:
  down: {schema-pattern: "tls_up", target-schema: "tls_down"}
syncers:
  fast: {checkpoint-flush-interval: 1}
loaders:
  here: {dir: "$work/dump"}
mysql-instances:
  - {source-id: "tls-src", block-allow-list: "up", route-rules: ["down"], syncer-config-name: "fast", loader-config-name: "here"}
YAML
answer=$(dmctl operate-source create "$work/source.yaml") || fail "operate-source create: $answer"
answer=$(dmctl start-task "$work/task.yaml") || fail "start-task: $answer"
in_sync() { synced_one tls_task "$work/task.yaml" "$work/source.yaml"; }
wait_for 120 "dump, load and sync over TLS" in_sync
sql "$db_port" -e "UPDATE tls_up.t SET v = CONCAT(v, '+') WHERE id % 3 = 0; DELETE FROM tls_up.t WHERE id % 11 = 0;
  INSERT INTO tls_up.t VALUES (100000, 'late', NULL);"
wait_for 60 "sync of the upstream changes over TLS" in_sync
pass "task-mode all through the TLS cluster (REQUIRE SSL user everywhere); dm-diff finds the target equal"

# The follower forwards to the leader over TLS.
leader=$(dmctl list-member --leader | json_field "d['members'][0]['leader']['name']")
follower=$([ "$leader" = m1 ] && echo 2 || echo 1)
answer=$("$DM_BIN_DIR/dmctl" --master-addr "127.0.0.1:${master_port[$follower]}" --ssl-ca "$certs/ca.pem" \
  --ssl-cert "$certs/ctl.pem" --ssl-key "$certs/ctl-key.pem" query-status tls_task) ||
  fail "query-status through the follower m$follower failed: $answer"
pass "the follower m$follower forwards dmctl's request to the leader $leader over TLS"

for what in "get-config source tls-src" "get-config task tls_task" "query-status tls_task"; do
  # shellcheck disable=SC2086
  answer=$(dmctl $what) || fail "$what failed: $answer"
  if grep -qF -e tls-secret-pw -e "$cipher" <<<"$answer"; then fail "$what shows the password: $answer"; fi
done
pass "get-config and query-status never show the password"

# get-config master|worker: the member's running config as TOML, which the
# leader asks that member for over TLS; paths of the key files are shown,
# their contents and passwords never. An unknown name is refused.
key_line=$(sed -n 2p "$certs/server-key.pem")
for member in "master m1 master-addr = \"127.0.0.1:${master_port[1]}\"" \
  "master m2 master-addr = \"127.0.0.1:${master_port[2]}\"" "worker w1 worker-addr = \"127.0.0.1:$worker_port\""; do
  read -r kind name address_line <<<"$member"
  answer=$(dmctl get-config "$kind" "$name") || fail "get-config $kind $name failed: $answer"
  cfg=$(json_field "d['cfg']" <<<"$answer")
  for line in "name = \"$name\"" "$address_line" "ssl-key = \"$certs/server-key.pem\"" \
    'cert-allowed-cn = ["dm-node", "dm-ctl"]'; do
    grep -qxF "$line" <<<"$cfg" || fail "get-config $kind $name lacks '$line': $cfg"
  done
  if grep -qF -e "$key_line" -e "PRIVATE KEY" -e tls-secret-pw -e "$cipher" <<<"$answer"; then
    fail "get-config $kind $name shows key contents or a password: $answer"
  fi
done
if answer=$(dmctl get-config worker nobody); then fail "get-config of an unknown worker succeeded: $answer"; fi
grep -q "dm-worker with name nobody not exists" <<<"$answer" ||
  fail "get-config worker nobody gives no clear reason: $answer"
pass "get-config master m1, master m2 and worker w1 show each member's config (names, addresses, key paths), no secrets"
