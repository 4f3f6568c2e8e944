// DM's checkpoint table_info: the JSON of TiDB's model.TableInfo, which DM's
// schema tracker (an embedded TiDB) writes into every per-table row of
// `{meta-schema}.{task}_syncer_checkpoint`. A task moved from DM to dm keeps
// that table, so its definitions seed dm's tracker through a CREATE TABLE
// built from them (docs/formats/checkpoint_tables.md lists the fields read).
//
// Only what decides how rows decode and which keys the DML builder uses is
// kept: public, visible columns in `offset` order with their exact types,
// charsets, collations, nullability and generation expressions; the primary
// key; public UNIQUE and plain keys with prefix lengths; the table's charset
// and collation. Column defaults, comments, AUTO_INCREMENT, foreign keys,
// partitions and TiDB-only options are left out: the tracker's scratch tables
// never hold rows, so none of them reaches a decoded value.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace dm::sync {

// Whether `info`, a parsed checkpoint table_info, is DM's TiDB TableInfo
// rather than dm's own `{"create_table": ...}`: a JSON object with a "cols"
// member (which dm's format never has). Pure; thread-safe.
bool IsTiDbTableInfo(const nlohmann::json& info);

// Turns the JSON text of a TiDB model.TableInfo into one CREATE TABLE that
// SchemaTracker::SeedTable accepts (utf8mb4 text; string literals escaped for
// a session without NO_BACKSLASH_ESCAPES, as SeedTable runs). Columns are the
// `cols` whose `state` is public (5) and that are not `hidden`, ordered by
// `offset`; a key over a column left out (an expression index on a hidden
// column, or a column being added or dropped) is left out too. Keys are
// taken when their `state` is public; the primary key is the column with
// PriKeyFlag when `pk_is_handle`, else the index with `is_primary`.
// Errors (InvalidArgument tagged SchemaTrackerInvalidJSON) name the field,
// e.g. "cols[2].type.Tp: unknown MySQL type code 230": text that is not a
// JSON object, a missing `name` or `cols`, a field of the wrong JSON type, a
// type code (Tp) that MySQL/MariaDB has no column type for, a charset or
// collation name that is not a plain identifier, a key naming no column.
// Pure; thread-safe.
Result<std::string> TiDbTableInfoToCreateTable(std::string_view json_text);

}  // namespace dm::sync
