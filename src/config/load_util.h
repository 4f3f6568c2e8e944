// Shared plumbing of the Load*/Decode* entry points (internal to dm_config):
// text -> tree -> struct, then Adjust() and Validate().
#pragma once

#include <string>
#include <string_view>

#include "common/encrypt.h"
#include "common/status.h"
#include "config/config_origin.h"
#include "config/field_decoder.h"
#include "config/toml_decoder.h"
#include "config/yaml_decoder.h"

namespace dm::config::internal {

enum class Format { kYaml, kToml };

// Parses `text` and decodes it into a default-constructed T. `key` may be
// null for formats with no secrets. Resets `report.origin` to this text.
template <Visitable T>
Result<T> DecodeConfigText(Format format, std::string_view text, std::string_view display_name,
                           const crypto::SecretKey* key, LoadReport& report) {
  report.origin.file = std::string(display_name);
  report.origin.lines.clear();
  Result<TreeNode> tree =
      format == Format::kYaml ? ParseYamlTree(text, display_name) : ParseTomlTree(text, display_name);
  if (!tree.ok()) return std::move(tree).status();
  T cfg{};
  DecodeState state{key, &report};
  DM_RETURN_IF_ERROR(DecodeDocument(*tree, cfg, state));
  return cfg;
}

// Decode + Adjust + Validate through the overloads for T.
template <class T, class Decode>
Result<T> LoadConfig(Decode&& decode, LoadReport* report) {
  LoadReport local;
  LoadReport& r = report != nullptr ? *report : local;
  Result<T> decoded = decode(r);
  if (!decoded.ok()) return std::move(decoded).status();
  T cfg = std::move(decoded).value();
  DM_RETURN_IF_ERROR(Adjust(cfg, r));
  DM_RETURN_IF_ERROR(Validate(cfg, r.origin));
  return cfg;
}

}  // namespace dm::config::internal
