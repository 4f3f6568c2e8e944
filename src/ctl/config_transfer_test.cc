#include "ctl/config_transfer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <map>
#include <sstream>

#include "config/config_origin.h"
#include "testutil/test_env.h"

namespace dm::ctl {
namespace {

using nlohmann::ordered_json;

// Records the requests of a composed command and answers each by target
// (method and target, e.g. "GET /apis/v1alpha1/status").
struct ScriptedCalls {
  std::map<std::string, std::string> answers;
  std::vector<MasterRequest> requests;

  MasterCall Call() {
    return [this](const MasterRequest& request) -> Result<ordered_json> {
      requests.push_back(request);
      auto answer = answers.find(request.method + " " + request.target);
      if (answer == answers.end()) return Status::NotFound("unscripted " + request.target);
      return ordered_json::parse(answer->second);
    };
  }
};

int Mode(const std::string& path) {
  struct stat st{};
  ::stat(path.c_str(), &st);
  return static_cast<int>(st.st_mode & 0777);
}

TEST(ConfigTransferTest, ExportWritesEverySourceAndTask) {
  testutil::TempDir dir;
  ScriptedCalls master;
  master.answers = {
      {"PUT /apis/v1alpha1/sources",
       R"({"result": true, "msg": "", "sources": [{"result": true, "msg": "", "source": "mysql-01", "worker": "w1"},
                                                   {"result": true, "msg": "", "source": "mysql-02", "worker": ""}]})"},
      {"GET /apis/v1alpha1/status",
       R"({"result": true, "msg": "", "tasks": [{"taskName": "orders", "taskStatus": "Running", "sources": []}]})"},
      {"GET /apis/v1alpha1/config/source/mysql-01", R"({"result": true, "msg": "", "cfg": "source-id: mysql-01\n"})"},
      {"GET /apis/v1alpha1/config/source/mysql-02", R"({"result": true, "msg": "", "cfg": "source-id: mysql-02\n"})"},
      {"GET /apis/v1alpha1/config/task/orders", R"({"result": true, "msg": "", "cfg": "name: orders\n"})"},
  };
  std::ostringstream out;
  std::string target = dir.path() + "/configs";
  ASSERT_TRUE(ExportConfigs(master.Call(), target, out).ok());
  EXPECT_EQ(out.str(), "export configs to directory `" + target + "` succeed\n");
  EXPECT_EQ(config::ReadConfigFile(target + "/sources/mysql-01.yaml").value(), "source-id: mysql-01\n");
  EXPECT_EQ(config::ReadConfigFile(target + "/sources/mysql-02.yaml").value(), "source-id: mysql-02\n");
  EXPECT_EQ(config::ReadConfigFile(target + "/tasks/orders.yaml").value(), "name: orders\n");
  EXPECT_EQ(Mode(target + "/tasks/orders.yaml"), 0600);
  EXPECT_EQ(Mode(target + "/sources"), 0700);
  EXPECT_EQ(nlohmann::json::parse(master.requests[0].body)["op"], "ShowSource");
}

TEST(ConfigTransferTest, ExportStopsAtAFailedAnswerAndPrintsIt) {
  testutil::TempDir dir;
  ScriptedCalls master;
  master.answers = {{"PUT /apis/v1alpha1/sources", R"({"result": false, "msg": "not leader", "sources": []})"}};
  std::ostringstream out;
  Status status = ExportConfigs(master.Call(), dir.path() + "/configs", out);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(out.str().find("\"msg\": \"not leader\""), std::string::npos);
  EXPECT_EQ(master.requests.size(), 1u);
}

TEST(ConfigTransferTest, ImportCreatesSourcesThenStartsTasksToleratingExisting) {
  testutil::TempDir dir;
  dir.WriteFile("configs/sources/b.yaml", "source-id: b\n");
  dir.WriteFile("configs/sources/a.yaml", "source-id: a\n");
  dir.WriteFile("configs/tasks/orders.yaml", "name: orders\n");
  ScriptedCalls master;
  master.answers = {
      {"PUT /apis/v1alpha1/sources",
       R"({"result": false, "msg": "", "sources": [{"result": false, "msg": "source a already exists", "source": "a",
                                                    "worker": ""}]})"},
      {"POST /apis/v1alpha1/tasks", R"({"result": true, "msg": "", "sources": [], "checkResult": ""})"},
  };
  std::ostringstream out;
  ASSERT_TRUE(ImportConfigs(master.Call(), dir.path() + "/configs", out).ok());
  EXPECT_EQ(out.str(), "start creating sources\nstart creating tasks\nimport configs from directory `" + dir.path() +
                           "/configs` succeed\n");
  ASSERT_EQ(master.requests.size(), 3u);
  EXPECT_EQ(nlohmann::json::parse(master.requests[0].body)["config"], nlohmann::json::array({"source-id: a\n"}));
  EXPECT_EQ(nlohmann::json::parse(master.requests[1].body)["config"], nlohmann::json::array({"source-id: b\n"}));
  EXPECT_EQ(nlohmann::json::parse(master.requests[2].body)["task"], "name: orders\n");
}

TEST(ConfigTransferTest, ImportStopsAtARealFailure) {
  testutil::TempDir dir;
  dir.WriteFile("configs/sources/a.yaml", "source-id: a\n");
  dir.WriteFile("configs/tasks/orders.yaml", "name: orders\n");
  ScriptedCalls master;
  master.answers = {{"PUT /apis/v1alpha1/sources", R"({"result": false, "msg": "no free worker", "sources": []})"}};
  std::ostringstream out;
  Status status = ImportConfigs(master.Call(), dir.path() + "/configs", out);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("fail to create sources"), std::string::npos);
  EXPECT_NE(out.str().find("no free worker"), std::string::npos);
  EXPECT_EQ(master.requests.size(), 1u);
}

TEST(ConfigTransferTest, ImportOfAMissingDirectoryNamesIt) {
  ScriptedCalls master;
  std::ostringstream out;
  Status status = ImportConfigs(master.Call(), "/nonexistent/configs", out);
  EXPECT_NE(status.message().find("config directory `/nonexistent/configs` not exists"), std::string::npos);
  EXPECT_TRUE(master.requests.empty());
}

}  // namespace
}  // namespace dm::ctl
