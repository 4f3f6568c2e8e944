#include "ctl/json_format.h"

namespace dm::ctl {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view kIndent = "    ";
// DM's checker.CheckTaskMsgHeader.
constexpr std::string_view kCheckFailureHeader = "fail to check synchronization configuration with type";

void AppendIndent(std::string& out, int level) {
  for (int i = 0; i < level; ++i) out += kIndent;
}

// Go's encoding/json string encoding (with its default HTML escaping). The
// input comes from a JSON parser, so it is valid UTF-8.
void AppendGoString(std::string& out, const std::string& text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      default: break;
    }
    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
      continue;
    }
    // U+2028 and U+2029 (E2 80 A8/A9) are escaped by Go for JavaScript's sake.
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) == 0xA8 || static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
      out += static_cast<unsigned char>(text[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 2;
      continue;
    }
    out += static_cast<char>(c);
  }
  out += '"';
}

// Appends `value`, whose first line is already indented at `level`.
void AppendValue(std::string& out, const ordered_json& value, int level, JsonStyle style) {
  if (value.is_object()) {
    if (value.empty()) {
      out += style == JsonStyle::kGoJson ? "{}" : "{\n\n";
      if (style == JsonStyle::kProtobuf) {
        AppendIndent(out, level);
        out += '}';
      }
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& [key, member] : value.items()) {
      if (!first) out += ",\n";
      first = false;
      AppendIndent(out, level + 1);
      AppendGoString(out, key);
      out += ": ";
      AppendValue(out, member, level + 1, style);
    }
    out += '\n';
    AppendIndent(out, level);
    out += '}';
  } else if (value.is_array()) {
    if (value.empty() && style == JsonStyle::kGoJson) {
      out += "[]";
      return;
    }
    out += '[';
    bool first = true;
    for (const auto& element : value) {
      if (!first) out += ',';
      first = false;
      out += '\n';
      AppendIndent(out, level + 1);
      AppendValue(out, element, level + 1, style);
    }
    out += '\n';
    AppendIndent(out, level);
    out += ']';
  } else if (value.is_string()) {
    AppendGoString(out, value.get_ref<const std::string&>());
  } else {
    out += value.dump();
  }
}

}  // namespace

std::string FormatJson(const ordered_json& value, JsonStyle style) {
  std::string out;
  AppendValue(out, value, 0, style);
  return out;
}

std::string FormatCheckResponse(const ordered_json& response, std::string_view raw_field) {
  auto field = response.find(raw_field);
  if (field == response.end() || !field->is_string() ||
      field->get_ref<const std::string&>().find(kCheckFailureHeader) == std::string::npos) {
    return FormatJson(response, JsonStyle::kProtobuf);
  }
  // As DM: format with a placeholder, then put the raw text in its place and
  // indent the report's "detail" line.
  constexpr std::string_view kPlaceholder = "PLACEHOLDER";
  ordered_json copy = response;
  copy[std::string(raw_field)] = kPlaceholder;
  std::string text = FormatJson(copy, JsonStyle::kProtobuf);
  const std::string& raw = field->get_ref<const std::string&>();
  text.replace(text.find(kPlaceholder), kPlaceholder.size(), raw);
  constexpr std::string_view kDetail = "detail: {";
  if (size_t at = text.find(kDetail); at != std::string::npos) text.replace(at, kDetail.size(), "   \tdetail: {");
  return text;
}

}  // namespace dm::ctl
