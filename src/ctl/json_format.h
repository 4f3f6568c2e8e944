// Pretty-printing of dm-master responses exactly as DM's dmctl prints them.
//
// DM prints protobuf responses with golang/protobuf's jsonpb (4-space indent,
// default values emitted) and a few composed results with Go's
// encoding/json MarshalIndent. The two differ only in empty containers, so
// the caller picks the style its command used in DM. Both escape strings as
// Go's encoding/json does (<, > and & become \u003c, \u003e, \u0026).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace dm::ctl {

enum class JsonStyle {
  // jsonpb: an empty array prints as "[" newline indent "]", an empty object
  // as "{" two newlines indent "}".
  kProtobuf,
  // encoding/json: empty containers print as [] and {}.
  kGoJson,
};

// Formats `value` with 4-space indentation in `style`. Object keys keep the
// order they have in `value` (the order the master sent). No trailing newline.
std::string FormatJson(const nlohmann::ordered_json& value, JsonStyle style);

// Formats `response` as kProtobuf, except that the top-level string field
// `raw_field` is written unescaped when it contains DM's check failure header
// ("fail to check synchronization configuration with type"), as DM does for
// check-task's `msg` and start-task's `checkResult`, so the embedded JSON
// report stays readable.
std::string FormatCheckResponse(const nlohmann::ordered_json& response, std::string_view raw_field);

}  // namespace dm::ctl
