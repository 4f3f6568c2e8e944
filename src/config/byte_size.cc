#include "config/byte_size.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

namespace dm::config {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

Result<uint64_t> ParseByteSize(std::string_view text, uint64_t base) {
  // Number: digits with optional ".digits" groups, as go-units' regexp.
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  std::string number(text.substr(0, i));
  if (number.empty() || number.front() == '.' || number.back() == '.') {
    return Status::InvalidArgument("invalid size: expected a number such as 64, 500m or 1GiB");
  }
  std::string_view unit = text.substr(i);
  if (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  double multiplier = 1;
  if (!unit.empty()) {
    static constexpr std::string_view kPrefixes = "kmgtp";
    size_t power = kPrefixes.find(static_cast<char>(std::tolower(static_cast<unsigned char>(unit.front()))));
    if (power != std::string_view::npos) {
      multiplier = std::pow(static_cast<double>(base), static_cast<double>(power + 1));
      unit.remove_prefix(1);
    }
    if (!unit.empty() && (unit.front() == 'i' || unit.front() == 'I')) unit.remove_prefix(1);
    if (!unit.empty() && (unit.front() == 'b' || unit.front() == 'B')) unit.remove_prefix(1);
    if (!unit.empty())
      return Status::InvalidArgument("invalid size: unknown unit (k, m, g, t, p, optionally with i/b)");
  }
  double value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || end != number.data() + number.size()) {
    return Status::InvalidArgument("invalid size: expected a number such as 64, 500m or 1GiB");
  }
  double bytes = value * multiplier;
  if (bytes >= 18446744073709551616.0) return Status::InvalidArgument("invalid size: value overflows");
  return static_cast<uint64_t>(bytes);
}

Result<uint64_t> ParseChunkFileSize(std::string_view text) {
  if (AllDigits(text)) {
    uint64_t mb = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), mb);
    if (ec != std::errc() || end != text.data() + text.size() || mb > (UINT64_MAX >> 20)) {
      return Status::InvalidArgument("invalid size: value overflows");
    }
    return mb << 20;
  }
  return ParseByteSize(text, 1000);
}

}  // namespace dm::config
