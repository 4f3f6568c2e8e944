#include "binlog/checksum.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

namespace dm::binlog {
namespace {

uint32_t ZlibCrc32(uint32_t crc, std::span<const uint8_t> bytes) {
  return static_cast<uint32_t>(crc32_z(crc, bytes.data(), bytes.size()));
}

TEST(ChecksumTest, KnownVectors) {
  EXPECT_EQ(Crc32(0, {}), 0u);
  constexpr std::string_view kCheck = "123456789";
  EXPECT_EQ(Crc32(0, std::span(reinterpret_cast<const uint8_t*>(kCheck.data()), kCheck.size())), 0xcbf43926u);
}

TEST(ChecksumTest, MatchesZlibForEveryLengthAndAlignment) {
  std::mt19937 rng(42);
  std::vector<uint8_t> bytes(4096 + 16);
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
  for (size_t offset = 0; offset < 16; ++offset) {
    for (size_t n = 0; n <= 300; ++n) {
      const auto s = std::span(bytes).subspan(offset, n);
      ASSERT_EQ(Crc32(0, s), ZlibCrc32(0, s)) << "offset " << offset << " length " << n;
    }
  }
  const auto all = std::span(bytes).subspan(3, 4096);
  EXPECT_EQ(Crc32(0, all), ZlibCrc32(0, all));
}

TEST(ChecksumTest, ContinuesLikeZlib) {
  std::mt19937 rng(7);
  std::vector<uint8_t> bytes(1000);
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
  for (size_t split : {0, 1, 7, 8, 15, 16, 17, 500, 999, 1000}) {
    const auto a = std::span(bytes).first(split);
    const auto b = std::span(bytes).subspan(split);
    EXPECT_EQ(Crc32(Crc32(0, a), b), ZlibCrc32(0, bytes)) << "split " << split;
    EXPECT_EQ(Crc32(0x12345678, b), ZlibCrc32(0x12345678, b)) << "split " << split;
  }
}

TEST(ChecksumTest, AllZeroAndAllOnesBuffers) {
  for (uint8_t fill : {uint8_t{0}, uint8_t{0xff}}) {
    const std::vector<uint8_t> bytes(777, fill);
    EXPECT_EQ(Crc32(0, bytes), ZlibCrc32(0, bytes)) << int{fill};
  }
}

}  // namespace
}  // namespace dm::binlog
