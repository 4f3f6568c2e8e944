#include "load/dump_dir.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "common/log.h"
#include "load/byte_source.h"
#include "load/statement_splitter.h"

namespace dm::load {
namespace {

namespace fs = std::filesystem;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
std::string_view StripSuffix(std::string_view s, std::string_view suffix) {
  return s.substr(0, s.size() - suffix.size());
}

// Splits "db.rest" using the known databases (longest match first), else at
// the first dot. False when there is no dot at all.
bool SplitSchema(std::string_view qualified, const std::set<std::string>& databases, std::string* db,
                 std::string* rest) {
  size_t best = std::string_view::npos;
  for (const std::string& d : databases) {
    if (qualified.size() > d.size() + 1 && qualified.substr(0, d.size()) == d && qualified[d.size()] == '.' &&
        (best == std::string_view::npos || d.size() > best)) {
      best = d.size();
    }
  }
  if (best == std::string_view::npos) best = qualified.find('.');
  if (best == std::string_view::npos || best == 0 || best + 1 >= qualified.size()) return false;
  *db = std::string(qualified.substr(0, best));
  *rest = std::string(qualified.substr(best + 1));
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// dumpling (and dm's dump unit) write names with `%XX` escapes for bytes
// that are special in file names ('.', '/', control bytes, "-schema"); a
// '%' not followed by two hex digits is kept as it is.
std::string PercentDecode(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '%' && i + 2 < name.size() && HexValue(name[i + 1]) >= 0 && HexValue(name[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(name[i + 1]) * 16 + HexValue(name[i + 2])));
      i += 2;
    } else {
      out.push_back(name[i]);
    }
  }
  return out;
}

struct ChunkKey {
  bool single = false;  // {db}.{table}.sql: sorts first
  std::string digits;
  bool operator<(const ChunkKey& o) const {
    if (single != o.single) return single;
    if (digits.size() != o.digits.size()) return digits.size() < o.digits.size();
    return digits < o.digits;
  }
};

Result<DumpFile> MakeFile(const fs::path& path) {
  DumpFile file;
  file.name = path.filename().string();
  file.path = path.string();
  DM_ASSIGN_OR_RETURN(file.size, StreamSize(file.path));
  return file;
}

}  // namespace

uint64_t DumpDir::TotalDataBytes() const {
  uint64_t total = 0;
  for (const DumpTable& t : tables) {
    for (const DumpFile& f : t.data_files) total += f.size;
  }
  return total;
}

Result<DumpDir> ClassifyDumpDir(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::NotFound("dump directory " + dir + " does not exist")
        .WithErrorCode(ErrorCode::kLoadUnitDumpDirNotFound);
  }
  DumpDir out;
  out.path = dir;
  std::vector<fs::path> files;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  if (ec) {
    return Status::Unavailable("cannot list dump directory " + dir + ": " + ec.message())
        .WithErrorCode(ErrorCode::kLoadUnitReadSchemaFile);
  }
  std::sort(files.begin(), files.end());

  // Pass 1: metadata and databases, which the other names are resolved against.
  std::set<std::string> databases;
  std::map<std::string, DumpDatabase> db_map;
  std::vector<std::pair<fs::path, std::string>> rest;  // (path, name without .gz/.zst)
  for (const fs::path& path : files) {
    std::string name = path.filename().string();
    if (name == "metadata") {
      DM_ASSIGN_OR_RETURN(out.metadata, ReadDumpMetadata(path.string()));
      continue;
    }
    std::string plain = EndsWith(name, ".sql.gz")    ? name.substr(0, name.size() - 3)
                        : EndsWith(name, ".sql.zst") ? name.substr(0, name.size() - 4)
                                                     : name;
    if (!EndsWith(plain, ".sql")) {
      out.skipped.push_back(name);  // .csv, .snappy, checksums, ...
      continue;
    }
    if (EndsWith(plain, "-schema-create.sql")) {
      std::string db(StripSuffix(plain, "-schema-create.sql"));
      DM_ASSIGN_OR_RETURN(DumpFile file, MakeFile(path));
      DumpDatabase& entry = db_map[db];
      if (entry.create_file) {
        return Status::InvalidArgument(path.string() + ": second CREATE DATABASE file for '" + db + "'")
            .WithErrorCode(ErrorCode::kLoadUnitDuplicateTableFile);
      }
      entry.schema = PercentDecode(db);
      entry.create_file = std::move(file);
      databases.insert(db);
      continue;
    }
    rest.emplace_back(path, std::move(plain));
  }

  // Pass 2: schema and view files.
  std::map<std::pair<std::string, std::string>, DumpTable> tables;
  std::map<std::pair<std::string, std::string>, DumpView> views;
  std::vector<std::pair<fs::path, std::string>> data;
  for (auto& [path, plain] : rest) {
    std::string name = path.filename().string();
    if (EndsWith(plain, "-schema-triggers.sql") || EndsWith(plain, "-schema-post.sql") ||
        EndsWith(plain, "-schema-sequence.sql") || EndsWith(plain, "-schema-procedure.sql") ||
        EndsWith(plain, "-schema-function.sql")) {
      out.skipped.push_back(name);
      continue;
    }
    bool is_view = EndsWith(plain, "-schema-view.sql");
    bool is_schema = !is_view && EndsWith(plain, "-schema.sql");
    if (!is_view && !is_schema) {
      data.emplace_back(path, plain);
      continue;
    }
    std::string qualified(StripSuffix(plain, is_view ? "-schema-view.sql" : "-schema.sql"));
    std::string db;
    std::string object;
    if (!SplitSchema(qualified, databases, &db, &object)) {
      return Status::InvalidArgument(path.string() + ": cannot tell the database from the file name")
          .WithErrorCode(ErrorCode::kLoadUnitNotCreateTable);
    }
    DM_ASSIGN_OR_RETURN(DumpFile file, MakeFile(path));
    auto key = std::make_pair(db, object);
    if (is_view) {
      if (views.count(key) != 0) {
        return Status::InvalidArgument(path.string() + ": second view file for " + qualified)
            .WithErrorCode(ErrorCode::kLoadUnitDuplicateTableFile);
      }
      views[key] = DumpView{PercentDecode(db), PercentDecode(object), std::move(file)};
    } else {
      if (tables.count(key) != 0) {
        return Status::InvalidArgument(path.string() + ": second schema file for " + qualified)
            .WithErrorCode(ErrorCode::kLoadUnitDuplicateTableFile);
      }
      DumpTable table;
      table.schema = PercentDecode(db);
      table.table = PercentDecode(object);
      table.schema_file = std::move(file);
      tables[key] = std::move(table);
    }
    if (db_map.count(db) == 0) db_map[db].schema = PercentDecode(db);
  }
  // A view's -schema.sql is a placeholder table for the view's columns.
  for (const auto& [key, view] : views) tables.erase(key);

  // Pass 3: data files, named {db}.{table}[.{N}].sql.
  std::map<std::pair<std::string, std::string>, std::map<ChunkKey, DumpFile>> chunks;
  for (auto& [path, plain] : data) {
    std::string qualified(StripSuffix(plain, ".sql"));
    std::string db;
    std::string object;
    bool split = SplitSchema(qualified, databases, &db, &object);
    ChunkKey chunk;
    std::pair<std::string, std::string> key;
    if (split && tables.count({db, object}) != 0) {
      chunk.single = true;
      key = {db, object};
    } else if (split) {
      size_t dot = object.rfind('.');
      std::string digits = dot == std::string::npos ? "" : object.substr(dot + 1);
      bool numeric = !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) {
        return c >= '0' && c <= '9';
      });
      if (numeric && tables.count({db, object.substr(0, dot)}) != 0) {
        chunk.digits = digits;
        key = {db, object.substr(0, dot)};
      } else if (views.count({db, object}) != 0) {
        out.skipped.push_back(path.filename().string());  // data of a view placeholder
        continue;
      } else {
        split = false;
      }
    }
    if (!split) {
      return Status::InvalidArgument(path.string() + ": data file without a matching {db}.{table}-schema.sql")
          .WithErrorCode(ErrorCode::kLoadUnitNoTableFile);
    }
    DM_ASSIGN_OR_RETURN(DumpFile file, MakeFile(path));
    auto& table_chunks = chunks[key];
    if (table_chunks.count(chunk) != 0) {
      return Status::InvalidArgument(path.string() + ": chunk already provided by " + table_chunks[chunk].name)
          .WithErrorCode(ErrorCode::kLoadUnitDuplicateTableFile);
    }
    table_chunks.emplace(chunk, std::move(file));
  }
  for (auto& [key, table] : tables) {
    for (auto& [chunk, file] : chunks[key]) table.data_files.push_back(std::move(file));
    out.tables.push_back(std::move(table));
  }
  for (auto& [key, view] : views) out.views.push_back(std::move(view));
  for (auto& [name, db] : db_map) out.databases.push_back(std::move(db));
  if (!out.skipped.empty()) {
    log::Info("dump files not loaded (triggers, routines, unsupported formats)",
              {{"dir", dir}, {"count", out.skipped.size()}, {"first", out.skipped.front()}});
  }
  return out;
}

Result<SchemaFile> ReadSchemaFile(const std::string& path, StatementKind want, bool backslash_escapes) {
  auto at = [&path](uint64_t offset) { return path + ": statement at byte offset " + std::to_string(offset); };
  DM_ASSIGN_OR_RETURN(auto source, OpenByteSource(path));
  StatementSplitter::Options split_options;
  split_options.backslash_escapes = backslash_escapes;
  StatementSplitter splitter(std::move(source), split_options);
  SchemaFile file;
  bool found = false;
  while (true) {
    DM_ASSIGN_OR_RETURN(bool more, splitter.Next());
    if (!more) break;
    std::string_view stmt = splitter.statement();
    auto head = ParseStatementHead(stmt);
    if (!head.ok()) return std::move(head).status().WithContext(at(splitter.begin_offset()));
    if (head->kind == StatementKind::kEmpty) continue;
    if (head->kind == StatementKind::kSet) {
      if (!IsUnsafeSessionSet(stmt)) file.statements.push_back({std::string(stmt), splitter.begin_offset(), *head});
      continue;
    }
    const bool wanted =
        head->kind == want || (want == StatementKind::kCreateTable && head->kind == StatementKind::kCreateSequence);
    if (!wanted || found) {
      return Status::InvalidArgument(at(splitter.begin_offset()) + ": expected only SET statements and one CREATE statement")
          .WithErrorCode(ErrorCode::kLoadUnitNotCreateTable);
    }
    found = true;
    file.create_index = file.statements.size();
    file.statements.push_back({std::string(stmt), splitter.begin_offset(), *head});
  }
  if (!found) {
    return Status::InvalidArgument(path + ": no CREATE statement found").WithErrorCode(ErrorCode::kLoadUnitNotCreateTable);
  }
  return file;
}

}  // namespace dm::load
