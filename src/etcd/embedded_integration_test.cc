// EmbeddedEtcd: real etcd children, one- and multi-member clusters, and the
// child-process contract.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "etcd/embedded.h"
#include "etcd/etcd_test_util.h"

namespace dm::etcd {
namespace {

using namespace std::chrono_literals;
using testing::LocalUrl;
using testing::MemberOptions;
using testing::Ports;
using testing::WaitFor;

std::unique_ptr<Client> ConnectTo(std::vector<std::string> endpoints) {
  ClientOptions options;
  options.endpoints = std::move(endpoints);
  options.request_timeout = 3s;
  auto client = Client::Connect(options);
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? std::move(client).value() : nullptr;
}

// True while `pid` runs; a zombie nobody reaps counts as gone.
bool ProcessRuns(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_field, command, state;
  if (!(stat >> pid_field >> command >> state)) return false;
  return state != "Z" && state != "X";
}

TEST(EmbeddedEtcdTest, RestartOnTheSameDataDirKeepsTheData) {
  dm::testutil::TempDir dir;
  std::unique_ptr<Ports> ports;
  EmbeddedEtcd etcd;
  ASSERT_TRUE(testing::StartLoneMember(etcd, dir.path(), ports).ok());
  EXPECT_TRUE(etcd.Alive());
  EmbeddedOptions options = MemberOptions(dir.path(), "m0", (*ports)[0], (*ports)[1]);
  const pid_t first_pid = etcd.pid();
  {
    auto client = ConnectTo({etcd.client_url()});
    ASSERT_NE(client, nullptr);
    ASSERT_TRUE(client->Put("kept", "across restarts").ok());
  }
  ASSERT_TRUE(etcd.Stop().ok());
  EXPECT_FALSE(etcd.Alive());
  EXPECT_FALSE(WaitFor([&] { return ProcessRuns(first_pid); }, 0ms));

  Status restarted = etcd.Start(options);
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  EXPECT_NE(etcd.pid(), first_pid);
  auto client = ConnectTo({etcd.client_url()});
  ASSERT_NE(client, nullptr);
  auto kv = client->Get("kept");
  ASSERT_TRUE(kv.ok() && kv->has_value()) << kv.status().ToString();
  EXPECT_EQ((*kv)->value, "across restarts");
  // The log of both runs is kept in the data dir.
  std::ifstream log(etcd.log_path());
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("m0"), std::string::npos);
}

TEST(EmbeddedEtcdTest, AChildThatExitsFailsStartWithItsLog) {
  dm::testutil::TempDir dir;
  Ports ports(2);
  EmbeddedOptions options = MemberOptions(dir.path(), "m0", ports[0], ports[1]);
  options.auto_compaction_mode = "never-heard-of";
  EmbeddedEtcd etcd;
  Status started = etcd.Start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.code(), StatusCode::kUnavailable);
  EXPECT_NE(started.message().find("exited with status"), std::string::npos) << started.ToString();
  EXPECT_NE(started.message().find("never-heard-of"), std::string::npos) << started.ToString();
  EXPECT_FALSE(etcd.Alive());
  // Once its options are fixed, the same object starts it.
  options.auto_compaction_mode = "periodic";
  Status fixed = etcd.Start(options);
  EXPECT_TRUE(fixed.ok()) << fixed.ToString();
  EXPECT_EQ(etcd.Spawn(options).code(), StatusCode::kFailedPrecondition);
}

TEST(EmbeddedEtcdTest, BadOptionsAreRefusedBeforeSpawning) {
  dm::testutil::TempDir dir;
  EmbeddedOptions options = MemberOptions(dir.path(), "m0", 1, 2);
  options.client_url = "http://10.1.2.3:2379";
  EmbeddedEtcd etcd;
  EXPECT_EQ(etcd.Spawn(options).code(), StatusCode::kInvalidArgument);
  options = MemberOptions(dir.path(), "m0", 1, 2);
  options.initial_cluster_state = "join";
  EXPECT_EQ(etcd.Spawn(options).code(), StatusCode::kInvalidArgument);
  options = MemberOptions(dir.path(), "m0", 1, 2);
  options.binary = dir.path() + "/no-such-etcd";
  EXPECT_EQ(etcd.Spawn(options).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(etcd.pid(), 0);
}

// Three members formed with initial-cluster, a fourth joined with
// AddMember + state existing, then one killed: the client keeps answering
// through the other endpoints.
TEST(EmbeddedEtcdTest, ClusterGrowsAndSurvivesALostMember) {
  dm::testutil::TempDir dir;
  Ports ports(8);
  std::vector<EmbeddedOptions> options;
  std::string initial_cluster;
  for (int i = 0; i < 4; ++i) {
    options.push_back(MemberOptions(dir.path(), "m" + std::to_string(i), ports[2 * i], ports[2 * i + 1]));
    if (i < 3) initial_cluster += (i ? "," : "") + options.back().name + "=" + options.back().peer_urls[0];
  }
  EmbeddedEtcd members[4];
  for (int i = 0; i < 3; ++i) {
    options[i].initial_cluster = initial_cluster;
    ASSERT_TRUE(members[i].Spawn(options[i]).ok());
  }
  for (int i = 0; i < 3; ++i) {
    Status serving = members[i].WaitUntilServing();
    ASSERT_TRUE(serving.ok()) << serving.ToString();
  }
  auto client = ConnectTo({members[0].client_url(), members[1].client_url(), members[2].client_url()});
  ASSERT_NE(client, nullptr);
  auto listed = client->ListMembers();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(listed->size(), 3u);
  ASSERT_TRUE(client->Put("before", "3 members").ok());

  // etcd refuses a new member ("unhealthy cluster", Unavailable) until all
  // members have been connected for 5 s.
  Result<Member> added = Status::Unavailable("not tried");
  EXPECT_TRUE(WaitFor(
      [&] { return (added = client->AddMember(options[3].peer_urls)).status().code() != StatusCode::kUnavailable; },
      20s));
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_NE(added->id, 0u);
  options[3].initial_cluster = initial_cluster + ",m3=" + options[3].peer_urls[0];
  options[3].initial_cluster_state = "existing";
  Status joined = members[3].Start(options[3]);
  ASSERT_TRUE(joined.ok()) << joined.ToString();
  // The newcomer has the data written before it joined.
  auto newcomer = ConnectTo({members[3].client_url()});
  ASSERT_NE(newcomer, nullptr);
  auto before = newcomer->Get("before");
  ASSERT_TRUE(before.ok() && before->has_value()) << before.status().ToString();
  EXPECT_EQ((*before)->value, "3 members");
  EXPECT_TRUE(WaitFor(
      [&] {
        auto all = client->ListMembers();
        return all.ok() && all->size() == 4 && std::all_of(all->begin(), all->end(), [](const Member& m) {
                 return !m.name.empty() && !m.client_urls.empty();
               });
      },
      10s));

  // A crash of the first endpoint: calls and the watch move on to the
  // next one.
  testing::WatchRecorder watch(*client, "after", 0);
  std::this_thread::sleep_for(1s);
  ASSERT_EQ(kill(members[0].pid(), SIGKILL), 0);
  ASSERT_TRUE(WaitFor([&] { return !members[0].Alive(); }, 10s));
  Status put = Status::OK();
  EXPECT_TRUE(WaitFor([&] { return (put = client->Put("after", "one lost").status()).ok(); }, 15s)) << put.ToString();
  auto after = client->Get("after");
  ASSERT_TRUE(after.ok() && after->has_value()) << after.status().ToString();
  EXPECT_EQ((*after)->value, "one lost");
  EXPECT_TRUE(WaitFor([&] { return !watch.events().empty(); }, 15s));
  EXPECT_TRUE(watch.Stop().first.ok());
  ASSERT_EQ(watch.events().size(), 1u);
  EXPECT_EQ(watch.events()[0].kv.value, "one lost");

  // The dead member is removed; three remain.
  auto now_listed = client->ListMembers();
  ASSERT_TRUE(now_listed.ok()) << now_listed.status().ToString();
  uint64_t dead_id = 0;
  for (const Member& member : *now_listed) {
    if (member.name == "m0") dead_id = member.id;
  }
  ASSERT_NE(dead_id, 0u);
  Status removed = client->RemoveMember(dead_id);
  ASSERT_TRUE(removed.ok()) << removed.ToString();
  EXPECT_EQ(client->ListMembers()->size(), 3u);
  EXPECT_EQ(client->RemoveMember(dead_id).code(), StatusCode::kNotFound);
}

// Writes ca.pem (a fresh CA) and node.pem/node-key.pem (signed by it, SAN
// IP:127.0.0.1, no key-usage limits, so it serves as server and client
// certificate) into `dir`, plus other-ca.pem, an unrelated CA.
bool WriteCertificates(const std::string& dir) {
  const std::string script =
      "cd '" + dir + "' && " +
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 2 -subj /CN=dm-etcd-ca && "
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout other-key.pem -out other-ca.pem -days 2 -subj /CN=other && "
      "openssl req -newkey rsa:2048 -nodes -keyout node-key.pem -out node.csr -subj /CN=dm-etcd-node && "
      "printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext && "
      "openssl x509 -req -in node.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out node.pem -days 2 "
      "-extfile san.ext";
  return std::system(("(" + script + ") >/dev/null 2>&1").c_str()) == 0;
}

TEST(EmbeddedEtcdTest, TlsMemberServesClientsWithTheRightCertificates) {
  dm::testutil::TempDir dir;
  ASSERT_TRUE(WriteCertificates(dir.path()));
  Ports ports(2);
  EmbeddedOptions options = MemberOptions(dir.path(), "m0", ports[0], ports[1]);
  options.client_url = "https://127.0.0.1:" + std::to_string(ports[0]);
  options.tls = {dir.path() + "/ca.pem", dir.path() + "/node.pem", dir.path() + "/node-key.pem"};
  EmbeddedEtcd etcd;
  Status started = etcd.Start(options);
  ASSERT_TRUE(started.ok()) << started.ToString();

  ClientOptions client_options;
  client_options.endpoints = {options.client_url};
  client_options.tls = options.tls;
  client_options.request_timeout = 3s;
  auto client = Client::Connect(client_options);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  ASSERT_TRUE((*client)->Put("secure", "yes").ok());
  EXPECT_EQ((*client)->Get("secure")->value().value, "yes");

  // A server certificate from another CA is refused, and so is a client
  // without a certificate: neither call reaches etcd.
  ClientOptions wrong_ca = client_options;
  wrong_ca.tls.ca = dir.path() + "/other-ca.pem";
  EXPECT_EQ(Client::Connect(wrong_ca).status().code(), StatusCode::kUnavailable);
  ClientOptions no_cert = client_options;
  no_cert.tls.cert.clear();
  no_cert.tls.key.clear();
  auto anonymous = Client::Connect(no_cert);
  EXPECT_FALSE(anonymous.ok());
  // Plain http to the TLS port gets no etcd answer either.
  ClientOptions plain;
  plain.endpoints = {LocalUrl(ports[0])};
  plain.request_timeout = 3s;
  EXPECT_FALSE(Client::Connect(plain).ok());
}

TEST(EmbeddedEtcdTest, TlsNeedsAnHttpsClientUrl) {
  dm::testutil::TempDir dir;
  EmbeddedOptions options = MemberOptions(dir.path(), "m0", 1, 2);
  options.tls = {"", dir.path() + "/node.pem", dir.path() + "/node-key.pem"};
  EmbeddedEtcd etcd;
  EXPECT_EQ(etcd.Spawn(options).code(), StatusCode::kInvalidArgument);
}

// The child-process contract: when the process that started etcd is
// killed outright (no destructor runs), etcd dies with it.
TEST(EmbeddedEtcdTest, EtcdDiesWithItsParent) {
  dm::testutil::TempDir dir;
  Ports ports(2);
  const std::string pid_file = dir.path() + "/etcd.pid";
  EmbeddedOptions options = MemberOptions(dir.path(), "m0", ports[0], ports[1]);
  pid_t parent = fork();
  ASSERT_GE(parent, 0);
  if (parent == 0) {
    // The "dm-master": start etcd, say its pid, then wait to be killed.
    // _exit everywhere: this copy of the test process must not run gtest.
    EmbeddedEtcd etcd;
    if (!etcd.Start(options).ok()) _exit(1);
    {
      std::ofstream out(pid_file + ".tmp");
      out << etcd.pid();
    }
    std::rename((pid_file + ".tmp").c_str(), pid_file.c_str());
    std::this_thread::sleep_for(60s);
    _exit(2);
  }
  pid_t etcd_pid = 0;
  bool started = WaitFor(
      [&] {
        std::ifstream in(pid_file);
        return static_cast<bool>(in >> etcd_pid);
      },
      30s);
  if (!started) {
    kill(parent, SIGKILL);
    waitpid(parent, nullptr, 0);
    FAIL() << "the child did not start etcd";
  }
  ASSERT_TRUE(ProcessRuns(etcd_pid));
  ASSERT_EQ(kill(parent, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(parent, &status, 0), parent);
  EXPECT_TRUE(WIFSIGNALED(status));
  bool gone = WaitFor([&] { return !ProcessRuns(etcd_pid); }, 10s);
  if (!gone) kill(etcd_pid, SIGKILL);
  EXPECT_TRUE(gone) << "etcd pid " << etcd_pid << " outlived its parent";
}

}  // namespace
}  // namespace dm::etcd
