// The named rule sets of task.yaml (dm-spec §2.4 "Rule shapes"): routes,
// block-allow-list, expression-filter, mydumpers, loaders, syncers,
// validators, plus an instance's binlog start point (`meta`). Filter rules
// are shared with source.yaml (common_config.h).
#pragma once

#include <array>
#include <chrono>
#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/common_config.h"
#include "config/duration.h"
#include "config/enum_names.h"

namespace dm::config {

// extract-table / extract-schema / extract-source of a route: write shard
// provenance (the regexp's match) into an extra downstream column.
struct RouteExtractTable {
  static constexpr std::string_view kSchema = "extract-table";
  std::string table_regexp;
  std::string target_column;
};
struct RouteExtractSchema {
  static constexpr std::string_view kSchema = "extract-schema";
  std::string schema_regexp;
  std::string target_column;
};
struct RouteExtractSource {
  static constexpr std::string_view kSchema = "extract-source";
  std::string source_regexp;
  std::string target_column;
};

// The field list of RouteExtractTable (DM's keys; see field_list.h).
template <class V>
void VisitFields(RouteExtractTable& c, V& v) {
  v("table-regexp", c.table_regexp);
  v("target-column", c.target_column);
}
// The field list of RouteExtractSchema (DM's keys; see field_list.h).
template <class V>
void VisitFields(RouteExtractSchema& c, V& v) {
  v("schema-regexp", c.schema_regexp);
  v("target-column", c.target_column);
}
// The field list of RouteExtractSource (DM's keys; see field_list.h).
template <class V>
void VisitFields(RouteExtractSource& c, V& v) {
  v("source-regexp", c.source_regexp);
  v("target-column", c.target_column);
}

// routes.<name>: wildcard patterns (* and ?) to a target; no table-pattern
// routes a whole schema.
struct RouteRule {
  static constexpr std::string_view kSchema = "route";
  std::string schema_pattern;
  std::string table_pattern;
  std::string target_schema;
  std::string target_table;
  std::optional<RouteExtractTable> extract_table;
  std::optional<RouteExtractSchema> extract_schema;
  std::optional<RouteExtractSource> extract_source;
};

// The field list of RouteRule (DM's keys; see field_list.h).
template <class V>
void VisitFields(RouteRule& c, V& v) {
  v("schema-pattern", c.schema_pattern, kRequiredKey);
  v("table-pattern", c.table_pattern);
  v("target-schema", c.target_schema);
  v("target-table", c.target_table);
  v("extract-table", c.extract_table);
  v("extract-schema", c.extract_schema);
  v("extract-source", c.extract_source);
}

// A {db-name, tbl-name} pair of a block-allow list; "~" prefixes a regexp.
struct TableRef {
  static constexpr std::string_view kSchema = "table-ref";
  std::string db_name;
  std::string tbl_name;
};

// The field list of TableRef (DM's keys; see field_list.h).
template <class V>
void VisitFields(TableRef& c, V& v) {
  v("db-name", c.db_name);
  v("tbl-name", c.tbl_name);
}

// block-allow-list.<name> (legacy black-white-list), MySQL replicate-* rules.
struct BlockAllowList {
  static constexpr std::string_view kSchema = "block-allow-list";
  std::vector<std::string> do_dbs;
  std::vector<std::string> ignore_dbs;
  std::vector<TableRef> do_tables;
  std::vector<TableRef> ignore_tables;
};

// The field list of BlockAllowList (DM's keys; see field_list.h).
template <class V>
void VisitFields(BlockAllowList& c, V& v) {
  v("do-dbs", c.do_dbs);
  v("ignore-dbs", c.ignore_dbs);
  v("do-tables", c.do_tables);
  v("ignore-tables", c.ignore_tables);
}

// expression-filter.<name>: rows matching the SQL expression are dropped.
// Validate(): schema and table set; only one of insert / update / delete.
struct ExpressionFilter {
  static constexpr std::string_view kSchema = "expression-filter";
  std::string schema;
  std::string table;
  std::string insert_value_expr;
  std::string update_old_value_expr;
  std::string update_new_value_expr;
  std::string delete_value_expr;
};

// The field list of ExpressionFilter (DM's keys; see field_list.h).
template <class V>
void VisitFields(ExpressionFilter& c, V& v) {
  v("schema", c.schema);
  v("table", c.table);
  v("insert-value-expr", c.insert_value_expr);
  v("update-old-value-expr", c.update_old_value_expr);
  v("update-new-value-expr", c.update_new_value_expr);
  v("delete-value-expr", c.delete_value_expr);
}

// mydumpers.<name> / inline mydumper: dump unit settings.
struct MydumperConfig {
  static constexpr std::string_view kSchema = "mydumper";
  static constexpr uint64_t kDefaultRows = 200000;  // DM sets this when rows is unset
  int threads = 4;
  std::string chunk_filesize = "64";  // MB, a number as a string (as DM)
  uint64_t statement_size = 0;        // bytes; 0 = dump unit default
  uint64_t rows = 0;                  // Adjust(): kDefaultRows when 0
  std::string where;
  bool skip_tz_utc = true;
  std::string extra_args;  // dumpling-style CLI arguments
};

// The field list of MydumperConfig (DM's keys; see field_list.h).
template <class V>
void VisitFields(MydumperConfig& c, V& v) {
  v("threads", c.threads);
  v("chunk-filesize", c.chunk_filesize);
  v("statement-size", c.statement_size);
  v("rows", c.rows);
  v("where", c.where);
  v("skip-tz-utc", c.skip_tz_utc);
  v("extra-args", c.extra_args);
}

enum class ImportMode : uint8_t { kLogical, kPhysical, kImportInto };

template <>
struct EnumTraits<ImportMode> {
  static constexpr std::array<EnumName<ImportMode>, 5> kNames = {{
      {"logical", ImportMode::kLogical},
      {"physical", ImportMode::kPhysical},
      {"import-into", ImportMode::kImportInto},
      {"sql", ImportMode::kLogical, true},     // DM v6.0 name
      {"loader", ImportMode::kLogical, true},  // the removed loader mode
  }};
  static constexpr bool kCaseInsensitive = true;  // as DM, which lower-cases it
};

enum class OnDuplicateLogical : uint8_t { kReplace, kIgnore, kError };

template <>
struct EnumTraits<OnDuplicateLogical> {
  static constexpr std::array<EnumName<OnDuplicateLogical>, 3> kNames = {{
      {"replace", OnDuplicateLogical::kReplace},
      {"ignore", OnDuplicateLogical::kIgnore},
      {"error", OnDuplicateLogical::kError},
  }};
  static constexpr bool kCaseInsensitive = true;
};

enum class OnDuplicatePhysical : uint8_t { kNone, kManual };

template <>
struct EnumTraits<OnDuplicatePhysical> {
  static constexpr std::array<EnumName<OnDuplicatePhysical>, 2> kNames = {{
      {"none", OnDuplicatePhysical::kNone},
      {"manual", OnDuplicatePhysical::kManual},
  }};
  static constexpr bool kCaseInsensitive = true;
};

// checksum-physical / analyze levels.
enum class PostOpLevel : uint8_t { kRequired, kOptional, kOff };

template <>
struct EnumTraits<PostOpLevel> {
  static constexpr std::array<EnumName<PostOpLevel>, 3> kNames = {{
      {"required", PostOpLevel::kRequired},
      {"optional", PostOpLevel::kOptional},
      {"off", PostOpLevel::kOff},
  }};
  static constexpr bool kCaseInsensitive = true;
};

// loaders.<name> / inline loader: load unit settings.
struct LoaderConfig {
  static constexpr std::string_view kSchema = "loader";
  int pool_size = 16;
  std::string dir = "./dumped_data";  // local path or s3://...
  ImportMode import_mode = ImportMode::kLogical;
  OnDuplicateLogical on_duplicate_logical = OnDuplicateLogical::kReplace;
  OnDuplicatePhysical on_duplicate_physical = OnDuplicatePhysical::kNone;
  std::string sorting_dir_physical;  // empty: same as dir
  std::string disk_quota_physical;   // a byte size such as "100GiB"; empty: no quota
  PostOpLevel checksum_physical = PostOpLevel::kRequired;
  PostOpLevel analyze = PostOpLevel::kOptional;
  int range_concurrency = 0;
  std::string compress_kv_pairs;
  std::string pd_addr;
};

// The field list of LoaderConfig (DM's keys; see field_list.h).
template <class V>
void VisitFields(LoaderConfig& c, V& v) {
  v("pool-size", c.pool_size);
  v("dir", c.dir);
  v("import-mode", c.import_mode);
  v("on-duplicate-logical", c.on_duplicate_logical);
  v("on-duplicate-physical", c.on_duplicate_physical);
  v("sorting-dir-physical", c.sorting_dir_physical);
  v("disk-quota-physical", c.disk_quota_physical);
  v("checksum-physical", c.checksum_physical);
  v("analyze", c.analyze);
  v("range-concurrency", c.range_concurrency);
  v("compress-kv-pairs", c.compress_kv_pairs);
  v("pd-addr", c.pd_addr);
}

// syncers.<name> / inline syncer: sync unit settings.
struct SyncerConfig {
  static constexpr std::string_view kSchema = "syncer";
  int worker_count = 16;
  int batch = 100;
  int queue_size = 1024;
  int checkpoint_flush_interval = 30;  // seconds
  bool compact = false;
  bool multiple_rows = false;
  bool safe_mode = false;
  // Unset: Adjust() resolves it to 2 x checkpoint-flush-interval ("60s").
  std::optional<Duration> safe_mode_duration;
};

// The field list of SyncerConfig (DM's keys; see field_list.h).
template <class V>
void VisitFields(SyncerConfig& c, V& v) {
  v("worker-count", c.worker_count);
  v("batch", c.batch);
  v("queue-size", c.queue_size);
  v("checkpoint-flush-interval", c.checkpoint_flush_interval);
  v("compact", c.compact);
  v("multiple-rows", c.multiple_rows);
  v("safe-mode", c.safe_mode);
  v("safe-mode-duration", c.safe_mode_duration);
}

enum class ValidatorMode : uint8_t { kNone, kFast, kFull };

template <>
struct EnumTraits<ValidatorMode> {
  static constexpr std::array<EnumName<ValidatorMode>, 3> kNames = {{
      {"none", ValidatorMode::kNone},
      {"fast", ValidatorMode::kFast},
      {"full", ValidatorMode::kFull},
  }};
  static constexpr bool kCaseInsensitive = false;
};

// validators.<name>: the continuous data validator.
struct ValidatorConfig {
  static constexpr std::string_view kSchema = "validator";
  ValidatorMode mode = ValidatorMode::kNone;
  int worker_count = 4;
  Duration validate_interval = std::chrono::seconds(10);
  Duration check_interval = std::chrono::seconds(5);
  Duration row_error_delay = std::chrono::minutes(30);
  Duration meta_flush_interval = std::chrono::minutes(5);
  int batch_query_size = 100;
  std::string max_pending_row_size = "500m";  // a RAM size as in Docker's units ("500m", "1g")
  int max_pending_row_count = INT32_MAX;
  std::string start_time;
};

// The field list of ValidatorConfig (DM's keys; see field_list.h).
template <class V>
void VisitFields(ValidatorConfig& c, V& v) {
  v("mode", c.mode);
  v("worker-count", c.worker_count);
  v("validate-interval", c.validate_interval);
  v("check-interval", c.check_interval);
  v("row-error-delay", c.row_error_delay);
  v("meta-flush-interval", c.meta_flush_interval);
  v("batch-query-size", c.batch_query_size);
  v("max-pending-row-size", c.max_pending_row_size);
  v("max-pending-row-count", c.max_pending_row_count);
  v("start-time", c.start_time);
}

// mysql-instances[].meta: where an incremental task starts when it has no
// checkpoint. Validate(): binlog-name or binlog-gtid must be set.
struct BinlogMeta {
  static constexpr std::string_view kSchema = "meta";
  std::string binlog_name;
  uint32_t binlog_pos = 0;
  std::string binlog_gtid;
};

// The field list of BinlogMeta (DM's keys; see field_list.h).
template <class V>
void VisitFields(BinlogMeta& c, V& v) {
  v("binlog-name", c.binlog_name);
  v("binlog-pos", c.binlog_pos);
  v("binlog-gtid", c.binlog_gtid);
}

}  // namespace dm::config
