// The field-list protocol every config struct follows, kept apart from the
// decoder so struct headers do not depend on decoding.
//
// A config struct is a plain aggregate with in-class defaults (DM's), a
// `static constexpr std::string_view kSchema` naming it in the upgrade table
// (deprecated_keys.h), and one field list found by ADL:
//
//   template <class V> void VisitFields(SourceConfig& c, V& v) {
//     v("source-id", c.source_id, kRequiredKey);
//     v("from", c.from);
//   }
//
// Every consumer (the decoder in field_decoder.h, key listings, a future
// encoder) walks that one list, so a key is declared exactly once.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace dm::config {

// Per-field flag in a field list.
enum class FieldFlag : uint8_t { kOptional, kRequired };

// Marks a key the document must contain (with a non-null value).
inline constexpr FieldFlag kRequiredKey = FieldFlag::kRequired;

namespace internal {

// The container field types every consumer of a field list handles.
template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};
template <class T>
struct IsStringMap : std::false_type {};
template <class T>
struct IsStringMap<std::map<std::string, T>> : std::true_type {};

}  // namespace internal

// A visitor that collects the key names of a field list.
class FieldNameCollector {
 public:
  template <class F>
  void operator()(std::string_view name, F& /*field*/, FieldFlag /*flag*/ = FieldFlag::kOptional) {
    names.emplace_back(name);
  }
  std::vector<std::string> names;
};

// A type with a field list and a schema name.
template <class T>
concept Visitable = requires(T& t, FieldNameCollector& v) {
  VisitFields(t, v);
  T::kSchema;
};

// Returns the keys a struct's field list declares, in order.
template <Visitable T>
std::vector<std::string> ConfigKeys() {
  T sample{};
  FieldNameCollector collector;
  VisitFields(sample, collector);
  return std::move(collector.names);
}

}  // namespace dm::config
