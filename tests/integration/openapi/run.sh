#!/usr/bin/env bash
# DM's OpenAPI (/api/v1) on real processes: two dm-masters with
# `openapi = true` (every change is sent to the follower, which forwards it
# to the leader), one dm-worker, one source on the shared upstream. A task
# made from DM's OpenAPI task object dumps, loads and syncs (dm-diff checks
# the target row by row), is stopped, updated and started, listed, and
# deleted; the upstream's schemas and tables, the task's migrate targets,
# the task converter and the cluster info answer from the real cluster; the
# source is disabled (its subtask pauses) and enabled again; bad
# requests get DM's error body naming the field.
source "$(dirname "$0")/../_utils/lib.sh"
source "$(dirname "$0")/../_utils/cluster.sh"
use_shared_mariadb
work=$(mktemp -d)
db="oa_$$_$RANDOM"
pids=()
cleanup() {
  kill_started
  sql "$up_port" -e "DROP DATABASE IF EXISTS ${db}_src" || true
  sql "$down_port" -e "DROP DATABASE IF EXISTS $db; DROP DATABASE IF EXISTS ${db}_meta" || true
  cleanup_work
}
trap cleanup EXIT
alloc_ports 5
master_port=("${ALLOCATED_PORTS[0]}" "${ALLOCATED_PORTS[1]}")
peer_port=("${ALLOCATED_PORTS[2]}" "${ALLOCATED_PORTS[3]}")
worker_port=${ALLOCATED_PORTS[4]}
initial="m0=http://127.0.0.1:${peer_port[0]},m1=http://127.0.0.1:${peer_port[1]}"
echo "openapi = true" >"$work/master.toml"
for i in 0 1; do
  "$DM_BIN_DIR/dm-master" --config "$work/master.toml" --name "m$i" --master-addr "127.0.0.1:${master_port[$i]}" \
    --peer-urls "http://127.0.0.1:${peer_port[$i]}" --initial-cluster "$initial" \
    --data-dir "$work/m$i" --log-file "$work/m$i.log" 2>>"$work/m$i.err" &
  pids+=($!)
done
for i in 0 1; do wait_http "http://127.0.0.1:${master_port[$i]}/status" 60 || fail "m$i did not start: $(tail -3 "$work/m$i.err")"; done

# api METHOD PORT PATH [BODY]: one OpenAPI call; sets $code and $body
# (code 000 when the master did not answer). A POST or DELETE always sends a
# body, empty by default: the HTTP server wants a Content-Length on them.
api() {
  local out data=()
  [ "$1" = GET ] || data=(--data "${4-}")
  if ! out=$(curl -sS -X "$1" -H 'Content-Type: application/json' "${data[@]}" -w '\n%{http_code}' \
    "http://127.0.0.1:$2$3" 2>&1); then
    code=000 body=$out
    return 0
  fi
  code=${out##*$'\n'}
  body=${out%$'\n'*}
}
# expect CODE JQ-FILTER WHAT: the last call answered CODE and its body satisfies the filter.
expect() {
  [ "$code" = "$1" ] || fail "$3: HTTP $code, wanted $1: $body"
  [ -z "$2" ] || echo "$body" | jq -e "$2" >/dev/null || fail "$3: body does not satisfy $2: $body"
}
leader_elected() {
  api GET "${master_port[0]}" /api/v1/cluster/masters
  [ "$code" = 200 ] && echo "$body" | jq -e '.total == 2 and ([.data[] | select(.leader)] | length) == 1'
}
wait_for 30 "a leader among two masters" leader_elected
leader=$(echo "$body" | jq -r '.data[] | select(.leader) | .name')
follower_port=${master_port[$((1 - ${leader#m}))]}
echo "$body" | jq -e '[.data[] | .alive] | all' >/dev/null || fail "a master is not alive: $body"
pass "GET /api/v1/cluster/masters: two masters, leader $leader"

"$DM_BIN_DIR/dm-worker" --name w1 --worker-addr "127.0.0.1:$worker_port" \
  --join "127.0.0.1:${master_port[0]},127.0.0.1:${master_port[1]}" --keepalive-ttl 5 \
  --log-file "$work/w1.log" 2>>"$work/w1.err" &
pids+=($!)
worker_w1_free() {
  api GET "$follower_port" /api/v1/cluster/workers
  echo "$body" | jq -e '.total == 1 and .data[0].name == "w1" and .data[0].bound_stage == "free"'
}
wait_for 30 "worker w1 free" worker_w1_free
api DELETE "$follower_port" /api/v1/cluster/workers/w1
expect 400 '.error_code == 49001 and (.error_msg | test("online"))' "offline of a live worker"
pass "GET /api/v1/cluster/workers (via the follower): w1 is free; DELETE of the live worker is refused"

sql "$up_port" -e "CREATE DATABASE ${db}_src CHARACTER SET utf8mb4"
sql "$up_port" -D "${db}_src" -e "
  CREATE TABLE t_1 (id BIGINT PRIMARY KEY, v VARCHAR(64));
  CREATE TABLE t_2 (id BIGINT PRIMARY KEY, v VARCHAR(64));
  CREATE TABLE skipped (id INT PRIMARY KEY);
  INSERT INTO t_1 SELECT seq * 2, CONCAT('a', seq) FROM seq_1_to_500;
  INSERT INTO t_2 SELECT seq * 2 + 1, CONCAT('b', seq) FROM seq_1_to_500;
  INSERT INTO skipped VALUES (1);"

source_json=$(jq -n --arg pw "$pw" --argjson port "$up_port" \
  '{source_name: "oa-src", host: "127.0.0.1", port: $port, user: "dm", password: $pw, enable_gtid: false}')
api POST "$follower_port" /api/v1/sources "$(jq -n --argjson s "$source_json" '{source: ($s + {hots: "x"})}')"
expect 400 '.error_code == 20004 and (.error_msg | test("source.hots: unknown field"))' "a source with an unknown field"
api POST "$follower_port" /api/v1/sources "$(jq -n --argjson s "$source_json" '{source: $s}')"
expect 201 '.source_name == "oa-src" and .password == "******" and .port == '"$up_port" "POST /api/v1/sources"
echo "$body" | grep -q -- "$pw" && fail "POST /api/v1/sources returned the password: $body"
api GET "$follower_port" /api/v1/sources/oa-src/status
expect 200 '.total == 1 and .data[0].source_name == "oa-src" and .data[0].worker_name == "w1"' "source status"
api GET "$follower_port" "/api/v1/sources?with_status=true"
expect 200 '.total == 1 and .data[0].password == "******" and .data[0].status_list[0].worker_name == "w1"' \
  "GET /api/v1/sources?with_status=true"
api PUT "$follower_port" /api/v1/sources/oa-src "$(jq -n --argjson s "$source_json" '{source: ($s + {purge: {interval: 600}})}')"
expect 200 '.source_name == "oa-src" and .purge.interval == 600 and .password == "******"' "PUT /api/v1/sources/{name}"
api PUT "$follower_port" /api/v1/sources/other "$(jq -n --argjson s "$source_json" '{source: $s}')"
expect 400 '.error_msg | test("a source is not renamed")' "PUT with another source name"
api GET "$follower_port" /api/v1/sources/no-such-source
expect 404 '.error_code == 49001' "GET of a missing source"
pass "sources: create (bound to w1), update, list, status; unknown field, rename and missing source refused"

# The task object of DM's OpenAPI: t_* merged into one target table, the
# other table left out by the migrate rules.
task_json=$(jq -n --arg db "$db" --arg pw "$pw" --argjson port "$down_port" --arg dir "$work/dump" '{
  name: $db, task_mode: "all", meta_schema: ($db + "_meta"), enhance_online_schema_change: true,
  on_duplicate: "replace",
  target_config: {host: "127.0.0.1", port: $port, user: "dm", password: $pw},
  table_migrate_rule: [{source: {source_name: "oa-src", schema: ($db + "_src"), table: "t_*"},
                        target: {schema: $db, table: "t"}}],
  source_config: {full_migrate_conf: {export_threads: 2, import_threads: 2, data_dir: $dir},
                  incr_migrate_conf: {repl_threads: 4, repl_batch: 50},
                  source_conf: [{source_name: "oa-src"}]}}')
api POST "$follower_port" /api/v1/tasks "$(jq -n --argjson t "$task_json" '{task: ($t + {export_threads: 2})}')"
expect 400 '.error_code == 20004 and (.error_msg | test("task.export_threads: unknown field"))' \
  "a task with a misplaced field"
api POST "$follower_port" /api/v1/tasks "$(jq -n --argjson t "$task_json" '{task: $t}')"
expect 201 ".name == \"$db\" and .target_config.password == \"******\" and
  .table_migrate_rule[0].target == {schema: \"$db\", table: \"t\"}" "POST /api/v1/tasks"
echo "$body" | grep -q -- "$pw" && fail "POST /api/v1/tasks returned the password: $body"

# dm-diff's view of the same task: t_1 and t_2 merged into $db.t.
write_source_yaml "oa-src"
cat >"$work/task.yaml" <<YAML
name: "$db"
task-mode: all
target-database: {host: "127.0.0.1", port: $down_port, user: "dm", password: "$pw"}
block-allow-list: {ba: {do-tables: [{db-name: "${db}_src", tbl-name: "t_*"}]}}
routes: {r: {schema-pattern: "${db}_src", table-pattern: "t_*", target-schema: "$db", target-table: "t"}}
mysql-instances: [{source-id: "oa-src", block-allow-list: "ba", route-rules: ["r"]}]
YAML
in_sync() {
  api GET "$follower_port" "/api/v1/tasks/$db/status"
  echo "$body" >"$work/status.json"
  echo "$body" | jq -e '.total == 1 and .data[0].unit == "Sync" and .data[0].worker_name == "w1"' || return 1
  "$DM_BIN_DIR/dm-diff" --task "$work/task.yaml" --source "$work/source.yaml" >"$work/diff.out" 2>&1
}
wait_for 120 "dump, load and sync" in_sync
[ "$(sql "$down_port" -e "SHOW TABLES FROM $db")" = t ] || fail "the target has other tables than t"
pass "task from DM's OpenAPI object: dump, load, sync into the merged table; target equals upstream"

api GET "$follower_port" /api/v1/sources/oa-src/schemas
expect 200 "index(\"${db}_src\") != null and index(\"mysql\") == null and index(\"information_schema\") == null" \
  "GET /api/v1/sources/{name}/schemas"
api GET "$follower_port" "/api/v1/sources/oa-src/schemas/${db}_src"
expect 200 'sort == ["skipped", "t_1", "t_2"]' "GET /api/v1/sources/{name}/schemas/{schema}"
api GET "$follower_port" "/api/v1/sources/oa-src/schemas/${db}_nothing"
expect 400 '.error_code == 49001 and (.error_msg | test("Unknown database"))' "tables of a missing schema"
api GET "$follower_port" /api/v1/sources/no-such-source/schemas
expect 400 '.error_msg | test("no-such-source does not exist")' "schemas of a missing source"
pass "source schemas (system schemas left out) and tables read from the upstream"

api GET "$follower_port" "/api/v1/tasks/$db/sources/oa-src/migrate_targets"
expect 200 ".total == 2 and ([.data[] | [.source_schema, .source_table, .target_schema, .target_table]] | sort) ==
  [[\"${db}_src\", \"t_1\", \"$db\", \"t\"], [\"${db}_src\", \"t_2\", \"$db\", \"t\"]]" \
  "GET migrate_targets"
api GET "$follower_port" "/api/v1/tasks/$db/sources/oa-src/migrate_targets?table_pattern=_2%24"
expect 200 '.total == 1 and .data[0].source_table == "t_2"' "migrate_targets with table_pattern"
api GET "$follower_port" "/api/v1/tasks/$db/sources/oa-src/migrate_targets?schema_pattern=%28"
expect 400 '.error_msg | test("schema_pattern")' "migrate_targets with a bad pattern"
api GET "$follower_port" "/api/v1/tasks/$db/sources/other-src/migrate_targets"
expect 400 '.error_msg | test("no subtask for source other-src")' "migrate_targets of a source not in the task"
pass "migrate_targets: the upstream tables the block-allow-list keeps, routed to $db.t (skipped is not listed)"

api POST "$follower_port" /api/v1/tasks/converters "$(jq -n --argjson t "$task_json" '{task: $t}')"
expect 200 ".task.name == \"$db\" and .task.target_config.password == \"******\" and
  (.task_config_file | test(\"target-table: t\"))" "POST /api/v1/tasks/converters (task)"
echo "$body" | grep -q -- "$pw" && fail "the converter returned the password: $body"
converted=$body
api POST "$follower_port" /api/v1/tasks/converters \
  "$(echo "$converted" | jq '{task_config_file: .task_config_file}')"
expect 200 "" "POST /api/v1/tasks/converters (task_config_file)"
[ "$(echo "$body" | jq -S .)" = "$(echo "$converted" | jq -S .)" ] ||
  fail "the file did not convert back to the same answer: $body vs $converted"
api POST "$follower_port" /api/v1/tasks/converters '{}'
expect 400 '.error_msg | test("exactly one of task")' "converter without input"
api POST "$follower_port" /api/v1/tasks/converters \
  "$(echo "$converted" | jq '{task_config_file: (.task_config_file | sub("oa-src"; "gone-src"))}')"
expect 400 '.error_code == 49002 and (.error_msg | test("gone-src"))' "converter of a task with an unknown source"
pass "converter: task object to YAML task file and back give the same answer; unknown sources refused"

api GET "$follower_port" /api/v1/cluster/info
expect 200 '(.cluster_id | type) == "number" and .cluster_id > 0 and (has("topology") | not)' "GET /api/v1/cluster/info"
cluster_id=$(echo "$body" | jq .cluster_id)
topology='{"master_topology_list": [{"name": "m0", "host": "127.0.0.1", "port": '"${master_port[0]}"'}],
  "grafana_topology": {"host": "127.0.0.1", "port": 3000}}'
api PUT "$follower_port" /api/v1/cluster/info "$topology"
expect 200 ".cluster_id == $cluster_id and .topology == $topology" "PUT /api/v1/cluster/info"
api PUT "$follower_port" /api/v1/cluster/info '{"grafana_topology": {"host": "127.0.0.1"}}'
expect 400 '.error_msg | test("topology.grafana_topology.port: required field is missing")' "PUT of a bad topology"
api GET "${master_port[0]}" /api/v1/cluster/info
expect 200 ".cluster_id == $cluster_id and .topology == $topology" "GET /api/v1/cluster/info after PUT"
pass "cluster info: one cluster id on both masters, topology stored and read back"

api PUT "$follower_port" "/api/v1/tasks/$db" "$(jq -n --argjson t "$task_json" '{task: $t}')"
expect 400 '.error_msg | test("is running on sources \\[oa-src\\]; stop it first")' "PUT of a running task"

api POST "$follower_port" "/api/v1/tasks/$db/stop"
expect 200 "" "POST stop"
paused() {
  api GET "$follower_port" "/api/v1/tasks/$db/status"
  echo "$body" | jq -e '.data[0].stage == "Paused"'
}
wait_for 30 "the task stopped" paused
sql "$up_port" -D "${db}_src" -e "UPDATE t_1 SET v = 'changed' WHERE id < 100; DELETE FROM t_2 WHERE id > 900;
  INSERT INTO t_2 VALUES (2001, 'new');"
updated_task=$(echo "$task_json" | jq '.source_config.incr_migrate_conf.repl_batch = 20')
api PUT "$follower_port" "/api/v1/tasks/$db" "$(jq -n --argjson t "$(echo "$updated_task" | jq '.meta_schema = "x"')" \
  '{task: $t}')"
expect 400 '.error_msg | test("task.meta_schema: cannot be updated")' "PUT changing meta_schema"
api PUT "$follower_port" "/api/v1/tasks/other" "$(jq -n --argjson t "$updated_task" '{task: $t}')"
expect 400 '.error_msg | test("a task is not renamed")' "PUT to another task's path"
api PUT "$follower_port" "/api/v1/tasks/$db" "$(jq -n --argjson t "$updated_task" '{task: $t}')"
expect 200 ".name == \"$db\" and .source_config.incr_migrate_conf.repl_batch == 20" "PUT /api/v1/tasks/{name}"
api GET "$follower_port" "/api/v1/tasks/$db"
expect 200 '.source_config.incr_migrate_conf.repl_batch == 20' "GET after PUT"
api POST "$follower_port" "/api/v1/tasks/$db/start" '{"remove_meta": true}'
expect 400 '.error_msg | test("remove_meta is applied when a task is created")' "start with remove_meta"
api POST "$follower_port" "/api/v1/tasks/$db/start" '{}'
expect 200 "" "POST start"
wait_for 60 "sync of the changes made while stopped" in_sync
pass "stop, update (repl_batch) and start: the task resumes from its checkpoint with the new file and catches up"

api POST "$follower_port" /api/v1/sources/oa-src/disable
expect 200 "" "POST /api/v1/sources/{name}/disable"
wait_for 30 "the source's subtask paused by disable" paused
api GET "$follower_port" /api/v1/sources/oa-src
expect 200 '.enable == false' "GET of a disabled source"
api POST "$follower_port" "/api/v1/tasks/$db/start" '{}'
expect 400 '.error_msg | test("source oa-src is not enabled")' "start on a disabled source"
sql "$up_port" -D "${db}_src" -e "INSERT INTO t_1 VALUES (3001, 'while disabled');"
api POST "$follower_port" /api/v1/sources/oa-src/enable
expect 200 "" "POST /api/v1/sources/{name}/enable"
api GET "$follower_port" /api/v1/sources/oa-src
expect 200 '.enable == true' "GET of an enabled source"
wait_for 60 "sync of the change made while the source was disabled" in_sync
api POST "$follower_port" /api/v1/sources/no-such-source/enable
expect 400 '.error_msg | test("no-such-source does not exist")' "enable of a missing source"
pass "disable pauses the source's subtasks and blocks start; enable resumes them and they catch up"

# An update the synced rows show: a binlog filter rule that ignores inserts.
api POST "$follower_port" "/api/v1/tasks/$db/stop"
expect 200 "" "POST stop before the filter update"
wait_for 30 "the task stopped" paused
filtered_task=$(echo "$updated_task" | jq '.binlog_filter_rule = {"no-insert": {ignore_event: ["insert"]}} |
  .table_migrate_rule[0].binlog_filter_rule = ["no-insert"]')
api PUT "$follower_port" "/api/v1/tasks/$db" "$(jq -n --argjson t "$filtered_task" '{task: $t}')"
expect 200 '.binlog_filter_rule["no-insert"].ignore_event == ["insert"]' "PUT adding a binlog filter rule"
api POST "$follower_port" "/api/v1/tasks/$db/start" '{}'
expect 200 "" "POST start after the filter update"
sql "$up_port" -D "${db}_src" -e "INSERT INTO t_1 VALUES (4001, 'filtered');
  UPDATE t_1 SET v = 'after-filter' WHERE id = 2;"
update_applied() { [ "$(sql "$down_port" -e "SELECT v FROM $db.t WHERE id = 2")" = after-filter ]; }
wait_for 60 "the update made after the filter rule" update_applied
[ "$(sql "$down_port" -e "SELECT COUNT(*) FROM $db.t WHERE id = 4001")" = 0 ] ||
  fail "the insert the updated task filters reached the target"
pass "an updated binlog_filter_rule applies once the task starts again: the insert is ignored, the later update applied"

api GET "$follower_port" "/api/v1/tasks?with_status=true"
expect 200 ".total == 1 and .data[0].name == \"$db\" and .data[0].status_list[0].stage == \"Running\" and
  .data[0].source_config.source_conf == [{source_name: \"oa-src\"}]" "GET /api/v1/tasks?with_status=true"
api GET "$follower_port" "/api/v1/tasks?stage=Running"
expect 200 ".total == 1 and .data[0].name == \"$db\" and (has(\"status_list\") | not)" "GET /api/v1/tasks?stage=Running"
api GET "$follower_port" "/api/v1/tasks?stage=Finished"
expect 200 '.total == 0' "GET /api/v1/tasks?stage=Finished"
api GET "$follower_port" "/api/v1/tasks/$db"
expect 200 ".name == \"$db\" and .target_config.password == \"******\"" "GET /api/v1/tasks/{name}"
api DELETE "$follower_port" /api/v1/sources/oa-src
expect 400 '.error_msg | test("used by tasks")' "deleting a source in use"
api PUT "$follower_port" /api/v1/sources/oa-src "$(jq -n --argjson s "$source_json" '{source: $s}')"
expect 400 '.error_msg | test("stop the task before updating")' "updating a source in use"
api DELETE "$follower_port" "/api/v1/tasks/$db"
expect 204 "" "DELETE /api/v1/tasks/{name}"
api GET "$follower_port" "/api/v1/tasks/$db"
expect 404 "" "GET of a deleted task"
# Created again with remove_meta, then removed with its source by force.
api POST "$follower_port" /api/v1/tasks "$(jq -n --argjson t "$task_json" '{task: $t, remove_meta: true}')"
expect 201 ".name == \"$db\"" "POST /api/v1/tasks with remove_meta"
api DELETE "$follower_port" "/api/v1/sources/oa-src?force=true"
expect 204 "" "DELETE /api/v1/sources/{name}?force=true"
api GET "${master_port[0]}" /api/v1/tasks
expect 200 '.total == 0' "tasks after the forced source delete"
api GET "${master_port[0]}" /api/v1/sources
expect 200 '.total == 0' "sources after delete"
pass "list and get tasks; delete a task; create with remove_meta; delete its source by force"
