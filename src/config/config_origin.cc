#include "config/config_origin.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/log.h"

namespace dm::config {
namespace {

// Drops the last component of a dotted path: "a.b[2]" -> "a.b" -> "a" -> "".
std::string_view ParentKey(std::string_view path) {
  if (path.empty()) return path;
  if (path.back() == ']') {
    size_t open = path.rfind('[');
    return open == std::string_view::npos ? std::string_view() : path.substr(0, open);
  }
  size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : path.substr(0, dot);
}

}  // namespace

std::string JoinKey(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return fmt::format("{}.{}", parent, key);
}

std::string IndexKey(std::string_view parent, size_t index) { return fmt::format("{}[{}]", parent, index); }

bool ConfigOrigin::Has(std::string_view path) const { return lines.contains(std::string(path)); }

int ConfigOrigin::LineOf(std::string_view path) const {
  while (true) {
    auto it = lines.find(std::string(path));
    if (it != lines.end()) return it->second;
    if (path.empty()) return 0;
    path = ParentKey(path);
  }
}

std::string ConfigOrigin::Where(std::string_view path) const {
  std::string out = file.empty() ? std::string("config") : file;
  int line = LineOf(path);
  if (line > 0) out += fmt::format(":{}", line);
  if (!path.empty()) out += fmt::format(": {}", path);
  return out;
}

Status ConfigOrigin::Error(ErrorCode code, std::string_view path, std::string_view message) const {
  return Status(StatusCode::kInvalidArgument, fmt::format("{}: {}", Where(path), message), code);
}

void LoadReport::Warn(std::string_view path, std::string_view message, std::string_view replacement) {
  warnings.push_back(fmt::format("{}: {}", origin.Where(path), message));
  int line = origin.LineOf(path);
  if (replacement.empty()) {
    log::Warn(message, {{"file", origin.file}, {"line", line}, {"key", path}});
  } else {
    log::Warn(message, {{"file", origin.file}, {"line", line}, {"key", path}, {"replacement", replacement}});
  }
}

Result<std::string> ReadConfigFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status(StatusCode::kInvalidArgument, fmt::format("cannot read config file '{}': is a directory", path),
                  ErrorCode::kConfigReadFile);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    StatusCode code = err == ENOENT ? StatusCode::kNotFound : StatusCode::kInvalidArgument;
    return Status(code, fmt::format("cannot read config file '{}': {}", path, std::strerror(err)),
                  ErrorCode::kConfigReadFile);
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    return Status(StatusCode::kInvalidArgument, fmt::format("cannot read config file '{}'", path),
                  ErrorCode::kConfigReadFile);
  }
  return content.str();
}

}  // namespace dm::config
