#include "config/yaml_decoder.h"

#include <fmt/format.h>

// GCC 12's -Wdangling-pointer misfires inside yaml-cpp 0.7's node
// iterators once they are inlined here (a known false positive); the
// diagnostic is keyed to the header's lines, so silence it for them only.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#include <yaml-cpp/yaml.h>
#pragma GCC diagnostic pop
#else
#include <yaml-cpp/yaml.h>
#endif

#include <string>
#include <utility>

namespace dm::config {
namespace {

Status YamlError(std::string_view file, int line, std::string_view message) {
  std::string where = line > 0 ? fmt::format("{}:{}", file, line) : std::string(file);
  return Status(StatusCode::kInvalidArgument, fmt::format("{}: {}", where, message), ErrorCode::kConfigYamlTransform);
}

int LineOf(const YAML::Node& node, int fallback) {
  const YAML::Mark mark = node.Mark();
  return mark.is_null() || mark.line < 0 ? fallback : mark.line + 1;
}

class Converter {
 public:
  explicit Converter(std::string_view file) : file_(file) {}

  Status Convert(const YAML::Node& node, int fallback_line, TreeNode& out) {
    out.line = LineOf(node, fallback_line);
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null: out.kind = TreeNode::Kind::kNull; return Status::OK();
      case YAML::NodeType::Scalar: {
        out.kind = TreeNode::Kind::kScalar;
        out.text = node.Scalar();
        // yaml-cpp tags plain scalars "?" and quoted or block scalars "!";
        // an explicit !!str also makes a string.
        const std::string& tag = node.Tag();
        bool quoted = tag == "!" || tag == "tag:yaml.org,2002:str";
        out.scalar = quoted ? TreeNode::Scalar::kString : TreeNode::Scalar::kPlain;
        return Status::OK();
      }
      case YAML::NodeType::Sequence:
        out.kind = TreeNode::Kind::kList;
        for (const YAML::Node& item : node) {
          TreeNode child;
          DM_RETURN_IF_ERROR(Convert(item, out.line, child));
          out.items.push_back(std::move(child));
        }
        return Status::OK();
      case YAML::NodeType::Map: out.kind = TreeNode::Kind::kMap; return ConvertMap(node, out);
    }
    return Status::Internal("unknown YAML node type");
  }

 private:
  Status ConvertMap(const YAML::Node& node, TreeNode& out) {
    std::vector<TreeNode> merges;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key = it->first;  // a copy: it-> yields a temporary proxy
      int key_line = LineOf(key, out.line);
      if (!key.IsScalar()) return YamlError(file_, key_line, "map keys must be scalars");
      if (key.Scalar() == "<<" && key.Tag() != "!") {
        TreeNode merged;
        DM_RETURN_IF_ERROR(Convert(it->second, key_line, merged));
        merges.push_back(std::move(merged));
        continue;
      }
      for (const TreeEntry& seen : out.entries) {
        if (seen.key == key.Scalar()) {
          return YamlError(file_, key_line,
                           fmt::format("duplicate key '{}' (first defined at line {})", seen.key, seen.line));
        }
      }
      TreeEntry entry;
      entry.key = key.Scalar();
      entry.line = key_line;
      DM_RETURN_IF_ERROR(Convert(it->second, key_line, entry.value));
      out.entries.push_back(std::move(entry));
    }
    // YAML merge keys: "<<: *a" or "<<: [*a, *b]"; earlier sources win over
    // later ones and explicit keys win over all.
    for (TreeNode& source : merges) {
      std::vector<TreeNode> maps;
      if (source.kind == TreeNode::Kind::kMap) {
        maps.push_back(std::move(source));
      } else if (source.kind == TreeNode::Kind::kList) {
        maps = std::move(source.items);
      }
      for (TreeNode& map : maps) {
        if (map.kind != TreeNode::Kind::kMap) return YamlError(file_, map.line, "merge key '<<' needs a map");
        for (TreeEntry& entry : map.entries) {
          bool present = false;
          for (const TreeEntry& seen : out.entries) present = present || seen.key == entry.key;
          if (!present) out.entries.push_back(std::move(entry));
        }
      }
    }
    return Status::OK();
  }

  std::string_view file_;
};

}  // namespace

Result<TreeNode> ParseYamlTree(std::string_view text, std::string_view display_name) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    return YamlError(display_name, line, fmt::format("YAML syntax error: {}", e.msg));
  } catch (const std::exception& e) {
    return YamlError(display_name, 0, fmt::format("YAML error: {}", e.what()));
  }
  TreeNode tree;
  try {
    Converter converter(display_name);
    DM_RETURN_IF_ERROR(converter.Convert(root, 1, tree));
  } catch (const YAML::Exception& e) {
    int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    return YamlError(display_name, line, fmt::format("YAML error: {}", e.msg));
  }
  return tree;
}

}  // namespace dm::config
