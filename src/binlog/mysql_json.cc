#include "binlog/mysql_json.h"

#include <fmt/format.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "binlog/decimal.h"

namespace dm::binlog {
namespace {

// Type bytes of binary JSON values (MySQL sql-common/json_binary.h).
enum JsonType : uint8_t {
  kSmallObject = 0x00,
  kLargeObject = 0x01,
  kSmallArray = 0x02,
  kLargeArray = 0x03,
  kLiteral = 0x04,  // 0x00 null, 0x01 true, 0x02 false
  kInt16 = 0x05,
  kUInt16 = 0x06,
  kInt32 = 0x07,
  kUInt32 = 0x08,
  kInt64 = 0x09,
  kUInt64 = 0x0a,
  kDouble = 0x0b,
  kString = 0x0c,
  kOpaque = 0x0f,  // MySQL field type byte, variable length, data
};

// Field types of opaque values MySQL prints as SQL values.
constexpr uint8_t kFieldTimestamp = 7;
constexpr uint8_t kFieldDate = 10;
constexpr uint8_t kFieldTime = 11;
constexpr uint8_t kFieldDateTime = 12;
constexpr uint8_t kFieldNewDecimal = 246;
constexpr uint8_t kFieldVarString = 253;

// True when a value of `type` is stored in its value entry instead of at an
// offset: literals and 16-bit integers always, 32-bit integers in the large
// format whose entries have room for them.
bool IsInlined(uint8_t type, bool large) {
  switch (type) {
    case kLiteral:
    case kInt16:
    case kUInt16: return true;
    case kInt32:
    case kUInt32: return large;
    default: return false;
  }
}

void AppendEscapedString(std::string_view s, std::string* out) {
  // As MySQL's double_quote(): the two-character escapes JSON defines, and
  // \u00xx (lowercase hex) for the other control characters; bytes >= 0x80
  // are UTF-8 text and pass unchanged.
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c > 0x1f && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    out->push_back('\\');
    switch (c) {
      case '\b': out->push_back('b'); break;
      case '\f': out->push_back('f'); break;
      case '\n': out->push_back('n'); break;
      case '\r': out->push_back('r'); break;
      case '\t': out->push_back('t'); break;
      case '"':
      case '\\': out->push_back(static_cast<char>(c)); break;
      default:
        out->append("u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0x0f]);
        break;
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

// MySQL's base64_encode(): standard alphabet with '=' padding and a newline
// before each group that would make a line longer than 76 characters.
void AppendBase64(std::span<const uint8_t> data, std::string* out) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t line = 0;
  for (size_t i = 0; i < data.size(); i += 3) {
    if (line == 76) {
      out->push_back('\n');
      line = 0;
    }
    uint32_t group = uint32_t{data[i]} << 16;
    if (i + 1 < data.size()) group |= uint32_t{data[i + 1]} << 8;
    if (i + 2 < data.size()) group |= data[i + 2];
    out->push_back(kAlphabet[(group >> 18) & 0x3f]);
    out->push_back(kAlphabet[(group >> 12) & 0x3f]);
    out->push_back(i + 1 < data.size() ? kAlphabet[(group >> 6) & 0x3f] : '=');
    out->push_back(i + 2 < data.size() ? kAlphabet[group & 0x3f] : '=');
    line += 4;
  }
}

void AppendPadded(uint64_t v, int width, std::string* out) {
  fmt::format_to(std::back_inserter(*out), "{:0{}}", v, width);
}

class JsonPrinter {
 public:
  JsonPrinter(std::span<const uint8_t> doc, std::string* out)
      : doc_(doc), out_(out), limit_(out->size() + doc.size() * kMySqlJsonMaxExpansion + 256) {}

  // Prints the value of `type` whose bytes start at `begin` and may extend up
  // to `end` (offsets into the document). `depth`: enclosing containers.
  bool PrintValue(uint8_t type, size_t begin, size_t end, int depth) {
    switch (type) {
      case kSmallObject: return PrintContainer(true, false, begin, end, depth);
      case kLargeObject: return PrintContainer(true, true, begin, end, depth);
      case kSmallArray: return PrintContainer(false, false, begin, end, depth);
      case kLargeArray: return PrintContainer(false, true, begin, end, depth);
      case kLiteral: {
        uint64_t v = 0;
        if (!Read(begin, 1, end, &v, "literal")) return false;
        if (v == 0) {
          out_->append("null");
        } else if (v == 1) {
          out_->append("true");
        } else if (v == 2) {
          out_->append("false");
        } else {
          return Fail(begin, fmt::format("unknown literal 0x{:02x}", v));
        }
        return true;
      }
      case kInt16:
      case kInt32:
      case kInt64: {
        const size_t bytes = type == kInt16 ? 2 : type == kInt32 ? 4 : 8;
        uint64_t v = 0;
        if (!Read(begin, bytes, end, &v, "integer")) return false;
        if (bytes < 8) {
          const uint64_t sign = uint64_t{1} << (bytes * 8 - 1);
          v = (v ^ sign) - sign;
        }
        fmt::format_to(std::back_inserter(*out_), "{}", static_cast<int64_t>(v));
        return true;
      }
      case kUInt16:
      case kUInt32:
      case kUInt64: {
        const size_t bytes = type == kUInt16 ? 2 : type == kUInt32 ? 4 : 8;
        uint64_t v = 0;
        if (!Read(begin, bytes, end, &v, "unsigned integer")) return false;
        fmt::format_to(std::back_inserter(*out_), "{}", v);
        return true;
      }
      case kDouble: {
        uint64_t bits = 0;
        if (!Read(begin, 8, end, &bits, "double")) return false;
        const double d = std::bit_cast<double>(bits);
        if (!std::isfinite(d)) return Fail(begin, "double is not finite");
        AppendMySqlJsonDouble(d, out_);
        return true;
      }
      case kString: {
        size_t pos = begin;
        uint64_t length = 0;
        if (!ReadVariableLength(&pos, end, &length)) return false;
        if (length > end - pos) return Fail(pos, fmt::format("string of {} bytes exceeds the {} left", length, end - pos));
        AppendEscapedString(Text(pos, length), out_);
        return Budget(pos);
      }
      case kOpaque: return PrintOpaque(begin, end);
      default: return Fail(begin > 0 ? begin - 1 : 0, fmt::format("unknown value type 0x{:02x}", type));
    }
  }

  Status TakeStatus() { return std::move(status_); }

 private:
  bool Fail(size_t offset, std::string_view what) {
    if (status_.ok()) {
      status_ = Status(StatusCode::kCorruption, fmt::format("MySQL binary JSON: {} at offset {}", what, offset),
                       ErrorCode::kBinlogEventCorrupt);
    }
    return false;
  }

  // The output may not outgrow its limit (see kMySqlJsonMaxExpansion).
  bool Budget(size_t offset) {
    if (out_->size() <= limit_) return true;
    return Fail(offset, fmt::format("text longer than {} times the {}-byte document (shared or overlapping values)",
                                    kMySqlJsonMaxExpansion, doc_.size()));
  }

  bool Read(size_t at, size_t bytes, size_t end, uint64_t* v, std::string_view field) {
    if (at > end || bytes > end - at) {
      return Fail(at, fmt::format("{} of {} bytes truncated ({} left)", field, bytes, at > end ? 0 : end - at));
    }
    uint64_t r = 0;
    for (size_t i = bytes; i > 0; --i) r = (r << 8) | doc_[at + i - 1];
    *v = r;
    return true;
  }

  // A length of 1-5 bytes, 7 bits each, least significant first, high bit
  // set on every byte but the last.
  bool ReadVariableLength(size_t* pos, size_t end, uint64_t* length) {
    uint64_t v = 0;
    for (int i = 0; i < 5; ++i) {
      if (*pos >= end) return Fail(*pos, "variable-length size truncated");
      const uint8_t b = doc_[(*pos)++];
      v |= uint64_t{b & 0x7fu} << (7 * i);
      if ((b & 0x80) == 0) {
        if (v > UINT32_MAX) return Fail(*pos - 1, "variable-length size exceeds 32 bits");
        *length = v;
        return true;
      }
    }
    return Fail(*pos - 1, "variable-length size longer than 5 bytes");
  }

  std::string_view Text(size_t at, size_t n) const {
    return {reinterpret_cast<const char*>(doc_.data() + at), n};
  }

  bool PrintContainer(bool object, bool large, size_t begin, size_t end, int depth) {
    if (depth >= kMySqlJsonMaxDepth) {
      return Fail(begin, fmt::format("nesting deeper than {} levels", kMySqlJsonMaxDepth));
    }
    const size_t w = large ? 4 : 2;
    uint64_t count = 0;
    uint64_t size = 0;
    if (!Read(begin, w, end, &count, "element count") || !Read(begin + w, w, end, &size, "size")) return false;
    if (size > end - begin) {
      return Fail(begin + w, fmt::format("{} size {} exceeds the {} bytes left", object ? "object" : "array", size,
                                         end - begin));
    }
    const size_t key_entry = w + 2;
    const size_t value_entry = 1 + w;
    const size_t entry = (object ? key_entry : 0) + value_entry;
    const size_t header = 2 * w;
    if (size < header || count > (size - header) / entry) {
      return Fail(begin, fmt::format("{} of {} elements does not fit its size {}", object ? "object" : "array", count,
                                     size));
    }
    const size_t entries_end = header + count * entry;  // relative to begin
    const size_t values_at = begin + header + (object ? count * key_entry : 0);
    out_->push_back(object ? '{' : '[');
    for (size_t i = 0; i < count; ++i) {
      if (i > 0) out_->append(", ");
      if (object) {
        const size_t k = begin + header + i * key_entry;
        uint64_t key_offset = 0;
        uint64_t key_length = 0;
        if (!Read(k, w, end, &key_offset, "key offset") || !Read(k + w, 2, end, &key_length, "key length")) {
          return false;
        }
        if (key_offset < entries_end || key_offset > size || key_length > size - key_offset) {
          return Fail(k, fmt::format("key at {} of {} bytes outside its object's {} bytes", key_offset, key_length,
                                     size));
        }
        AppendEscapedString(Text(begin + key_offset, key_length), out_);
        out_->append(": ");
      }
      const size_t v = values_at + i * value_entry;
      const uint8_t type = doc_[v];
      if (IsInlined(type, large)) {
        if (!PrintValue(type, v + 1, v + 1 + w, depth + 1)) return false;
      } else {
        uint64_t offset = 0;
        if (!Read(v + 1, w, end, &offset, "value offset")) return false;
        if (offset < entries_end || offset >= size) {
          return Fail(v + 1, fmt::format("value offset {} outside its container's {} bytes", offset, size));
        }
        if (!PrintValue(type, begin + offset, begin + size, depth + 1)) return false;
      }
      if (!Budget(v)) return false;
    }
    out_->push_back(object ? '}' : ']');
    return true;
  }

  bool PrintOpaque(size_t begin, size_t end) {
    uint64_t field_type = 0;
    if (!Read(begin, 1, end, &field_type, "opaque type")) return false;
    size_t pos = begin + 1;
    uint64_t length = 0;
    if (!ReadVariableLength(&pos, end, &length)) return false;
    if (length > end - pos) {
      return Fail(pos, fmt::format("opaque value of {} bytes exceeds the {} left", length, end - pos));
    }
    const std::span<const uint8_t> data = doc_.subspan(pos, length);
    switch (field_type) {
      case kFieldNewDecimal: {
        // Precision and scale bytes, then the binary DECIMAL.
        if (data.size() < 2) return Fail(pos, "DECIMAL without precision and scale");
        const int precision = data[0];
        const int scale = data[1];
        if (precision < 1 || precision > kMaxDecimalPrecision || scale > precision) {
          return Fail(pos, fmt::format("DECIMAL({},{}) impossible", precision, scale));
        }
        const std::span<const uint8_t> digits = data.subspan(2);
        if (Status s = ValidateDecimal(precision, scale, digits); !s.ok()) return Fail(pos + 2, s.message());
        AppendDecimalText(precision, scale, digits, out_);
        return true;
      }
      case kFieldDate:
      case kFieldTime:
      case kFieldDateTime:
      case kFieldTimestamp: return PrintPackedTemporal(static_cast<uint8_t>(field_type), pos, data);
      case kFieldVarString:
        // MySQL prints strings kept as opaque values as plain strings.
        AppendEscapedString(Text(pos, length), out_);
        return Budget(pos);
      default: {
        std::string text = fmt::format("base64:type{}:", field_type);
        AppendBase64(data, &text);
        AppendEscapedString(text, out_);
        return Budget(pos);
      }
    }
  }

  // MySQL's packed temporal (TIME_to_longlong_packed): an int64, |value| =
  // (date-time bits << 24) + microseconds; see the format page.
  bool PrintPackedTemporal(uint8_t field_type, size_t pos, std::span<const uint8_t> data) {
    if (data.size() != 8) return Fail(pos, fmt::format("packed temporal of {} bytes, not 8", data.size()));
    uint64_t raw = 0;
    for (size_t i = 8; i > 0; --i) raw = (raw << 8) | data[i - 1];
    const auto packed = static_cast<int64_t>(raw);
    const bool negative = packed < 0;
    const uint64_t magnitude = negative ? uint64_t{0} - raw : raw;
    const uint64_t micros = magnitude & 0xffffff;
    if (micros > 999999) return Fail(pos, fmt::format("fraction {} exceeds 999999 microseconds", micros));
    out_->push_back('"');
    if (field_type == kFieldTime) {
      const uint64_t hms = magnitude >> 24;
      if (negative) out_->push_back('-');
      AppendPadded((hms >> 12) % 1024, 2, out_);
      out_->push_back(':');
      AppendPadded((hms >> 6) % 64, 2, out_);
      out_->push_back(':');
      AppendPadded(hms % 64, 2, out_);
    } else {
      if (negative) return Fail(pos, "negative packed date");
      const uint64_t ymdhms = magnitude >> 24;
      const uint64_t ymd = ymdhms >> 17;
      const uint64_t ym = ymd >> 5;
      const uint64_t hms = ymdhms % (1 << 17);
      if (ym / 13 > 9999) return Fail(pos, fmt::format("year {} exceeds 9999", ym / 13));
      AppendPadded(ym / 13, 4, out_);
      out_->push_back('-');
      AppendPadded(ym % 13, 2, out_);
      out_->push_back('-');
      AppendPadded(ymd % 32, 2, out_);
      if (field_type != kFieldDate) {
        out_->push_back(' ');
        AppendPadded(hms >> 12, 2, out_);
        out_->push_back(':');
        AppendPadded((hms >> 6) % 64, 2, out_);
        out_->push_back(':');
        AppendPadded(hms % 64, 2, out_);
      }
    }
    if (field_type != kFieldDate) {
      // MySQL prints temporal JSON values with 6 fractional digits always.
      out_->push_back('.');
      AppendPadded(micros, 6, out_);
    }
    out_->push_back('"');
    return true;
  }

  std::span<const uint8_t> doc_;
  std::string* out_;
  size_t limit_;
  Status status_;
};

}  // namespace

void AppendMySqlJsonDouble(double d, std::string* out) {
  // Shortest round-trip digits (what dtoa mode 4 gives for my_gcvt's width),
  // laid out by my_gcvt's rules for MY_GCVT_MAX_FIELD_WIDTH (34 characters,
  // one less for the sign): fixed notation for decimal exponents -14..15
  // (value = 0.DIGITS x 10^decpt) or when every digit is significant before
  // the point, else d.ddde[-]x.
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(result.ptr - buf));
  const bool negative = !sci.empty() && sci.front() == '-';
  if (negative) sci.remove_prefix(1);
  const size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  const int exponent = std::atoi(std::string(sci.substr(e + 1)).c_str());
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const int len = static_cast<int>(digits.size());
  const int decpt = exponent + 1;
  const size_t start = out->size();
  if (negative) out->push_back('-');
  const bool fixed = decpt >= -14 && (decpt <= 15 || len > decpt);
  if (fixed) {
    if (decpt <= 0) {
      out->append("0.");
      out->append(static_cast<size_t>(-decpt), '0');
      out->append(digits);
    } else if (decpt < len) {
      out->append(digits, 0, static_cast<size_t>(decpt));
      out->push_back('.');
      out->append(digits, static_cast<size_t>(decpt));
    } else {
      out->append(digits);
      out->append(static_cast<size_t>(decpt - len), '0');
    }
  } else {
    out->push_back(digits[0]);
    if (len > 1) {
      out->push_back('.');
      out->append(digits, 1);
    }
    fmt::format_to(std::back_inserter(*out), "e{}", exponent);
  }
  // A double keeps a sign of being one: 1.0, not 1.
  if (out->find_first_of(".e", start) == std::string::npos) out->append(".0");
}

Status AppendMySqlJsonText(std::span<const uint8_t> binary, std::string* out) {
  if (binary.empty()) {
    out->append("null");
    return Status::OK();
  }
  const size_t start = out->size();
  JsonPrinter printer(binary, out);
  if (!printer.PrintValue(binary[0], 1, binary.size(), 0)) {
    out->resize(start);
    return printer.TakeStatus();
  }
  return Status::OK();
}

Result<std::string> MySqlJsonToText(std::span<const uint8_t> binary) {
  std::string text;
  DM_RETURN_IF_ERROR(AppendMySqlJsonText(binary, &text));
  return text;
}

Status AppendValueTextWithJson(const Value& value, const ColumnInfo& column, std::string* out) {
  if (value.kind != ValueKind::kJson) {
    AppendValueText(value, column, out);
    return Status::OK();
  }
  return AppendMySqlJsonText(
      std::span(reinterpret_cast<const uint8_t*>(value.bytes.data()), value.bytes.size()), out);
}

}  // namespace dm::binlog
