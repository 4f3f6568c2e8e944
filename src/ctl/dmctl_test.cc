#include "ctl/dmctl.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include <optional>
#include <sstream>
#include <vector>

#include "common/encrypt.h"
#include "common/version.h"
#include "config/config_origin.h"
#include "config/source_config.h"
#include "ctl/test_configs.h"
#include "testutil/test_env.h"

namespace dm::ctl {
namespace {

using testdata::kSourceYaml;
using testdata::kTaskYaml;

struct DmctlResult {
  int code;
  std::string out;
  std::string err;
};

DmctlResult Dmctl(std::vector<const char*> args) {
  args.insert(args.begin(), "dmctl");
  std::ostringstream out, err;
  int code = RunDmctl(static_cast<int>(args.size()), args.data(), out, err);
  return {code, out.str(), err.str()};
}

// The transport seam: records the connection and every request, and answers
// each request with `answer`.
struct Recorder {
  std::optional<MasterConnection> connection;
  std::vector<MasterRequest> requests;
  std::string answer = R"({"result": true, "msg": ""})";

  DmctlResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), "dmctl");
    std::vector<const char*> argv;
    for (const auto& arg : args) argv.push_back(arg.c_str());
    std::ostringstream out, err;
    TransportFactory connect = [this](const MasterConnection& c) -> MasterTransport {
      connection = c;
      return [this](const MasterRequest& request) -> Result<http::Response> {
        requests.push_back(request);
        return http::Response{200, "application/json", answer};
      };
    };
    int code = RunDmctl(static_cast<int>(argv.size()), argv.data(), out, err, connect);
    return {code, out.str(), err.str()};
  }

  // Runs with a master address and expects exactly one request.
  MasterRequest Request(std::vector<std::string> args) {
    args.insert(args.begin(), {"--master-addr", "127.0.0.1:8261"});
    DmctlResult run = Run(args);
    EXPECT_EQ(run.code, 0) << run.err;
    EXPECT_EQ(requests.size(), 1u);
    return requests.empty() ? MasterRequest{} : requests.back();
  }
};

nlohmann::json Body(const MasterRequest& request) { return nlohmann::json::parse(request.body); }

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

TEST(DmctlTest, EncryptPrintsDmCiphertextForTheBuiltinKey) {
  DmctlResult run = Dmctl({"encrypt", "s3cret-Pw"});
  ASSERT_EQ(run.code, 0) << run.err;
  std::string cipher = FirstLine(run.out);
  EXPECT_EQ(crypto::Decrypt(cipher, crypto::LegacyBuiltinKey()).value(), "s3cret-Pw");
  EXPECT_EQ(run.out.find("s3cret-Pw"), std::string::npos);
}

TEST(DmctlTest, EncryptUsesTheSecretKeyFileInAnyFlagForm) {
  testutil::TempDir dir;
  std::string path = dir.WriteFile("key", std::string(64, 'b'));
  auto key = crypto::LoadSecretKeyFile(path).value();
  std::string eq = "--secret-key-path=" + path;
  for (auto args : {std::vector<const char*>{"-secret-key-path", path.c_str(), "encrypt", "pw"},
                    std::vector<const char*>{"--secret-key-path", path.c_str(), "encrypt", "pw"},
                    std::vector<const char*>{eq.c_str(), "encrypt", "pw"}}) {
    DmctlResult run = Dmctl(args);
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_EQ(crypto::Decrypt(FirstLine(run.out), key).value(), "pw");
  }
}

TEST(DmctlTest, LegacyEncryptFlagStillWorks) {
  DmctlResult run = Dmctl({"-encrypt", "old-style"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(crypto::Decrypt(FirstLine(run.out), crypto::LegacyBuiltinKey()).value(), "old-style");
}

TEST(DmctlTest, BadKeyFileIsAnErrorWithoutThePassword) {
  DmctlResult run = Dmctl({"--secret-key-path", "/nonexistent/key", "encrypt", "hunter2"});
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("/nonexistent/key"), std::string::npos);
  EXPECT_EQ(run.err.find("hunter2"), std::string::npos);
  EXPECT_EQ(run.out.find("hunter2"), std::string::npos);
}

TEST(DmctlTest, VersionPrintsTheFiveLineBlock) {
  for (const char* flag : {"-V", "--version"}) {
    DmctlResult run = Dmctl({flag});
    EXPECT_EQ(run.code, 0);
    EXPECT_EQ(run.out, VersionBlock());
  }
}

TEST(DmctlTest, UnknownFlagIsAUsageError) {
  DmctlResult run = Dmctl({"--no-such-flag"});
  EXPECT_EQ(run.code, 2);
  EXPECT_FALSE(run.err.empty());
}


TEST(DmctlTest, OperateSourceCreateSendsTheFileAndWorker) {
  testutil::TempDir dir;
  std::string file = dir.WriteFile("source.yaml", kSourceYaml);
  Recorder master;
  MasterRequest request = master.Request({"operate-source", "create", file, "-w", "worker1"});
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.target, "/apis/v1alpha1/sources");
  EXPECT_EQ(Body(request), (nlohmann::json{{"op", "StartSource"},
                                           {"config", {kSourceYaml}},
                                           {"sourceID", nlohmann::json::array()},
                                           {"workerName", "worker1"}}));
}

TEST(DmctlTest, OperateSourceStopTakesIdsAndFiles) {
  testutil::TempDir dir;
  std::string file = dir.WriteFile("source.yaml", kSourceYaml);
  Recorder master;
  MasterRequest request = master.Request({"operate-source", "stop", "mysql-02", file});
  EXPECT_EQ(Body(request), nlohmann::json::parse(R"({"op": "StopSource", "config": [],
                                                     "sourceID": ["mysql-02", "mysql-07"], "workerName": ""})"));
}

TEST(DmctlTest, OperateSourceShowFiltersBySourceFlag) {
  Recorder master;
  MasterRequest request = master.Request({"operate-source", "show", "-s", "a,b"});
  EXPECT_EQ(Body(request), nlohmann::json::parse(R"({"op": "ShowSource", "config": [], "sourceID": ["a", "b"],
                                                     "workerName": ""})"));
}

TEST(DmctlTest, OperateSourceUsageErrorsPrintTheCommandHelp) {
  Recorder master;
  for (auto args : {std::vector<std::string>{"operate-source"}, {"operate-source", "create"},
                    {"operate-source", "destroy", "x.yaml"}, {"operate-source", "stop", "-w", "w1", "id"}}) {
    args.insert(args.begin(), {"--master-addr", "127.0.0.1:8261"});
    DmctlResult run = master.Run(args);
    EXPECT_EQ(run.code, 2) << args[2];
    EXPECT_NE(run.err.find("operate-source"), std::string::npos);
    EXPECT_NE(run.err.find("--print-sample-config"), std::string::npos) << run.err;
  }
  EXPECT_TRUE(master.requests.empty());
}

TEST(DmctlTest, BadSourceFileFailsLocallyNamingFileAndLine) {
  testutil::TempDir dir;
  std::string file = dir.WriteFile("source.yaml", std::string(kSourceYaml) + "bogus-key: 1\n");
  Recorder master;
  DmctlResult run = master.Run({"--master-addr", "127.0.0.1:8261", "operate-source", "create", file});
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find(file + ":6"), std::string::npos) << run.err;
  EXPECT_TRUE(master.requests.empty());
}

TEST(DmctlTest, PrintSampleConfigNeedsNoMasterAndLoads) {
  for (const char* flag : {"-p", "--print-sample-config"}) {
    DmctlResult run = Dmctl({"operate-source", flag});
    ASSERT_EQ(run.code, 0) << run.err;
    auto source = config::LoadSourceConfigFromString(run.out, "sample", crypto::LegacyBuiltinKey());
    ASSERT_TRUE(source.ok()) << source.status().message();
    EXPECT_EQ(source->source_id, "mysql-replica-01");
  }
}

TEST(DmctlTest, StartTaskSendsTaskSourcesRemoveMetaAndStartTime) {
  testutil::TempDir dir;
  std::string file = dir.WriteFile("task.yaml", kTaskYaml);
  Recorder master;
  MasterRequest request = master.Request(
      {"start-task", "-s", "mysql-01", "--remove-meta", "--start-time", "2021-10-21 00:01:00", file});
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/apis/v1alpha1/tasks");
  EXPECT_EQ(Body(request), (nlohmann::json{{"task", kTaskYaml},
                                           {"sources", {"mysql-01"}},
                                           {"removeMeta", true},
                                           {"startTime", "2021-10-21 00:01:00"}}));
}

TEST(DmctlTest, StartTaskRefusesABadStartTimeBeforeSending) {
  testutil::TempDir dir;
  std::string file = dir.WriteFile("task.yaml", kTaskYaml);
  Recorder master;
  DmctlResult run =
      master.Run({"--master-addr", "127.0.0.1:8261", "start-task", "--start-time=2021/10/21 00:01", file});
  EXPECT_EQ(run.code, 2);
  EXPECT_NE(run.err.find("'2021/10/21 00:01'"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("start-task"), std::string::npos);
  EXPECT_TRUE(master.requests.empty());
}

TEST(DmctlTest, StartTaskPrintsTheCheckReportRaw) {
  testutil::TempDir dir;
  std::string file = dir.WriteFile("task.yaml", kTaskYaml);
  Recorder master;
  master.answer = R"({"result": false, "msg": "", "sources": [],
      "checkResult": "fail to check synchronization configuration with type: x\n detail: {\"a\": 1}"})";
  DmctlResult run = master.Run({"--master-addr", "127.0.0.1:8261", "start-task", file});
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.out,
            "{\n    \"result\": false,\n    \"msg\": \"\",\n    \"sources\": [\n    ],\n"
            "    \"checkResult\": \"fail to check synchronization configuration with type: x\n"
            "    \tdetail: {\"a\": 1}\"\n}\n");
}

TEST(DmctlTest, TaskOperationsTakeANameOrAFile) {
  testutil::TempDir dir;
  std::string file = dir.WriteFile("task.yaml", kTaskYaml);
  struct Case {
    const char* command;
    const char* op;
  };
  for (Case c : {Case{"pause-task", "Pause"}, Case{"resume-task", "Resume"}, Case{"stop-task", "Stop"}}) {
    for (const std::string& arg : {std::string("orders"), file}) {
      Recorder master;
      MasterRequest request = master.Request({c.command, arg});
      EXPECT_EQ(request.method, "PUT");
      EXPECT_EQ(request.target, "/apis/v1alpha1/tasks/orders");
      EXPECT_EQ(Body(request), (nlohmann::json{{"op", c.op}, {"name", "orders"}, {"sources", nlohmann::json::array()}}));
    }
  }
}

TEST(DmctlTest, TaskOperationWithOnlySourcesCoversAllTasksThere) {
  Recorder master;
  MasterRequest request = master.Request({"pause-task", "-s", "mysql-01", "--source=mysql-02"});
  EXPECT_EQ(request.target, "/apis/v1alpha1/tasks/");
  EXPECT_EQ(Body(request), (nlohmann::json{{"op", "Pause"}, {"name", ""}, {"sources", {"mysql-01", "mysql-02"}}}));
}

TEST(DmctlTest, TaskOperationNeedsATaskOrSources) {
  Recorder master;
  DmctlResult run = master.Run({"--master-addr", "127.0.0.1:8261", "stop-task"});
  EXPECT_EQ(run.code, 2);
  EXPECT_NE(run.err.find("stop-task"), std::string::npos);
  run = master.Run({"--master-addr", "127.0.0.1:8261", "stop-task", "a", "b"});
  EXPECT_EQ(run.code, 2);
  EXPECT_TRUE(master.requests.empty());
}

TEST(DmctlTest, MissingTaskFileIsAnErrorNotATaskName) {
  Recorder master;
  DmctlResult run = master.Run({"--master-addr", "127.0.0.1:8261", "resume-task", "/nonexistent/task.yaml"});
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("/nonexistent/task.yaml"), std::string::npos);
  EXPECT_TRUE(master.requests.empty());
}

TEST(DmctlTest, QueryStatusTargets) {
  Recorder list;
  EXPECT_EQ(list.Request({"query-status"}), (MasterRequest{"GET", "/apis/v1alpha1/status", ""}));
  Recorder detail;
  EXPECT_EQ(detail.Request({"query-status", "-s", "a", "orders", "-s", "b", "--more"}),
            (MasterRequest{"GET", "/apis/v1alpha1/status/orders?source=a&source=b", ""}));
  Recorder escaped;
  EXPECT_EQ(escaped.Request({"query-status", "my task/1"}),
            (MasterRequest{"GET", "/apis/v1alpha1/status/my%20task%2F1", ""}));
}

TEST(DmctlTest, QueryStatusTaskListPrintsLikeDm) {
  Recorder master;
  master.answer = R"({"result": true, "msg": "", "tasks": [
      {"taskName": "test", "taskStatus": "Running", "sources": ["mysql-replica-01"]}, {"taskName": "t2",
       "taskStatus": "Paused", "sources": []}]})";
  DmctlResult run = master.Run({"--master-addr", "127.0.0.1:8261", "query-status"});
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(run.out,
            "{\n    \"result\": true,\n    \"msg\": \"\",\n    \"tasks\": [\n        {\n"
            "            \"taskName\": \"test\",\n            \"taskStatus\": \"Running\",\n"
            "            \"sources\": [\n                \"mysql-replica-01\"\n            ]\n        },\n"
            "        {\n            \"taskName\": \"t2\",\n            \"taskStatus\": \"Paused\",\n"
            "            \"sources\": []\n        }\n    ]\n}\n");
}

TEST(DmctlTest, FalseResultIsPrintedAndExitsOne) {
  Recorder master;
  master.answer = R"({"result": false, "msg": "task orders has no source or not exist", "sources": []})";
  DmctlResult run = master.Run({"--master-addr", "127.0.0.1:8261", "query-status", "orders"});
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.out,
            "{\n    \"result\": false,\n    \"msg\": \"task orders has no source or not exist\",\n"
            "    \"sources\": [\n    ]\n}\n");
}

TEST(DmctlTest, BinlogSchemaListAndDeleteSendDmsOperateSchemaRequest) {
  testutil::TempDir dir;
  std::string file = dir.WriteFile("task.yaml", kTaskYaml);
  struct Case {
    const char* command;
    const char* op;
  };
  for (Case c : {Case{"list", "GetSchema"}, Case{"delete", "RemoveSchema"}}) {
    for (const std::string& task : {std::string("orders"), file}) {
      Recorder master;
      MasterRequest request = master.Request({"binlog-schema", c.command, "-s", "mysql-01", task, "shop", "items"});
      EXPECT_EQ(request.method, "PUT");
      EXPECT_EQ(request.target, "/apis/v1alpha1/schema");
      EXPECT_EQ(Body(request), (nlohmann::json{{"op", c.op},
                                               {"task", "orders"},
                                               {"sources", {"mysql-01"}},
                                               {"database", "shop"},
                                               {"table", "items"},
                                               {"schema", ""},
                                               {"flush", false},
                                               {"sync", false},
                                               {"fromSource", false},
                                               {"fromTarget", false}}));
    }
  }
}

TEST(DmctlTest, BinlogSchemaUpdateSendsTheFileOrTheServerToReadFrom) {
  testutil::TempDir dir;
  const std::string create = "CREATE TABLE items (id INT PRIMARY KEY, b INT)\n";
  std::string schema_file = dir.WriteFile("items.sql", create);
  Recorder from_file;
  nlohmann::json body = Body(from_file.Request({"binlog-schema", "update", "orders", "shop", "items", schema_file,
                                                "-s", "mysql-01,mysql-02"}));
  EXPECT_EQ(body["op"], "SetSchema");
  EXPECT_EQ(body["sources"], (nlohmann::json{"mysql-01", "mysql-02"}));
  EXPECT_EQ(body["schema"], create);
  // DM's defaults: --flush and --sync are on.
  EXPECT_EQ(body["flush"], true);
  EXPECT_EQ(body["sync"], true);
  EXPECT_EQ(body["fromSource"], false);

  Recorder from_source;
  body = Body(from_source.Request(
      {"binlog-schema", "update", "-s", "mysql-01", "orders", "shop", "items", "--from-source", "--flush=false"}));
  EXPECT_EQ(body["schema"], "");
  EXPECT_EQ(body["fromSource"], true);
  EXPECT_EQ(body["fromTarget"], false);
  EXPECT_EQ(body["flush"], false);
  EXPECT_EQ(body["sync"], true);

  Recorder from_target;
  body = Body(from_target.Request({"binlog-schema", "update", "-s", "mysql-01", "orders", "shop", "items",
                                   "--from-target"}));
  EXPECT_EQ(body["fromTarget"], true);
}

TEST(DmctlTest, BinlogSchemaUsageErrorsSendNothing) {
  testutil::TempDir dir;
  std::string schema_file = dir.WriteFile("items.sql", "CREATE TABLE items (id INT)");
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  for (const Case& c : {
           Case{{"binlog-schema", "list", "orders", "shop"}, "a database and a table"},
           Case{{"binlog-schema", "delete", "orders", "shop", "items", "extra"}, "a database and a table"},
           Case{{"binlog-schema", "update", "orders", "shop", "items"}, "schema file"},
           Case{{"binlog-schema", "update", "orders", "shop", "items", "--from-source", "--from-target"},
                "from-source and from-target can not be used together"},
           Case{{"binlog-schema", "update", "orders", "shop", "items", schema_file, "--from-target"},
                "can not set schema-file when use from-source or from-target"},
           Case{{"binlog-schema"}, "binlog-schema"},
       }) {
    Recorder master;
    std::vector<std::string> args = {"--master-addr", "127.0.0.1:8261"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    DmctlResult run = master.Run(args);
    EXPECT_EQ(run.code, 2) << c.args.back();
    EXPECT_NE(run.err.find(c.message), std::string::npos) << run.err;
    EXPECT_TRUE(master.requests.empty());
  }
  Recorder master;
  DmctlResult run = master.Run({"--master-addr", "127.0.0.1:8261", "binlog-schema", "update", "orders", "shop",
                                "items", dir.path() + "/missing.sql"});
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("missing.sql"), std::string::npos) << run.err;
  EXPECT_TRUE(master.requests.empty());
}

TEST(DmctlTest, BinlogSchemaPrintsDmsAnswerAndFailsWhenASourceFailed) {
  Recorder master;
  master.answer = R"json({"result": true, "msg": "", "sources": [
      {"result": true, "msg": "CREATE TABLE `items` (\n  `id` int(11) NOT NULL\n)", "source": "mysql-01",
       "worker": "w1"}]})json";
  DmctlResult run = master.Run({"--master-addr", "127.0.0.1:8261", "binlog-schema", "list", "-s", "mysql-01",
                                "orders", "shop", "items"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out,
            "{\n    \"result\": true,\n    \"msg\": \"\",\n    \"sources\": [\n        {\n"
            "            \"result\": true,\n"
            "            \"msg\": \"CREATE TABLE `items` (\\n  `id` int(11) NOT NULL\\n)\",\n"
            "            \"source\": \"mysql-01\",\n            \"worker\": \"w1\"\n        }\n    ]\n}\n");

  master.answer = R"({"result": true, "msg": "", "sources": [
      {"result": true, "msg": "", "source": "mysql-01", "worker": "w1"},
      {"result": false, "msg": "current stage is Running but not paused, invalid", "source": "mysql-02",
       "worker": "w2"}]})";
  run = master.Run({"--master-addr", "127.0.0.1:8261", "binlog-schema", "delete", "-s", "mysql-01,mysql-02", "orders",
                    "shop", "items"});
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.out.find("current stage is Running but not paused, invalid"), std::string::npos) << run.out;

  master.answer = R"({"result": false, "msg": "must specify at least one source"})";
  run = master.Run({"--master-addr", "127.0.0.1:8261", "binlog-schema", "list", "orders", "shop", "items"});
  EXPECT_EQ(run.code, 1);
}

TEST(DmctlTest, NonJsonAnswerIsAnErrorWithTheHttpStatus) {
  Recorder master;
  master.answer = "404 page not found";
  DmctlResult run = master.Run({"--master-addr", "127.0.0.1:8261", "list-member"});
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("404 page not found"), std::string::npos) << run.err;
}

TEST(DmctlTest, CheckTaskSendsCounts) {
  testutil::TempDir dir;
  std::string file = dir.WriteFile("task.yaml", kTaskYaml);
  Recorder defaults;
  EXPECT_EQ(Body(defaults.Request({"check-task", file})),
            (nlohmann::json{{"task", kTaskYaml}, {"errCnt", 10}, {"warnCnt", 10}, {"startTime", ""}}));
  Recorder master;
  MasterRequest request =
      master.Request({"check-task", file, "-e", "5", "--warn", "3", "--start-time", "2021-10-21T00:01:00Z"});
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/apis/v1alpha1/check-task");
  EXPECT_EQ(Body(request),
            (nlohmann::json{{"task", kTaskYaml}, {"errCnt", 5}, {"warnCnt", 3}, {"startTime", "2021-10-21T00:01:00Z"}}));
}

TEST(DmctlTest, MemberCommands) {
  Recorder list;
  EXPECT_EQ(list.Request({"list-member", "--leader", "-w", "-n", "a,b", "--name", "c"}),
            (MasterRequest{"GET", "/apis/v1alpha1/members?leader=true&worker=true&name=a&name=b&name=c", ""}));
  Recorder all;
  EXPECT_EQ(all.Request({"list-member"}), (MasterRequest{"GET", "/apis/v1alpha1/members", ""}));
  Recorder offline;
  EXPECT_EQ(offline.Request({"offline-member", "--worker", "--name", "worker-1"}),
            (MasterRequest{"DELETE", "/apis/v1alpha1/members/worker/worker-1", ""}));
  Recorder leader;
  EXPECT_EQ(leader.Request({"operate-leader", "cancel-evict"}),
            (MasterRequest{"PUT", "/apis/v1alpha1/leader/cancel-evict", ""}));
  Recorder transfer;
  MasterRequest request = transfer.Request({"transfer-source", "mysql-01", "worker-2"});
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/apis/v1alpha1/sources/transfer");
  EXPECT_EQ(Body(request), (nlohmann::json{{"source", "mysql-01"}, {"worker", "worker-2"}}));
}

TEST(DmctlTest, MemberUsageErrors) {
  Recorder master;
  for (auto args : {std::vector<std::string>{"offline-member", "--name", "w"},
                    {"offline-member", "--master", "--worker", "--name", "w"},
                    {"offline-member", "--master"},
                    {"operate-leader", "resign"},
                    {"transfer-source", "mysql-01"},
                    {"list-member", "extra"}}) {
    args.insert(args.begin(), {"--master-addr", "127.0.0.1:8261"});
    EXPECT_EQ(master.Run(args).code, 2) << args[2];
  }
  EXPECT_TRUE(master.requests.empty());
}

TEST(DmctlTest, OfflineMemberFailureIsPrintedAsText) {
  Recorder master;
  master.answer = R"({"result": false, "msg": "worker w1 is still alive"})";
  DmctlResult run = master.Run({"--master-addr", "127.0.0.1:8261", "offline-member", "-w", "-n", "w1"});
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.out, "offline member failed:\nworker w1 is still alive\n");
}

TEST(DmctlTest, GetConfigPrintsOrWritesTheConfig) {
  testutil::TempDir dir;
  std::string task = dir.WriteFile("task.yaml", kTaskYaml);
  Recorder master;
  EXPECT_EQ(master.Request({"get-config", "task", task}),
            (MasterRequest{"GET", "/apis/v1alpha1/config/task/orders", ""}));
  Recorder config;
  EXPECT_EQ(config.Request({"config", "source", "mysql-01"}),
            (MasterRequest{"GET", "/apis/v1alpha1/config/source/mysql-01", ""}));

  Recorder writer;
  writer.answer = R"({"result": true, "msg": "", "cfg": "name = \"master1\"\n"})";
  std::string output = dir.path() + "/master.toml";
  DmctlResult run = writer.Run({"--master-addr", "127.0.0.1:8261", "get-config", "master", "master1", "-f", output});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "{\n    \"result\": true,\n    \"msg\": \"write config to file " + output +
                         " succeed\",\n    \"cfg\": \"\"\n}\n");
  EXPECT_EQ(config::ReadConfigFile(output).value(), "name = \"master1\"\n");

  DmctlResult bad = writer.Run({"--master-addr", "127.0.0.1:8261", "get-config", "relay", "x"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("invalid config type 'relay'"), std::string::npos);
}

TEST(DmctlTest, GlobalFlagsDescribeTheConnection) {
  Recorder master;
  DmctlResult run = master.Run({"-master-addr", "http://127.0.0.1:8261,127.0.0.2:8361", "--rpc-timeout=30s",
                                "list-member", "--ssl-ca", "ca.pem", "--ssl-cert", "c.pem", "--ssl-key", "k.pem"});
  ASSERT_EQ(run.code, 0) << run.err;
  ASSERT_TRUE(master.connection);
  EXPECT_EQ(master.connection->addresses, (std::vector<std::string>{"127.0.0.1:8261", "127.0.0.2:8361"}));
  EXPECT_EQ(master.connection->timeout, std::chrono::seconds(30));
  EXPECT_EQ(master.connection->tls.ca, "ca.pem");
  EXPECT_EQ(master.connection->tls.cert, "c.pem");
  EXPECT_EQ(master.connection->tls.key, "k.pem");

  Recorder defaults;
  defaults.Request({"list-member"});
  ASSERT_TRUE(defaults.connection);
  EXPECT_EQ(defaults.connection->timeout, std::chrono::minutes(10));
}

TEST(DmctlTest, BadConnectionFlagsAreUsageErrors) {
  ::unsetenv("DM_MASTER_ADDR");
  for (auto args : {std::vector<std::string>{"list-member"},
                    {"--master-addr", "127.0.0.1", "list-member"},
                    {"--master-addr", "127.0.0.1:http", "list-member"},
                    {"--master-addr", "127.0.0.1:8261", "--rpc-timeout", "0s", "list-member"},
                    {"--master-addr", "127.0.0.1:8261", "--rpc-timeout", "soon", "list-member"},
                    {"--master-addr", "127.0.0.1:8261", "--ssl-cert", "c.pem", "list-member"}}) {
    Recorder master;
    DmctlResult run = master.Run(args);
    EXPECT_EQ(run.code, 2) << args[0] << " " << args[1];
    EXPECT_FALSE(master.connection);
  }
  Recorder master;
  DmctlResult run = master.Run({"list-member"});
  EXPECT_NE(run.err.find("--master-addr not provided"), std::string::npos) << run.err;
}

TEST(DmctlTest, MasterAddressMayComeFromTheEnvironment) {
  ::setenv("DM_MASTER_ADDR", "127.0.0.1:9999", 1);
  Recorder master;
  DmctlResult run = master.Run({"list-member"});
  ::unsetenv("DM_MASTER_ADDR");
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(master.connection->addresses, (std::vector<std::string>{"127.0.0.1:9999"}));
}

// A port nothing listens on: bound, read and released.
uint16_t ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(DmctlTest, UnreachableMastersAreOneErrorNamingEveryAddress) {
  std::string first = "127.0.0.1:" + std::to_string(ClosedPort());
  std::string second = "127.0.0.1:" + std::to_string(ClosedPort());
  std::string list = first + "," + second;
  DmctlResult run = Dmctl({"--master-addr", list.c_str(), "query-status"});
  EXPECT_EQ(run.code, 1);
  EXPECT_TRUE(run.out.empty());
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_NE(run.err.find("code=48001"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("cannot reach dm-master at " + first + ", " + second), std::string::npos) << run.err;
}

TEST(DmctlTest, HelpCommandAndFlag) {
  DmctlResult run = Dmctl({"start-task", "--help"});
  EXPECT_EQ(run.code, 0);
  EXPECT_NE(run.out.find("--remove-meta"), std::string::npos);
  DmctlResult usage = Dmctl({"--master-addr", "127.0.0.1:8261", "start-task"});
  EXPECT_EQ(usage.code, 2);
  EXPECT_NE(usage.err.find("--remove-meta"), std::string::npos) << usage.err;
  DmctlResult unknown = Dmctl({"start-task", "--no-such-flag", "x.yaml"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("--remove-meta"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace dm::ctl
