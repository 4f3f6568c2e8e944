// File names and fixed file contents of a dump directory
// (docs/formats/dump_layout.md). Pure functions, thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "dump/dump.h"

namespace dm::dump {

// Escapes a schema or table name for use in a file name, as dumpling's
// `fn` template function: bytes 0x00-0x1F and % " * . / : < > ? \ | become
// %XX (upper-case hex), and a '-' that starts "schema" (any case) becomes
// %2D, so "{db}.{table}" splits at the only unescaped dot and names can't
// fake a "-schema" suffix. Other bytes (spaces, backticks, UTF-8) are kept.
std::string EscapeFileName(std::string_view name);

std::string SchemaCreateFileName(std::string_view db);                    // {db}-schema-create.sql
std::string TableSchemaFileName(std::string_view db, std::string_view t);  // {db}.{t}-schema.sql
std::string ViewSchemaFileName(std::string_view db, std::string_view v);   // {db}.{v}-schema-view.sql
// {db}.{t}.{index:09}.sql
std::string DataFileName(std::string_view db, std::string_view t, uint64_t index);

inline constexpr std::string_view kMetadataFileName = "metadata";

// The `metadata` file, byte-exact as dumpling writes it (dm-spec §5): the
// start line, the snapshot's SHOW MASTER STATUS block, DM's
// "AFTER CONNECTION POOL ESTABLISHED" block, the finish line. Times are
// local wall-clock "YYYY-MM-DD HH:MM:SS", as dumpling.
std::string FormatMetadata(std::chrono::system_clock::time_point started, const BinlogPosition& snapshot,
                           const BinlogPosition& after_connect, std::chrono::system_clock::time_point finished);

}  // namespace dm::dump
