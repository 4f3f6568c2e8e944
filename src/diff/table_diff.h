// Row comparison of one target table with the union of its source tables.
//
// Keyed tables (TableMeta::key not empty) are walked in key chunks taken
// from the target: the chunk (lo, hi] ends at the chunk_size-th target key
// after lo (the last chunk is open-ended). For each chunk, COUNT(*) and the
// sum of per-row CRC32s are computed on every side (the target and the
// sources in parallel); only when they disagree are the chunk's rows fetched (target: at most chunk_size; each
// source: at most target rows + 1, enough to prove a row missing) and
// matched by key bytes to name the differing rows. Chunk bounds are SQL
// literals compared under each column's collation (KeyLiteral), so every
// side selects the same rows without dm-diff re-implementing collations.
// Memory per table is O(chunk_size * sources).
//
// Keyless tables are compared as multisets: a whole-table checksum first;
// when it disagrees, every side streams its rows ordered by MD5 of the row
// image (a server-side sort) and the ordered streams are merged, so a
// duplicated row or a missing copy is found with O(sources) memory.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/status.h"
#include "diff/report.h"
#include "diff/table_meta.h"
#include "mysql/connection.h"

namespace dm::diff {

struct SourceTable {
  std::string label;  // "127.0.0.1:3306 `db`.`t`", for reports
  TableName name;
  mysql::Connection* conn = nullptr;  // not owned
  // The target's columns as this source reads them: the target's own
  // ColumnMeta where the source table has the column, ConstantColumn() where
  // only the target has it (a route's extract columns). Empty: the target's
  // columns as they are.
  std::vector<ColumnMeta> columns;
};

struct CompareOptions {
  size_t chunk_size = 5000;     // REQUIRES: > 0
  size_t max_differences = 10;  // per table; the comparison stops after them
};

// Compares rows and fills report->rows_compared, chunks, differences and
// truncated. Returns the error that stopped it (the report keeps what was
// found before).
// REQUIRES: `meta` is the target's metadata and every source has the same
// column list (after its `columns` replacements); every Connection has time_zone '+00:00' and
// character_set_results binary, and is used only by this call. For keyless
// tables each source needs its own Connection (their rows are streamed at
// the same time); for keyed tables sources may share one.
Status CompareTableRows(const TableMeta& meta, mysql::Connection& target, const std::vector<SourceTable>& sources,
                        const CompareOptions& options, TableReport* report);

}  // namespace dm::diff
