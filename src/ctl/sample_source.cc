#include "ctl/sample_source.h"

namespace dm::ctl {

std::string_view SampleSourceConfig() {
  return R"(# source.yaml: one upstream MySQL/MariaDB, created with `dmctl operate-source create source.yaml`.

# Unique name of this upstream; checkpoints and tasks refer to it.
source-id: "mysql-replica-01"

# Replicate by GTID instead of binlog file and position.
enable-gtid: false

# Keep a local copy of the upstream binlog on the bound worker.
enable-relay: false
# Where relay starts when there is no relay checkpoint yet (empty: the upstream's current position).
relay-binlog-name: ""
relay-binlog-gtid: ""

# "mysql" or "mariadb"; empty means detected from the server.
flavor: ""

from:
  host: "127.0.0.1"
  port: 3306
  user: "root"
  # Plaintext, or the output of `dmctl encrypt`.
  password: ""
  # security:
  #   ssl-ca: "/path/to/ca.pem"
  #   ssl-cert: "/path/to/cert.pem"
  #   ssl-key: "/path/to/key.pem"

# Relay log auto-purge: check every `interval` seconds; remove files older than
# `expires` hours (0: never by age) or when less than `remain-space` GB are free.
purge:
  interval: 3600
  expires: 0
  remain-space: 15

# Automatic resume of tasks paused by a resumable error.
checker:
  check-enable: true
  backoff-rollback: 5m0s
  backoff-max: 5m0s

# Binlog event filters applied to every task on this source.
# filters:
#   - schema-pattern: "shop"
#     table-pattern: "log_*"
#     events: ["truncate table", "drop table"]
#     action: Ignore
)";
}

}  // namespace dm::ctl
