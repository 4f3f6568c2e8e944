#include "dump/sql_format.h"

#include <array>

#include "common/strings.h"

namespace dm::dump {

ValueEncoding EncodingFor(std::string_view data_type, std::string_view charset) {
  if (EqualsAnyIgnoreCase(data_type, {"tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal",
                                      "numeric", "year", "float", "double", "real"})) {
    return ValueEncoding::kNumber;
  }
  if (EqualsAnyIgnoreCase(data_type, {"bit"})) return ValueEncoding::kBit;
  if (EqualsAnyIgnoreCase(data_type, {"inet4", "inet6", "uuid"})) return ValueEncoding::kTypedText;
  if (EqualsAnyIgnoreCase(data_type, {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "geometry",
                                      "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                                      "geometrycollection", "geomcollection"})) {
    return ValueEncoding::kBinary;
  }
  // `char(10) character set binary` and friends hold bytes, whatever the
  // type name says.
  if (EqualsIgnoreCase(charset, "binary")) return ValueEncoding::kBinary;
  return ValueEncoding::kString;
}

std::string SelectExpression(std::string_view quoted_name, std::string_view data_type) {
  if (EqualsAnyIgnoreCase(data_type, {"float", "double", "real"})) {
    return "CAST(" + std::string(quoted_name) + " AS DOUBLE)";
  }
  return std::string(quoted_name);
}

void AppendValue(ValueEncoding encoding, std::optional<std::string_view> value, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  if (!value) {
    out->append("NULL");
    return;
  }
  std::string_view v = *value;
  switch (encoding) {
    case ValueEncoding::kNumber: out->append(v); return;
    case ValueEncoding::kBinary:
      out->append("X'");
      for (char ch : v) {
        auto c = static_cast<unsigned char>(ch);
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xF]);
      }
      out->push_back('\'');
      return;
    case ValueEncoding::kBit: {
      out->append("b'");
      bool started = false;
      for (char ch : v) {
        auto c = static_cast<unsigned char>(ch);
        for (int bit = 7; bit >= 0; --bit) {
          bool one = ((c >> bit) & 1) != 0;
          started = started || one;
          if (started) out->push_back(one ? '1' : '0');
        }
      }
      if (!started) out->push_back('0');
      out->push_back('\'');
      return;
    }
    case ValueEncoding::kTypedText:
    case ValueEncoding::kString:
      if (encoding == ValueEncoding::kTypedText) out->append("_utf8mb4");
      out->push_back('\'');
      for (char c : v) {
        switch (c) {
          case '\0': out->append("\\0"); break;
          case '\n': out->append("\\n"); break;
          case '\r': out->append("\\r"); break;
          case '\\': out->append("\\\\"); break;
          case '\'': out->append("\\'"); break;
          case '"': out->append("\\\""); break;
          case '\x1a': out->append("\\Z"); break;
          default: out->push_back(c);
        }
      }
      out->push_back('\'');
      return;
  }
}

}  // namespace dm::dump
