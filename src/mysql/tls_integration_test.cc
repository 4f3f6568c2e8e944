// TLS options against a private MariaDB instance with TLS enabled
// (testdata/tls-server.sh): verification against the CA, a wrong CA, and
// DM's cert-allowed-cn check. One test case, so one instance per run.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "mysql/connection.h"
#include "mysql/error.h"
#include "testutil/test_env.h"

namespace dm::mysql {
namespace {

std::string RunScript(const std::string& args) {
  std::string cmd = std::string(DM_MYSQL_TESTDATA_DIR) + "/tls-server.sh " + args + " 2>&1";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return "popen failed";
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int status = pclose(p);
  if (status != 0) out = "FAILED: " + out;
  return out;
}

class TlsServer {
 public:
  TlsServer() {
    std::string out = RunScript("up " + dir_.path());
    if (out.rfind("FAILED", 0) == 0) {
      error_ = out;
      return;
    }
    port_ = static_cast<uint16_t>(std::stoi(out.substr(out.find_last_of('\n', out.size() - 2) + 1)));
  }
  ~TlsServer() { RunScript("down " + dir_.path()); }
  const std::string& error() const { return error_; }
  std::string File(const std::string& name) const { return dir_.path() + "/" + name; }
  ConnectionOptions Options() const {
    ConnectionOptions o;
    o.port = port_;
    o.user = "dm";
    o.password = Secret("tls-test-pw");
    return o;
  }

 private:
  testutil::TempDir dir_;
  std::string error_;
  uint16_t port_ = 0;
};

std::string Cipher(Connection& c) {
  auto rows = c.QueryRows("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
  if (!rows.ok() || rows->empty()) return "?";
  return (*rows)[0][1].value_or("");
}

TEST(TlsTest, VerifiesServerAndChecksAllowedCommonNames) {
  TlsServer server;
  ASSERT_TRUE(server.error().empty()) << server.error();

  // Plain connection still works; the link is not encrypted.
  auto plain = Connection::Connect(server.Options());
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(Cipher(*plain), "");

  ConnectionOptions o = server.Options();
  o.tls.ssl_ca = server.File("ca.pem");
  auto verified = Connection::Connect(o);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_NE(Cipher(*verified), "");

  o.tls.cert_allowed_cn = {"someone", "dm-test-server"};
  auto allowed = Connection::Connect(o);
  EXPECT_TRUE(allowed.ok()) << allowed.status().ToString();

  // As DM: a CN anywhere in the verified chain (here the CA's) is accepted.
  o.tls.cert_allowed_cn = {"dm-test-ca"};
  EXPECT_TRUE(Connection::Connect(o).ok());

  o.tls.cert_allowed_cn = {"someone-else"};
  auto refused = Connection::Connect(o);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("'dm-test-server'"), std::string::npos) << refused.status().message();
  EXPECT_NE(refused.status().message().find("'someone-else'"), std::string::npos) << refused.status().message();

  o.tls.cert_allowed_cn.clear();
  o.tls.ssl_ca = server.File("other-ca.pem");
  auto wrong_ca = Connection::Connect(o);
  ASSERT_FALSE(wrong_ca.ok());
  EXPECT_EQ(MysqlErrorNumber(wrong_ca.status()), 2026) << wrong_ca.status().ToString();
  EXPECT_EQ(wrong_ca.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(wrong_ca.status().ToString().find("tls-test-pw"), std::string::npos);
}

}  // namespace
}  // namespace dm::mysql
