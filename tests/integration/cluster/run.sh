#!/usr/bin/env bash
# The cluster on real processes (TTLs 5 s): three dm-masters forming one etcd
# cluster, three dm-workers, two sources (two schemas of the shared upstream,
# each a source of its own), a sharded task-mode all task merged by routes.
# Then: the leader master is killed -9 (a new leader answers within 15 s); a
# bound worker is killed -9 during writes (its source moves to the free
# worker after the TTL, sync resumes from the checkpoint, data stays exact);
# pause, resume and stop. dm-diff checks every stage row by row. On the way:
# check-task (a passing task; one whose routes merge tables of different
# shapes fails schema_of_shard_tables, and start-task refuses it), the
# precheck at start-task, offline-member of the killed worker and master, and
# operate-leader evict handing leadership to another master.
source "$(dirname "$0")/../_utils/lib.sh"
source "$(dirname "$0")/../_utils/cluster.sh"
use_shared_mariadb
work=$(mktemp -d)
db="cl_$$_$RANDOM"
pids=()
cleanup() {
  kill_started
  kill -9 $(jobs -p) 2>/dev/null || true
  sql "$up_port" -e "DROP DATABASE IF EXISTS ${db}_1; DROP DATABASE IF EXISTS ${db}_2" || true
  sql "$down_port" -e "DROP DATABASE IF EXISTS $db; DROP DATABASE IF EXISTS ${db}_meta" || true
  cleanup_work
}
trap cleanup EXIT
alloc_ports 10
prom_port=${ALLOCATED_PORTS[9]}
for i in 1 2 3; do
  master_port[$i]=${ALLOCATED_PORTS[$((i - 1))]}
  peer_port[$i]=${ALLOCATED_PORTS[$((i + 2))]}
  worker_port[$i]=${ALLOCATED_PORTS[$((i + 5))]}
done
masters="127.0.0.1:${master_port[1]},127.0.0.1:${master_port[2]},127.0.0.1:${master_port[3]}"
initial="m1=http://127.0.0.1:${peer_port[1]},m2=http://127.0.0.1:${peer_port[2]},m3=http://127.0.0.1:${peer_port[3]}"

# dmctl ARGS...: dmctl against all three masters (it moves on from a dead
# one; followers forward to the leader).
dmctl() { "$DM_BIN_DIR/dmctl" --master-addr "$masters" --rpc-timeout 20s "$@"; }

start_master() {  # start_master I
  "$DM_BIN_DIR/dm-master" --name "m$1" --master-addr "127.0.0.1:${master_port[$1]}" \
    --peer-urls "http://127.0.0.1:${peer_port[$1]}" --initial-cluster "$initial" \
    --data-dir "$work/m$1" --log-file "$work/m$1.log" 2>>"$work/m$1.err" &
  master_pid[$1]=$!
  pids+=("${master_pid[$1]}")
}
start_worker() {  # start_worker I
  "$DM_BIN_DIR/dm-worker" --name "w$1" --worker-addr "127.0.0.1:${worker_port[$1]}" --join "$masters" \
    --keepalive-ttl 5 --log-file "$work/w$1.log" 2>>"$work/w$1.err" &
  worker_pid[$1]=$!
  pids+=("${worker_pid[$1]}")
}
# leader: the leader's name, or nothing while there is none.
leader() { dmctl list-member --leader 2>/dev/null | json_field "d['members'][0]['leader']['name']" 2>/dev/null; }
has_leader() { [ -n "$(leader)" ]; }

for i in 1 2 3; do start_master "$i"; done
for i in 1 2 3; do wait_http "http://127.0.0.1:${master_port[$i]}/status" 60 || fail "m$i did not start: $(tail -3 "$work/m$i.err")"; done
wait_for 30 "a leader" has_leader
pass "three masters form one cluster and elect $(leader)"

for i in 1 2 3; do start_worker "$i"; done
workers_free() {
  [ "$(dmctl list-member --worker |
    json_field "sum(1 for w in d['members'][0]['worker']['workers'] if w['stage'] == 'free')")" = 3 ]
}
wait_for 30 "three free workers" workers_free
pass "three workers registered and free"

# Two sources: two schemas of the shared upstream, each its own source-id,
# sharded tables merged into one target table by routes.
for s in 1 2; do
  sql "$up_port" -e "CREATE DATABASE ${db}_$s CHARACTER SET utf8mb4"
  sql "$up_port" -D "${db}_$s" -e "
    CREATE TABLE t (id BIGINT PRIMARY KEY, shard INT, v VARCHAR(64), n INT);
    CREATE TABLE nokey_$s (a INT, b VARCHAR(20));
    INSERT INTO t SELECT seq * 10 + $s, $s, CONCAT('v', seq), seq FROM seq_1_to_2000;
    INSERT INTO nokey_$s VALUES (1, 'dup'), (1, 'dup'), (NULL, NULL);"
  cat >"$work/source$s.yaml" <<YAML
source-id: "src-$s"
from: {host: "127.0.0.1", port: $up_port, user: "dm", password: "$pw"}
YAML
done
cat >"$work/task.yaml" <<YAML
name: "$db"
task-mode: all
meta-schema: "${db}_meta"
target-database: {host: "127.0.0.1", port: $down_port, user: "dm", password: "$pw"}
block-allow-list:
  s1: {do-dbs: ["${db}_1"]}
  s2: {do-dbs: ["${db}_2"]}
routes:
  schema: {schema-pattern: "${db}_*", target-schema: "$db"}
  shard: {schema-pattern: "${db}_*", table-pattern: "t", target-schema: "$db", target-table: "t"}
syncers:
  small: {worker-count: 4, batch: 50, checkpoint-flush-interval: 1}
loaders:
  here: {pool-size: 2, dir: "$work/dump"}
mysql-instances:
  - {source-id: "src-1", block-allow-list: "s1", route-rules: ["schema", "shard"], syncer-config-name: "small", loader-config-name: "here"}
  - {source-id: "src-2", block-allow-list: "s2", route-rules: ["schema", "shard"], syncer-config-name: "small", loader-config-name: "here"}
YAML
answer=$(dmctl operate-source create "$work/source1.yaml" "$work/source2.yaml") || fail "operate-source create: $answer"
[ "$(echo "$answer" | json_field "d['result'] and all(s['worker'] for s in d['sources'])")" = True ] ||
  fail "operate-source create did not bind both sources: $answer"
pass "operate-source create binds each source to its own worker"

# check-task: the task passes (keyless tables and MariaDB only warn, and the
# warnings are reported by their items).
answer=$(dmctl check-task "$work/task.yaml") || fail "check-task of a good task failed: $answer"
grep -q "table structure compatibility check" <<<"$answer" || fail "check-task reports no table_schema item: $answer"
grep -q "\`${db}_1\`.\`nokey_1\` primary/unique key does not exist" <<<"$answer" ||
  fail "check-task does not warn about the keyless table: $answer"
pass "check-task passes a good task and warns about keyless tables"
# A task whose routes merge the keyless tables into t: the shard check
# fails, check-task says so in DM's report, start-task refuses to start it.
sed -e "s/^name: .*/name: \"${db}_bad\"/" -e "s/${db}_meta/${db}_bad_meta/" \
  -e "s/^  shard: .*/  shard: {schema-pattern: \"${db}_*\", table-pattern: \"*\", target-schema: \"$db\", target-table: \"t\"}/" \
  "$work/task.yaml" >"$work/bad.yaml"
if answer=$(dmctl check-task "$work/bad.yaml"); then fail "check-task passed tables of different shapes: $answer"; fi
grep -q "code=26005.*fail to check synchronization configuration" <<<"$answer" || fail "no DM check failure: $answer"
grep -q "sharding table \`$db\`.\`t\` consistency checking" <<<"$answer" || fail "the shard item is not named: $answer"
grep -q '"failed": [1-9]' <<<"$answer" || fail "the report counts no failure: $answer"
# dmctl's --error/--warn limit what the report shows, not its summary.
if answer=$(dmctl check-task "$work/bad.yaml" --error 0 --warn 0); then fail "check-task -e 0 passed: $answer"; fi
grep -q '"results": \[\]' <<<"$answer" || fail "check-task -e 0 -w 0 still shows results: $answer"
grep -q '"failed": [1-9]' <<<"$answer" || fail "check-task -e 0 lost the summary: $answer"
if answer=$(dmctl start-task "$work/bad.yaml"); then fail "start-task started a task that fails the precheck: $answer"; fi
grep -q "checkResult.*code=26005" <<<"$answer" || fail "start-task gives no check report: $answer"
dmctl query-status | json_field "'${db}_bad' not in [t['taskName'] for t in d['tasks']]" | grep -qx True ||
  fail "the refused task exists anyway"
sed -i "s/^task-mode: all/&\nignore-checking-items: [\"schema_of_shard_tables\"]/" "$work/bad.yaml"
answer=$(dmctl check-task "$work/bad.yaml") || fail "check-task with the item ignored failed: $answer"
pass "check-task reports tables of different shapes (schema_of_shard_tables), start-task refuses; ignoring the item passes"

answer=$(dmctl start-task "$work/task.yaml") || fail "start-task failed: $answer"
grep -q '"checkResult": "{' <<<"$answer" || fail "start-task did not precheck the task: $answer"
if answer=$(dmctl start-task "$work/task.yaml"); then fail "a second start-task of the same task succeeded: $answer"; fi
grep -q "already exist" <<<"$answer" || fail "a second start-task gives no clear reason: $answer"

# in_sync: both subtasks report unit Sync, and the target equals the upstream.
in_sync() {
  dmctl query-status "$db" >"$work/status.json" || return 1
  [ "$(json_field "all(s['subTaskStatus'] and s['subTaskStatus'][0]['unit'] == 'Sync' for s in d['sources'])" \
    <"$work/status.json")" = True ] || return 1
  "$DM_BIN_DIR/dm-diff" --task "$work/task.yaml" --source "$work/source1.yaml" --source "$work/source2.yaml" \
    >"$work/diff.out" 2>&1
}
wait_for 120 "dump, load and sync of both sources" in_sync
pass "task-mode all through the cluster: dump, load, sync; target equals upstream"

for s in 1 2; do
  sql "$up_port" -D "${db}_$s" -e "
    UPDATE t SET v = CONCAT(v, '+') WHERE id % 3 = 0;
    UPDATE t SET id = id + 100000 WHERE id BETWEEN 100 AND 200;
    DELETE FROM t WHERE id % 7 = 0;
    INSERT INTO nokey_$s VALUES (1, 'dup'), (2, 'two');
    DELETE FROM nokey_$s WHERE a IS NULL;"
done
wait_for 60 "sync of updates, key changes and deletes" in_sync
pass "sync applies updates, key-changing updates and deletes of both sources"

# A Prometheus server (Debian's) scrapes every master's and worker's one port.
cat >"$work/prometheus.yml" <<YAML
global: {scrape_interval: 1s}
scrape_configs:
  - job_name: dm-master
    static_configs: [{targets: ["127.0.0.1:${master_port[1]}", "127.0.0.1:${master_port[2]}", "127.0.0.1:${master_port[3]}"]}]
  - job_name: dm-worker
    static_configs: [{targets: ["127.0.0.1:${worker_port[1]}", "127.0.0.1:${worker_port[2]}", "127.0.0.1:${worker_port[3]}"]}]
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)
prom_query() { curl -fsS --get "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1"; }
scraped() {
  [ "$(prom_query 'sum(up)' | json_field "d['data']['result'][0]['value'][1]")" = 6 ] &&
    [ "$(prom_query "count(dm_worker_task_state{task=\"$db\"} == 2)" | json_field "d['data']['result'][0]['value'][1]")" = 2 ] &&
    [ "$(prom_query 'count(dm_master_worker_state)' | json_field "d['data']['result'][0]['value'][1]")" -ge 3 ]
}
wait_for 60 "Prometheus to scrape all six ports and the task state" scraped
pass "Prometheus scrapes /metrics on every master and worker port (dm_worker_task_state, dm_master_worker_state)"

# Kill the leader master: its etcd member dies with it; another master leads
# and serves within 15 s.
old_leader=$(leader)
old_index=${old_leader#m}
kill -9 "${master_pid[$old_index]}"
killed_at=$SECONDS
new_leader_elected() { local l; l=$(leader); [ -n "$l" ] && [ "$l" != "$old_leader" ]; }
wait_for 15 "a new leader after killing $old_leader" new_leader_elected
pass "leader $old_leader killed -9; $(leader) leads after $((SECONDS - killed_at)) s"
dmctl query-status "$db" >/dev/null || fail "query-status fails after the leader change"

# Kill a bound worker during writes: after the TTL its source moves to the
# free worker, which resumes from the checkpoint; nothing lost or doubled.
bound_of() {  # bound_of SOURCE: the worker bound to SOURCE
  dmctl list-member --worker |
    json_field "[w['name'] for w in d['members'][0]['worker']['workers'] if w['source'] == '$1' and w['stage'] == 'bound'][0]"
}
victim=$(bound_of src-1)
[ -n "$victim" ] || fail "src-1 is not bound"
(for i in $(seq 1 300); do
  sql "$up_port" -D "${db}_1" -e "UPDATE t SET n = n + 1 WHERE id % 13 = $((i % 13)); INSERT INTO nokey_1 VALUES ($i, 'w');
    UPDATE t SET id = id + 1000000 WHERE id = $((i * 10 + 1))" || exit 1
  sleep 0.02
done) &
writer=$!
sleep 2
kill -9 "${worker_pid[${victim#w}]}"
wait "$writer" || fail "the concurrent writer failed"
moved() { local w; w=$(bound_of src-1); [ -n "$w" ] && [ "$w" != "$victim" ]; }
wait_for 30 "src-1 to move off $victim" moved
wait_for 90 "sync of src-1 on $(bound_of src-1) after the failover" in_sync
pass "bound worker $victim killed -9 during writes: src-1 moved to $(bound_of src-1); target equals upstream"

# offline-member: a live worker or master is refused; the killed worker and
# the killed master are removed.
live=$(bound_of src-1)
if answer=$(dmctl offline-member --worker --name "$live"); then fail "offline-member removed a live worker: $answer"; fi
grep -q "still online" <<<"$answer" || fail "offline-member of a live worker gives no clear reason: $answer"
answer=$(dmctl offline-member --worker --name "$victim") || fail "offline-member of the killed worker failed: $answer"
[ "$(dmctl list-member --worker | json_field "'$victim' in [w['name'] for w in d['members'][0]['worker']['workers']]")" = False ] ||
  fail "offline-member left $victim registered"
if answer=$(dmctl offline-member --master --name "$(leader)"); then fail "offline-member removed a live master: $answer"; fi
answer=$(dmctl offline-member --master --name "$old_leader") || fail "offline-member of the killed master failed: $answer"
[ "$(dmctl list-member --master | json_field "sorted(m['name'] for m in d['members'][0]['master']['masters'])")" = \
  "$(python3 -c "print(sorted({'m1','m2','m3'} - {'$old_leader'}))")" ] || fail "offline-member left $old_leader an etcd member"
pass "offline-member removes the killed worker $victim and master $old_leader, refuses live ones"
# get-config master: a live follower answers with its own config; the killed
# master's presence key expired, so it is refused by name.
follower=$(python3 -c "print(sorted({'m1','m2','m3'} - {'$old_leader', '$(leader)'})[0])")
answer=$(dmctl get-config master "$follower") || fail "get-config master $follower failed: $answer"
grep -qxF "master-addr = \"127.0.0.1:${master_port[${follower#m}]}\"" <<<"$(json_field "d['cfg']" <<<"$answer")" ||
  fail "get-config master $follower does not show its master-addr: $answer"
if answer=$(dmctl get-config master "$old_leader"); then fail "get-config of the killed master answered: $answer"; fi
grep -q "dm-master with name $old_leader not exists" <<<"$answer" || fail "get-config of a killed master: $answer"
pass "get-config master $follower is answered by that master; the killed $old_leader is refused"

# operate-leader evict on the leader: the other master takes over, dmctl
# keeps working; cancel-evict lets it campaign again.
evicted=$(leader)
evicted_addr="127.0.0.1:${master_port[${evicted#m}]}"
"$DM_BIN_DIR/dmctl" --master-addr "$evicted_addr" operate-leader evict >/dev/null || fail "operate-leader evict failed"
other_leads() { local l; l=$(leader); [ -n "$l" ] && [ "$l" != "$evicted" ]; }
wait_for 15 "another leader after evicting $evicted" other_leads
dmctl query-status "$db" >/dev/null || fail "query-status fails after the eviction"
"$DM_BIN_DIR/dmctl" --master-addr "$evicted_addr" operate-leader cancel-evict >/dev/null ||
  fail "operate-leader cancel-evict failed"
pass "operate-leader evict: $evicted resigned, $(leader) leads; cancel-evict accepted"

# pause-task stops both subtasks; writes wait; resume-task catches up.
answer=$(dmctl pause-task "$db") || fail "pause-task failed: $answer"
paused() {
  dmctl query-status "$db" |
    json_field "all(s['subTaskStatus'][0]['stage'] == 'Paused' for s in d['sources'])" | grep -qx True
}
wait_for 20 "both subtasks paused" paused
sql "$up_port" -D "${db}_2" -e "INSERT INTO t VALUES (99999992, 2, 'while paused', 0)"
sleep 2
[ "$(sql "$down_port" -D "$db" -e "SELECT COUNT(*) FROM t WHERE id = 99999992")" = 0 ] ||
  fail "a paused task applied a change"
dmctl resume-task "$db" >/dev/null || fail "resume-task failed"
wait_for 60 "resume-task to catch up" in_sync
pass "pause-task stops applying; resume-task catches up"

# stop-task removes the task from the cluster.
dmctl stop-task "$db" >/dev/null || fail "stop-task failed"
stopped() { dmctl query-status | json_field "'$db' not in [t['taskName'] for t in d['tasks']]" | grep -qx True; }
wait_for 20 "stop-task" stopped
pass "stop-task removes the task"

# Restart from scratch with --remove-meta: the target schema is dropped, the
# task's checkpoints are removed, and the task dumps, loads and syncs again
# (src-1 on the worker it failed over to).
sql "$down_port" -e "DROP DATABASE $db"
answer=$(dmctl start-task --remove-meta "$work/task.yaml") || fail "start-task --remove-meta failed: $answer"
sql "$up_port" -D "${db}_1" -e "INSERT INTO t VALUES (99999991, 1, 'after restart', 0)"
wait_for 120 "the restarted task to dump, load and sync again" in_sync
pass "start-task --remove-meta after stop-task starts over: the target equals the upstream again"
