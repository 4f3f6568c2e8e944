#include "sync/online_ddl.h"

#include <fmt/format.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/log.h"
#include "mysql/quote.h"

namespace dm::sync {
namespace {

Result<std::vector<filter::GoRegex>> CompileRules(const std::vector<std::string>& rules, std::string_view key) {
  std::vector<filter::GoRegex> out;
  out.reserve(rules.size());
  for (const std::string& rule : rules) {
    auto re = filter::GoRegex::Compile(rule);
    if (!re.ok()) return std::move(re).status().WithContext(key);
    out.push_back(std::move(*re));
  }
  return out;
}

// The name a rename part gives its table (RENAME TABLE a TO x, ALTER TABLE a RENAME TO x).
const NameRef* NewName(const DdlStatement& part) {
  for (const NameRef& ref : part.names) {
    if (ref.role == NameRole::kNewName) return &ref;
  }
  return nullptr;
}

}  // namespace

Result<OnlineDdl> OnlineDdl::Create(const std::vector<std::string>& shadow_rules,
                                    const std::vector<std::string>& trash_rules, std::string meta_schema,
                                    const std::string& task, std::string source_id) {
  DM_ASSIGN_OR_RETURN(auto shadow, CompileRules(shadow_rules, "shadow-table-rules"));
  DM_ASSIGN_OR_RETURN(auto trash, CompileRules(trash_rules, "trash-table-rules"));
  std::string table = mysql::QualifiedName(meta_schema, task + "_onlineddl");
  return OnlineDdl(std::move(shadow), std::move(trash), std::move(meta_schema), std::move(table),
                   std::move(source_id));
}

Status OnlineDdl::Load(mysql::Connection& conn) {
  DM_RETURN_IF_ERROR(conn.Execute("CREATE DATABASE IF NOT EXISTS " + mysql::QuoteIdentifier(meta_schema_)));
  // DM's DDL (dm/syncer/online-ddl-tools).
  DM_RETURN_IF_ERROR(conn.Execute("CREATE TABLE IF NOT EXISTS " + table_ +
                                  " (\n"
                                  "  id VARCHAR(32) NOT NULL,\n"
                                  "  ghost_schema VARCHAR(128) NOT NULL,\n"
                                  "  ghost_table VARCHAR(128) NOT NULL,\n"
                                  "  ddls text,\n"
                                  "  update_time timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE "
                                  "CURRENT_TIMESTAMP,\n"
                                  "  UNIQUE KEY uk_id_schema_table (id, ghost_schema, ghost_table)\n"
                                  ")"));
  DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows("SELECT ghost_schema, ghost_table, ddls FROM " + table_ +
                                                " WHERE id = " + mysql::QuoteString(source_id_, conn.escaping())));
  kept_.clear();
  for (const mysql::Row& row : rows) {
    const std::string schema = row[0].value_or(""), shadow = row[1].value_or("");
    const std::string where = fmt::format("{} row of `{}`.`{}`", table_, schema, shadow);
    auto info = nlohmann::json::parse(row[2].value_or(""), nullptr, /*allow_exceptions=*/false);
    if (!info.is_object()) return Status::Corruption(where + ": ddls is not a JSON object");
    Kept kept;
    kept.real_table = info.value("table", RealName(shadow));
    for (const char* key : {"ddls", "positions"}) {
      auto it = info.find(key);
      if (it == info.end()) continue;  // DM's rows have no positions
      if (!it->is_array()) return Status::Corruption(fmt::format("{}: {} is not an array", where, key));
      auto& into = std::string_view(key) == "ddls" ? kept.ddls : kept.at;
      for (const auto& text : *it) {
        if (!text.is_string()) return Status::Corruption(fmt::format("{}: {} holds a non-string", where, key));
        into.push_back(text.get<std::string>());
      }
    }
    kept_[{schema, shadow}] = std::move(kept);
  }
  return Status::OK();
}

OnlineDdl::Role OnlineDdl::RoleOf(std::string_view table) const {
  for (const filter::GoRegex& re : shadow_) {
    if (re.Search(table)) return Role::kShadow;
  }
  for (const filter::GoRegex& re : trash_) {
    if (re.Search(table)) return Role::kTrash;
  }
  return Role::kReal;
}

std::string OnlineDdl::RealName(std::string_view table) const {
  for (const auto* rules : {&shadow_, &trash_}) {
    for (const filter::GoRegex& re : *rules) {
      std::vector<std::string> groups = re.FindSubmatch(table);
      if (groups.size() >= 2 && !groups[1].empty()) return groups[1];
    }
  }
  return std::string(table);
}

Result<std::vector<DdlStatement>> OnlineDdl::Rewrite(std::vector<DdlStatement> parts, const binlog::Position& at,
                                                     const SqlDialect& dialect, mysql::Connection& conn,
                                                     const std::function<bool(const TableName& real)>& replicated,
                                                     std::vector<TableName>* swapped) {
  std::vector<DdlStatement> out;
  for (size_t i = 0; i < parts.size(); ++i) {
    DdlStatement& part = parts[i];
    if (part.names.empty() || part.names.front().name.table.empty()) {
      out.push_back(std::move(part));
      continue;
    }
    const TableName subject = part.names.front().name;
    const NameRef* renamed_to = NewName(part);
    const Role role = RoleOf(subject.table);
    if (role == Role::kReal) {
      // The real table moved out of the way for its shadow: it goes with
      // the trash the tool drops later.
      if (renamed_to == nullptr || RoleOf(renamed_to->name.table) == Role::kReal) out.push_back(std::move(part));
      continue;
    }
    if (role == Role::kTrash || !replicated({subject.schema, RealName(subject.table)})) continue;
    switch (part.kind) {
      case StatementKind::kCreateTable:
      case StatementKind::kDropTable:
        // A new run of the tool, or the end of an abandoned one.
        DM_RETURN_IF_ERROR(Forget(conn, subject));
        break;
      case StatementKind::kAlterTable:
      case StatementKind::kCreateIndex:
      case StatementKind::kDropIndex:
        if (renamed_to == nullptr) DM_RETURN_IF_ERROR(Keep(conn, part, fmt::format("{}/{}", at.ToString(), i)));
        [[fallthrough]];
      case StatementKind::kRenameTable: {
        if (renamed_to == nullptr || RoleOf(renamed_to->name.table) != Role::kReal) break;
        auto it = kept_.find({subject.schema, subject.table});
        if (it != kept_.end()) {
          for (const std::string& ddl : it->second.ddls) {
            auto parsed = ParseStatement(ddl, subject.schema, dialect);
            if (!parsed.ok()) return std::move(parsed).status().WithContext(table_ + " kept DDL");
            out.push_back(std::move(*parsed));
          }
        }
        log::Info("online DDL: the shadow table replaces the real one; its ALTERs run on the real table",
                  {{"shadow", mysql::QualifiedName(subject.schema, subject.table)},
                   {"real", mysql::QualifiedName(renamed_to->name.schema, renamed_to->name.table)},
                   {"ddls", it == kept_.end() ? 0 : it->second.ddls.size()}});
        swapped->push_back(subject);
        break;
      }
      default: break;  // TRUNCATE and the like of a shadow table: its rows are not replicated
    }
  }
  return out;
}

Status OnlineDdl::Keep(mysql::Connection& conn, const DdlStatement& part, const std::string& at) {
  const TableName shadow = part.names.front().name;
  Kept& kept = kept_[{shadow.schema, shadow.table}];
  if (kept.real_table.empty()) kept.real_table = RealName(shadow.table);
  if (std::find(kept.at.begin(), kept.at.end(), at) != kept.at.end()) return Status::OK();  // a replay
  DM_ASSIGN_OR_RETURN(std::string ddl, RewriteNames(part, [&](const TableName& name) -> Result<TableName> {
                        if (name.schema == shadow.schema && name.table == shadow.table) {
                          return TableName{shadow.schema, kept.real_table};
                        }
                        return name;
                      }));
  kept.ddls.push_back(std::move(ddl));
  kept.at.push_back(at);
  log::Info("online DDL: an ALTER of a shadow table is kept for the real table",
            {{"shadow", mysql::QualifiedName(shadow.schema, shadow.table)}, {"ddl", kept.ddls.back()}, {"position", at}});
  return Save(conn, shadow, kept);
}

Status OnlineDdl::Save(mysql::Connection& conn, const TableName& shadow, const Kept& kept) {
  const nlohmann::json info = {
      {"schema", shadow.schema}, {"table", kept.real_table}, {"ddls", kept.ddls}, {"positions", kept.at}};
  return conn.Execute("REPLACE INTO " + table_ + " (id, ghost_schema, ghost_table, ddls) VALUES (" +
                      mysql::QuoteString(source_id_, conn.escaping()) + "," +
                      mysql::QuoteString(shadow.schema, conn.escaping()) + "," +
                      mysql::QuoteString(shadow.table, conn.escaping()) + "," +
                      mysql::QuoteString(info.dump(), conn.escaping()) + ")");
}

Status OnlineDdl::Forget(mysql::Connection& conn, const TableName& shadow) {
  kept_.erase({shadow.schema, shadow.table});
  return conn.Execute("DELETE FROM " + table_ + " WHERE id = " + mysql::QuoteString(source_id_, conn.escaping()) +
                      " AND ghost_schema = " + mysql::QuoteString(shadow.schema, conn.escaping()) +
                      " AND ghost_table = " + mysql::QuoteString(shadow.table, conn.escaping()));
}

Status OnlineDdl::ForgetAll(mysql::Connection& conn) {
  kept_.clear();
  return conn.Execute("DELETE FROM " + table_ + " WHERE id = " + mysql::QuoteString(source_id_, conn.escaping()));
}

}  // namespace dm::sync
