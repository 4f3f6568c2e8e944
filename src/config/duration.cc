#include "config/duration.h"

#include <array>
#include <cstdint>
#include <limits>
#include <utility>

namespace dm::config {
namespace {

constexpr uint64_t kMaxMagnitude = uint64_t{1} << 63;  // |min int64|

// Returns the unit's length in nanoseconds, or 0 when `unit` is not one.
uint64_t UnitNanos(std::string_view unit) {
  static constexpr std::array<std::pair<std::string_view, uint64_t>, 8> kUnits = {{
      {"ns", 1},
      {"us", 1'000},
      {"\xC2\xB5s", 1'000},  // U+00B5 micro sign
      {"\xCE\xBCs", 1'000},  // U+03BC Greek mu
      {"ms", 1'000'000},
      {"s", 1'000'000'000},
      {"m", 60'000'000'000},
      {"h", 3'600'000'000'000},
  }};
  for (const auto& [name, nanos] : kUnits) {
    if (name == unit) return nanos;
  }
  return 0;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Status Invalid(std::string_view why) {
  return Status::InvalidArgument(std::string("invalid duration: ") + std::string(why));
}

// Appends the fraction digits of v/10^prec (without trailing zeros, and with
// no dot when they are all zero) and returns v/10^prec, as Go's fmtFrac.
uint64_t AppendFraction(std::string& out, uint64_t v, int prec) {
  std::string digits;
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    uint64_t digit = v % 10;
    print = print || digit != 0;
    if (print) digits.insert(digits.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  if (print) out = "." + digits + out;
  return v;
}

}  // namespace

Result<Duration> ParseGoDuration(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return Duration(0);
  if (s.empty()) return Invalid("empty value");

  uint64_t total = 0;
  while (!s.empty()) {
    if (!IsDigit(s.front()) && s.front() != '.') return Invalid("expected a number");
    // Integer part.
    uint64_t whole = 0;
    size_t int_digits = 0;
    while (!s.empty() && IsDigit(s.front())) {
      if (whole > (kMaxMagnitude - 9) / 10) return Invalid("value overflows");
      whole = whole * 10 + static_cast<uint64_t>(s.front() - '0');
      s.remove_prefix(1);
      ++int_digits;
    }
    // Fraction part: keep at most 18 significant digits, as Go drops the rest.
    uint64_t fraction = 0;
    double scale = 1;
    size_t frac_digits = 0;
    if (!s.empty() && s.front() == '.') {
      s.remove_prefix(1);
      while (!s.empty() && IsDigit(s.front())) {
        if (frac_digits < 18) {
          fraction = fraction * 10 + static_cast<uint64_t>(s.front() - '0');
          scale *= 10;
        }
        s.remove_prefix(1);
        ++frac_digits;
      }
    }
    if (int_digits == 0 && frac_digits == 0) return Invalid("expected a number");
    size_t unit_len = 0;
    while (unit_len < s.size() && s[unit_len] != '.' && !IsDigit(s[unit_len])) ++unit_len;
    if (unit_len == 0) return Invalid("missing unit (ns, us, ms, s, m, h)");
    uint64_t unit = UnitNanos(s.substr(0, unit_len));
    if (unit == 0) return Invalid("unknown unit (ns, us, ms, s, m, h)");
    s.remove_prefix(unit_len);

    if (whole > kMaxMagnitude / unit) return Invalid("value overflows");
    uint64_t value = whole * unit;
    if (fraction > 0) {
      value += static_cast<uint64_t>(static_cast<double>(fraction) * (static_cast<double>(unit) / scale));
      if (value > kMaxMagnitude) return Invalid("value overflows");
    }
    total += value;
    if (total > kMaxMagnitude) return Invalid("value overflows");
  }
  if (!negative && total > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Invalid("value overflows");
  }
  // Two's complement: -(2^63) is representable, so negate through uint64.
  int64_t signed_total = negative ? static_cast<int64_t>(~total + 1) : static_cast<int64_t>(total);
  return Duration(signed_total);
}

std::string FormatGoDuration(Duration d) {
  int64_t n = d.count();
  if (n == 0) return "0s";
  bool negative = n < 0;
  uint64_t u = negative ? ~static_cast<uint64_t>(n) + 1 : static_cast<uint64_t>(n);
  std::string out;
  if (u < 1'000'000'000) {
    // Sub-second values use the largest unit below a second, as Go.
    std::string unit;
    int prec = 0;
    if (u < 1'000) {
      unit = "ns";
    } else if (u < 1'000'000) {
      unit = "\xC2\xB5s";
      prec = 3;
    } else {
      unit = "ms";
      prec = 6;
    }
    out = unit;
    u = AppendFraction(out, u, prec);
    out = std::to_string(u) + out;
  } else {
    out = "s";
    u = AppendFraction(out, u, 9);
    out = std::to_string(u % 60) + out;
    u /= 60;
    if (u > 0) {
      out = std::to_string(u % 60) + "m" + out;
      u /= 60;
      if (u > 0) out = std::to_string(u) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

}  // namespace dm::config
