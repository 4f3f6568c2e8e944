#include "binlog/column_type.h"

#include <fmt/format.h>

#include "binlog/decimal.h"

namespace dm::binlog {

std::string_view ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kDecimal: return "DECIMAL";
    case ColumnType::kTiny: return "TINY";
    case ColumnType::kShort: return "SHORT";
    case ColumnType::kLong: return "LONG";
    case ColumnType::kFloat: return "FLOAT";
    case ColumnType::kDouble: return "DOUBLE";
    case ColumnType::kNull: return "NULL";
    case ColumnType::kTimestamp: return "TIMESTAMP";
    case ColumnType::kLongLong: return "LONGLONG";
    case ColumnType::kInt24: return "INT24";
    case ColumnType::kDate: return "DATE";
    case ColumnType::kTime: return "TIME";
    case ColumnType::kDateTime: return "DATETIME";
    case ColumnType::kYear: return "YEAR";
    case ColumnType::kNewDate: return "NEWDATE";
    case ColumnType::kVarchar: return "VARCHAR";
    case ColumnType::kBit: return "BIT";
    case ColumnType::kTimestamp2: return "TIMESTAMP2";
    case ColumnType::kDateTime2: return "DATETIME2";
    case ColumnType::kTime2: return "TIME2";
    case ColumnType::kTypedArray: return "TYPED_ARRAY";
    case ColumnType::kVector: return "VECTOR";
    case ColumnType::kJson: return "JSON";
    case ColumnType::kNewDecimal: return "NEWDECIMAL";
    case ColumnType::kEnum: return "ENUM";
    case ColumnType::kSet: return "SET";
    case ColumnType::kTinyBlob: return "TINY_BLOB";
    case ColumnType::kMediumBlob: return "MEDIUM_BLOB";
    case ColumnType::kLongBlob: return "LONG_BLOB";
    case ColumnType::kBlob: return "BLOB";
    case ColumnType::kVarString: return "VAR_STRING";
    case ColumnType::kString: return "STRING";
    case ColumnType::kGeometry: return "GEOMETRY";
  }
  return "TYPE_UNKNOWN";
}

bool IsSupportedColumnType(ColumnType type) {
  switch (type) {
    case ColumnType::kDecimal:
    case ColumnType::kTypedArray:
    case ColumnType::kVector:
      return false;
    default:
      return ColumnTypeName(type) != "TYPE_UNKNOWN";
  }
}

ColumnMeta ReadColumnMeta(ColumnType type, EventReader& r) {
  ColumnMeta m;
  m.type = type;
  m.real_type = type;
  switch (type) {
    case ColumnType::kTiny:
    case ColumnType::kShort:
    case ColumnType::kInt24:
    case ColumnType::kLong:
    case ColumnType::kLongLong:
    case ColumnType::kNull:
    case ColumnType::kTimestamp:
    case ColumnType::kDate:
    case ColumnType::kNewDate:
    case ColumnType::kTime:
    case ColumnType::kDateTime:
    case ColumnType::kYear:
      break;
    case ColumnType::kFloat:
    case ColumnType::kDouble: {
      m.pack_length = r.ReadU8("FLOAT/DOUBLE pack length");
      const uint8_t expected = type == ColumnType::kFloat ? 4 : 8;
      if (r.ok() && m.pack_length != expected) {
        r.Fail(fmt::format("{} pack length {}, expected {}", ColumnTypeName(type), m.pack_length, expected));
      }
      break;
    }
    case ColumnType::kVarchar:
    case ColumnType::kVarString:
      m.max_length = r.ReadU16("VARCHAR max length");
      break;
    case ColumnType::kBit: {
      const uint8_t bits = r.ReadU8("BIT bits");
      const uint8_t bytes = r.ReadU8("BIT bytes");
      m.bits = static_cast<uint16_t>(bytes * 8 + bits);
      if (r.ok() && (bits > 7 || m.bits == 0 || m.bits > 64)) {
        r.Fail(fmt::format("BIT metadata {} bits + {} bytes is not a width of 1-64", bits, bytes));
      }
      break;
    }
    case ColumnType::kTimestamp2:
    case ColumnType::kDateTime2:
    case ColumnType::kTime2:
      m.fsp = r.ReadU8("fractional seconds precision");
      if (r.ok() && m.fsp > 6) r.Fail(fmt::format("{} precision {} exceeds 6", ColumnTypeName(type), m.fsp));
      break;
    case ColumnType::kNewDecimal:
      m.precision = r.ReadU8("DECIMAL precision");
      m.scale = r.ReadU8("DECIMAL scale");
      if (r.ok() && (m.precision == 0 || m.precision > kMaxDecimalPrecision || m.scale > m.precision)) {
        r.Fail(fmt::format("impossible DECIMAL({},{})", m.precision, m.scale));
      }
      break;
    case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob:
    case ColumnType::kLongBlob:
    case ColumnType::kBlob:
    case ColumnType::kJson:
    case ColumnType::kGeometry:
      m.pack_length = r.ReadU8("length-prefix bytes");
      if (r.ok() && (m.pack_length < 1 || m.pack_length > 4)) {
        r.Fail(fmt::format("{} length prefix of {} bytes", ColumnTypeName(type), m.pack_length));
      }
      break;
    case ColumnType::kString:
    case ColumnType::kEnum:
    case ColumnType::kSet: {
      // Two bytes, the first is the real type. CHAR columns longer than 255
      // bytes keep bits 8-9 of the length in bits 4-5 of the type byte,
      // inverted (a real type always has both bits set).
      const uint8_t b0 = r.ReadU8("STRING real type");
      const uint8_t b1 = r.ReadU8("STRING length");
      if (!r.ok()) break;
      if ((b0 & 0x30) != 0x30) {
        m.real_type = static_cast<ColumnType>(b0 | 0x30);
        m.max_length = b1 | (static_cast<uint32_t>((b0 & 0x30) ^ 0x30) << 4);
      } else {
        m.real_type = static_cast<ColumnType>(b0);
        m.max_length = b1;
      }
      if (m.real_type == ColumnType::kEnum || m.real_type == ColumnType::kSet) {
        m.pack_length = static_cast<uint8_t>(m.max_length);
        m.max_length = 0;
        const bool ok = m.real_type == ColumnType::kEnum ? (m.pack_length == 1 || m.pack_length == 2)
                                                          : (m.pack_length >= 1 && m.pack_length <= 8);
        if (!ok) r.Fail(fmt::format("{} of {} bytes", ColumnTypeName(m.real_type), m.pack_length));
      } else if (m.real_type != ColumnType::kString) {
        r.Fail(fmt::format("STRING column with real type {}", static_cast<int>(b0)));
      }
      break;
    }
    default:
      r.Fail(fmt::format("unsupported column type {} ({})", static_cast<int>(type), ColumnTypeName(type)));
      break;
  }
  return m;
}

bool IsNumericColumn(const ColumnMeta& meta, bool mariadb) {
  switch (meta.type) {
    case ColumnType::kTiny:
    case ColumnType::kShort:
    case ColumnType::kInt24:
    case ColumnType::kLong:
    case ColumnType::kLongLong:
    case ColumnType::kNewDecimal:
    case ColumnType::kFloat:
    case ColumnType::kDouble:
      return true;
    case ColumnType::kYear:
      return mariadb;
    default:
      return false;
  }
}

bool IsCharacterColumn(const ColumnMeta& meta, bool mariadb) {
  switch (meta.type) {
    case ColumnType::kString:
      return meta.real_type == ColumnType::kString;
    case ColumnType::kVarString:
    case ColumnType::kVarchar:
    case ColumnType::kBlob:
    case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob:
    case ColumnType::kLongBlob:
      return true;
    case ColumnType::kGeometry:
      return mariadb;
    default:
      return false;
  }
}

bool IsEnumOrSetColumn(const ColumnMeta& meta) {
  return meta.real_type == ColumnType::kEnum || meta.real_type == ColumnType::kSet;
}

}  // namespace dm::binlog
