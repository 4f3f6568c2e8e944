// The generic decoder: fills any config struct from a TreeNode by walking the
// struct's one field list (field_list.h), so YAML and TOML decoding,
// strictness and error messages are written once. Supported field types:
// std::string, dm::Secret (decrypted on load), bool, integers (range-checked
// against the C++ type), double, Duration (Go syntax), enums with
// EnumTraits, std::optional<T>, std::vector<T>, std::map<std::string, T>, and
// nested visitable structs.
//
// Strictness, as DM's yaml.UnmarshalStrict plus more: an unknown key, a wrong
// type, a missing required key or a bad enum value is an error naming the
// file, the line and the dotted key; unknown keys get a did-you-mean hint.
// Keys the field list lacks go through the upgrade table first.
// A null value (YAML `key:` / `~`) leaves the in-class default.
//
// Thread-safety: decoding uses only its arguments (no globals besides the
// thread-safe logger), so concurrent loads into different outputs are safe.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/encrypt.h"
#include "common/secret.h"
#include "common/status.h"
#include "config/config_origin.h"
#include "config/deprecated_keys.h"
#include "config/duration.h"
#include "config/enum_names.h"
#include "config/field_list.h"
#include "config/tree.h"

namespace dm::config {

namespace internal {

// State of one decode. Both pointers are borrowed for the decode's duration.
struct DecodeState {
  const crypto::SecretKey* key = nullptr;  // decrypts Secret fields; null keeps text as is
  LoadReport* report = nullptr;            // receives key lines and warnings; never null
};

// Scalar converters (field_decoder.cc). Each returns an error naming `path`.
// None of them repeats a string value in a message, so passwords never leak.
Status DecodeString(const TreeNode& n, std::string& out, DecodeState& st, const std::string& path);
Status DecodeSecret(const TreeNode& n, Secret& out, DecodeState& st, const std::string& path);
Status DecodeBool(const TreeNode& n, bool& out, DecodeState& st, const std::string& path);
Status DecodeSigned(const TreeNode& n, int64_t min, int64_t max, int64_t& out, DecodeState& st,
                    const std::string& path);
Status DecodeUnsigned(const TreeNode& n, uint64_t max, uint64_t& out, DecodeState& st, const std::string& path);
Status DecodeDouble(const TreeNode& n, double& out, DecodeState& st, const std::string& path);
Status DecodeDuration(const TreeNode& n, Duration& out, DecodeState& st, const std::string& path);

// Error builders.
Status WrongType(const TreeNode& n, std::string_view expected, DecodeState& st, const std::string& path);
Status BadEnumValue(std::string_view text, const std::vector<std::string>& valid, DecodeState& st,
                    const std::string& path);
Status UnknownKey(std::string_view key, const std::vector<std::string>& known, DecodeState& st,
                  const std::string& path);
Status MissingKey(std::string_view key, DecodeState& st, const std::string& path);

// Returns the entry named `key` in map node `map`, or nullptr.
const TreeEntry* FindEntry(const TreeNode& map, std::string_view key);

// What to do with a key that is not in a struct's field list: after
// PlanKeyUpgrade, either nothing more (ignored with a warning) or decode
// `value` into the field `target_key`.
struct UpgradePlan {
  bool decode = false;
  std::string target_key;
  TreeNode value;
};

// Applies the upgrade table row for `entry` (found in map `map` at `path`):
// warns, rejects removed keys and bad values, and plans the rest.
// REQUIRES: FindKeyUpgrade(schema, entry.key) != nullptr.
Result<UpgradePlan> PlanKeyUpgrade(std::string_view schema, const TreeNode& map, const TreeEntry& entry,
                                   DecodeState& st, const std::string& path);

template <class T>
Status DecodeValue(const TreeNode& n, T& out, DecodeState& st, const std::string& path);

// Decodes `value` into the field named `key`, if the visited struct has one.
class FieldDecoder {
 public:
  FieldDecoder(std::string_view key, const TreeNode& value, DecodeState& st, const std::string& path)
      : key_(key), value_(value), st_(st), path_(path) {}

  template <class F>
  void operator()(std::string_view name, F& field, FieldFlag /*flag*/ = FieldFlag::kOptional) {
    if (found_ || name != key_) return;
    found_ = true;
    status_ = DecodeValue(value_, field, st_, path_);
  }

  bool found() const { return found_; }
  Status TakeStatus() { return std::move(status_); }

 private:
  std::string_view key_;
  const TreeNode& value_;
  DecodeState& st_;
  const std::string& path_;
  bool found_ = false;
  Status status_;
};

// Finds the first required field with no (or a null) entry in `map`.
class RequiredChecker {
 public:
  explicit RequiredChecker(const TreeNode& map) : map_(map) {}

  template <class F>
  void operator()(std::string_view name, F& /*field*/, FieldFlag flag = FieldFlag::kOptional) {
    if (flag != FieldFlag::kRequired || !missing_.empty()) return;
    const TreeEntry* entry = map_.kind == TreeNode::Kind::kMap ? FindEntry(map_, name) : nullptr;
    if (entry == nullptr || entry->value.IsNull()) missing_ = std::string(name);
  }

  const std::string& missing() const { return missing_; }

 private:
  const TreeNode& map_;
  std::string missing_;
};

template <Visitable T>
Status DecodeStruct(const TreeNode& n, T& out, DecodeState& st, const std::string& path) {
  if (!n.IsNull() && n.kind != TreeNode::Kind::kMap) return WrongType(n, "a map", st, path);
  for (const TreeEntry& entry : n.entries) {
    std::string child = JoinKey(path, entry.key);
    st.report->origin.lines[child] = entry.line;
    FieldDecoder decoder(entry.key, entry.value, st, child);
    VisitFields(out, decoder);
    if (decoder.found()) {
      DM_RETURN_IF_ERROR(decoder.TakeStatus());
      continue;
    }
    if (FindKeyUpgrade(T::kSchema, entry.key) == nullptr) {
      return UnknownKey(entry.key, ConfigKeys<T>(), st, child);
    }
    DM_ASSIGN_OR_RETURN(UpgradePlan plan, PlanKeyUpgrade(T::kSchema, n, entry, st, path));
    if (!plan.decode) continue;
    // Later checks on the new key point at the old key's line.
    st.report->origin.lines.try_emplace(JoinKey(path, plan.target_key), entry.line);
    FieldDecoder upgraded(plan.target_key, plan.value, st, child);
    VisitFields(out, upgraded);
    if (!upgraded.found()) return Status::Internal("upgrade table names unknown key " + plan.target_key);
    DM_RETURN_IF_ERROR(upgraded.TakeStatus());
  }
  RequiredChecker checker(n);
  VisitFields(out, checker);
  if (!checker.missing().empty()) return MissingKey(checker.missing(), st, JoinKey(path, checker.missing()));
  return Status::OK();
}

template <class T>
Status DecodeValue(const TreeNode& n, T& out, DecodeState& st, const std::string& path) {
  if constexpr (std::is_same_v<T, std::string>) {
    return DecodeString(n, out, st, path);
  } else if constexpr (std::is_same_v<T, Secret>) {
    return DecodeSecret(n, out, st, path);
  } else if constexpr (std::is_same_v<T, bool>) {
    return DecodeBool(n, out, st, path);
  } else if constexpr (std::is_integral_v<T>) {
    if (n.IsNull()) return Status::OK();
    if constexpr (std::is_signed_v<T>) {
      int64_t v = 0;
      DM_RETURN_IF_ERROR(DecodeSigned(n, std::numeric_limits<T>::min(), std::numeric_limits<T>::max(), v, st, path));
      out = static_cast<T>(v);
    } else {
      uint64_t v = 0;
      DM_RETURN_IF_ERROR(DecodeUnsigned(n, std::numeric_limits<T>::max(), v, st, path));
      out = static_cast<T>(v);
    }
    return Status::OK();
  } else if constexpr (std::is_floating_point_v<T>) {
    double v = 0;
    if (n.IsNull()) return Status::OK();
    DM_RETURN_IF_ERROR(DecodeDouble(n, v, st, path));
    out = static_cast<T>(v);
    return Status::OK();
  } else if constexpr (std::is_same_v<T, Duration>) {
    return DecodeDuration(n, out, st, path);
  } else if constexpr (ConfigEnum<T>) {
    if (n.IsNull()) return Status::OK();
    std::string text;
    DM_RETURN_IF_ERROR(DecodeString(n, text, st, path));
    std::optional<T> value = ParseEnum<T>(text);
    if (!value) return BadEnumValue(text, EnumCanonicalNames<T>(), st, path);
    out = *value;
    return Status::OK();
  } else if constexpr (IsOptional<T>::value) {
    if (n.IsNull()) {
      out.reset();
      return Status::OK();
    }
    typename T::value_type value{};
    DM_RETURN_IF_ERROR(DecodeValue(n, value, st, path));
    out = std::move(value);
    return Status::OK();
  } else if constexpr (IsVector<T>::value) {
    if (n.IsNull()) return Status::OK();
    if (n.kind != TreeNode::Kind::kList) return WrongType(n, "a list", st, path);
    T result;
    result.reserve(n.items.size());
    for (size_t i = 0; i < n.items.size(); ++i) {
      std::string child = IndexKey(path, i);
      st.report->origin.lines[child] = n.items[i].line;
      typename T::value_type item{};
      DM_RETURN_IF_ERROR(DecodeValue(n.items[i], item, st, child));
      result.push_back(std::move(item));
    }
    out = std::move(result);
    return Status::OK();
  } else if constexpr (IsStringMap<T>::value) {
    if (n.IsNull()) return Status::OK();
    if (n.kind != TreeNode::Kind::kMap) return WrongType(n, "a map", st, path);
    T result;
    for (const TreeEntry& entry : n.entries) {
      std::string child = JoinKey(path, entry.key);
      st.report->origin.lines[child] = entry.line;
      typename T::mapped_type value{};
      DM_RETURN_IF_ERROR(DecodeValue(entry.value, value, st, child));
      result.insert_or_assign(entry.key, std::move(value));
    }
    out = std::move(result);
    return Status::OK();
  } else if constexpr (Visitable<T>) {
    return DecodeStruct(n, out, st, path);
  } else {
    static_assert(sizeof(T) == 0, "field type has no decoder");
  }
}

// Decodes a whole document into `out`, whose in-class defaults stay for keys
// the document does not set. Records the root at line 1.
template <Visitable T>
Status DecodeDocument(const TreeNode& root, T& out, DecodeState& st) {
  st.report->origin.lines[""] = root.line > 0 ? root.line : 1;
  return DecodeValue(root, out, st, "");
}

}  // namespace internal
}  // namespace dm::config
