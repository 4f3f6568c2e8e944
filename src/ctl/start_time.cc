#include "ctl/start_time.h"

#include <fmt/format.h>

#include <optional>

namespace dm::ctl {
namespace {

// Reads exactly `digits` decimal digits at `pos`, advancing it.
std::optional<int> ReadNumber(std::string_view text, size_t& pos, size_t digits) {
  if (pos + digits > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = 0; i < digits; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += digits;
  return value;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

bool IsValidStartTime(std::string_view text) {
  size_t pos = 0;
  auto year = ReadNumber(text, pos, 4);
  if (!year || !Expect(text, pos, '-')) return false;
  auto month = ReadNumber(text, pos, 2);
  if (!month || *month < 1 || *month > 12 || !Expect(text, pos, '-')) return false;
  auto day = ReadNumber(text, pos, 2);
  if (!day || *day < 1 || *day > DaysInMonth(*year, *month)) return false;
  if (!Expect(text, pos, ' ') && !Expect(text, pos, 'T')) return false;
  auto hour = ReadNumber(text, pos, 2);
  if (!hour || *hour > 23 || !Expect(text, pos, ':')) return false;
  auto minute = ReadNumber(text, pos, 2);
  if (!minute || *minute > 59 || !Expect(text, pos, ':')) return false;
  auto second = ReadNumber(text, pos, 2);
  if (!second || *second > 59) return false;
  if (pos == text.size()) return true;
  if (text.substr(pos) == "Z") return true;
  if (!Expect(text, pos, '+') && !Expect(text, pos, '-')) return false;
  auto offset_hours = ReadNumber(text, pos, 2);
  if (!offset_hours || *offset_hours > 14) return false;
  Expect(text, pos, ':');  // "+08:00" and "+0800" are both offsets
  auto offset_minutes = ReadNumber(text, pos, 2);
  return offset_minutes && *offset_minutes <= 59 && pos == text.size();
}

}  // namespace

Status ValidateStartTime(std::string_view text) {
  if (IsValidStartTime(text)) return Status::OK();
  return Status::InvalidArgument(
      fmt::format("--start-time '{}': unsupported start-time format, use '2021-10-21 00:01:00', "
                  "'2021-10-21T00:01:00' or '2021-10-21T00:01:00+08:00'",
                  text));
}

}  // namespace dm::ctl
