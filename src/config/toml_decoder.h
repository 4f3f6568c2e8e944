// TOML front end: text -> TreeNode (tree.h), using toml++. Library exceptions
// stop here and become Status values naming the file and line.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "config/tree.h"

namespace dm::config {

// Parses `text` as one TOML document. `display_name` prefixes error messages
// ("dm-master.toml:3: ..."). Syntax errors (duplicate keys included) carry
// ErrorCode::kConfigTomlTransform. Table entries come out in document order.
Result<TreeNode> ParseTomlTree(std::string_view text, std::string_view display_name);

}  // namespace dm::config
