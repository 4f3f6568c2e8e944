#!/usr/bin/env bash
# The main job, end to end on one machine: builds dm, starts two MariaDB
# instances (an upstream with a sample database and an empty target), writes
# DM-format source and task files (password encrypted with `dmctl encrypt`),
# starts a cluster (dm-master with its etcd member, one dm-worker), runs the
# task through dmctl (operate-source create, start-task, query-status) while
# the upstream changes, and compares upstream and target row by row with
# dm-diff.
#
#   ./scripts/demo.sh            run the demo, then stop the instances
#   ./scripts/demo.sh --keep     leave the instances running afterwards
#
# Everything lives under $DM_DEMO_DIR (default /tmp/dm-demo).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
keep=0
[ "${1:-}" = "--keep" ] && keep=1
demo_dir=${DM_DEMO_DIR:-/tmp/dm-demo}
build_dir=${BUILD_DIR:-build}
say() { printf '\n==> %s\n' "$*"; }

say "Installing dependencies and building dm"
./scripts/install-deps.sh
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target dm-master dm-worker dmctl dm-diff
bin="$root/$build_dir/bin"
"$bin/dm-worker" -V

say "Starting two MariaDB instances under $demo_dir"
export DM_INSTANCE_ROOT="$demo_dir/instances" DM_INSTANCE_PASSWORD=dm-demo-pw
mkdir -p "$demo_dir"
mapfile -t ports < <(./scripts/alloc-port.sh 2)
up_port=${ports[0]} target_port=${ports[1]}
cleanup() {
  if [ "$keep" = 0 ]; then
    say "Stopping the instances (use --keep to leave them running)"
    ./scripts/mariadb-instance.sh down demo-upstream "$up_port" || true
    ./scripts/mariadb-instance.sh down demo-target "$target_port" || true
    ./scripts/alloc-port.sh --release "$up_port" "$target_port"
  fi
}
trap cleanup EXIT
./scripts/mariadb-instance.sh up demo-upstream "$up_port"
./scripts/mariadb-instance.sh up demo-target "$target_port"
sql() { mariadb --no-defaults --default-character-set=utf8mb4 -h127.0.0.1 -P"$1" -udm -p"$DM_INSTANCE_PASSWORD" "${@:2}"; }

say "Creating the sample database 'shop' upstream (127.0.0.1:$up_port)"
sql "$up_port" <<'SQL'
DROP DATABASE IF EXISTS shop;
CREATE DATABASE shop CHARACTER SET utf8mb4;
USE shop;
CREATE TABLE customers (
  id INT UNSIGNED PRIMARY KEY,
  name VARCHAR(64) NOT NULL,
  email VARCHAR(128) UNIQUE,
  balance DECIMAL(12,2) NOT NULL DEFAULT 0,
  score DOUBLE,
  created DATETIME(6) NOT NULL,
  avatar BLOB,
  tier ENUM('free','pro','enterprise') NOT NULL DEFAULT 'free'
);
CREATE TABLE orders (
  id BIGINT PRIMARY KEY,
  customer_id INT UNSIGNED NOT NULL,
  amount DECIMAL(10,2) NOT NULL,
  note TEXT,
  KEY (customer_id)
);
INSERT INTO customers
  SELECT seq, CONCAT('customer ', seq, IF(seq % 7 = 0, ' 🚀', '')), CONCAT('c', seq, '@example.com'),
         (seq * 37 % 100000) / 100 - 250, seq / 3.0, '2024-01-01 00:00:00' + INTERVAL seq SECOND,
         IF(seq % 5 = 0, NULL, UNHEX(SHA2(seq, 256))), ELT(1 + seq % 3, 'free', 'pro', 'enterprise')
  FROM seq_1_to_20000;
INSERT INTO orders
  SELECT seq, 1 + seq % 20000, (seq % 9999) / 100, IF(seq % 3 = 0, NULL, REPEAT('x', seq % 50))
  FROM seq_1_to_100000;
SELECT (SELECT COUNT(*) FROM customers) AS customers, (SELECT COUNT(*) FROM orders) AS orders;
SQL

say "Writing DM-format config files to $demo_dir (password encrypted with dmctl encrypt)"
cipher=$("$bin/dmctl" encrypt "$DM_INSTANCE_PASSWORD")
cat >"$demo_dir/source.yaml" <<YAML
source-id: "demo-upstream"
enable-gtid: true
from:
  host: "127.0.0.1"
  port: $up_port
  user: "dm"
  password: "$cipher"
YAML
cat >"$demo_dir/task.yaml" <<YAML
name: "demo"
task-mode: all
meta-schema: "dm_meta"
target-database:
  host: "127.0.0.1"
  port: $target_port
  user: "dm"
  password: "$cipher"
block-allow-list:
  shop-only:
    do-dbs: ["shop"]
mydumpers:
  global:
    threads: 2
    rows: 20000
loaders:
  global:
    pool-size: 2
    dir: "$demo_dir/dump"
# query-status reports the flushed checkpoint (as DM does): flushed every 5 s
# instead of DM's default 30 s, so the demo sees the changes arrive sooner.
syncers:
  global:
    checkpoint-flush-interval: 5
mysql-instances:
  - source-id: "demo-upstream"
    block-allow-list: "shop-only"
    mydumper-config-name: "global"
    loader-config-name: "global"
    syncer-config-name: "global"
YAML
cat "$demo_dir/task.yaml"

say "Starting a cluster: one dm-master (with its own etcd member) and one dm-worker (logs under $demo_dir)"
rm -rf "$demo_dir/dump" "$demo_dir/master" "$demo_dir"/*.log
sql "$target_port" -e "DROP DATABASE IF EXISTS dm_meta; DROP DATABASE IF EXISTS shop"
mapfile -t cluster_ports < <(./scripts/alloc-port.sh 3)
master_addr=127.0.0.1:${cluster_ports[0]}
"$bin/dm-master" --name master1 --master-addr "$master_addr" --peer-urls "http://127.0.0.1:${cluster_ports[1]}" \
  --data-dir "$demo_dir/master" --log-file "$demo_dir/dm-master.log" &
cluster_pids=($!)
"$bin/dm-worker" --name worker1 --worker-addr "127.0.0.1:${cluster_ports[2]}" --join "$master_addr" \
  --log-file "$demo_dir/dm-worker.log" &
cluster_pids+=($!)
stop_cluster() {
  kill "${cluster_pids[@]}" 2>/dev/null || true
  wait "${cluster_pids[@]}" 2>/dev/null || true
  ./scripts/alloc-port.sh --release "${cluster_ports[@]}"
}
trap 'stop_cluster; cleanup' EXIT
dmctl() { "$bin/dmctl" --master-addr "$master_addr" "$@"; }
# wait_until SECONDS DESCRIPTION COMMAND...: retries COMMAND every half second.
wait_until() {
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge "$deadline" ]; then
      echo "timed out waiting for $what" >&2
      return 1
    fi
    sleep 0.5
  done
}
worker_free() { dmctl list-member --worker | grep -q '"stage": "free"'; }
wait_until 60 "dm-worker to register with dm-master" worker_free
dmctl list-member

say "dmctl operate-source create: the worker gets the source"
dmctl operate-source create "$demo_dir/source.yaml"

# caught_up: the subtask syncs and has applied the upstream's binlog up to
# where it is now (its current file and position, compared as DM prints them).
caught_up() {
  local upstream
  upstream=$(sql "$up_port" -N -e "SHOW MASTER STATUS" | awk '{print $1, $2}')
  dmctl query-status demo | python3 -c '
import json, re, sys
file, pos = sys.argv[1].split()
sub = json.load(sys.stdin)["sources"][0]["subTaskStatus"][0]
m = re.match(r"\((.*), (\d+)\)", sub.get("sync", {}).get("syncerBinlog", ""))
sys.exit(0 if sub["unit"] == "Sync" and m and (m.group(1), int(m.group(2))) >= (file, int(pos)) else 1)' "$upstream"
}

say "dmctl start-task: dump, load, then binlog sync"
start=$SECONDS
migrated=0
if dmctl start-task "$demo_dir/task.yaml" && wait_until 600 "the task to catch up" caught_up; then
  echo "dumped, loaded and caught up in $((SECONDS - start)) s"
  say "Changing the upstream (updates, a key change, deletes, a new column) while the task syncs"
  sql "$up_port" shop -e "UPDATE customers SET balance = balance + 1 WHERE id % 10 = 0;
    UPDATE orders SET id = id + 1000000 WHERE id <= 100; DELETE FROM orders WHERE id % 97 = 0;
    ALTER TABLE customers ADD COLUMN vip BOOLEAN NOT NULL DEFAULT FALSE AFTER email;
    UPDATE customers SET vip = TRUE WHERE tier = 'enterprise';"
  start=$SECONDS
  if wait_until 300 "the task to apply the changes" caught_up; then
    migrated=1
    echo "applied in $((SECONDS - start)) s"
  fi
fi
say "dmctl query-status demo"
dmctl query-status demo || true
[ "$migrated" = 1 ] || echo "the task did not catch up (see above, $demo_dir/dm-master.log and $demo_dir/dm-worker.log)."

say "Comparing upstream and target row by row with dm-diff"
set +e
DM_DIFF_SOURCE_PASSWORD=$DM_INSTANCE_PASSWORD DM_DIFF_TARGET_PASSWORD=$DM_INSTANCE_PASSWORD \
  "$bin/dm-diff" --source "dm@127.0.0.1:$up_port" --target "dm@127.0.0.1:$target_port" \
  --route 'shop.*=shop.*' --tables 'shop.*'
diff_code=$?
set -e
if [ "$migrated" = 1 ] && [ "$diff_code" = 0 ]; then
  say "Done: the target equals the upstream, row by row."
else
  say "The target differs from the upstream (dm-diff exit $diff_code)"
  exit 1
fi
