#include "config/toml_decoder.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <utility>

namespace dm::config {
namespace {

int LineOf(const toml::source_region& region, int fallback) {
  return region.begin.line > 0 ? static_cast<int>(region.begin.line) : fallback;
}

void Convert(const toml::node& node, int fallback_line, TreeNode& out);

void ConvertTable(const toml::table& table, TreeNode& out) {
  out.kind = TreeNode::Kind::kMap;
  for (const auto& [key, value] : table) {
    TreeEntry entry;
    entry.key = std::string(key.str());
    entry.line = LineOf(key.source(), out.line);
    Convert(value, entry.line, entry.value);
    out.entries.push_back(std::move(entry));
  }
  // toml::table iterates in key order; restore document order so the first
  // problem reported is the first one in the file.
  std::stable_sort(out.entries.begin(), out.entries.end(),
                   [](const TreeEntry& a, const TreeEntry& b) { return a.line < b.line; });
}

void Convert(const toml::node& node, int fallback_line, TreeNode& out) {
  out.line = LineOf(node.source(), fallback_line);
  if (const toml::table* table = node.as_table()) {
    ConvertTable(*table, out);
    return;
  }
  if (const toml::array* array = node.as_array()) {
    out.kind = TreeNode::Kind::kList;
    for (const toml::node& item : *array) {
      TreeNode child;
      Convert(item, out.line, child);
      out.items.push_back(std::move(child));
    }
    return;
  }
  out.kind = TreeNode::Kind::kScalar;
  if (const auto* s = node.as_string()) {
    out.scalar = TreeNode::Scalar::kString;
    out.text = s->get();
  } else if (const auto* i = node.as_integer()) {
    out.scalar = TreeNode::Scalar::kInt;
    out.text = std::to_string(i->get());
  } else if (const auto* f = node.as_floating_point()) {
    out.scalar = TreeNode::Scalar::kFloat;
    out.text = fmt::format("{}", f->get());
  } else if (const auto* b = node.as_boolean()) {
    out.scalar = TreeNode::Scalar::kBool;
    out.text = b->get() ? "true" : "false";
  } else {
    // Dates and times: no dm key takes one; keep the text for messages.
    out.scalar = TreeNode::Scalar::kOther;
    std::ostringstream text;
    node.visit([&text](const auto& v) { text << v; });
    out.text = text.str();
  }
}

}  // namespace

Result<TreeNode> ParseTomlTree(std::string_view text, std::string_view display_name) {
  try {
    toml::table table = toml::parse(text, display_name);
    TreeNode tree;
    tree.line = 1;
    ConvertTable(table, tree);
    return tree;
  } catch (const toml::parse_error& e) {
    const toml::source_region& region = e.source();
    std::string where =
        region.begin.line > 0 ? fmt::format("{}:{}", display_name, region.begin.line) : std::string(display_name);
    return Status(StatusCode::kInvalidArgument, fmt::format("{}: TOML syntax error: {}", where, e.description()),
                  ErrorCode::kConfigTomlTransform);
  } catch (const std::exception& e) {
    return Status(StatusCode::kInvalidArgument, fmt::format("{}: TOML error: {}", display_name, e.what()),
                  ErrorCode::kConfigTomlTransform);
  }
}

}  // namespace dm::config
