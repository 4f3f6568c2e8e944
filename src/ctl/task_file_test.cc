#include "ctl/task_file.h"

#include <gtest/gtest.h>

#include "ctl/test_configs.h"
#include "testutil/test_env.h"

namespace dm::ctl {
namespace {

using testdata::kSourceYaml;
using testdata::kTaskYaml;

const crypto::SecretKey& Key() { return crypto::LegacyBuiltinKey(); }

TEST(TaskFileTest, PlainArgumentIsTheTaskName) {
  EXPECT_EQ(ResolveTaskName("orders", Key()).value(), "orders");
  EXPECT_EQ(ResolveTaskName("test-task_1", Key()).value(), "test-task_1");
}

TEST(TaskFileTest, YamlArgumentIsReadForItsName) {
  testutil::TempDir dir;
  EXPECT_EQ(ResolveTaskName(dir.WriteFile("task.yaml", kTaskYaml), Key()).value(), "orders");
  EXPECT_EQ(ResolveTaskName(dir.WriteFile("task.yml", kTaskYaml), Key()).value(), "orders");
  TaskFile file = ReadTaskFile(dir.WriteFile("t.yaml", kTaskYaml), Key()).value();
  EXPECT_EQ(file.text, kTaskYaml);
  EXPECT_EQ(file.name, "orders");
}

TEST(TaskFileTest, MissingTaskFileIsAnErrorNamingIt) {
  auto name = ResolveTaskName("/nonexistent/task.yaml", Key());
  ASSERT_FALSE(name.ok());
  EXPECT_NE(name.status().message().find("/nonexistent/task.yaml"), std::string::npos);
}

TEST(TaskFileTest, BadTaskFileNamesFileLineAndKey) {
  testutil::TempDir dir;
  std::string path = dir.WriteFile("bad.yaml", std::string(kTaskYaml) + "no-such-key: 1\n");
  auto name = ResolveTaskName(path, Key());
  ASSERT_FALSE(name.ok());
  EXPECT_NE(name.status().message().find(path + ":9"), std::string::npos) << name.status().message();
  EXPECT_NE(name.status().message().find("no-such-key"), std::string::npos);
}

TEST(TaskFileTest, SourceFileGivesTextAndId) {
  testutil::TempDir dir;
  SourceFile file = ReadSourceFile(dir.WriteFile("source.yaml", kSourceYaml), Key()).value();
  EXPECT_EQ(file.source_id, "mysql-07");
  EXPECT_EQ(file.text, kSourceYaml);
}

}  // namespace
}  // namespace dm::ctl
