// The TOML encoder: writes any config struct through its one field list
// (field_list.h), in the list's order, as the running config that
// `get-config master|worker` shows (DM prints its members' configs as TOML).
//
// Secret material is never written: a Secret field and the keys that carry
// a certificate's or private key's contents (`ssl-*-bytes`, `ssl-*-base64`)
// show "******" when set; paths (ssl-key, secret-key-path) are shown as
// they are, since they reveal nothing by themselves.
//
// Thread-safety: encoding reads only its argument.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/secret.h"
#include "config/duration.h"
#include "config/enum_names.h"
#include "config/field_list.h"

namespace dm::config {

namespace internal {

// A TOML basic string: quoted, with `"`, `\` and control characters escaped.
std::string TomlQuote(std::string_view text);
// A TOML float: always with a fraction or exponent ("10.0", "1e+20").
std::string TomlFloat(double value);
// True for keys whose value is secret material (see the file comment).
bool IsSecretKey(std::string_view key);

inline constexpr std::string_view kHiddenValue = "******";

// The TOML text of one scalar or list value; nullopt when there is nothing
// to write (an unset optional).
template <class T>
std::optional<std::string> TomlValue(const T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    return TomlQuote(value);
  } else if constexpr (std::is_same_v<T, Secret>) {
    return TomlQuote(value.empty() ? std::string_view() : kHiddenValue);
  } else if constexpr (std::is_same_v<T, bool>) {
    return std::string(value ? "true" : "false");
  } else if constexpr (std::is_integral_v<T>) {
    return std::to_string(value);
  } else if constexpr (std::is_floating_point_v<T>) {
    return TomlFloat(static_cast<double>(value));
  } else if constexpr (std::is_same_v<T, Duration>) {
    return TomlQuote(FormatGoDuration(value));
  } else if constexpr (ConfigEnum<T>) {
    return TomlQuote(EnumToString(value));
  } else if constexpr (IsOptional<T>::value) {
    if (!value) return std::nullopt;
    return TomlValue(*value);
  } else if constexpr (IsVector<T>::value) {
    std::string out = "[";
    for (size_t i = 0; i < value.size(); ++i) {
      if (i > 0) out += ", ";
      out += TomlValue(value[i]).value_or("\"\"");
    }
    return out + "]";
  } else {
    static_assert(sizeof(T) == 0, "field type has no TOML encoding");
  }
}

// Collects `key = value` lines of one table and the sub-tables of its
// nested structs (written after the keys, as TOML requires).
class TomlEncoder {
 public:
  explicit TomlEncoder(std::string table) : table_(std::move(table)) {}

  template <class F>
  void operator()(std::string_view name, F& field, FieldFlag /*flag*/ = FieldFlag::kOptional) {
    if constexpr (Visitable<F>) {
      TomlEncoder nested(table_.empty() ? std::string(name) : table_ + "." + std::string(name));
      VisitFields(field, nested);
      tables_ += "\n[" + nested.table_ + "]\n" + nested.Text();
    } else if (IsSecretKey(name)) {
      if (std::optional<std::string> text = TomlValue(field)) {
        keys_ += std::string(name) + " = " + (*text == "\"\"" ? *text : TomlQuote(kHiddenValue)) + "\n";
      }
    } else if (std::optional<std::string> text = TomlValue(field)) {
      keys_ += std::string(name) + " = " + *text + "\n";
    }
  }

  std::string Text() const { return keys_ + tables_; }

 private:
  std::string table_;
  std::string keys_;
  std::string tables_;
};

}  // namespace internal

// The TOML document of `cfg`: every key of its field list, nested structs as
// tables, secrets hidden.
template <Visitable T>
std::string EncodeToml(const T& cfg) {
  T copy = cfg;  // field lists visit mutable structs
  internal::TomlEncoder encoder("");
  VisitFields(copy, encoder);
  return encoder.Text();
}

}  // namespace dm::config
