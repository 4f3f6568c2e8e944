#include "master/keys.h"

#include <gtest/gtest.h>

namespace dm::master::keys {
namespace {

TEST(KeysTest, SegmentsAreHexEncodedAsDmDoes) {
  EXPECT_EQ(WorkerKeepalive("worker1"), "/dm-worker/a/776f726b657231");
  EXPECT_EQ(SubTaskConfig("s1", "t"), "/dm-master/upstream/subtask/7331/74");
  EXPECT_EQ(SubTaskConfigPrefix("s1"), "/dm-master/upstream/subtask/7331/");
}

TEST(KeysTest, DecodeSegmentsRoundTripsAnyBytes) {
  const std::string odd("a/b \xff\x00", 6);
  auto segments = DecodeSegments(SubTaskStage(odd, "task-1"), SubTaskStagePrefix());
  ASSERT_TRUE(segments.ok()) << segments.status().message();
  ASSERT_EQ(segments->size(), 2u);
  EXPECT_EQ((*segments)[0], odd);
  EXPECT_EQ((*segments)[1], "task-1");
}

TEST(KeysTest, DecodeSegmentsRejectsForeignOrDamagedKeys) {
  EXPECT_EQ(DecodeSegments("/other/61", SourceConfigPrefix()).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeSegments(SourceConfigPrefix() + "6", SourceConfigPrefix()).status().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(DecodeSegments(SourceConfigPrefix() + "zz", SourceConfigPrefix()).status().code(),
            StatusCode::kCorruption);
}

}  // namespace
}  // namespace dm::master::keys
