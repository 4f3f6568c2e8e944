#include "ctl/dmctl.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "common/encrypt.h"
#include "common/version.h"
#include "testutil/test_env.h"

namespace dm::ctl {
namespace {

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

}  // namespace
}  // namespace dm::ctl
