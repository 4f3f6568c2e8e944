#include "config/field_decoder.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstdlib>

#include "common/strings.h"

namespace dm::config::internal {
namespace {

using Kind = TreeNode::Kind;
using Scalar = TreeNode::Scalar;

Status Fail(ErrorCode code, DecodeState& st, const std::string& path, std::string_view message) {
  return st.report->origin.Error(code, path, message);
}

bool IsStringLike(const TreeNode& n) {
  return n.kind == Kind::kScalar && (n.scalar == Scalar::kString || n.scalar == Scalar::kPlain);
}

// Plain-scalar text short enough to quote in a message. Only used for
// numbers, booleans and durations, never for string or secret fields.
std::string Quote(std::string_view text) {
  constexpr size_t kMax = 40;
  if (text.size() > kMax) return fmt::format("'{}...'", text.substr(0, kMax));
  return fmt::format("'{}'", text);
}

// YAML 1.1 booleans, as Go's yaml.v2 resolves them.
std::optional<bool> ParseYamlBool(std::string_view text) {
  static constexpr std::array<std::string_view, 11> kTrue = {"y",  "Y",  "yes",  "Yes",  "YES", "on",
                                                             "On", "ON", "true", "True", "TRUE"};
  static constexpr std::array<std::string_view, 11> kFalse = {"n",   "N",   "no",    "No",    "NO",   "off",
                                                              "Off", "OFF", "false", "False", "FALSE"};
  for (std::string_view t : kTrue) {
    if (t == text) return true;
  }
  for (std::string_view f : kFalse) {
    if (f == text) return false;
  }
  return std::nullopt;
}

// Parses an integer as YAML/TOML write them: optional sign, decimal or
// 0x/0o/0b prefixed digits, '_' separators. Returns the magnitude and sign.
bool ParseIntegerText(std::string_view text, bool& negative, uint64_t& magnitude) {
  std::string digits;
  negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'o' || text[1] == 'b')) {
    base = text[1] == 'x' ? 16 : text[1] == 'o' ? 8 : 2;
    text.remove_prefix(2);
  }
  for (char c : text) {
    if (c != '_') digits.push_back(c);
  }
  if (digits.empty()) return false;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  return ec == std::errc() && end == digits.data() + digits.size();
}

std::string_view DescribeKind(const TreeNode& n) {
  switch (n.kind) {
    case Kind::kNull: return "null";
    case Kind::kList: return "a list";
    case Kind::kMap: return "a map";
    case Kind::kScalar: break;
  }
  switch (n.scalar) {
    case Scalar::kString: return "a quoted string";
    case Scalar::kPlain: return "a plain scalar";
    case Scalar::kInt: return "an integer";
    case Scalar::kFloat: return "a float";
    case Scalar::kBool: return "a boolean";
    case Scalar::kOther: return "a date/time";
  }
  return "a value";
}

}  // namespace

Status WrongType(const TreeNode& n, std::string_view expected, DecodeState& st, const std::string& path) {
  return Fail(ErrorCode::kConfigWrongType, st, path, fmt::format("expected {}, got {}", expected, DescribeKind(n)));
}

Status BadEnumValue(std::string_view text, const std::vector<std::string>& valid, DecodeState& st,
                    const std::string& path) {
  std::string list;
  for (const std::string& v : valid) {
    if (!list.empty()) list += ", ";
    list += fmt::format("'{}'", v);
  }
  // A value that differs only in case ("MySQL") gets that spelling as the
  // hint even when the edit distance is large.
  std::string hint;
  for (const std::string& v : valid) {
    if (EqualsIgnoreCase(v, text)) hint = fmt::format(" (did you mean '{}'?)", v);
  }
  if (hint.empty()) hint = DidYouMean(text, valid);
  return Fail(ErrorCode::kConfigInvalidValue, st, path,
              fmt::format("invalid value '{}'{}; valid values: {}", text, hint, list));
}

Status UnknownKey(std::string_view key, const std::vector<std::string>& known, DecodeState& st,
                  const std::string& path) {
  return Fail(ErrorCode::kConfigUnknownKey, st, path, fmt::format("unknown key '{}'{}", key, DidYouMean(key, known)));
}

Status MissingKey(std::string_view key, DecodeState& st, const std::string& path) {
  return Fail(ErrorCode::kConfigMissingKey, st, path, fmt::format("required key '{}' is missing", key));
}

const TreeEntry* FindEntry(const TreeNode& map, std::string_view key) {
  for (const TreeEntry& entry : map.entries) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

Status DecodeString(const TreeNode& n, std::string& out, DecodeState& st, const std::string& path) {
  if (n.IsNull()) return Status::OK();
  // As yaml.v2: any plain scalar (123, true) reads as its text into a string
  // field; typed TOML values do not (as BurntSushi/toml).
  if (!IsStringLike(n)) return WrongType(n, "a string", st, path);
  out = n.text;
  return Status::OK();
}

Status DecodeSecret(const TreeNode& n, Secret& out, DecodeState& st, const std::string& path) {
  if (n.IsNull()) return Status::OK();
  if (!IsStringLike(n)) return WrongType(n, "a string", st, path);
  // As DM: a value that does not decrypt is a plaintext password.
  out = st.key != nullptr ? crypto::DecryptOrPlaintext(n.text, *st.key) : Secret(n.text);
  return Status::OK();
}

Status DecodeBool(const TreeNode& n, bool& out, DecodeState& st, const std::string& path) {
  if (n.IsNull()) return Status::OK();
  if (n.kind == Kind::kScalar && n.scalar == Scalar::kBool) {
    out = n.text == "true";
    return Status::OK();
  }
  if (n.kind == Kind::kScalar && n.scalar == Scalar::kPlain) {
    if (std::optional<bool> v = ParseYamlBool(n.text)) {
      out = *v;
      return Status::OK();
    }
    return Fail(ErrorCode::kConfigWrongType, st, path, fmt::format("expected a boolean, got {}", Quote(n.text)));
  }
  return WrongType(n, "a boolean", st, path);
}

Status DecodeSigned(const TreeNode& n, int64_t min, int64_t max, int64_t& out, DecodeState& st,
                    const std::string& path) {
  if (n.kind != Kind::kScalar || (n.scalar != Scalar::kInt && n.scalar != Scalar::kPlain)) {
    return WrongType(n, "an integer", st, path);
  }
  bool negative = false;
  uint64_t magnitude = 0;
  if (!ParseIntegerText(n.text, negative, magnitude)) {
    return Fail(ErrorCode::kConfigWrongType, st, path, fmt::format("expected an integer, got {}", Quote(n.text)));
  }
  bool in_range =
      negative ? magnitude <= static_cast<uint64_t>(-(min + 1)) + 1 : magnitude <= static_cast<uint64_t>(max);
  if (!in_range) {
    return Fail(ErrorCode::kConfigInvalidValue, st, path,
                fmt::format("value {} is out of range [{}, {}]", n.text, min, max));
  }
  out = negative ? static_cast<int64_t>(~magnitude + 1) : static_cast<int64_t>(magnitude);
  return Status::OK();
}

Status DecodeUnsigned(const TreeNode& n, uint64_t max, uint64_t& out, DecodeState& st, const std::string& path) {
  if (n.kind != Kind::kScalar || (n.scalar != Scalar::kInt && n.scalar != Scalar::kPlain)) {
    return WrongType(n, "an integer", st, path);
  }
  bool negative = false;
  uint64_t magnitude = 0;
  if (!ParseIntegerText(n.text, negative, magnitude)) {
    return Fail(ErrorCode::kConfigWrongType, st, path, fmt::format("expected an integer, got {}", Quote(n.text)));
  }
  if ((negative && magnitude != 0) || magnitude > max) {
    return Fail(ErrorCode::kConfigInvalidValue, st, path, fmt::format("value {} is out of range [0, {}]", n.text, max));
  }
  out = magnitude;
  return Status::OK();
}

Status DecodeDouble(const TreeNode& n, double& out, DecodeState& st, const std::string& path) {
  if (n.kind != Kind::kScalar ||
      (n.scalar != Scalar::kFloat && n.scalar != Scalar::kInt && n.scalar != Scalar::kPlain)) {
    return WrongType(n, "a number", st, path);
  }
  std::string text;
  for (char c : n.text) {
    if (c != '_') text.push_back(c);
  }
  if (!text.empty() && text.front() == '+') text.erase(0, 1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Fail(ErrorCode::kConfigWrongType, st, path, fmt::format("expected a number, got {}", Quote(n.text)));
  }
  out = value;
  return Status::OK();
}

Status DecodeDuration(const TreeNode& n, Duration& out, DecodeState& st, const std::string& path) {
  if (n.IsNull()) return Status::OK();
  if (!IsStringLike(n)) return WrongType(n, "a duration string such as \"30s\"", st, path);
  Result<Duration> parsed = ParseGoDuration(n.text);
  if (!parsed.ok()) {
    std::string_view why = parsed.status().message();
    if (size_t colon = why.find(": "); colon != std::string_view::npos) why.remove_prefix(colon + 2);
    return Fail(
        ErrorCode::kConfigInvalidValue, st, path,
        fmt::format("invalid duration {}: {} (Go syntax such as \"30s\", \"5m0s\", \"1h\")", Quote(n.text), why));
  }
  out = *parsed;
  return Status::OK();
}

Result<UpgradePlan> PlanKeyUpgrade(std::string_view schema, const TreeNode& map, const TreeEntry& entry,
                                   DecodeState& st, const std::string& path) {
  const KeyUpgrade& up = *FindKeyUpgrade(schema, entry.key);
  std::string child = JoinKey(path, entry.key);
  UpgradePlan plan;
  auto implied = [&] {
    plan.decode = true;
    plan.target_key = std::string(up.new_key);
    plan.value.kind = Kind::kScalar;
    plan.value.scalar = Scalar::kPlain;
    plan.value.line = entry.line;
    plan.value.text = std::string(up.implied_value);
  };
  switch (up.action) {
    case KeyUpgradeAction::kIgnore: st.report->Warn(child, up.message, up.new_key); return plan;
    case KeyUpgradeAction::kRemoved: {
      const TreeNode& v = entry.value;
      bool empty = v.IsNull() || (v.kind == Kind::kScalar && v.text.empty()) ||
                   (v.kind == Kind::kList && v.items.empty()) || (v.kind == Kind::kMap && v.entries.empty());
      if (!empty) return st.report->origin.Error(up.error, child, up.message);
      st.report->Warn(child, fmt::format("{} (empty value ignored)", up.message));
      return plan;
    }
    case KeyUpgradeAction::kRename:
      if (FindEntry(map, up.new_key) != nullptr) {
        st.report->Warn(child, fmt::format("{}; ignored because '{}' is also set", up.message, up.new_key), up.new_key);
        return plan;
      }
      st.report->Warn(child, up.message, up.new_key);
      plan.decode = true;
      plan.target_key = std::string(up.new_key);
      plan.value = entry.value;
      return plan;
    case KeyUpgradeAction::kSetIfTrue: {
      bool value = false;
      DM_RETURN_IF_ERROR(DecodeBool(entry.value, value, st, child));
      st.report->Warn(child, up.message, up.new_key);
      if (value && FindEntry(map, up.new_key) == nullptr) implied();
      return plan;
    }
    case KeyUpgradeAction::kForceIfSet: {
      std::string value;
      DM_RETURN_IF_ERROR(DecodeString(entry.value, value, st, child));
      if (!value.empty()) {
        std::vector<std::string> allowed = SplitString(up.allowed_values, ',');
        bool ok = false;
        for (const std::string& a : allowed) ok = ok || a == value;
        if (!ok) return BadEnumValue(value, allowed, st, child);
        implied();
      }
      st.report->Warn(child, up.message, up.new_key);
      return plan;
    }
  }
  return Status::Internal("unhandled key upgrade action");
}

}  // namespace dm::config::internal
