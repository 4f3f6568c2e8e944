#include "common/errors.h"

#include <array>
#include <fmt/format.h>

namespace dm {
namespace {

constexpr ErrorInfo kErrors[] = {
#define DM_ERROR(name, code, cls, scope, level, message, workaround) \
  {ErrorCode::k##name, #name, cls, scope, level, message, workaround},
#include "common/errors.def"
#undef DM_ERROR
};

constexpr ErrorInfo kUnknown{ErrorCode::kNone, "Unknown", "unknown", "unknown", "high", "", ""};

}  // namespace

const ErrorInfo& LookupError(ErrorCode code) {
  for (const auto& info : kErrors) {
    if (info.code == code) return info;
  }
  return kUnknown;
}

std::span<const ErrorInfo> AllErrors() { return kErrors; }

std::string FormatErrorTag(ErrorCode code) {
  const ErrorInfo& info = LookupError(code);
  return fmt::format("[code={}:class={}:scope={}:level={}]", static_cast<int32_t>(code), info.error_class,
                     info.scope, info.level);
}

}  // namespace dm
