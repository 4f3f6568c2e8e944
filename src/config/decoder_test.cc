// The shared machinery: field lists, the upgrade table, the YAML/TOML front
// ends, enum tables and small parsers.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "config/address.h"
#include "config/byte_size.h"
#include "config/config_test_util.h"
#include "config/deprecated_keys.h"
#include "config/master_config.h"
#include "config/source_config.h"
#include "config/task_config.h"
#include "config/toml_decoder.h"
#include "config/worker_config.h"
#include "config/yaml_decoder.h"

namespace dm::config {
namespace {

using testing::FailsWith;

// schema name -> keys, for every struct with a field list.
template <class... T>
std::map<std::string, std::vector<std::string>> KeysBySchema() {
  std::map<std::string, std::vector<std::string>> out;
  ((out[std::string(T::kSchema)] = ConfigKeys<T>()), ...);
  return out;
}

std::map<std::string, std::vector<std::string>> AllSchemas() {
  return KeysBySchema<SecurityConfig, DBConfig, FilterRule, PurgeConfig, CheckerConfig, SourceConfig, RouteExtractTable,
                      RouteExtractSchema, RouteExtractSource, RouteRule, TableRef, BlockAllowList, ExpressionFilter,
                      MydumperConfig, LoaderConfig, SyncerConfig, ValidatorConfig, BinlogMeta, MySQLInstance,
                      TaskExperimental, TaskConfig, MasterExperimental, MasterConfig, WorkerConfig>();
}

TEST(FieldListTest, SchemasAndKeysAreUnique) {
  auto schemas = AllSchemas();
  EXPECT_EQ(schemas.size(), 24u);  // no two structs share a kSchema
  for (const auto& [schema, keys] : schemas) {
    std::set<std::string> unique(keys.begin(), keys.end());
    EXPECT_EQ(unique.size(), keys.size()) << schema;
  }
  EXPECT_EQ(ConfigKeys<SourceConfig>().front(), "source-id");
}

TEST(FieldListTest, UpgradeTableIsConsistent) {
  auto schemas = AllSchemas();
  std::set<std::pair<std::string, std::string>> seen;
  for (const KeyUpgrade& up : AllKeyUpgrades()) {
    SCOPED_TRACE(std::string(up.schema) + "." + std::string(up.old_key));
    ASSERT_TRUE(schemas.contains(std::string(up.schema)));
    const auto& keys = schemas.at(std::string(up.schema));
    EXPECT_TRUE(seen.emplace(up.schema, up.old_key).second) << "duplicate row";
    // An old key must not also be a live field, or the table never applies.
    EXPECT_EQ(std::find(keys.begin(), keys.end(), up.old_key), keys.end());
    bool needs_target = up.action == KeyUpgradeAction::kRename || up.action == KeyUpgradeAction::kSetIfTrue ||
                        up.action == KeyUpgradeAction::kForceIfSet;
    if (needs_target) {
      EXPECT_NE(std::find(keys.begin(), keys.end(), up.new_key), keys.end());
    }
    if (up.action == KeyUpgradeAction::kRemoved) {
      EXPECT_NE(up.error, ErrorCode::kNone);
    }
    EXPECT_FALSE(up.message.empty());
  }
}

TEST(YamlTreeTest, RecordsLinesAndScalarKinds) {
  auto tree = ParseYamlTree("a: 1\nb: \"2\"\nc:\n  - x\n  - 'y'\nd:\n", "t.yaml");
  ASSERT_TRUE(tree.ok()) << tree.status().ToString();
  ASSERT_EQ(tree->entries.size(), 4u);
  EXPECT_EQ(tree->entries[0].value.scalar, TreeNode::Scalar::kPlain);
  EXPECT_EQ(tree->entries[1].value.scalar, TreeNode::Scalar::kString);
  EXPECT_EQ(tree->entries[1].line, 2);
  EXPECT_EQ(tree->entries[2].value.items[1].line, 5);
  EXPECT_EQ(tree->entries[2].value.items[1].scalar, TreeNode::Scalar::kString);
  EXPECT_TRUE(tree->entries[3].value.IsNull());
  EXPECT_EQ(tree->entries[3].line, 6);
}

TEST(YamlTreeTest, EmptyDocumentIsNull) {
  auto tree = ParseYamlTree("# nothing\n", "t.yaml");
  ASSERT_TRUE(tree.ok());
  EXPECT_TRUE(tree->IsNull());
}

TEST(TomlTreeTest, KeepsDocumentOrderAndTypes) {
  auto tree = ParseTomlTree("z = 1\na = \"s\"\n[t]\nb = true\nf = 1.5\n", "t.toml");
  ASSERT_TRUE(tree.ok()) << tree.status().ToString();
  ASSERT_EQ(tree->entries.size(), 3u);
  EXPECT_EQ(tree->entries[0].key, "z");
  EXPECT_EQ(tree->entries[0].value.scalar, TreeNode::Scalar::kInt);
  EXPECT_EQ(tree->entries[1].value.scalar, TreeNode::Scalar::kString);
  EXPECT_EQ(tree->entries[2].line, 3);
  EXPECT_EQ(tree->entries[2].value.entries[0].value.scalar, TreeNode::Scalar::kBool);
  EXPECT_EQ(tree->entries[2].value.entries[1].line, 5);
  EXPECT_EQ(tree->entries[2].value.entries[1].value.scalar, TreeNode::Scalar::kFloat);
}

TEST(TomlTreeTest, SyntaxErrorNamesLine) {
  EXPECT_TRUE(FailsWith(ParseTomlTree("a = 1\n\nb = [1,\n", "x.toml").status(), ErrorCode::kConfigTomlTransform,
                        {"x.toml:", "TOML syntax error"}));
}

TEST(EnumNamesTest, RoundTripAndAliases) {
  EXPECT_EQ(EnumToString(TaskMode::kLoadSync), "load&sync");
  EXPECT_EQ(ParseEnum<TaskMode>("load&sync"), TaskMode::kLoadSync);
  EXPECT_EQ(EnumToString(TaskMode::kUnset), "");
  EXPECT_FALSE(ParseEnum<TaskMode>("").has_value());
  EXPECT_EQ(ParseEnum<ImportMode>("Loader"), ImportMode::kLogical);
  EXPECT_EQ(EnumToString(ImportMode::kLogical), "logical");
  EXPECT_EQ(ParseEnum<log::Level>("WARNING"), log::Level::kWarn);
  EXPECT_FALSE(ParseEnum<FilterAction>("ignore").has_value());  // DM compares case-sensitively
  EXPECT_EQ(EnumValidValues<ShardMode>(), "'', 'pessimistic', 'optimistic'");
}

TEST(ByteSizeTest, ParsesGoUnitsSyntax) {
  EXPECT_EQ(ParseByteSize("500m", 1024).value(), 500u << 20);
  EXPECT_EQ(ParseByteSize("1GiB", 1024).value(), 1u << 30);
  EXPECT_EQ(ParseByteSize("64MB", 1000).value(), 64000000u);
  EXPECT_EQ(ParseByteSize("1.5 k", 1000).value(), 1500u);
  EXPECT_EQ(ParseByteSize("42", 1024).value(), 42u);
  EXPECT_FALSE(ParseByteSize("lots", 1024).ok());
  EXPECT_FALSE(ParseByteSize("5x", 1024).ok());
  EXPECT_EQ(ParseChunkFileSize("64").value(), 64u << 20);
  // As go-units' FromHumanSize, which DM uses here: decimal, "i" ignored.
  EXPECT_EQ(ParseChunkFileSize("1GiB").value(), 1000000000u);
}

TEST(AddressTest, SplitsAndWrapsLikeDm) {
  std::string host;
  std::string port;
  ASSERT_TRUE(SplitHostPort(":8261", &host, &port));
  EXPECT_EQ(host, "");
  EXPECT_EQ(port, "8261");
  ASSERT_TRUE(SplitHostPort("[::1]:8261", &host, &port));
  EXPECT_EQ(host, "::1");
  EXPECT_FALSE(SplitHostPort("localhost", &host, &port));
  EXPECT_FALSE(SplitHostPort("::1:8261", &host, &port));
  EXPECT_TRUE(IsAdvertisable("10.0.0.1:8261"));
  EXPECT_FALSE(IsAdvertisable("0.0.0.0:8261"));
  EXPECT_FALSE(IsAdvertisable(":8261"));
  EXPECT_EQ(UnwrapScheme("https://h:1"), "h:1");
  EXPECT_EQ(WrapSchemes("a:1, http://b:2", false), "http://a:1,http://b:2");
  EXPECT_EQ(WrapSchemes("a:1", true), "https://a:1");
  EXPECT_EQ(WrapSchemesForInitialCluster("m1=h:1,m2=http://h:2", false), "m1=http://h:1,m2=http://h:2");
}

TEST(ConfigOriginTest, MissingKeysFallBackToTheParentLine) {
  ConfigOrigin origin;
  origin.file = "f.yaml";
  origin.lines[""] = 1;
  origin.lines["mysql-instances"] = 4;
  origin.lines["mysql-instances[1]"] = 6;
  EXPECT_EQ(origin.LineOf("mysql-instances[1].source-id"), 6);
  EXPECT_EQ(origin.LineOf("routes.x"), 1);
  EXPECT_EQ(origin.Where("mysql-instances[1].meta"), "f.yaml:6: mysql-instances[1].meta");
  ConfigOrigin none;
  EXPECT_EQ(none.Where("name"), "config: name");
}

}  // namespace
}  // namespace dm::config
