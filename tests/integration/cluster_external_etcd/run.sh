#!/usr/bin/env bash
# Masters on an external etcd (`etcd-endpoints`), on real processes: the test
# runs one etcd (Debian's etcd-server) itself; two dm-masters use it instead
# of their own members, elect a leader and list each other; a worker joins and
# a task-mode all task syncs (dm-diff); the leader is killed -9: the other
# master leads, the dead one leaves list-member by itself a TTL later and
# offline-member says so; sync goes on; the killed master comes back. join
# with etcd-endpoints is refused with the key named.
source "$(dirname "$0")/../_utils/lib.sh"
source "$(dirname "$0")/../_utils/cluster.sh"
use_shared_mariadb
work=$(mktemp -d)
db="ext_$$_$RANDOM"
pids=()
cleanup() {
  kill_started
  sql "$up_port" -e "DROP DATABASE IF EXISTS ${db}_up" || true
  sql "$down_port" -e "DROP DATABASE IF EXISTS $db; DROP DATABASE IF EXISTS ${db}_meta" || true
  cleanup_work
}
trap cleanup EXIT
alloc_ports 5
etcd_client=${ALLOCATED_PORTS[0]} etcd_peer=${ALLOCATED_PORTS[1]} worker_port=${ALLOCATED_PORTS[4]}
master_port[1]=${ALLOCATED_PORTS[2]}
master_port[2]=${ALLOCATED_PORTS[3]}
masters="127.0.0.1:${master_port[1]},127.0.0.1:${master_port[2]}"
endpoints="http://127.0.0.1:$etcd_client"

etcd --name ext --data-dir "$work/etcd" --listen-client-urls "$endpoints" --advertise-client-urls "$endpoints" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
  --initial-cluster "ext=http://127.0.0.1:$etcd_peer" >"$work/etcd.log" 2>&1 &
pids+=($!)
wait_http "$endpoints/health" 30 || fail "the external etcd did not start: $(tail -3 "$work/etcd.log")"

dmctl() { "$DM_BIN_DIR/dmctl" --master-addr "$masters" --rpc-timeout 20s "$@"; }
start_master() {  # start_master I
  "$DM_BIN_DIR/dm-master" --name "m$1" --master-addr "127.0.0.1:${master_port[$1]}" --etcd-endpoints "$endpoints" \
    --data-dir "$work/m$1" --log-file "$work/m$1.log" 2>>"$work/m$1.err" &
  master_pid[$1]=$!
  pids+=("${master_pid[$1]}")
}
leader() { dmctl list-member --leader 2>/dev/null | json_field "d['members'][0]['leader']['name']" 2>/dev/null; }
has_leader() { [ -n "$(leader)" ]; }
masters_listed() {  # masters_listed "['m1', 'm2']": list-member names exactly these masters
  [ "$(dmctl list-member --master | json_field "sorted(m['name'] for m in d['members'][0]['master']['masters'])")" = "$1" ]
}

if "$DM_BIN_DIR/dm-master" --name bad --master-addr 127.0.0.1:1 --etcd-endpoints "$endpoints" \
  --join "$masters" >"$work/bad.out" 2>&1; then
  fail "dm-master accepted join together with etcd-endpoints"
fi
grep -q "etcd-endpoints" "$work/bad.out" || fail "the refusal does not name etcd-endpoints: $(cat "$work/bad.out")"
pass "join with etcd-endpoints is refused, naming the key"

for i in 1 2; do start_master "$i"; done
wait_for 30 "a leader on the external etcd" has_leader
wait_for 10 "both masters in list-member" masters_listed "['m1', 'm2']"
[ ! -e "$work/m1/member" ] || fail "a master on an external etcd started its own member"
pass "two masters share the external etcd, elect $(leader) and list each other"

"$DM_BIN_DIR/dm-worker" --name w1 --worker-addr "127.0.0.1:$worker_port" --join "$masters" --keepalive-ttl 5 \
  --log-file "$work/w1.log" 2>>"$work/w1.err" &
pids+=($!)
sql "$up_port" -e "CREATE DATABASE ${db}_up CHARACTER SET utf8mb4;
  CREATE TABLE ${db}_up.t (id INT PRIMARY KEY, v VARCHAR(32));
  INSERT INTO ${db}_up.t SELECT seq, CONCAT('v', seq) FROM ${db}_up.seq_1_to_2000;"
write_source_yaml "ext-src"
cat >"$work/task.yaml" <<YAML
name: "$db"
task-mode: all
meta-schema: "${db}_meta"
target-database: {host: "127.0.0.1", port: $down_port, user: "dm", password: "$pw"}
block-allow-list:
  up: {do-dbs: ["${db}_up"]}
routes:
  down: {schema-pattern: "${db}_up", target-schema: "$db"}
syncers:
  fast: {checkpoint-flush-interval: 1}
loaders:
  here: {dir: "$work/dump"}
mysql-instances:
  - {source-id: "ext-src", block-allow-list: "up", route-rules: ["down"], syncer-config-name: "fast", loader-config-name: "here"}
YAML
wait_for 30 "the worker to register" worker_free
answer=$(dmctl operate-source create "$work/source.yaml") || fail "operate-source create: $answer"
answer=$(dmctl start-task "$work/task.yaml") || fail "start-task: $answer"
in_sync() { synced_one "$db" "$work/task.yaml" "$work/source.yaml"; }
wait_for 120 "dump, load and sync" in_sync
pass "a task-mode all task runs through masters on the external etcd; target equals upstream"

old_leader=$(leader)
kill -9 "${master_pid[${old_leader#m}]}"
survivor=$([ "$old_leader" = m1 ] && echo m2 || echo m1)
new_leader() { [ "$(leader)" = "$survivor" ]; }
wait_for 15 "$survivor to lead after $old_leader was killed" new_leader
wait_for 15 "$old_leader to leave list-member" masters_listed "['$survivor']"
if answer=$(dmctl offline-member --master --name "$survivor"); then fail "offline-member removed a live master: $answer"; fi
grep -q "still online" <<<"$answer" || fail "offline-member of a live master gives no clear reason: $answer"
if answer=$(dmctl offline-member --master --name "$old_leader"); then fail "offline-member of a gone master succeeded: $answer"; fi
grep -q "leave by themselves" <<<"$answer" || fail "offline-member of a gone master gives no clear reason: $answer"
sql "$up_port" -e "UPDATE ${db}_up.t SET v = CONCAT(v, '+') WHERE id % 3 = 0; DELETE FROM ${db}_up.t WHERE id % 7 = 0"
wait_for 60 "sync after the leader change" in_sync
pass "leader $old_leader killed -9: $survivor leads, $old_leader leaves list-member by itself, sync goes on"

start_master "${old_leader#m}"
wait_for 15 "$old_leader to come back" masters_listed "['m1', 'm2']"
pass "the restarted master $old_leader is listed again"
