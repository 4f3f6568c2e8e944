// Online schema change tools (gh-ost, pt-online-schema-change) as DM handles
// them with `online-ddl: true`: the tool copies a table into a shadow table
// (`_t_gho`, `_t_new`), alters the shadow, and swaps it in with
// `RENAME TABLE t TO _t_del, _t_gho TO t`. Replicating that literally would
// copy every row twice and needs the shadow tables on the target, so the
// syncer skips everything on shadow and trash tables, keeps the ALTERs run on
// a shadow table, and runs them on the real table when the shadow is renamed
// onto it. The kept ALTERs survive restarts in `{meta}.{task}_onlineddl`
// (DM's table).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "binlog/location.h"
#include "common/status.h"
#include "filter/pattern.h"
#include "mysql/connection.h"
#include "sync/ddl.h"

namespace dm::sync {

class OnlineDdl {
 public:
  enum class Role : uint8_t { kReal, kShadow, kTrash };

  // `shadow_rules` and `trash_rules` are DM's shadow-table-rules and
  // trash-table-rules (Go regular expressions whose first group is the real
  // table's name). InvalidArgument naming a rule that does not compile.
  static Result<OnlineDdl> Create(const std::vector<std::string>& shadow_rules,
                                  const std::vector<std::string>& trash_rules, std::string meta_schema,
                                  const std::string& task, std::string source_id);

  // Creates the meta table when missing (DM's DDL) and reads this source's
  // kept ALTERs.
  Status Load(mysql::Connection& conn);

  // What `table` is to the tools. Shadow rules win over trash rules.
  Role RoleOf(std::string_view table) const;

  // The statements to run in place of the per-table `parts` of one DDL event
  // at `at`: parts on trash tables and the rename of a real table to a trash
  // table go; CREATE/DROP of a shadow table go and forget what it kept; an
  // ALTER (or CREATE/DROP INDEX) of a shadow table goes and is kept, recorded
  // in the meta table at once (once per event, so a replay keeps it once);
  // the rename of a shadow table onto a real one becomes the ALTERs it kept,
  // written for the real table. Other parts are returned as they are.
  // Parts on shadow and trash tables whose real table `replicated` refuses
  // (the block-allow-list: another task's tables in the same binlog) go
  // without anything kept. `*swapped` gets the shadow tables renamed in:
  // Forget them once the checkpoint is past the event.
  Result<std::vector<DdlStatement>> Rewrite(std::vector<DdlStatement> parts, const binlog::Position& at,
                                            const SqlDialect& dialect, mysql::Connection& conn,
                                            const std::function<bool(const TableName& real)>& replicated,
                                            std::vector<TableName>* swapped);

  // Drops what `shadow` kept, in memory and in the meta table.
  Status Forget(mysql::Connection& conn, const TableName& shadow);
  // Drops everything this source kept (start-task --remove-meta).
  Status ForgetAll(mysql::Connection& conn);

  const std::string& table() const { return table_; }

 private:
  struct Kept {
    std::string real_table;
    std::vector<std::string> ddls;  // for the real table, names qualified
    std::vector<std::string> at;    // "position/part" of each, to keep it once
  };
  OnlineDdl(std::vector<filter::GoRegex> shadow, std::vector<filter::GoRegex> trash, std::string meta_schema,
            std::string table, std::string source_id)
      : shadow_(std::move(shadow)),
        trash_(std::move(trash)),
        meta_schema_(std::move(meta_schema)),
        table_(std::move(table)),
        source_id_(std::move(source_id)) {}
  // The real table's name a shadow or trash rule captures.
  std::string RealName(std::string_view table) const;
  Status Keep(mysql::Connection& conn, const DdlStatement& part, const std::string& at);
  Status Save(mysql::Connection& conn, const TableName& shadow, const Kept& kept);

  std::vector<filter::GoRegex> shadow_;
  std::vector<filter::GoRegex> trash_;
  std::string meta_schema_;
  std::string table_;  // "`meta`.`task_onlineddl`"
  std::string source_id_;
  std::map<std::pair<std::string, std::string>, Kept> kept_;  // by shadow (schema, table)
};

}  // namespace dm::sync
