// A format-neutral document tree. The YAML and TOML front ends
// (yaml_decoder.h, toml_decoder.h) convert their library's tree into this one,
// so type checks, strictness, deprecated-key upgrades and error messages are
// written once (field_decoder.h) and behave the same for both formats.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dm::config {

struct TreeEntry;

struct TreeNode {
  enum class Kind : uint8_t { kNull, kScalar, kList, kMap };
  // How a scalar was written. YAML plain scalars are untyped until a field
  // asks for a type (as in Go's yaml.v2, which DM uses); quoted YAML scalars
  // and TOML strings are strings; TOML numbers and booleans are typed.
  enum class Scalar : uint8_t { kString, kPlain, kInt, kFloat, kBool, kOther };

  Kind kind = Kind::kNull;
  Scalar scalar = Scalar::kString;
  int line = 0;                    // 1-based; 0 when the library gave none
  std::string text;                // scalar text (canonical for typed TOML values)
  std::vector<TreeNode> items;     // kList
  std::vector<TreeEntry> entries;  // kMap, in document order

  bool IsNull() const { return kind == Kind::kNull; }
};

struct TreeEntry {
  std::string key;
  int line = 0;  // line of the key
  TreeNode value;
};

}  // namespace dm::config
