// dm's logging facade over spdlog: a message plus key=value fields, as DM's
// zap logs look ("[message] [task=t] [source=s] [unit=Sync]").
//
// Never log passwords: Secret (common/secret.h) has no formatter on purpose.
// Row contents are not logged by default.
#pragma once

#include <fmt/format.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "common/status.h"

namespace dm::log {

enum class Level { kDebug, kInfo, kWarn, kError, kFatal };

// Parses DM's level names (debug/info/warn/error/fatal).
Result<Level> ParseLevel(std::string_view name);

struct Options {
  Level level = Level::kInfo;
  std::string file;            // empty: standard error
  std::string format = "text"; // text | json
};

// Configures the process-wide sink. Call once from main(); until then lines go
// to standard error at info level. Thread-safe afterwards.
Status Init(const Options& options);

// One key=value field. The value is formatted once, when the field is built.
struct Field {
  template <typename T>
  Field(std::string_view k, const T& v) : key(k), value(fmt::format("{}", v)) {}
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, const Status& s) : key(k), value(s.ToString()) {}

  std::string_view key;
  std::string value;
};

using Fields = std::initializer_list<Field>;

void Write(Level level, std::string_view message, Fields fields);
bool Enabled(Level level);

inline void Debug(std::string_view message, Fields fields = {}) { Write(Level::kDebug, message, fields); }
inline void Info(std::string_view message, Fields fields = {}) { Write(Level::kInfo, message, fields); }
inline void Warn(std::string_view message, Fields fields = {}) { Write(Level::kWarn, message, fields); }
inline void Error(std::string_view message, Fields fields = {}) { Write(Level::kError, message, fields); }

}  // namespace dm::log
