#include "etcd/types.h"

#include <gtest/gtest.h>

namespace dm::etcd {
namespace {

TEST(PrefixRangeEndTest, IncrementsTheLastByte) {
  EXPECT_EQ(PrefixRangeEnd("/dm-master/"), "/dm-master0");
  EXPECT_EQ(PrefixRangeEnd("a"), "b");
}

TEST(PrefixRangeEndTest, DropsTrailingFfBytes) { EXPECT_EQ(PrefixRangeEnd(std::string("a\xff\xff", 3)), "b"); }

TEST(PrefixRangeEndTest, EmptyOrAllFfMeansEveryKeyFromHere) {
  EXPECT_EQ(PrefixRangeEnd(""), std::string(1, '\0'));
  EXPECT_EQ(PrefixRangeEnd(std::string("\xff", 1)), std::string(1, '\0'));
}

TEST(CompareTest, FactoriesPickTargetAndRelation) {
  Compare missing = Compare::Missing("k");
  EXPECT_EQ(missing.target, Compare::Target::kCreateRevision);
  EXPECT_EQ(missing.relation, Compare::Relation::kEqual);
  EXPECT_EQ(missing.number, 0);
  Compare exists = Compare::Exists("k");
  EXPECT_EQ(exists.target, Compare::Target::kCreateRevision);
  EXPECT_EQ(exists.relation, Compare::Relation::kNotEqual);
  Compare mod = Compare::ModRevisionIs("k", 42);
  EXPECT_EQ(mod.target, Compare::Target::kModRevision);
  EXPECT_EQ(mod.number, 42);
  Compare value = Compare::ValueIs("k", "v");
  EXPECT_EQ(value.target, Compare::Target::kValue);
  EXPECT_EQ(value.value, "v");
}

TEST(OpTest, PrefixOpsCarryTheRangeEnd) {
  EXPECT_EQ(Op::GetPrefix("ab").range_end, "ac");
  EXPECT_EQ(Op::DeletePrefix("ab").range_end, "ac");
  EXPECT_EQ(Op::Get("ab").range_end, "");
  // The empty prefix is every key: ["\0", "\0").
  EXPECT_EQ(Op::GetPrefix("").key, std::string(1, '\0'));
  EXPECT_EQ(Op::DeletePrefix("").range_end, std::string(1, '\0'));
  Op put = Op::Put("k", "v", 7);
  EXPECT_EQ(put.type, Op::Type::kPut);
  EXPECT_EQ(put.lease, 7);
}

}  // namespace
}  // namespace dm::etcd
