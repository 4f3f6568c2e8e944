// Enum <-> string conversion for config enums. Each enum declares its names
// next to its definition by specialising EnumTraits (one table per enum, no
// switch statements elsewhere); the decoder, error messages and a future
// encoder all read that table.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/strings.h"

namespace dm::config {

// One accepted spelling. The first non-alias entry for a value is the
// canonical name that ToString() returns; aliases are accepted on input only
// (e.g. DM's legacy import-mode "sql" for logical).
template <class E>
struct EnumName {
  std::string_view name;
  E value;
  bool alias = false;
};

// Specialise with:
//   static constexpr std::array<EnumName<E>, N> kNames{...};
//   static constexpr bool kCaseInsensitive = ...;  // as DM: some keys are lower-cased before comparison
template <class E>
struct EnumTraits;

template <class E>
concept ConfigEnum = requires {
  EnumTraits<E>::kNames;
  EnumTraits<E>::kCaseInsensitive;
};

// Returns the value spelled `text`, or nullopt when it is not a valid name.
template <ConfigEnum E>
std::optional<E> ParseEnum(std::string_view text) {
  for (const EnumName<E>& entry : EnumTraits<E>::kNames) {
    bool match = EnumTraits<E>::kCaseInsensitive ? EqualsIgnoreCase(entry.name, text) : entry.name == text;
    if (match) return entry.value;
  }
  return std::nullopt;
}

// Returns the canonical name of `value`, or "" for a value with no name
// (such as an enum's "unset" state).
template <ConfigEnum E>
std::string_view EnumToString(E value) {
  for (const EnumName<E>& entry : EnumTraits<E>::kNames) {
    if (!entry.alias && entry.value == value) return entry.name;
  }
  return {};
}

// The canonical names, for "did you mean" hints.
template <ConfigEnum E>
std::vector<std::string> EnumCanonicalNames() {
  std::vector<std::string> names;
  for (const EnumName<E>& entry : EnumTraits<E>::kNames) {
    if (!entry.alias) names.emplace_back(entry.name);
  }
  return names;
}

// "'full', 'incremental', 'all'": the valid values for error messages.
template <ConfigEnum E>
std::string EnumValidValues() {
  std::string out;
  for (const std::string& name : EnumCanonicalNames<E>()) {
    if (!out.empty()) out += ", ";
    out += fmt::format("'{}'", name);
  }
  return out;
}

}  // namespace dm::config
