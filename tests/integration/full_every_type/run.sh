#!/usr/bin/env bash
# Every column type and edge value (tests/data/sql/every_type.sql: zero dates,
# multi-MB BLOBs, 0x00 bytes, emoji, latin1 and binary character sets, generated
# columns, a keyless table with duplicate rows, identifiers needing quoting)
# through a standalone task-mode full run; dm-diff must find them byte-identical.
source "$(dirname "$0")/../_utils/lib.sh"
: "${DM_TEST_ENV_FILE:?run through ctest (needs the mariadb fixture)}"
env_value() { sed -n "s/^$1=//p" "$DM_TEST_ENV_FILE"; }
up_port=$(env_value DM_TEST_UPSTREAM_PORT)
down_port=$(env_value DM_TEST_DOWNSTREAM_PORT)
pw=$(env_value DM_TEST_UPSTREAM_PASSWORD)
work=$(mktemp -d)
db="types_$$_$RANDOM"
sql() { mariadb --no-defaults --default-character-set=utf8mb4 -N -B -h127.0.0.1 -P"$1" -udm -p"$pw" "${@:2}"; }
trap 'sql "$up_port" -e "DROP DATABASE IF EXISTS $db" || true; sql "$down_port" -e "DROP DATABASE IF EXISTS $db; DROP DATABASE IF EXISTS ${db}_meta" || true; cleanup_ports; rm -rf "$work"' EXIT
alloc_ports 1

sql "$up_port" -e "CREATE DATABASE $db CHARACTER SET utf8mb4"
sql "$up_port" --max-allowed-packet=256M -D "$db" <"$DM_SOURCE_DIR/tests/data/sql/every_type.sql"
cat >"$work/source.yaml" <<YAML
source-id: "types-src"
from: {host: "127.0.0.1", port: $up_port, user: "dm", password: "$pw"}
YAML
cat >"$work/task.yaml" <<YAML
name: "$db"
task-mode: full
meta-schema: "${db}_meta"
target-database: {host: "127.0.0.1", port: $down_port, user: "dm", password: "$pw"}
block-allow-list:
  only: {do-dbs: ["$db"]}
mydumpers:
  tiny: {threads: 2, rows: 2, statement-size: 4096}
loaders:
  here: {pool-size: 2, dir: "$work/dump"}
mysql-instances:
  - {source-id: "types-src", block-allow-list: "only", mydumper-config-name: "tiny", loader-config-name: "here"}
YAML
"$DM_BIN_DIR/dm-worker" --task "$work/task.yaml" --source "$work/source.yaml" \
  --worker-addr "127.0.0.1:${ALLOCATED_PORTS[0]}" --log-file "$work/worker.log" ||
  fail "the full task failed: $(tail -5 "$work/worker.log")"
pass "task-mode full finished"
DM_DIFF_SOURCE_PASSWORD=$pw DM_DIFF_TARGET_PASSWORD=$pw "$DM_BIN_DIR/dm-diff" \
  --source "dm@127.0.0.1:$up_port" --target "dm@127.0.0.1:$down_port" --schema "$db" ||
  fail "the target differs from the upstream"
pass "every type arrived byte-identical"
