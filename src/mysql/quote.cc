#include "mysql/quote.h"

#include <fmt/format.h>

namespace dm::mysql {

std::string QuoteIdentifier(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out.push_back('`');
  for (char c : name) {
    if (c == '`') out.push_back('`');
    out.push_back(c);
  }
  out.push_back('`');
  return out;
}

std::string QualifiedName(std::string_view schema, std::string_view table) {
  return QuoteIdentifier(schema) + "." + QuoteIdentifier(table);
}

std::string QuoteString(std::string_view bytes, StringEscaping escaping) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8 + 2);
  out.push_back('\'');
  if (escaping == StringEscaping::kNoBackslashEscapes) {
    for (char c : bytes) {
      if (c == '\'') out.push_back('\'');
      out.push_back(c);
    }
  } else {
    for (char c : bytes) {
      switch (c) {
        case '\0': out += "\\0"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\\': out += "\\\\"; break;
        case '\'': out += "\\'"; break;
        case '"': out += "\\\""; break;
        // Ctrl-Z ends a file on Windows; mysql_real_escape_string escapes it
        // so dumps stay readable there, and we keep byte-identical output.
        case '\x1a': out += "\\Z"; break;
        default: out.push_back(c);
      }
    }
  }
  out.push_back('\'');
  return out;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.resize(bytes.size() * 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kDigits[b >> 4];
    out[2 * i + 1] = kDigits[b & 0x0f];
  }
  return out;
}

std::string HexLiteral(std::string_view bytes) { return "X'" + HexEncode(bytes) + "'"; }

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return Status::InvalidArgument(fmt::format("hex string has odd length {}", hex.size()));
  }
  std::string out;
  out.resize(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return Status::InvalidArgument(fmt::format("invalid hex digit at offset {}", hi < 0 ? 2 * i : 2 * i + 1));
    }
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

}  // namespace dm::mysql
