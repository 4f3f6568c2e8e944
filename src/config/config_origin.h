// Where a decoded config came from. Kept beside the config struct, not inside
// it, so structs stay plain aggregates while Adjust() and Validate() can still
// name the file, the line and the dotted key of a problem
// ("task.yaml:14: mysql-instances[1].route-rules: ...").
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/errors.h"
#include "common/status.h"

namespace dm::config {

// Dotted key paths: "target-database.port", "mysql-instances[1].meta".
std::string JoinKey(std::string_view parent, std::string_view key);
std::string IndexKey(std::string_view parent, size_t index);

struct ConfigOrigin {
  // Display name used in messages: the path as the user gave it, or the name
  // a caller chose for text that did not come from a file ("task.yaml").
  std::string file;
  // Dotted key path -> 1-based line, filled by the decoder for every key,
  // list item and rule-set name it saw. The root document is "".
  std::unordered_map<std::string, int> lines;

  // True when the decoder saw `path` in the document.
  bool Has(std::string_view path) const;

  // Line of `path`, else of its nearest recorded ancestor (a missing key is
  // reported at the map that lacks it); 0 when nothing is known.
  int LineOf(std::string_view path) const;

  // "file:line: path" (line and path omitted when unknown/empty).
  std::string Where(std::string_view path) const;

  // An InvalidArgument status "file:line: path: message" tagged with `code`.
  Status Error(ErrorCode code, std::string_view path, std::string_view message) const;
};

// What a load produced besides the config: where it came from, and the
// warnings (deprecated keys, ignored settings) in the order they were found.
// A load resets `origin` and appends to `warnings`. Not thread-safe: one
// report per load at a time.
struct LoadReport {
  ConfigOrigin origin;
  // Each warning as "file:line: key: message", also logged at warn level.
  std::vector<std::string> warnings;

  // Records and logs a warning about `path` through dm::log::Warn with
  // file/line/key fields, plus `replacement` when it names a new key.
  void Warn(std::string_view path, std::string_view message, std::string_view replacement = {});
};

// Reads a whole config file. Errors carry ErrorCode::kConfigReadFile and the
// path (NotFound when the file does not exist).
Result<std::string> ReadConfigFile(const std::string& path);

}  // namespace dm::config
