#include "sync/schema_tracker.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "common/strings.h"
#include "mysql/error.h"
#include "mysql/quote.h"
#include "sync/event_charset.h"

namespace dm::sync {
namespace {

using mysql::QualifiedName;
using mysql::QuoteIdentifier;

// MySQL's MODE_* bits (sql/system_variables.h; MariaDB uses the same values).
constexpr uint64_t kModeRealAsFloat = 1;
constexpr uint64_t kModePipesAsConcat = 2;
constexpr uint64_t kModeAnsiQuotes = 4;
constexpr uint64_t kModeIgnoreSpace = 8;
constexpr uint64_t kModeOracle = 1ULL << 9;
constexpr uint64_t kModeNoBackslashEscapes = 1ULL << 20;
constexpr uint64_t kModeHighNotPrecedence = 1ULL << 29;

// The bits that change how a DDL parses or which types it gives. Everything
// else in a sql_mode either only rejects statements (which the upstream has
// already accepted) or concerns DML.
constexpr uint64_t kReplayedModeBits = kModeRealAsFloat | kModePipesAsConcat | kModeAnsiQuotes | kModeIgnoreSpace |
                                       kModeNoBackslashEscapes | kModeHighNotPrecedence;

constexpr size_t kMaxIdentifier = 64;
constexpr size_t kHashHexDigits = 16;
constexpr size_t kMaxPrefix = kMaxIdentifier - 1 - kHashHexDigits;

std::string Display(const filter::TableName& t) { return QualifiedName(t.schema, t.table); }

// A failed statement keeps the server's code only when retrying can help;
// anything else means the scratch copy and the statement disagree, which a
// user must look at (pause the task).
Status Classified(const Status& s, std::string message, ErrorCode tag) {
  StatusCode code = s.IsRetryable() ? s.code() : StatusCode::kFailedPrecondition;
  return Status(code, std::move(message), tag);
}

// Types whose values are bytes without a character set. COLLATION_NAME is
// NULL for them; the binlog (and the decoder) call that charset 63.
bool IsBinaryStringType(std::string_view data_type) {
  static constexpr std::string_view kTypes[] = {"binary",   "varbinary", "tinyblob", "blob", "mediumblob",
                                                "longblob", "inet4",     "inet6",    "uuid"};
  return std::find(std::begin(kTypes), std::end(kTypes), data_type) != std::end(kTypes);
}

Status GetTableError(const Status& s, std::string_view what, std::string_view schema, std::string_view table) {
  return Status(s.code(), fmt::format("{} of {}: {}", what, QualifiedName(schema, table), s.message()),
                ErrorCode::kSchemaTrackerCannotGetTable);
}

// Collation name -> id for every name in `names`, from COLLATIONS, and on
// MariaDB 10.10+ from COLLATION_CHARACTER_SET_APPLICABILITY: there the UCA
// 14.0 collations are listed once per character set only by their full name
// ("utf8mb4_uca1400_ai_ci"), and COLLATIONS has just the generic name with
// a NULL id.
Result<std::unordered_map<std::string, uint32_t>> CollationIds(mysql::Connection& conn,
                                                               const std::vector<std::string>& names) {
  std::unordered_map<std::string, uint32_t> ids;
  if (names.empty()) return ids;
  std::string list;
  for (const std::string& n : names) {
    if (!list.empty()) list += ", ";
    list += mysql::QuoteString(n, conn.escaping());
  }
  auto read = [&](std::string_view sql) -> Status {
    DM_ASSIGN_OR_RETURN(std::vector<mysql::Row> rows, conn.QueryRows(sql));
    for (const mysql::Row& row : rows) {
      if (!row[0] || !row[1]) continue;
      ids[*row[0]] = static_cast<uint32_t>(std::stoul(*row[1]));
    }
    return Status::OK();
  };
  DM_RETURN_IF_ERROR(read(fmt::format(
      "SELECT COLLATION_NAME, ID FROM information_schema.COLLATIONS WHERE ID IS NOT NULL AND COLLATION_NAME IN ({})",
      list)));
  if (ids.size() < names.size()) {
    Status s =
        read(fmt::format("SELECT FULL_COLLATION_NAME, ID FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY"
                         " WHERE ID IS NOT NULL AND FULL_COLLATION_NAME IN ({})",
                         list));
    // Servers before MariaDB 10.10 have no FULL_COLLATION_NAME column; their
    // COLLATIONS already lists every collation with its id.
    if (!s.ok() && mysql::MysqlErrorNumber(s) != 1054) return s;
  }
  return ids;
}

// Replaces every "`<scratch db>`" in a SHOW CREATE TABLE text (foreign keys to
// other databases name them) with the upstream schema it stands for, so the
// definition reads as the upstream's and can seed a tracker again.
std::string ToUpstreamNames(std::string sql, const std::map<std::string, std::string>& scratch_to_upstream) {
  for (const auto& [scratch, upstream] : scratch_to_upstream) {
    const std::string from = QuoteIdentifier(scratch);
    const std::string to = QuoteIdentifier(upstream);
    for (size_t pos = sql.find(from); pos != std::string::npos; pos = sql.find(from, pos + to.size())) {
      sql.replace(pos, from.size(), to);
    }
  }
  return sql;
}

const NameRef* FindRole(const DdlStatement& ddl, NameRole role) {
  for (const NameRef& ref : ddl.names) {
    if (ref.role == role) return &ref;
  }
  return nullptr;
}

}  // namespace

Result<std::vector<std::string>> ParseEnumMembers(std::string_view column_type) {
  const size_t open = column_type.find('(');
  if (open == std::string_view::npos) {
    return Status::InvalidArgument(fmt::format("ENUM/SET type without a member list: {}", column_type));
  }
  std::vector<std::string> members;
  size_t i = open + 1;
  auto fail = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format("malformed ENUM/SET type at byte {} ({}): {}", i, why, column_type));
  };
  auto skip_space = [&] {
    while (i < column_type.size() && column_type[i] == ' ') ++i;
  };
  skip_space();
  if (i < column_type.size() && column_type[i] == ')') return members;  // enum() is not valid SQL, but harmless
  while (true) {
    skip_space();
    if (i >= column_type.size() || column_type[i] != '\'') return fail("expected a quoted member");
    ++i;
    std::string member;
    bool closed = false;
    while (i < column_type.size()) {
      char c = column_type[i];
      if (c == '\'') {
        if (i + 1 < column_type.size() && column_type[i + 1] == '\'') {
          member.push_back('\'');
          i += 2;
          continue;
        }
        ++i;
        closed = true;
        break;
      }
      if (c == '\\' && i + 1 < column_type.size()) {
        char e = column_type[i + 1];
        switch (e) {
          case '0': member.push_back('\0'); break;
          case 'b': member.push_back('\b'); break;
          case 'n': member.push_back('\n'); break;
          case 'r': member.push_back('\r'); break;
          case 't': member.push_back('\t'); break;
          case 'Z': member.push_back('\x1a'); break;
          default: member.push_back(e); break;
        }
        i += 2;
        continue;
      }
      member.push_back(c);
      ++i;
    }
    if (!closed) return fail("unterminated member");
    members.push_back(std::move(member));
    skip_space();
    if (i >= column_type.size()) return fail("missing ')'");
    if (column_type[i] == ',') {
      ++i;
      continue;
    }
    if (column_type[i] == ')') return members;
    return fail("expected ',' or ')'");
  }
}

Result<TrackedTable> ReadTableDefinition(mysql::Connection& conn, std::string_view schema, std::string_view table,
                                         const filter::TableName& as) {
  const mysql::StringEscaping esc = conn.escaping();
  const std::string where = fmt::format("TABLE_SCHEMA = {} AND TABLE_NAME = {}", mysql::QuoteString(schema, esc),
                                        mysql::QuoteString(table, esc));

  auto type = conn.QueryValue("SELECT TABLE_TYPE FROM information_schema.TABLES WHERE " + where);
  if (!type.ok()) {
    if (type.status().code() == StatusCode::kNotFound && mysql::MysqlErrorNumber(type.status()) == 0) {
      return Status(StatusCode::kNotFound,
                    fmt::format("table {} does not exist on {}", QualifiedName(schema, table), conn.endpoint()),
                    ErrorCode::kSchemaTrackerCannotGetTable);
    }
    return GetTableError(type.status(), "reading the table type", schema, table);
  }
  if (type->value_or("") == "VIEW") {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("{} on {} is a view, not a table", QualifiedName(schema, table), conn.endpoint()),
                  ErrorCode::kSchemaTrackerCannotGetTable);
  }

  TrackedTable out;
  out.name = as;

  auto columns = conn.QueryRows(
      "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLLATION_NAME, EXTRA"
      " FROM information_schema.COLUMNS WHERE " +
      where + " ORDER BY ORDINAL_POSITION");
  if (!columns.ok()) return GetTableError(columns.status(), "reading the columns", schema, table);
  std::vector<std::string> collation_names;
  for (const mysql::Row& row : *columns) {
    TrackedColumn c;
    c.name = row[0].value_or("");
    c.data_type = AsciiLower(row[1].value_or(""));
    c.column_type = row[2].value_or("");
    c.nullable = row[3].value_or("YES") == "YES";
    if (c.data_type == "enum" || c.data_type == "set") {
      auto members = ParseEnumMembers(c.column_type);
      if (!members.ok()) return GetTableError(members.status(), "column " + QuoteIdentifier(c.name), schema, table);
      c.elements = std::move(*members);
    } else {
      // Only numeric types can say "unsigned"; for ENUM/SET the word could
      // be a member.
      c.is_unsigned = AsciiLower(c.column_type).find("unsigned") != std::string::npos;
    }
    if (row[4]) {
      collation_names.push_back(*row[4]);
    } else if (IsBinaryStringType(c.data_type)) {
      c.collation_id = 63;
    }
    // MySQL's EXTRA says "VIRTUAL GENERATED"/"STORED GENERATED", MariaDB's
    // also "PERSISTENT GENERATED" (older: "VIRTUAL"/"PERSISTENT"); MySQL's
    // "DEFAULT_GENERATED" (an expression default) is not a generated column.
    const std::string extra = AsciiUpper(row[5].value_or(""));
    c.generated = extra.find("VIRTUAL") != std::string::npos || extra.find("STORED") != std::string::npos ||
                  extra.find("PERSISTENT") != std::string::npos;
    out.columns.push_back(std::move(c));
  }
  if (out.columns.empty()) {
    return Status(StatusCode::kNotFound,
                  fmt::format("table {} has no columns on {}", QualifiedName(schema, table), conn.endpoint()),
                  ErrorCode::kSchemaTrackerCannotGetTable);
  }

  std::sort(collation_names.begin(), collation_names.end());
  collation_names.erase(std::unique(collation_names.begin(), collation_names.end()), collation_names.end());
  auto ids = CollationIds(conn, collation_names);
  if (!ids.ok()) return GetTableError(ids.status(), "reading the collations", schema, table);
  for (size_t i = 0; i < columns->size(); ++i) {
    const mysql::Value& name = (*columns)[i][4];
    if (!name) continue;
    auto it = ids->find(*name);
    if (it == ids->end()) {
      return Status(StatusCode::kFailedPrecondition,
                    fmt::format("collation '{}' of column {} of {} has no id on {}", *name,
                                QuoteIdentifier(out.columns[i].name), QualifiedName(schema, table), conn.endpoint()),
                    ErrorCode::kSchemaTrackerCannotGetTable);
    }
    out.columns[i].collation_id = it->second;
  }

  auto stats = conn.QueryRows(
      "SELECT INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME FROM information_schema.STATISTICS WHERE " + where);
  if (!stats.ok()) return GetTableError(stats.status(), "reading the keys", schema, table);
  struct KeyParts {
    TrackedKey key;
    std::vector<std::pair<int, std::optional<size_t>>> parts;  // (SEQ_IN_INDEX, column position)
  };
  // Keys in the order the server lists them (its key order), parts sorted
  // by SEQ_IN_INDEX below.
  std::vector<KeyParts> keys;
  for (const mysql::Row& row : *stats) {
    const std::string index = row[0].value_or("");
    auto it = std::find_if(keys.begin(), keys.end(), [&](const KeyParts& k) { return k.key.name == index; });
    if (it == keys.end()) {
      KeyParts k;
      k.key.name = index;
      k.key.primary = index == "PRIMARY";
      k.key.unique = row[1].value_or("1") == "0";
      keys.push_back(std::move(k));
      it = keys.end() - 1;
    }
    std::optional<size_t> position;
    if (row[3]) {
      for (size_t i = 0; i < out.columns.size(); ++i) {
        if (out.columns[i].name == *row[3]) position = i;
      }
      if (!position) {
        // Column names are case-insensitive; STATISTICS normally spells them
        // as COLUMNS does, but do not depend on it.
        for (size_t i = 0; i < out.columns.size() && !position; ++i) {
          if (AsciiLower(out.columns[i].name) == AsciiLower(*row[3])) position = i;
        }
      }
    }
    it->parts.emplace_back(std::stoi(row[2].value_or("0")), position);
  }
  std::vector<TrackedKey> primary, unique, other;
  for (KeyParts& k : keys) {
    std::sort(k.parts.begin(), k.parts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    bool expression = false;
    for (const auto& [seq, position] : k.parts) {
      if (!position) {
        expression = true;
        break;
      }
      k.key.columns.push_back(*position);
    }
    if (expression) continue;  // a functional key part: no column holds its value
    k.key.all_not_null =
        std::all_of(k.key.columns.begin(), k.key.columns.end(), [&](size_t c) { return !out.columns[c].nullable; });
    (k.key.primary ? primary : k.key.unique ? unique : other).push_back(std::move(k.key));
  }
  for (auto* group : {&primary, &unique, &other}) {
    for (TrackedKey& k : *group) out.keys.push_back(std::move(k));
  }

  auto create = conn.QueryRows("SHOW CREATE TABLE " + QualifiedName(schema, table));
  if (!create.ok()) return GetTableError(create.status(), "SHOW CREATE TABLE", schema, table);
  if (create->empty() || create->front().size() < 2 || !create->front()[1]) {
    return Status(StatusCode::kInternal,
                  fmt::format("SHOW CREATE TABLE {} returned no statement", QualifiedName(schema, table)),
                  ErrorCode::kSchemaTrackerCannotGetTable);
  }
  out.create_sql = *create->front()[1];
  return out;
}

SchemaTracker::SchemaTracker(Options options, mysql::Connection conn)
    : options_(std::move(options)), conn_(std::move(conn)) {}

SchemaTracker::~SchemaTracker() = default;

Result<std::unique_ptr<SchemaTracker>> SchemaTracker::Open(const Options& options) {
  if (options.scratch_prefix.empty() || options.scratch_prefix.size() > kMaxPrefix) {
    return Status(
        StatusCode::kInvalidArgument,
        fmt::format("schema tracker scratch prefix '{}' must have 1 to {} bytes", options.scratch_prefix, kMaxPrefix),
        ErrorCode::kSchemaTrackerInit);
  }
  Options opts = options;
  opts.server.charset = "utf8mb4";
  opts.server.database.clear();  // every statement names its database
  // Forced: replay depends on them (see Open's contract).
  opts.server.session_variables["sql_mode"] = "0";
  opts.server.session_variables["foreign_key_checks"] = "0";
  // Defaults the caller may override.
  opts.server.session_variables.emplace("innodb_strict_mode", "0");
  auto conn = mysql::Connection::Connect(opts.server);
  if (!conn.ok()) {
    return Status(conn.status().code(),
                  "schema tracker: connecting to " + opts.server.Endpoint() + ": " + conn.status().message(),
                  ErrorCode::kSchemaTrackerInit);
  }
  return std::unique_ptr<SchemaTracker>(new SchemaTracker(std::move(opts), std::move(*conn)));
}

std::string SchemaTracker::ScratchDatabaseName(std::string_view prefix, std::string_view schema) {
  return fmt::format("{}_{:016x}", prefix, Fnv1a64(schema));
}

Status SchemaTracker::EnsureConnected() {
  if (conn_ && !conn_->broken()) return Status::OK();
  conn_.reset();
  auto conn = mysql::Connection::Connect(options_.server);
  if (!conn.ok()) {
    return Status(conn.status().code(), "schema tracker: reconnecting: " + conn.status().message(),
                  ErrorCode::kSchemaTrackerInit);
  }
  conn_.emplace(std::move(*conn));
  sql_mode_bits_ = 0;  // the session variables set it again
  return Status::OK();
}

Status SchemaTracker::SetSqlMode(uint64_t bits) {
  if (bits == sql_mode_bits_) return Status::OK();
  DM_RETURN_IF_ERROR(
      conn_->Execute(fmt::format("SET SESSION sql_mode = {}", bits)).WithContext("schema tracker: setting sql_mode"));
  sql_mode_bits_ = bits;
  return Status::OK();
}

Status SchemaTracker::DropForgotten() {
  while (!forgotten_.empty()) {
    const filter::TableName& t = forgotten_.back();
    // A table seeded again after Forget() lives on; its copy is not stale.
    if (tables_.count(KeyOf(t)) == 0) {
      Status s = conn_->Execute("DROP TABLE IF EXISTS " + QualifiedName(ScratchDatabase(t.schema), t.table));
      if (!s.ok()) {
        return Classified(s,
                          fmt::format("schema tracker: dropping the scratch copy of {}: {}", Display(t), s.message()),
                          ErrorCode::kSchemaTrackerCannotDropTable);
      }
    }
    forgotten_.pop_back();
  }
  return Status::OK();
}

Status SchemaTracker::Reset() {
  DM_RETURN_IF_ERROR(EnsureConnected());
  auto rows = conn_->QueryRows("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA");
  if (!rows.ok()) {
    return Classified(rows.status(), "schema tracker: listing scratch databases: " + rows.status().message(),
                      ErrorCode::kSchemaTrackerCannotDropTable);
  }
  const std::string head = options_.scratch_prefix + "_";
  for (const mysql::Row& row : *rows) {
    const std::string name = row[0].value_or("");
    // Exactly the names ScratchDatabase makes, so a database that merely
    // shares the prefix (another tracker's longer prefix) is never dropped.
    if (name.size() != head.size() + kHashHexDigits || name.compare(0, head.size(), head) != 0) continue;
    if (!std::all_of(name.begin() + static_cast<std::ptrdiff_t>(head.size()), name.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f'); })) {
      continue;
    }
    Status s = conn_->Execute("DROP DATABASE IF EXISTS " + QuoteIdentifier(name));
    if (!s.ok()) {
      return Classified(s, fmt::format("schema tracker: dropping scratch database {}: {}", name, s.message()),
                        ErrorCode::kSchemaTrackerCannotDropTable);
    }
  }
  tables_.clear();
  scratch_dbs_.clear();
  forgotten_.clear();
  scratch_to_upstream_.clear();
  return Status::OK();
}

Status SchemaTracker::RegisterSchema(std::string_view schema) {
  std::string scratch = ScratchDatabase(schema);
  auto [it, inserted] = scratch_to_upstream_.emplace(scratch, std::string(schema));
  if (!inserted && it->second != schema) {
    // FNV-1a-64 collisions between two schema names of one source are not
    // expected; if one happens, refuse rather than mix two schemas' tables.
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("schema tracker: schemas {} and {} map to the same scratch database {}",
                              QuoteIdentifier(it->second), QuoteIdentifier(schema), scratch),
                  ErrorCode::kSchemaTrackerCannotCreateSchema);
  }
  return Status::OK();
}

Status SchemaTracker::EnsureScratchDatabase(std::string_view schema, std::string_view collation) {
  DM_RETURN_IF_ERROR(RegisterSchema(schema));
  const std::string db = QuoteIdentifier(ScratchDatabase(schema));
  auto it = scratch_dbs_.find(std::string(schema));
  auto run = [&](const std::string& sql) -> Status {
    Status s = conn_->Execute(sql);
    if (s.ok()) return s;
    return Classified(s,
                      fmt::format("schema tracker: scratch database of {}: {}", QuoteIdentifier(schema), s.message()),
                      ErrorCode::kSchemaTrackerCannotCreateSchema);
  };
  if (it == scratch_dbs_.end()) {
    // IF NOT EXISTS: a database left by an earlier process is reused (its
    // tables are dropped before any table is created in it).
    DM_RETURN_IF_ERROR(run("CREATE DATABASE IF NOT EXISTS " + db));
    it = scratch_dbs_.emplace(std::string(schema), std::string()).first;
  }
  if (!collation.empty() && it->second != collation) {
    DM_RETURN_IF_ERROR(run(fmt::format("ALTER DATABASE {} COLLATE {}", db, QuoteIdentifier(collation))));
    it->second = std::string(collation);
  }
  return Status::OK();
}

Status SchemaTracker::ReadBackCollation(std::string_view schema) {
  auto collation =
      conn_->QueryValue("SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " +
                        mysql::QuoteString(ScratchDatabase(schema), conn_->escaping()));
  if (!collation.ok()) {
    return Classified(collation.status(),
                      fmt::format("schema tracker: reading the collation of the scratch database of {}: {}",
                                  QuoteIdentifier(schema), collation.status().message()),
                      ErrorCode::kSchemaTrackerCannotCreateSchema);
  }
  scratch_dbs_[std::string(schema)] = collation->value_or("");
  return Status::OK();
}

std::string SchemaTracker::SchemaCollation(std::string_view schema) const {
  auto it = scratch_dbs_.find(std::string(schema));
  return it == scratch_dbs_.end() ? std::string() : it->second;
}

Status SchemaTracker::DropScratchDatabase(std::string_view schema) {
  Status s = conn_->Execute("DROP DATABASE IF EXISTS " + QuoteIdentifier(ScratchDatabase(schema)));
  if (!s.ok()) {
    return Classified(
        s, fmt::format("schema tracker: dropping the scratch database of {}: {}", QuoteIdentifier(schema), s.message()),
        ErrorCode::kSchemaTrackerCannotDropTable);
  }
  scratch_dbs_.erase(std::string(schema));
  for (auto it = tables_.begin(); it != tables_.end();) {
    it = it->first.first == schema ? tables_.erase(it) : std::next(it);
  }
  return Status::OK();
}

Status SchemaTracker::DropScratchTable(const filter::TableName& table) {
  Status s = conn_->Execute("DROP TABLE IF EXISTS " + QualifiedName(ScratchDatabase(table.schema), table.table));
  if (!s.ok()) {
    return Classified(s,
                      fmt::format("schema tracker: dropping the scratch copy of {}: {}", Display(table), s.message()),
                      ErrorCode::kSchemaTrackerCannotDropTable);
  }
  tables_.erase(KeyOf(table));
  return Status::OK();
}

Status SchemaTracker::Refresh(const filter::TableName& table) {
  // SHOW CREATE TABLE quotes names as the session's sql_mode says; the saved
  // text must be plain MySQL syntax to seed a tracker again.
  DM_RETURN_IF_ERROR(SetSqlMode(0));
  auto def = ReadTableDefinition(*conn_, ScratchDatabase(table.schema), table.table, table);
  if (!def.ok()) return std::move(def).status().WithContext("schema tracker: reading " + Display(table));
  def->create_sql = ToUpstreamNames(std::move(def->create_sql), scratch_to_upstream_);
  tables_.insert_or_assign(KeyOf(table), std::move(*def));
  return Status::OK();
}

Result<std::string> SchemaTracker::ToScratch(const DdlStatement& ddl, const filter::TableName* subject,
                                             const filter::TableName* subject_as) {
  for (const NameRef& ref : ddl.names) DM_RETURN_IF_ERROR(RegisterSchema(ref.name.schema));
  if (subject_as != nullptr) DM_RETURN_IF_ERROR(RegisterSchema(subject_as->schema));
  return RewriteNames(ddl, [&](const TableName& source) -> Result<TableName> {
    if (subject != nullptr && subject_as != nullptr && source == *subject) {
      return TableName{ScratchDatabase(subject_as->schema), subject_as->table};
    }
    return TableName{ScratchDatabase(source.schema), source.table};
  });
}

Status SchemaTracker::RunDdl(const DdlStatement& ddl, std::string_view sql,
                             const std::optional<binlog::QueryCharset>& charset) {
  Status s = ExecuteInEventCharset(*conn_, sql, charset);
  if (s.ok()) return s;
  return Classified(s,
                    fmt::format("schema tracker: cannot replay {}: {}", QuoteStatementForError(ddl.sql), s.message()),
                    ErrorCode::kSchemaTrackerCannotExecDDL);
}

Status SchemaTracker::SeedTable(const filter::TableName& table, std::string_view create_sql,
                                std::string_view schema_collation) {
  auto invalid = [&](std::string why) {
    return Status(
        StatusCode::kInvalidArgument,
        fmt::format("schema tracker: seeding {}: {}: {}", Display(table), why, QuoteStatementForError(create_sql)),
        ErrorCode::kSchemaTrackerInvalidCreateTableStmt);
  };
  if (table.schema.empty() || table.table.empty()) return invalid("the table name is incomplete");
  auto parsed = ParseStatement(create_sql, table.schema);
  if (!parsed.ok()) return invalid(parsed.status().message());
  const DdlStatement& ddl = *parsed;
  if (ddl.kind != StatementKind::kCreateTable) return invalid("not a CREATE TABLE statement");
  if (ddl.temporary || ddl.create_like || ddl.create_select || ddl.names.empty()) {
    return invalid("CREATE TEMPORARY TABLE, CREATE TABLE ... LIKE and CREATE TABLE ... SELECT cannot seed a table");
  }

  DM_RETURN_IF_ERROR(EnsureConnected());
  DM_RETURN_IF_ERROR(DropForgotten());
  DM_RETURN_IF_ERROR(SetSqlMode(0));
  DM_RETURN_IF_ERROR(EnsureScratchDatabase(table.schema, schema_collation));
  DM_RETURN_IF_ERROR(DropScratchTable(table));
  DM_ASSIGN_OR_RETURN(std::string sql, ToScratch(ddl, &ddl.names.front().name, &table));
  Status s = conn_->Execute(sql);
  if (!s.ok()) {
    return Classified(s,
                      fmt::format("schema tracker: seeding {} with {}: {}", Display(table),
                                  QuoteStatementForError(create_sql), s.message()),
                      ErrorCode::kSchemaTrackerCannotCreateTable);
  }
  return Refresh(table);
}

Status SchemaTracker::SeedSchema(std::string_view schema, std::string_view collation) {
  DM_RETURN_IF_ERROR(EnsureConnected());
  DM_RETURN_IF_ERROR(DropForgotten());
  return EnsureScratchDatabase(schema, collation);
}

Status SchemaTracker::SeedFromUpstream(mysql::Connection& upstream, const filter::TableName& table) {
  const std::string context = "schema tracker: seeding " + Display(table) + " from " + upstream.endpoint();
  auto collation =
      upstream.QueryValue("SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " +
                          mysql::QuoteString(table.schema, upstream.escaping()));
  if (!collation.ok()) {
    if (collation.status().code() == StatusCode::kNotFound && mysql::MysqlErrorNumber(collation.status()) == 0) {
      return Status(StatusCode::kNotFound, context + ": the schema does not exist there",
                    ErrorCode::kSchemaTrackerCannotGetTable);
    }
    return Status(collation.status().code(), context + ": " + collation.status().message(),
                  ErrorCode::kSchemaTrackerCannotGetTable);
  }
  auto result = upstream.Query("SHOW CREATE TABLE " + QualifiedName(table.schema, table.table));
  if (!result.ok()) {
    return Status(result.status().code(), context + ": " + result.status().message(),
                  ErrorCode::kSchemaTrackerCannotGetTable);
  }
  if (result->columns().size() < 2 || result->columns()[1].name != "Create Table") {
    return Status(StatusCode::kFailedPrecondition, context + ": it is a view, not a table",
                  ErrorCode::kSchemaTrackerCannotGetTable);
  }
  auto rows = result->FetchAll();
  if (!rows.ok()) return Status(rows.status().code(), context + ": " + rows.status().message());
  if (rows->empty() || !rows->front()[1]) {
    return Status(StatusCode::kInternal, context + ": SHOW CREATE TABLE returned no statement",
                  ErrorCode::kSchemaTrackerCannotGetTable);
  }
  return SeedTable(table, *rows->front()[1], collation->value_or(""));
}

Status SchemaTracker::ApplyDdl(const DdlStatement& ddl) {
  uint64_t bits = 0;
  if (ddl.dialect.ansi_quotes) bits |= kModeAnsiQuotes;
  if (!ddl.dialect.backslash_escapes) bits |= kModeNoBackslashEscapes;
  return ApplyDdl(ddl, bits);
}

Status SchemaTracker::ApplyDdl(const DdlStatement& ddl, uint64_t upstream_sql_mode,
                               const std::optional<binlog::QueryCharset>& charset) {
  // As DM: temporary tables are invisible to replication, statements that
  // are not DDL change no schema.
  if (!ddl.IsDdl() || ddl.temporary || ddl.kind == StatementKind::kTruncateTable) return Status::OK();
  DM_RETURN_IF_ERROR(EnsureConnected());
  DM_RETURN_IF_ERROR(DropForgotten());
  uint64_t bits = upstream_sql_mode & kReplayedModeBits;
  // ORACLE mode changes types (MariaDB maps DATE to DATETIME, VARCHAR2, ...)
  // but only MariaDB knows it; MySQL 8.0 rejects the bit.
  if (conn_->is_mariadb()) bits |= upstream_sql_mode & kModeOracle;
  DM_RETURN_IF_ERROR(SetSqlMode(bits));
  if (ddl.kind != StatementKind::kDropTable && ddl.kind != StatementKind::kRenameTable) return ApplyOne(ddl, charset);
  // One table (one old/new pair) at a time, in order, so each part sees the
  // effect of the ones before it (RENAME a TO tmp, b TO a, tmp TO b).
  auto parts = SplitPerTable(ddl);
  if (!parts.ok()) {
    return Status(
        StatusCode::kInvalidArgument,
        fmt::format("schema tracker: splitting {}: {}", QuoteStatementForError(ddl.sql), parts.status().message()),
        ErrorCode::kSchemaTrackerCannotExecDDL);
  }
  for (const DdlStatement& part : *parts) {
    DM_RETURN_IF_ERROR(SetSqlMode(bits));
    DM_RETURN_IF_ERROR(ApplyOne(part, charset));
  }
  return Status::OK();
}

Status SchemaTracker::ApplyOne(const DdlStatement& ddl, const std::optional<binlog::QueryCharset>& charset) {
  const NameRef* subject_ref = FindRole(ddl, NameRole::kSubject);
  if (subject_ref == nullptr) {
    return Status(StatusCode::kInternal,
                  fmt::format("schema tracker: no table or database named in {}", QuoteStatementForError(ddl.sql)),
                  ErrorCode::kSchemaTrackerCannotExecDDL);
  }
  const filter::TableName subject = subject_ref->name;
  auto tracked = [&](const filter::TableName& t) { return tables_.count(KeyOf(t)) != 0; };

  switch (ddl.kind) {
    case StatementKind::kCreateDatabase: {
      // The upstream's CREATE succeeded, so without IF NOT EXISTS the schema
      // did not exist there: whatever the scratch database holds is stale.
      // CREATE OR REPLACE drops it upstream too.
      if (!ddl.if_not_exists || ddl.or_replace) DM_RETURN_IF_ERROR(DropScratchDatabase(subject.schema));
      DM_ASSIGN_OR_RETURN(std::string sql, ToScratch(ddl));
      DM_RETURN_IF_ERROR(RunDdl(ddl, sql, charset));
      return ReadBackCollation(subject.schema);
    }
    case StatementKind::kDropDatabase: return DropScratchDatabase(subject.schema);
    case StatementKind::kAlterDatabase: {
      // A new default charset decides the columns of later CREATE TABLEs
      // without one, so it is kept even when no table of the schema is
      // tracked yet.
      DM_RETURN_IF_ERROR(EnsureScratchDatabase(subject.schema, ""));
      DM_ASSIGN_OR_RETURN(std::string sql, ToScratch(ddl));
      DM_RETURN_IF_ERROR(RunDdl(ddl, sql, charset));
      return ReadBackCollation(subject.schema);
    }
    case StatementKind::kCreateTable: {
      if (ddl.create_select) {
        return Status(StatusCode::kFailedPrecondition,
                      fmt::format("schema tracker: cannot replay {}: CREATE TABLE ... SELECT would read the target's "
                                  "tables; seed {} from the upstream instead",
                                  QuoteStatementForError(ddl.sql), Display(subject)),
                      ErrorCode::kSchemaTrackerCannotExecDDL);
      }
      if (ddl.create_like) {
        const NameRef* source = FindRole(ddl, NameRole::kLikeSource);
        if (source == nullptr || !tracked(source->name)) return Status::OK();
      }
      // The upstream did nothing: the table existed.
      if (tracked(subject) && ddl.if_not_exists && !ddl.or_replace) return Status::OK();
      DM_RETURN_IF_ERROR(EnsureScratchDatabase(subject.schema, ""));
      // A tracked copy is stale (the upstream's CREATE succeeded, so the table
      // did not exist there), and a leftover of an earlier process must go.
      DM_RETURN_IF_ERROR(DropScratchTable(subject));
      DM_ASSIGN_OR_RETURN(std::string sql, ToScratch(ddl));
      DM_RETURN_IF_ERROR(RunDdl(ddl, sql, charset));
      return Refresh(subject);
    }
    case StatementKind::kAlterTable:
    case StatementKind::kCreateIndex:
    case StatementKind::kDropIndex: {
      if (!tracked(subject)) return Status::OK();
      const NameRef* renamed = FindRole(ddl, NameRole::kNewName);
      const bool moves = renamed != nullptr && renamed->name != subject;
      if (moves) {
        DM_RETURN_IF_ERROR(EnsureScratchDatabase(renamed->name.schema, ""));
        DM_RETURN_IF_ERROR(DropScratchTable(renamed->name));  // stale: the upstream's rename succeeded
      }
      DM_ASSIGN_OR_RETURN(std::string sql, ToScratch(ddl));
      DM_RETURN_IF_ERROR(RunDdl(ddl, sql, charset));
      if (!moves) return Refresh(subject);
      tables_.erase(KeyOf(subject));
      return Refresh(renamed->name);
    }
    case StatementKind::kDropTable:
      // One table after SplitPerTable; DROP TABLE IF EXISTS has the same
      // effect on the scratch copy whatever the statement's options.
      for (const NameRef& ref : ddl.names) {
        if (tracked(ref.name)) DM_RETURN_IF_ERROR(DropScratchTable(ref.name));
      }
      return Status::OK();
    case StatementKind::kRenameTable: {
      // One old/new pair after SplitPerTable.
      const NameRef* to = FindRole(ddl, NameRole::kNewName);
      if (to == nullptr) {
        return Status(StatusCode::kInternal,
                      fmt::format("schema tracker: no new name in {}", QuoteStatementForError(ddl.sql)),
                      ErrorCode::kSchemaTrackerCannotExecDDL);
      }
      if (to->name == subject) return Status::OK();
      // The upstream's rename succeeded, so the new name was free there: a
      // tracked table of that name is stale whether or not the old one is
      // tracked.
      if (tracked(to->name)) DM_RETURN_IF_ERROR(DropScratchTable(to->name));
      if (!tracked(subject)) return Status::OK();
      DM_RETURN_IF_ERROR(EnsureScratchDatabase(to->name.schema, ""));
      DM_ASSIGN_OR_RETURN(std::string sql, ToScratch(ddl));
      DM_RETURN_IF_ERROR(RunDdl(ddl, sql, charset));
      tables_.erase(KeyOf(subject));
      return Refresh(to->name);
    }
    default: return Status::OK();
  }
}

const TrackedTable* SchemaTracker::Find(const filter::TableName& table) const {
  auto it = tables_.find(KeyOf(table));
  return it == tables_.end() ? nullptr : &it->second;
}

void SchemaTracker::Forget(const filter::TableName& table) {
  if (tables_.erase(KeyOf(table)) != 0) forgotten_.push_back(table);
}

std::vector<const TrackedTable*> SchemaTracker::Tables() const {
  std::vector<const TrackedTable*> out;
  out.reserve(tables_.size());
  for (const auto& [key, table] : tables_) out.push_back(&table);
  return out;
}

}  // namespace dm::sync
