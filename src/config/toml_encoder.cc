#include "config/toml_encoder.h"

#include <fmt/format.h>

namespace dm::config::internal {

std::string TomlQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\u{:04X}", byte);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string TomlFloat(double value) {
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";  // "n": inf and nan stay as they are
  return text;
}

bool IsSecretKey(std::string_view key) {
  return key == "password" || (key.starts_with("ssl-") && (key.ends_with("-bytes") || key.ends_with("-base64")));
}

}  // namespace dm::config::internal
