#include "worker/worker_app.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "common/encrypt.h"
#include "common/version.h"
#include "testutil/test_env.h"

namespace dm::worker {
namespace {

struct WorkerResult {
  int code;
  std::string out;
  std::string err;
};

WorkerResult Worker(std::vector<std::string> args) {
  args.insert(args.begin(), "dm-worker");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  int code = RunWorker(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

constexpr const char* kSource = R"(source-id: "mysql-01"
from:
  host: "127.0.0.1"
  port: 3306
  user: "root"
  password: "Sup3r-Secret-Pw"
)";

constexpr const char* kTask = R"(name: "t1"
task-mode: all
target-database:
  host: "127.0.0.1"
  port: 4000
  user: "root"
  password: ""
mysql-instances:
  - source-id: "mysql-01"
)";

TEST(WorkerAppTest, VersionPrintsTheFiveLineBlock) {
  for (const char* flag : {"-V", "--version"}) {
    WorkerResult run = Worker({flag});
    EXPECT_EQ(run.code, 0);
    EXPECT_EQ(run.out, VersionBlock());
  }
}

TEST(WorkerAppTest, PrintSampleConfigInGoFlagForm) {
  WorkerResult run = Worker({"-print-sample-config"});
  EXPECT_EQ(run.code, 0);
  EXPECT_NE(run.out.find("worker-addr"), std::string::npos);
}

TEST(WorkerAppTest, BadTaskFileNamesFileLineAndKey) {
  testutil::TempDir dir;
  std::string task = dir.WriteFile("task.yaml", std::string(kTask) + "    soruce-id: x\n");
  std::string source = dir.WriteFile("source.yaml", kSource);
  WorkerResult run = Worker({"--task", task, "--source", source});
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find(task + ":10: mysql-instances[0].soruce-id"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("soruce-id"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("did you mean 'source-id'"), std::string::npos) << run.err;
}

TEST(WorkerAppTest, TaskSourceWithoutSourceFileIsAnError) {
  testutil::TempDir dir;
  std::string task = dir.WriteFile("task.yaml", kTask);
  std::string other = std::string(kSource);
  other.replace(other.find("mysql-01"), 8, "mysql-02");
  std::string source = dir.WriteFile("source.yaml", other);
  auto inputs = LoadStandaloneInputs(task, {source}, "");
  ASSERT_FALSE(inputs.ok());
  EXPECT_NE(inputs.status().message().find("no --source file defines source 'mysql-01'"), std::string::npos)
      << inputs.status().message();
}

TEST(WorkerAppTest, StandaloneInputsPairInstancesWithSources) {
  testutil::TempDir dir;
  std::string task = dir.WriteFile("task.yaml", kTask);
  std::string cipher = crypto::Encrypt("Sup3r-Secret-Pw", crypto::LegacyBuiltinKey()).value();
  std::string text = kSource;
  text.replace(text.find("Sup3r-Secret-Pw"), 15, cipher);
  std::string source = dir.WriteFile("source.yaml", text);
  auto inputs = LoadStandaloneInputs(task, {source}, "");
  ASSERT_TRUE(inputs.ok()) << inputs.status().message();
  ASSERT_EQ(inputs->sources.size(), 1u);
  EXPECT_EQ(inputs->sources[0].from.password.reveal(), "Sup3r-Secret-Pw");
}

TEST(WorkerAppTest, ShardModeAndEnableRelayAreRefusedNamingTheKey) {
  testutil::TempDir dir;
  std::string sharded = dir.WriteFile("sharded.yaml", std::string("shard-mode: pessimistic\n") + kTask);
  std::string task = dir.WriteFile("task.yaml", kTask);
  std::string source = dir.WriteFile("source.yaml", kSource);
  std::string relay = dir.WriteFile("relay.yaml", std::string(kSource) + "enable-relay: true\n");
  auto inputs = LoadStandaloneInputs(sharded, {source}, "");
  ASSERT_FALSE(inputs.ok());
  EXPECT_NE(inputs.status().message().find(sharded + ":1: shard-mode: shard-mode 'pessimistic'"), std::string::npos)
      << inputs.status().message();
  inputs = LoadStandaloneInputs(task, {relay}, "");
  ASSERT_FALSE(inputs.ok());
  EXPECT_NE(inputs.status().message().find(relay + ":7: enable-relay"), std::string::npos)
      << inputs.status().message();
}

TEST(WorkerAppTest, DuplicateSourceIdAcrossFilesIsAnError) {
  testutil::TempDir dir;
  std::string task = dir.WriteFile("task.yaml", kTask);
  std::string a = dir.WriteFile("a.yaml", kSource);
  std::string b = dir.WriteFile("b.yaml", kSource);
  auto inputs = LoadStandaloneInputs(task, {a, b}, "");
  ASSERT_FALSE(inputs.ok());
  EXPECT_NE(inputs.status().message().find("also defined in " + a), std::string::npos);
}

TEST(WorkerAppTest, ErrorsNeverShowThePassword) {
  testutil::TempDir dir;
  std::string task = dir.WriteFile("task.yaml", kTask);
  std::string source = dir.WriteFile("source.yaml", std::string(kSource) + "flavor: oracle\n");
  WorkerResult run = Worker({"--task", task, "--source", source});
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("flavor"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("Sup3r-Secret-Pw"), std::string::npos);
  EXPECT_EQ(run.out.find("Sup3r-Secret-Pw"), std::string::npos);
}

TEST(WorkerAppTest, BadFlagValueNamesTheFlag) {
  WorkerResult run = Worker({"-L", "loud"});
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("--log-level"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace dm::worker
