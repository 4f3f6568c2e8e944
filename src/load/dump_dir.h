// Classification of a dump directory written by dm's dump unit, dumpling or
// mydumper (layout: docs/formats/dump_layout.md):
//
//   metadata                          binlog position at the snapshot
//   {db}-schema-create.sql            CREATE DATABASE
//   {db}.{table}-schema.sql           CREATE TABLE (a placeholder for views)
//   {db}.{view}-schema-view.sql       the view, created after all tables
//   {db}.{table}.{N}.sql              data chunk N (dumpling: 9 digits; mydumper:
//   {db}.{table}.sql                  5 digits, or none for a single chunk)
//   ...-schema-triggers.sql, -schema-post.sql, *.csv
//                                     not loaded: listed in `skipped`
//
// Any file may carry ".gz" or ".zst" after ".sql" (compressed dumps). Names containing dots are resolved
// against the databases (from -schema-create files) and tables (from -schema
// files) that exist, so `a.b.c.sql` is db `a`, table `b.c` only when no
// longer match exists. dumpling's `%XX` escapes in names (`my%2Etable`) are
// decoded in the schema and table names reported here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "load/dump_metadata.h"
#include "load/statement.h"

namespace dm::load {

struct DumpFile {
  std::string name;   // base name, as recorded in the checkpoint's `filename`
  std::string path;   // full path
  uint64_t size = 0;  // bytes of the statement stream (uncompressed for .gz/.zst)
};

struct DumpTable {
  std::string schema;
  std::string table;
  DumpFile schema_file;              // {db}.{table}-schema.sql
  std::vector<DumpFile> data_files;  // ordered by chunk number
};

struct DumpView {
  std::string schema;
  std::string view;
  DumpFile file;  // {db}.{view}-schema-view.sql
};

struct DumpDatabase {
  std::string schema;
  std::optional<DumpFile> create_file;  // absent when the dump has none
};

struct DumpDir {
  std::string path;
  std::optional<DumpMetadata> metadata;  // absent when there is no metadata file
  std::vector<DumpDatabase> databases;   // sorted by name
  std::vector<DumpTable> tables;         // sorted by (schema, table)
  std::vector<DumpView> views;           // sorted by (schema, view)
  std::vector<std::string> skipped;      // file names not loaded (triggers, ...)

  uint64_t TotalDataBytes() const;
};

// Lists and classifies `dir`; reads and parses `metadata`; stats every file.
// NotFound (kLoadUnitDumpDirNotFound) when `dir` does not exist; errors for a
// data file without a schema file and for duplicate chunks name the file.
Result<DumpDir> ClassifyDumpDir(const std::string& dir);

// One statement of a schema file and the byte offset it starts at.
struct SchemaFileStatement {
  std::string text;  // without its `;`
  uint64_t offset = 0;
  StatementHead head;
};

// The statements of a schema file ({db}-schema-create.sql, {db}.{t}-schema.sql,
// plain or compressed as OpenByteSource reads it), in file order: its SET
// statements, except those IsUnsafeSessionSet refuses, and exactly one CREATE
// of kind `want` (kCreateTable also takes kCreateSequence), at index
// `create_index`. Comment-only statements are dropped. Errors name the file
// and the statement's offset; anything but SETs and that one CREATE is
// InvalidArgument tagged LoadUnitNotCreateTable.
struct SchemaFile {
  std::vector<SchemaFileStatement> statements;
  size_t create_index = 0;
  const SchemaFileStatement& create() const { return statements[create_index]; }
};
Result<SchemaFile> ReadSchemaFile(const std::string& path, StatementKind want, bool backslash_escapes = true);

}  // namespace dm::load
