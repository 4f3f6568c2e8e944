// DM-compatible error catalogue, generated from common/errors.def.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace dm {

enum class ErrorCode : int32_t {
  kNone = 0,
#define DM_ERROR(name, code, cls, scope, level, message, workaround) k##name = code,
#include "common/errors.def"
#undef DM_ERROR
};

// One catalogue entry, as DM prints it in query-status and errors.toml.
struct ErrorInfo {
  ErrorCode code;
  std::string_view name;
  std::string_view error_class;
  std::string_view scope;
  std::string_view level;
  std::string_view message;
  std::string_view workaround;
};

// Returns the catalogue entry for `code`; REQUIRES: code != kNone.
const ErrorInfo& LookupError(ErrorCode code);
// Every entry, in catalogue order.
std::span<const ErrorInfo> AllErrors();
// DM's log rendering: "[code=20004:class=config:scope=internal:level=medium]".
std::string FormatErrorTag(ErrorCode code);

}  // namespace dm
