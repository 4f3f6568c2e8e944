// Applying one data file to the target with its checkpoint (internal to
// dm_load; the public entry point is loader.h).
#pragma once

#include <cstdint>
#include <stop_token>
#include <string>

#include "common/status.h"
#include "load/checkpoint.h"
#include "load/dump_dir.h"
#include "load/load_data.h"
#include "load/loader.h"
#include "load/progress.h"
#include "load/statement.h"

namespace dm::load {

// Target session options with the loader's defaults added (see LoadOptions).
mysql::ConnectionOptions TargetSessionOptions(const LoadOptions& options);

struct DataFileJob {
  const DumpFile* file = nullptr;  // REQUIRES: outlives the call
  std::string target;              // quoted "`db`.`table`"
  // The target table's columns when its rows may go through LOAD DATA
  // (LoadOptions::load_data), else null. REQUIRES: outlives the call.
  const LoadDataColumns* load_data_columns = nullptr;
  // Columns only the target has, added to every row; null or empty: none.
  // `default_columns` lists the dump's columns ("`a`,`b`") for INSERTs
  // without a column list. REQUIRES: both outlive the call.
  const ExtraColumnsSql* extra_columns = nullptr;
  const std::string* default_columns = nullptr;
};

// Applies `job.file` from its checkpointed offset to the end, in
// transactions of bounded size that each end with the checkpoint update.
// Retryable errors are retried (LoadOptions::max_retries) on a fresh
// connection from the offset committed on the target. On a non-retryable
// statement error the statements before it are committed, so the checkpoint
// points at the failing statement. Adds committed bytes to `progress`.
// Errors name the file and byte offset. Thread-safe for distinct files.
Status LoadDataFile(const LoadOptions& options, const LoaderCheckpoint& checkpoint, const DataFileJob& job,
                    std::stop_token stop, Progress* progress);

}  // namespace dm::load
