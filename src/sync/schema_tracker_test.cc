// Unit tests of the schema tracker's pure parts: ENUM/SET member unquoting,
// scratch database naming and option validation. The replay itself is tested
// against a server in schema_tracker_integration_test.cc.
#include "sync/schema_tracker.h"

#include <gtest/gtest.h>

namespace dm::sync {
namespace {

std::vector<std::string> Members(std::string_view column_type) {
  auto r = ParseEnumMembers(column_type);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<std::string>{};
}

TEST(SchemaTrackerTest, EnumMembersAreUnquoted) {
  EXPECT_EQ(Members("enum('a','b','c')"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Members("set('x')"), (std::vector<std::string>{"x"}));
  EXPECT_EQ(Members("enum('')"), (std::vector<std::string>{""}));
}

TEST(SchemaTrackerTest, EnumMembersFollowSqlQuotingRules) {
  // A doubled quote is one quote; commas and parentheses inside quotes are
  // part of the member.
  EXPECT_EQ(Members("enum('it''s','a,b','(x)','''')"), (std::vector<std::string>{"it's", "a,b", "(x)", "'"}));
  // Backslash escapes as the server prints them.
  EXPECT_EQ(Members(R"(enum('a\\b','c\'d','\n','\0','\Z','\q'))"),
            (std::vector<std::string>{"a\\b", "c'd", "\n", std::string(1, '\0'), "\x1a", "q"}));
  // Bytes >= 0x80 (utf8mb4 text) are kept as they are.
  EXPECT_EQ(Members("enum('\xC3\xBC','\xE6\x97\xA5\xE6\x9C\xAC')"),
            (std::vector<std::string>{"\xC3\xBC", "\xE6\x97\xA5\xE6\x9C\xAC"}));
}

TEST(SchemaTrackerTest, MalformedEnumTypesAreErrors) {
  EXPECT_FALSE(ParseEnumMembers("enum").ok());
  EXPECT_FALSE(ParseEnumMembers("enum('a'").ok());
  EXPECT_FALSE(ParseEnumMembers("enum('a").ok());
  EXPECT_FALSE(ParseEnumMembers("enum(a)").ok());
  EXPECT_FALSE(ParseEnumMembers("enum('a' 'b')").ok());
  EXPECT_FALSE(ParseEnumMembers("enum('a',)").ok());
}

TEST(SchemaTrackerTest, ScratchDatabaseNameIsPrefixPlusStableHash) {
  // FNV-1a-64 of the empty string is its offset basis.
  EXPECT_EQ(SchemaTracker::ScratchDatabaseName("_dm_tracker_0a1b2c3d", ""), "_dm_tracker_0a1b2c3d_cbf29ce484222325");
  // FNV-1a-64("a") = 0xaf63dc4c8601ec8c.
  EXPECT_EQ(SchemaTracker::ScratchDatabaseName("p", "a"), "p_af63dc4c8601ec8c");
  EXPECT_NE(SchemaTracker::ScratchDatabaseName("p", "db"), SchemaTracker::ScratchDatabaseName("p", "DB"));
  const std::string longest(47, 'x');
  EXPECT_EQ(SchemaTracker::ScratchDatabaseName(longest, std::string(64, 'y')).size(), 64u);
}

TEST(SchemaTrackerTest, OpenRefusesABadPrefixBeforeConnecting) {
  SchemaTracker::Options options;
  options.server.port = 1;  // never contacted
  options.scratch_prefix = "";
  auto empty = SchemaTracker::Open(options);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.status().error_code(), ErrorCode::kSchemaTrackerInit);
  options.scratch_prefix = std::string(48, 'p');
  auto too_long = SchemaTracker::Open(options);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dm::sync
