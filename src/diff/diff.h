// dm-diff: compares the data of one or more upstream servers with a target,
// byte-exact and route-aware, as DM's sync-diff-inspector does.
//
// Which tables: each upstream's base tables pass its block-allow list and
// are mapped to target names by its router (DM's rules, filter/); the
// selection (`tables` patterns and `schemas`) is applied to target names. A
// selected target table is compared with the union of all upstream tables
// that map to it; a selected target table with no upstream table, and an
// upstream table whose target table is missing, are differences too.
//
// Extract columns (a route's extract-table/schema/source): the target table
// has columns its upstream tables lack. They are left out of the structure
// check, and each row must hold there the value TableRouter::ExtraColumns()
// gives for the row's upstream table (checked like any other column).
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
#include "filter/block_allow_list.h"
#include "filter/table_router.h"
#include "mysql/connection.h"

namespace dm::diff {

// One upstream server and the DM rules that pick and name its tables.
struct SourceOptions {
  mysql::ConnectionOptions conn;
  std::string source_id;                    // DM's source-id: what extract-source reads; may be ""
  filter::BlockAllowList block_allow_list;  // default: every table takes part
  filter::TableRouter router;               // default: every table keeps its name
};

struct DiffOptions {
  std::vector<SourceOptions> sources;  // REQUIRES: not empty
  mysql::ConnectionOptions target;
  // Target tables to compare. With neither `tables` nor `schemas`, every
  // target table some upstream table maps to (tables only the target has
  // are then not looked at).
  std::vector<TablePattern> tables;
  std::vector<std::string> schemas;  // every table of these target schemas (patterns allowed)
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
// a server is unreachable, listing tables fails, an upstream table matches
// two route rules of one level (DM's RouteTableDupMatch), or the selection
// matches no table. Per-table failures are in the reports. `on_table`, when set, is
// called as each table finishes (from worker threads, one call at a time).
Result<DiffSummary> RunDiff(const DiffOptions& options,
                            const std::function<void(const TableReport&)>& on_table = nullptr);

// "Summary: 3 tables (2 equal, 1 different, 0 failed), 12000 rows compared\n".
std::string FormatSummary(const DiffSummary& summary);

}  // namespace dm::diff
