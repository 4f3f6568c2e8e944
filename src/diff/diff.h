// dm-diff: compares the data of one or more upstream servers with a target,
// byte-exact and route-aware, as DM's sync-diff-inspector does.
//
// Which tables: every upstream base table is mapped to its target name by
// the routes (identity when none matches); the selection (`tables`
// patterns and `schemas`) is applied to target names. A selected target
// table is compared with the union of all upstream tables that map to it; a
// selected target table with no upstream table, and an upstream table whose
// target table is missing, are differences too.
//
// Every table's column lists are compared first (names, order, types,
// charset, collation); rows are compared only when they agree. See
// table_diff.h for the row algorithm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "diff/names.h"
#include "diff/report.h"
#include "diff/table_diff.h"
#include "mysql/connection.h"

namespace dm::diff {

struct DiffOptions {
  std::vector<mysql::ConnectionOptions> sources;  // REQUIRES: not empty
  mysql::ConnectionOptions target;
  std::vector<TablePattern> tables;  // target tables to compare
  std::vector<std::string> schemas;  // every table of these target schemas (patterns allowed)
  std::vector<Route> routes;
  CompareOptions compare;
  size_t threads = 4;  // tables compared in parallel
};

struct DiffSummary {
  std::vector<TableReport> tables;  // ordered by target name
  size_t equal = 0;
  size_t different = 0;  // tables with differences (and possibly an error)
  size_t failed = 0;     // tables that could not be compared, without a difference found
  uint64_t rows_compared = 0;
};

// Adds the session settings dm-diff relies on to `options`: time_zone
// '+00:00' (TIMESTAMP values compare as UTC), character_set_results binary
// (strings arrive as stored bytes), and long net timeouts (a merge may leave
// one stream unread for a while).
void PrepareSessionOptions(mysql::ConnectionOptions* options);

// Runs the comparison. Returns an error only when nothing could be compared:
// a server is unreachable, listing tables fails, or the selection matches no
// table. Per-table failures are in the reports. `on_table`, when set, is
// called as each table finishes (from worker threads, one call at a time).
Result<DiffSummary> RunDiff(const DiffOptions& options,
                            const std::function<void(const TableReport&)>& on_table = nullptr);

// "Summary: 3 tables (2 equal, 1 different, 0 failed), 12000 rows compared\n".
std::string FormatSummary(const DiffSummary& summary);

}  // namespace dm::diff
