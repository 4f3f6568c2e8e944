// YAML front end: text -> TreeNode (tree.h), using yaml-cpp. Library
// exceptions stop here and become Status values naming the file and line.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "config/tree.h"

namespace dm::config {

// Parses the first YAML document of `text`. `display_name` prefixes error
// messages ("task.yaml:3: ..."). Syntax errors and duplicate keys in one map
// (rejected, as Go's yaml.v2 does) carry ErrorCode::kConfigYamlTransform.
// Merge keys ("<<: *base") are expanded; explicit keys win. An empty document
// is a null node.
Result<TreeNode> ParseYamlTree(std::string_view text, std::string_view display_name);

}  // namespace dm::config
