// MySQL/MariaDB binary DECIMAL (the row format of DECIMAL columns and of
// DECIMAL user variables) to exact decimal text. Layout:
// docs/formats/binlog_events.md#decimal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "common/status.h"

namespace dm::binlog {

// Largest precision a binary decimal can carry (9 groups of 9 digits);
// columns stop at 65.
inline constexpr int kMaxDecimalPrecision = 81;

// Bytes of a DECIMAL(precision, scale) value. REQUIRES: scale <= precision
// <= kMaxDecimalPrecision.
size_t DecimalBinarySize(int precision, int scale);

// OK when `bytes` is a well-formed DECIMAL(precision, scale): right size and
// every 9-digit group in range. Corruption (message without position) otherwise.
Status ValidateDecimal(int precision, int scale, std::span<const uint8_t> bytes);

// Appends the exact text ("-12.50", "0.000000001", "0") of a value accepted by
// ValidateDecimal to *out: the integer part without leading zeros, then
// exactly `scale` fraction digits. Allocation-free when *out has capacity.
void AppendDecimalText(int precision, int scale, std::span<const uint8_t> bytes, std::string* out);

}  // namespace dm::binlog
