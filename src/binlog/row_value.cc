#include "binlog/row_value.h"

#include <fmt/format.h>

#include <algorithm>

#include "binlog/append_text.h"
#include "binlog/decimal.h"

namespace dm::binlog {
namespace {

// Microseconds from the fractional part of TIMESTAMP2/DATETIME2: (fsp+1)/2
// big-endian bytes holding the fraction in units of 10^-(2*bytes) seconds.
uint32_t ReadFraction(EventReader& r, uint8_t fsp) {
  switch ((fsp + 1) / 2) {
    case 1: return static_cast<uint32_t>(r.ReadUIntBigEndian(1, "fraction")) * 10000;
    case 2: return static_cast<uint32_t>(r.ReadUIntBigEndian(2, "fraction")) * 100;
    case 3: return static_cast<uint32_t>(r.ReadUIntBigEndian(3, "fraction"));
    default: return 0;
  }
}

void CheckMicros(EventReader& r, uint32_t micros) {
  if (r.ok() && micros > 999999) r.Fail(fmt::format("fraction {} exceeds 999999 microseconds", micros));
}

void DecodeTime2(const ColumnMeta& meta, EventReader& r, Value* out) {
  // The value is a signed 24.24 fixed-point number (integer part hh:mm:ss
  // packed as hour<<12 | minute<<6 | second) offset by 2^47 so that bytes
  // sort like values. For fsp 1-4 the fraction is stored separately and a
  // negative value borrows from the integer part.
  constexpr int64_t kIntOffset = 0x800000;
  int64_t packed = 0;
  switch ((meta.fsp + 1) / 2) {
    case 0:
      packed = (static_cast<int64_t>(r.ReadUIntBigEndian(3, "TIME2")) - kIntOffset) * (int64_t{1} << 24);
      break;
    case 1: {
      int64_t integer = static_cast<int64_t>(r.ReadUIntBigEndian(3, "TIME2")) - kIntOffset;
      int64_t frac = static_cast<int64_t>(r.ReadUIntBigEndian(1, "TIME2 fraction"));
      if (integer < 0 && frac != 0) {
        integer += 1;
        frac -= 0x100;
      }
      packed = integer * (int64_t{1} << 24) + frac * 10000;
      break;
    }
    case 2: {
      int64_t integer = static_cast<int64_t>(r.ReadUIntBigEndian(3, "TIME2")) - kIntOffset;
      int64_t frac = static_cast<int64_t>(r.ReadUIntBigEndian(2, "TIME2 fraction"));
      if (integer < 0 && frac != 0) {
        integer += 1;
        frac -= 0x10000;
      }
      packed = integer * (int64_t{1} << 24) + frac * 100;
      break;
    }
    default:
      packed = static_cast<int64_t>(r.ReadUIntBigEndian(6, "TIME2")) - (kIntOffset << 24);
      break;
  }
  Temporal& t = out->temporal;
  t = Temporal{};
  t.negative = packed < 0;
  const uint64_t magnitude = t.negative ? static_cast<uint64_t>(-packed) : static_cast<uint64_t>(packed);
  const uint64_t hms = magnitude >> 24;
  t.micros = static_cast<uint32_t>(magnitude & 0xffffff);
  t.hour = static_cast<uint32_t>((hms >> 12) & 0x3ff);
  t.minute = static_cast<uint8_t>((hms >> 6) & 0x3f);
  t.second = static_cast<uint8_t>(hms & 0x3f);
  CheckMicros(r, t.micros);
  if (r.ok() && (t.minute > 59 || t.second > 59)) r.Fail("TIME2 minute or second out of range");
  out->kind = ValueKind::kTime;
}

void DecodeDateTime2(const ColumnMeta& meta, EventReader& r, Value* out) {
  // 40-bit big-endian, offset by 2^39: year*13+month (17 bits), day (5),
  // hour (5), minute (6), second (6); then the fraction.
  constexpr int64_t kIntOffset = 0x8000000000;
  const int64_t packed = static_cast<int64_t>(r.ReadUIntBigEndian(5, "DATETIME2")) - kIntOffset;
  Temporal& t = out->temporal;
  t = Temporal{};
  t.micros = ReadFraction(r, meta.fsp);
  if (!r.ok()) return;
  if (packed < 0) {
    r.Fail("negative DATETIME2");
    return;
  }
  const uint64_t ymdhms = static_cast<uint64_t>(packed);
  const uint64_t ymd = ymdhms >> 17;
  const uint64_t ym = ymd >> 5;
  const uint64_t hms = ymdhms & 0x1ffff;
  t.year = static_cast<uint16_t>(ym / 13);
  t.month = static_cast<uint8_t>(ym % 13);
  t.day = static_cast<uint8_t>(ymd & 0x1f);
  t.hour = static_cast<uint32_t>(hms >> 12);
  t.minute = static_cast<uint8_t>((hms >> 6) & 0x3f);
  t.second = static_cast<uint8_t>(hms & 0x3f);
  CheckMicros(r, t.micros);
  if (r.ok() && (t.year > 9999 || t.hour > 23 || t.minute > 59 || t.second > 59)) {
    r.Fail("DATETIME2 field out of range");
  }
  out->kind = ValueKind::kDateTime;
}

void SetDate(uint32_t v, Temporal* t) {
  t->day = static_cast<uint8_t>(v & 0x1f);
  t->month = static_cast<uint8_t>((v >> 5) & 0x0f);
  t->year = static_cast<uint16_t>(v >> 9);
}

void ReadLengthPrefixed(EventReader& r, size_t prefix_bytes, Value* out, ValueKind kind) {
  const uint64_t length = r.ReadUInt(prefix_bytes, "length");
  out->bytes = r.ReadBytes(static_cast<size_t>(length), "value");
  out->kind = kind;
}

}  // namespace

std::string_view ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kAbsent: return "absent";
    case ValueKind::kNull: return "null";
    case ValueKind::kInt: return "int";
    case ValueKind::kUInt: return "uint";
    case ValueKind::kFloat: return "float";
    case ValueKind::kDouble: return "double";
    case ValueKind::kDecimal: return "decimal";
    case ValueKind::kBit: return "bit";
    case ValueKind::kYear: return "year";
    case ValueKind::kDate: return "date";
    case ValueKind::kTime: return "time";
    case ValueKind::kDateTime: return "datetime";
    case ValueKind::kTimestamp: return "timestamp";
    case ValueKind::kEnum: return "enum";
    case ValueKind::kSet: return "set";
    case ValueKind::kString: return "string";
    case ValueKind::kJson: return "json";
    case ValueKind::kGeometry: return "geometry";
    case ValueKind::kJsonDiff: return "json_diff";
  }
  return "unknown";
}

void DecodeValue(const ColumnInfo& column, EventReader& r, Value* out) {
  const ColumnMeta& meta = column.meta;
  out->fsp = meta.fsp;
  auto integer = [&](size_t bytes) {
    if (column.is_unsigned) {
      out->uint_value = r.ReadUInt(bytes, "integer");
      out->kind = ValueKind::kUInt;
    } else {
      out->int_value = r.ReadInt(bytes, "integer");
      out->kind = ValueKind::kInt;
    }
  };
  switch (meta.real_type) {
    case ColumnType::kTiny: integer(1); break;
    case ColumnType::kShort: integer(2); break;
    case ColumnType::kInt24: integer(3); break;
    case ColumnType::kLong: integer(4); break;
    case ColumnType::kLongLong: integer(8); break;
    case ColumnType::kFloat:
      out->float_value = r.ReadFloat("FLOAT");
      out->kind = ValueKind::kFloat;
      break;
    case ColumnType::kDouble:
      out->double_value = r.ReadDouble("DOUBLE");
      out->kind = ValueKind::kDouble;
      break;
    case ColumnType::kNewDecimal: {
      out->bytes = r.ReadBytes(DecimalBinarySize(meta.precision, meta.scale), "DECIMAL");
      if (!r.ok()) break;
      Status s = ValidateDecimal(meta.precision, meta.scale,
                                 std::span(reinterpret_cast<const uint8_t*>(out->bytes.data()), out->bytes.size()));
      if (!s.ok()) r.Fail(s.message());
      out->kind = ValueKind::kDecimal;
      break;
    }
    case ColumnType::kBit:
      out->uint_value = r.ReadUIntBigEndian((meta.bits + 7u) / 8u, "BIT");
      out->kind = ValueKind::kBit;
      break;
    case ColumnType::kYear: {
      const uint8_t y = r.ReadU8("YEAR");
      out->uint_value = y == 0 ? 0 : 1900u + y;
      out->kind = ValueKind::kYear;
      break;
    }
    case ColumnType::kDate:
    case ColumnType::kNewDate:
      out->temporal = Temporal{};
      SetDate(r.ReadU24("DATE"), &out->temporal);
      out->kind = ValueKind::kDate;
      break;
    case ColumnType::kTime: {
      // Pre-5.6 TIME: signed 3-byte HHMMSS.
      const int64_t v = r.ReadInt(3, "TIME");
      const uint64_t m = v < 0 ? static_cast<uint64_t>(-v) : static_cast<uint64_t>(v);
      out->temporal = Temporal{};
      out->temporal.negative = v < 0;
      out->temporal.hour = static_cast<uint32_t>(m / 10000);
      out->temporal.minute = static_cast<uint8_t>(m / 100 % 100);
      out->temporal.second = static_cast<uint8_t>(m % 100);
      out->kind = ValueKind::kTime;
      break;
    }
    case ColumnType::kDateTime: {
      // Pre-5.6 DATETIME: 8-byte YYYYMMDDhhmmss.
      const uint64_t v = r.ReadU64("DATETIME");
      const uint64_t date = v / 1000000;
      const uint64_t time = v % 1000000;
      out->temporal = Temporal{};
      out->temporal.year = static_cast<uint16_t>(date / 10000 % 10000);
      out->temporal.month = static_cast<uint8_t>(date / 100 % 100);
      out->temporal.day = static_cast<uint8_t>(date % 100);
      out->temporal.hour = static_cast<uint32_t>(time / 10000);
      out->temporal.minute = static_cast<uint8_t>(time / 100 % 100);
      out->temporal.second = static_cast<uint8_t>(time % 100);
      out->kind = ValueKind::kDateTime;
      break;
    }
    case ColumnType::kTimestamp:
      out->uint_value = r.ReadU32("TIMESTAMP");
      out->temporal = Temporal{};
      out->kind = ValueKind::kTimestamp;
      break;
    case ColumnType::kTimestamp2:
      out->uint_value = r.ReadUIntBigEndian(4, "TIMESTAMP2");
      out->temporal = Temporal{};
      out->temporal.micros = ReadFraction(r, meta.fsp);
      CheckMicros(r, out->temporal.micros);
      out->kind = ValueKind::kTimestamp;
      break;
    case ColumnType::kDateTime2: DecodeDateTime2(meta, r, out); break;
    case ColumnType::kTime2: DecodeTime2(meta, r, out); break;
    case ColumnType::kVarchar:
    case ColumnType::kVarString:
    case ColumnType::kString:
      ReadLengthPrefixed(r, meta.max_length < 256 ? 1 : 2, out, ValueKind::kString);
      break;
    case ColumnType::kEnum:
      out->uint_value = r.ReadUInt(meta.pack_length, "ENUM");
      out->kind = ValueKind::kEnum;
      break;
    case ColumnType::kSet:
      out->uint_value = r.ReadUInt(meta.pack_length, "SET");
      out->kind = ValueKind::kSet;
      break;
    case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob:
    case ColumnType::kLongBlob:
    case ColumnType::kBlob:
      ReadLengthPrefixed(r, meta.pack_length, out, ValueKind::kString);
      break;
    case ColumnType::kJson: ReadLengthPrefixed(r, meta.pack_length, out, ValueKind::kJson); break;
    case ColumnType::kGeometry: ReadLengthPrefixed(r, meta.pack_length, out, ValueKind::kGeometry); break;
    case ColumnType::kNull: out->kind = ValueKind::kNull; break;
    default:
      r.Fail(fmt::format("cannot decode a value of column type {}", ColumnTypeName(meta.real_type)));
      break;
  }
}

namespace {

// Days since 1970-01-01 to a proleptic Gregorian date (UTC).
void CivilFromDays(int64_t days, Temporal* t) {
  days += 719468;  // shift the epoch to 0000-03-01
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  t->year = static_cast<uint16_t>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  t->month = static_cast<uint8_t>(month);
  t->day = static_cast<uint8_t>(day);
}

void AppendFraction(uint32_t micros, uint8_t fsp, std::string* out) {
  if (fsp == 0) return;
  // The first fsp digits of micros written with at least 6 digits.
  char digits[32];
  const fmt::format_int text(micros);
  const size_t pad = text.size() < 6 ? 6 - text.size() : 0;
  std::fill_n(digits, pad, '0');
  std::copy_n(text.data(), text.size(), digits + pad);
  out->push_back('.');
  out->append(digits, std::min<size_t>(fsp, pad + text.size()));
}

void AppendDate(const Temporal& t, std::string* out) {
  if (t.year <= 9999 && t.month <= 99 && t.day <= 99) {
    char text[10];
    WriteZeroPadded(t.year, 4, text);
    text[4] = '-';
    WriteZeroPadded(t.month, 2, text + 5);
    text[7] = '-';
    WriteZeroPadded(t.day, 2, text + 8);
    out->append(text, sizeof text);
    return;
  }
  AppendZeroPadded(t.year, 4, out);
  out->push_back('-');
  AppendZeroPadded(t.month, 2, out);
  out->push_back('-');
  AppendZeroPadded(t.day, 2, out);
}

void AppendClock(const Temporal& t, uint8_t fsp, std::string* out) {
  if (t.hour <= 99 && t.minute <= 99 && t.second <= 99) {
    char text[8];
    WriteZeroPadded(t.hour, 2, text);
    text[2] = ':';
    WriteZeroPadded(t.minute, 2, text + 3);
    text[5] = ':';
    WriteZeroPadded(t.second, 2, text + 6);
    out->append(text, sizeof text);
  } else {
    AppendZeroPadded(t.hour, 2, out);
    out->push_back(':');
    AppendZeroPadded(t.minute, 2, out);
    out->push_back(':');
    AppendZeroPadded(t.second, 2, out);
  }
  AppendFraction(t.micros, fsp, out);
}

}  // namespace

size_t BinaryZeroPadding(const Value& value, const ColumnInfo& column) {
  constexpr uint32_t kBinaryCollation = 63;
  if (value.kind != ValueKind::kString || column.meta.real_type != ColumnType::kString ||
      column.charset != kBinaryCollation || value.bytes.size() >= column.meta.max_length) {
    return 0;
  }
  return column.meta.max_length - value.bytes.size();
}

void AppendValueText(const Value& value, const ColumnInfo& column, std::string* out) {
  auto it = std::back_inserter(*out);
  switch (value.kind) {
    case ValueKind::kAbsent: out->append("(absent)"); break;
    case ValueKind::kNull: out->append("NULL"); break;
    case ValueKind::kInt: AppendInt(value.int_value, out); break;
    case ValueKind::kUInt:
    case ValueKind::kBit: AppendUInt(value.uint_value, out); break;
    case ValueKind::kFloat: fmt::format_to(it, "{}", value.float_value); break;
    case ValueKind::kDouble: fmt::format_to(it, "{}", value.double_value); break;
    case ValueKind::kDecimal:
      AppendDecimalText(column.meta.precision, column.meta.scale,
                        std::span(reinterpret_cast<const uint8_t*>(value.bytes.data()), value.bytes.size()), out);
      break;
    case ValueKind::kYear: AppendZeroPadded(value.uint_value, 4, out); break;
    case ValueKind::kDate: AppendDate(value.temporal, out); break;
    case ValueKind::kTime:
      if (value.temporal.negative) out->push_back('-');
      AppendClock(value.temporal, value.fsp, out);
      break;
    case ValueKind::kDateTime:
      AppendDate(value.temporal, out);
      out->push_back(' ');
      AppendClock(value.temporal, value.fsp, out);
      break;
    case ValueKind::kTimestamp: {
      Temporal t;
      if (value.uint_value != 0) {
        const uint64_t seconds = value.uint_value;
        CivilFromDays(static_cast<int64_t>(seconds / 86400), &t);
        const uint64_t s = seconds % 86400;
        t.hour = static_cast<uint32_t>(s / 3600);
        t.minute = static_cast<uint8_t>(s / 60 % 60);
        t.second = static_cast<uint8_t>(s % 60);
      }
      t.micros = value.temporal.micros;
      AppendDate(t, out);
      out->push_back(' ');
      AppendClock(t, value.fsp, out);
      break;
    }
    case ValueKind::kEnum:
      if (value.uint_value == 0) break;  // the '' error value
      if (value.uint_value <= column.elements.size()) {
        out->append(column.elements[value.uint_value - 1]);
      } else {
        AppendUInt(value.uint_value, out);
      }
      break;
    case ValueKind::kSet: {
      const uint64_t known = column.elements.size() >= 64 ? ~uint64_t{0} : (uint64_t{1} << column.elements.size()) - 1;
      if ((value.uint_value & ~known) != 0) {
        AppendUInt(value.uint_value, out);
        break;
      }
      bool first = true;
      for (size_t i = 0; i < column.elements.size(); ++i) {
        if ((value.uint_value >> i) & 1) {
          if (!first) out->push_back(',');
          out->append(column.elements[i]);
          first = false;
        }
      }
      break;
    }
    case ValueKind::kString:
      out->append(value.bytes);
      out->append(BinaryZeroPadding(value, column), '\0');
      break;
    case ValueKind::kJson:
    case ValueKind::kGeometry:
    case ValueKind::kJsonDiff: out->append(value.bytes); break;
  }
}

}  // namespace dm::binlog
