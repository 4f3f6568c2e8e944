// FileBinlogSource over hand-made and damaged files: one test per corruption
// case (leveldb log_test style), plus damage sweeps over a real fixture that
// run every decoder and must end in an error or a clean end, never a crash
// or a hang.
#include "binlog/source/file_binlog_source.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <random>

#include "binlog/control_events.h"
#include "binlog/gtid_events.h"
#include "binlog/query_event.h"
#include "binlog/rows_event.h"
#include "binlog/table_map.h"
#include "binlog/test_event_builder.h"
#include "testutil/test_env.h"

namespace dm::binlog {
namespace {

using testing::EventBuilder;

std::string Magic() { return std::string(kBinlogMagic.begin(), kBinlogMagic.end()); }

std::string AsString(const std::vector<uint8_t>& v) { return std::string(v.begin(), v.end()); }

std::string ReadFixture(const std::string& name) {
  std::string out;
  FILE* f = std::fopen((std::string(DM_BINLOG_FIXTURE_DIR) + "/" + name).c_str(), "rb");
  if (f == nullptr) return out;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

class FileBinlogSourceTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& content) { return dir_.WriteFile("mysql-bin.000042", content); }
  Result<std::unique_ptr<FileBinlogSource>> OpenContent(const std::string& content,
                                                        FileBinlogSourceOptions options = {}) {
    return FileBinlogSource::Open(Write(content), options);
  }
  dm::testutil::TempDir dir_;
};

TEST_F(FileBinlogSourceTest, MissingFileIsNotFound) {
  EXPECT_EQ(FileBinlogSource::Open(dir_.path() + "/nope").status().code(), StatusCode::kNotFound);
}

TEST_F(FileBinlogSourceTest, DirectoryIsNotABinlogFile) {
  EXPECT_EQ(FileBinlogSource::Open(dir_.path()).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(FileBinlogSourceTest, BadMagicIsCorruption) {
  auto s = OpenContent("GIF89a....");
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(s.status().error_code(), ErrorCode::kBinlogFileHeaderInvalid);
}

TEST_F(FileBinlogSourceTest, FileShorterThanMagicIsCorruption) {
  EXPECT_EQ(OpenContent("\xfe" "b").status().error_code(), ErrorCode::kBinlogFileHeaderInvalid);
}

TEST_F(FileBinlogSourceTest, MagicOnlyIsACleanEnd) {
  auto s = OpenContent(Magic());
  ASSERT_TRUE(s.ok());
  RawEvent e;
  auto more = (*s)->Next(&e);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_EQ((*s)->file_name(), "mysql-bin.000042");
}

TEST_F(FileBinlogSourceTest, ReadsEventsWithTheirPositions) {
  const auto xid = EventBuilder().U64(7).Build(EventType::kXid, true, 4);
  const auto stop = EventBuilder().Build(EventType::kStop, true, 4 + static_cast<uint32_t>(xid.size()));
  auto s = OpenContent(Magic() + AsString(xid) + AsString(stop));
  ASSERT_TRUE(s.ok());
  RawEvent e;
  ASSERT_TRUE(*(*s)->Next(&e));
  EXPECT_EQ(e.position, 4u);
  EXPECT_EQ(e.header.type, EventType::kXid);
  EXPECT_EQ(e.bytes.size(), xid.size());
  EXPECT_EQ((*s)->position(), 4 + xid.size());
  ASSERT_TRUE(*(*s)->Next(&e));
  EXPECT_EQ(e.header.type, EventType::kStop);
  EXPECT_EQ(e.end_position(), 4 + xid.size() + stop.size());
  EXPECT_FALSE(*(*s)->Next(&e));
}

TEST_F(FileBinlogSourceTest, UnknownEventTypesAreFramedLikeAnyOther) {
  const auto unknown = EventBuilder().Bytes("future payload").Build(static_cast<EventType>(200));
  const auto xid = EventBuilder().U64(7).Build(EventType::kXid);
  auto s = OpenContent(Magic() + AsString(unknown) + AsString(xid));
  ASSERT_TRUE(s.ok());
  RawEvent e;
  ASSERT_TRUE(*(*s)->Next(&e));
  EXPECT_FALSE(IsKnownEventType(e.header.type));
  EXPECT_TRUE(VerifyEventChecksum(e.bytes, e.position).ok());
  ASSERT_TRUE(*(*s)->Next(&e));
  EXPECT_EQ(e.header.type, EventType::kXid);
}

TEST_F(FileBinlogSourceTest, TruncatedHeaderIsCorruption) {
  const auto xid = EventBuilder().U64(7).Build(EventType::kXid);
  auto s = OpenContent(Magic() + AsString(xid) + std::string(10, '\0'));
  ASSERT_TRUE(s.ok());
  RawEvent e;
  ASSERT_TRUE(*(*s)->Next(&e));
  auto more = (*s)->Next(&e);
  EXPECT_EQ(more.status().code(), StatusCode::kCorruption);
  EXPECT_NE(more.status().message().find("truncated event header at position 35"), std::string::npos)
      << more.status().message();
}

TEST_F(FileBinlogSourceTest, LengthPastEndIsCorruption) {
  auto xid = EventBuilder().U64(7).Build(EventType::kXid);
  xid.resize(xid.size() - 3);  // the header still claims 31 bytes
  auto s = OpenContent(Magic() + AsString(xid));
  ASSERT_TRUE(s.ok());
  RawEvent e;
  auto more = (*s)->Next(&e);
  EXPECT_EQ(more.status().code(), StatusCode::kCorruption);
  EXPECT_NE(more.status().message().find("position 4 (XID_EVENT) claims 31 bytes, only 28 left"),
            std::string::npos)
      << more.status().message();
}

TEST_F(FileBinlogSourceTest, OversizedLengthIsRejectedBeforeReading) {
  auto xid = EventBuilder().U64(7).Build(EventType::kXid);
  xid[9] = xid[10] = xid[11] = xid[12] = 0xff;  // 4 GiB - 1
  auto s = OpenContent(Magic() + AsString(xid));
  ASSERT_TRUE(s.ok());
  RawEvent e;
  auto more = (*s)->Next(&e);
  EXPECT_EQ(more.status().error_code(), ErrorCode::kBinlogEventTooLarge);
}

TEST_F(FileBinlogSourceTest, LengthAboveTheConfiguredLimitIsRejected) {
  const auto xid = EventBuilder().U64(7).Build(EventType::kXid);
  auto s = OpenContent(Magic() + AsString(xid), FileBinlogSourceOptions{.max_event_size = 20});
  ASSERT_TRUE(s.ok());
  RawEvent e;
  EXPECT_EQ((*s)->Next(&e).status().error_code(), ErrorCode::kBinlogEventTooLarge);
}

TEST_F(FileBinlogSourceTest, LengthBelowHeaderSizeIsCorruption) {
  auto xid = EventBuilder().U64(7).Build(EventType::kXid);
  xid[9] = 0;
  xid[10] = 0;  // event_size 0: would never advance
  auto s = OpenContent(Magic() + AsString(xid));
  ASSERT_TRUE(s.ok());
  RawEvent e;
  EXPECT_EQ((*s)->Next(&e).status().code(), StatusCode::kCorruption);
}

TEST_F(FileBinlogSourceTest, ErrorIsSticky) {
  auto s = OpenContent(Magic() + std::string(5, 'x'));
  ASSERT_TRUE(s.ok());
  RawEvent e;
  const Status first = (*s)->Next(&e).status();
  EXPECT_FALSE(first.ok());
  EXPECT_EQ((*s)->Next(&e).status().message(), first.message());
}

TEST_F(FileBinlogSourceTest, EventsLargerThanTheReadAheadAreRead) {
  // volatile: keeps GCC 12 from a false -Wstringop-overflow on the constant size.
  volatile size_t big_size = 3 << 20;
  const std::string big(big_size, 'q');
  const auto annotate = EventBuilder().Bytes(big).Build(EventType::kMariaAnnotateRows);
  const auto xid = EventBuilder().U64(1).Build(EventType::kXid);
  auto s = OpenContent(Magic() + AsString(xid) + AsString(annotate) + AsString(xid));
  ASSERT_TRUE(s.ok());
  RawEvent e;
  ASSERT_TRUE(*(*s)->Next(&e));
  ASSERT_TRUE(*(*s)->Next(&e));
  EXPECT_EQ(e.bytes.size(), annotate.size());
  EXPECT_TRUE(VerifyEventChecksum(e.bytes, e.position).ok());
  ASSERT_TRUE(*(*s)->Next(&e));
  EXPECT_EQ(e.header.type, EventType::kXid);
}

// Runs every decoder dm has over the file's events; returns the number of
// events read before the first error or the end. Errors are expected; the
// point is that nothing crashes, hangs or allocates without bound.
size_t DecodeEverything(FileBinlogSource& source) {
  FormatDescription format = testing::TestFormat();
  std::map<uint64_t, TableMap> maps;
  std::string scratch;
  std::vector<Value> before, after;
  RawEvent e;
  size_t events = 0;
  while (events < 100000) {
    auto more = source.Next(&e);
    if (!more.ok() || !*more) break;
    ++events;
    switch (e.header.type) {
      case EventType::kFormatDescription:
        if (auto f = DecodeFormatDescription(e); f.ok()) format = *f;
        break;
      case EventType::kQuery:
      case EventType::kMariaQueryCompressed: (void)DecodeQuery(e, format, &scratch); break;
      case EventType::kRotate: (void)DecodeRotate(e, format); break;
      case EventType::kXid: (void)DecodeXid(e, format); break;
      case EventType::kUserVar: (void)DecodeUserVar(e, format); break;
      case EventType::kIntvar: (void)DecodeIntvar(e, format); break;
      case EventType::kRand: (void)DecodeRand(e, format); break;
      case EventType::kMariaGtid: (void)DecodeMariaDbGtid(e, format); break;
      case EventType::kMariaGtidList: (void)DecodeMariaDbGtidList(e, format); break;
      case EventType::kMariaBinlogCheckpoint: (void)DecodeBinlogCheckpoint(e, format); break;
      case EventType::kMariaAnnotateRows: (void)DecodeRowsQuery(e, format); break;
      case EventType::kTableMap:
        if (auto m = DecodeTableMap(e, format); m.ok()) maps[m->table_id] = std::move(*m);
        break;
      default:
        if (GetRowsEventTraits(e.header.type)) {
          auto rows = DecodeRowsEvent(e, format, &scratch);
          if (!rows.ok()) break;
          auto it = maps.find(rows->table_id);
          if (it == maps.end()) break;
          before.assign(it->second.columns.size(), Value{});
          after.assign(it->second.columns.size(), Value{});
          RowsReader reader(*rows, it->second);
          std::string text;
          while (reader.HasNext() && reader.Next(before, after).ok()) {
            for (size_t i = 0; i < before.size(); ++i) {
              AppendValueText(before[i], it->second.columns[i], &text);
              AppendValueText(after[i], it->second.columns[i], &text);
            }
          }
        }
        break;
    }
  }
  return events;
}

TEST_F(FileBinlogSourceTest, TruncationAnywhereEndsInAnErrorNotACrash) {
  const std::string file = ReadFixture("mysql-bin.000002");
  ASSERT_GT(file.size(), 1000u);
  for (size_t cut = 4; cut < file.size(); cut += 97) {
    auto s = OpenContent(file.substr(0, cut));
    ASSERT_TRUE(s.ok());
    DecodeEverything(**s);
    RawEvent e;
    auto more = (*s)->Next(&e);
    // Cutting exactly at an event boundary is a clean end; anywhere else an error.
    if (more.ok()) {
      EXPECT_FALSE(*more);
    } else {
      EXPECT_EQ(more.status().code(), StatusCode::kCorruption);
    }
  }
}

TEST_F(FileBinlogSourceTest, RandomByteDamageNeverCrashesTheDecoders) {
  const std::string original = ReadFixture("mysql-bin.000003");
  ASSERT_GT(original.size(), 1000u);
  std::mt19937 rng(20240229);
  std::uniform_int_distribution<size_t> where(4, original.size() - 1);
  std::uniform_int_distribution<int> what(0, 255);
  for (int round = 0; round < 300; ++round) {
    std::string damaged = original;
    for (int i = 0; i < 1 + round % 8; ++i) damaged[where(rng)] = static_cast<char>(what(rng));
    auto s = OpenContent(damaged);
    ASSERT_TRUE(s.ok());
    DecodeEverything(**s);
  }
}

}  // namespace
}  // namespace dm::binlog
