#include "common/base64.h"

#include <gtest/gtest.h>

namespace dm {
namespace {

TEST(Base64Test, EncodesWithPadding) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("a"), "YQ==");
  EXPECT_EQ(Base64Encode("ab"), "YWI=");
  EXPECT_EQ(Base64Encode("abc"), "YWJj");
  EXPECT_EQ(Base64Encode(std::string("\0\xff", 2)), "AP8=");
}

TEST(Base64Test, DecodesWhatItEncodes) {
  for (const std::string& bytes : {std::string(), std::string("a"), std::string("ab"), std::string("abc"),
                                   std::string("\0\x01\xfe\xff", 4), std::string(1000, 'z')}) {
    auto decoded = Base64Decode(Base64Encode(bytes));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, bytes);
  }
}

TEST(Base64Test, RejectsBadLengthAndAlphabet) {
  EXPECT_EQ(Base64Decode("YQ=").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Base64Decode("Y!==").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dm
