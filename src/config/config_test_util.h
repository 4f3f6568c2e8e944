// Helpers shared by dm_config's unit tests (test-only header).
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "common/encrypt.h"
#include "common/status.h"
#include "testutil/test_env.h"

namespace dm::config::testing {

inline const crypto::SecretKey& Key() { return crypto::LegacyBuiltinKey(); }

// Path of a fixture under tests/data/config/.
inline std::string Fixture(std::string_view name) {
  return testutil::SourceDir() + "/tests/data/config/" + std::string(name);
}

// 1-based line of the first occurrence of `needle` in `text` (0 if absent),
// so tests state which line an error must name without counting by hand.
inline int LineOf(std::string_view text, std::string_view needle) {
  size_t pos = text.find(needle);
  if (pos == std::string_view::npos) return 0;
  int line = 1;
  for (size_t i = 0; i < pos; ++i) line += text[i] == '\n' ? 1 : 0;
  return line;
}

// Passes when `status` failed with `code` and its message contains every
// one of `parts` (file:line, key path, hint...).
inline ::testing::AssertionResult FailsWith(const Status& status, ErrorCode code,
                                            std::initializer_list<std::string> parts) {
  if (status.ok()) return ::testing::AssertionFailure() << "status is OK";
  if (status.error_code() != code) {
    return ::testing::AssertionFailure() << "error code " << static_cast<int>(status.error_code()) << ", want "
                                         << static_cast<int>(code) << ": " << status.message();
  }
  for (const std::string& part : parts) {
    if (status.message().find(part) == std::string::npos) {
      return ::testing::AssertionFailure() << "message lacks \"" << part << "\": " << status.message();
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace dm::config::testing
