#include "binlog/decimal.h"

#include <fmt/format.h>

#include <array>

namespace dm::binlog {
namespace {

constexpr int kDigitsPerGroup = 9;
// Bytes that hold a group of 0-9 decimal digits.
constexpr std::array<int, 10> kGroupBytes = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
constexpr std::array<uint32_t, 10> kPow10 = {1,      10,      100,      1000,      10000,
                                             100000, 1000000, 10000000, 100000000, 1000000000};

// Walks the digit groups of a value in order, the sign bit removed and
// negative values complemented, calling fn(digits_in_group, group_value).
template <typename Fn>
void ForEachGroup(int precision, int scale, std::span<const uint8_t> bytes, Fn&& fn) {
  const int intg = precision - scale;
  const int int_lead = intg % kDigitsPerGroup;
  const int int_full = intg / kDigitsPerGroup;
  const int frac_full = scale / kDigitsPerGroup;
  const int frac_tail = scale % kDigitsPerGroup;
  const bool negative = (bytes[0] & 0x80) == 0;
  const uint8_t mask = negative ? 0xff : 0x00;
  size_t pos = 0;
  auto read = [&](int n) {
    uint32_t v = 0;
    for (int i = 0; i < n; ++i, ++pos) {
      uint8_t b = bytes[pos];
      if (pos == 0) b ^= 0x80;
      v = (v << 8) | static_cast<uint8_t>(b ^ mask);
    }
    return v;
  };
  if (int_lead > 0) fn(int_lead, read(kGroupBytes[int_lead]));
  for (int i = 0; i < int_full; ++i) fn(kDigitsPerGroup, read(4));
  for (int i = 0; i < frac_full; ++i) fn(kDigitsPerGroup, read(4));
  if (frac_tail > 0) fn(frac_tail, read(kGroupBytes[frac_tail]));
}

}  // namespace

size_t DecimalBinarySize(int precision, int scale) {
  const int intg = precision - scale;
  return static_cast<size_t>((intg / kDigitsPerGroup) * 4 + kGroupBytes[intg % kDigitsPerGroup] +
                             (scale / kDigitsPerGroup) * 4 + kGroupBytes[scale % kDigitsPerGroup]);
}

Status ValidateDecimal(int precision, int scale, std::span<const uint8_t> bytes) {
  if (precision < 1 || precision > kMaxDecimalPrecision || scale < 0 || scale > precision) {
    return Status::Corruption(fmt::format("invalid DECIMAL({},{})", precision, scale));
  }
  const size_t size = DecimalBinarySize(precision, scale);
  if (bytes.size() != size) {
    return Status::Corruption(
        fmt::format("DECIMAL({},{}) value has {} bytes, expected {}", precision, scale, bytes.size(), size));
  }
  bool valid = true;
  ForEachGroup(precision, scale, bytes, [&](int digits, uint32_t v) {
    if (v >= kPow10[digits]) valid = false;
  });
  if (!valid) return Status::Corruption(fmt::format("DECIMAL({},{}) value has a digit group out of range", precision, scale));
  return Status::OK();
}

void AppendDecimalText(int precision, int scale, std::span<const uint8_t> bytes, std::string* out) {
  // At most 81 digits, a sign and a point.
  char buf[kMaxDecimalPrecision + 4];
  size_t n = 2;  // room in front for a "0" before the point and the sign
  const int intg = precision - scale;
  int digits_done = 0;
  ForEachGroup(precision, scale, bytes, [&](int digits, uint32_t v) {
    if (digits_done == intg && scale > 0) buf[n++] = '.';
    for (int i = digits - 1; i >= 0; --i) buf[n++] = static_cast<char>('0' + (v / kPow10[i]) % 10);
    digits_done += digits;
  });
  // Strip leading zeros of the integer part, keeping one before the point.
  size_t start = 2;
  while (start + 1 < n && buf[start] == '0' && buf[start + 1] != '.') ++start;
  if (buf[start] == '.') buf[--start] = '0';
  bool all_zero = true;
  for (size_t i = start; i < n; ++i) {
    if (buf[i] != '0' && buf[i] != '.') all_zero = false;
  }
  const bool negative = (bytes[0] & 0x80) == 0;
  if (negative && !all_zero) buf[--start] = '-';
  out->append(buf + start, n - start);
}

}  // namespace dm::binlog
