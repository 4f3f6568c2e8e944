#include "mysql/dsn.h"

#include <gtest/gtest.h>

namespace dm::mysql {
namespace {

TEST(DsnTest, ParsesUserPasswordHostPort) {
  auto o = ParseDsn("dm:pw@127.0.0.1:3307");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->user, "dm");
  EXPECT_EQ(o->password.reveal(), "pw");
  EXPECT_EQ(o->host, "127.0.0.1");
  EXPECT_EQ(o->port, 3307);
}

TEST(DsnTest, PasswordMayContainAtAndColon) {
  auto o = ParseDsn("u:p@s:s@w@db.example:1");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->user, "u");
  EXPECT_EQ(o->password.reveal(), "p@s:s@w");
  EXPECT_EQ(o->host, "db.example");
}

TEST(DsnTest, DefaultsPortAndKeepsBaseCredentials) {
  ConnectionOptions base;
  base.user = "root";
  base.password = Secret("x");
  auto o = ParseDsn("host", base);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->port, 3306);
  EXPECT_EQ(o->user, "root");
  EXPECT_EQ(o->password.reveal(), "x");
  auto no_pw = ParseDsn("alice@h:2", base);
  ASSERT_TRUE(no_pw.ok());
  EXPECT_EQ(no_pw->user, "alice");
  EXPECT_EQ(no_pw->password.reveal(), "x");
}

TEST(DsnTest, ParsesBracketedIpv6) {
  auto o = ParseDsn("u:p@[::1]:4000");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->host, "::1");
  EXPECT_EQ(o->port, 4000);
  EXPECT_EQ(o->Endpoint(), "[::1]:4000");
}

TEST(DsnTest, RejectsBadInputWithoutEchoingPassword) {
  for (const char* bad :
       {"u:secretpw@", "u:secretpw@h:0", "u:secretpw@h:70000", "u:secretpw@h:x", ":secretpw@h", "u:secretpw@::1"}) {
    auto o = ParseDsn(bad);
    ASSERT_FALSE(o.ok()) << bad;
    EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(o.status().message().find("secretpw"), std::string::npos) << o.status().message();
  }
}

}  // namespace
}  // namespace dm::mysql
