#include "binlog/checksum.h"

#include <array>
#include <bit>
#include <cstring>

namespace dm::binlog {
namespace {

constexpr uint32_t kPolynomial = 0xedb88320;  // 0x04c11db7 reflected

// kTables[0] is the classic byte-at-a-time table; kTables[k][b] is the CRC
// of byte b followed by k zero bytes, so 16 lookups advance 16 bytes at once.
using Tables = std::array<std::array<uint32_t, 256>, 16>;
constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) != 0 ? (c >> 1) ^ kPolynomial : c >> 1;
    t[0][i] = c;
  }
  for (size_t s = 1; s < t.size(); ++s) {
    for (uint32_t i = 0; i < 256; ++i) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
  }
  return t;
}
constexpr Tables kTables = MakeTables();

inline uint32_t LoadLe32(const uint8_t* p) {
  if constexpr (std::endian::native == std::endian::little) {
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
  } else {
    return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
  }
}

// The CRC of 4 bytes `w` (little-endian) followed by `zeros` zero bytes.
inline uint32_t Word(uint32_t w, size_t zeros) {
  return kTables[zeros + 3][w & 0xff] ^ kTables[zeros + 2][(w >> 8) & 0xff] ^ kTables[zeros + 1][(w >> 16) & 0xff] ^
         kTables[zeros][w >> 24];
}

}  // namespace

uint32_t Crc32(uint32_t crc, std::span<const uint8_t> bytes) {
  const uint8_t* p = bytes.data();
  size_t n = bytes.size();
  crc = ~crc;
  while (n >= 16) {
    crc = Word(LoadLe32(p) ^ crc, 12) ^ Word(LoadLe32(p + 4), 8) ^ Word(LoadLe32(p + 8), 4) ^ Word(LoadLe32(p + 12), 0);
    p += 16;
    n -= 16;
  }
  if (n >= 8) {
    crc = Word(LoadLe32(p) ^ crc, 4) ^ Word(LoadLe32(p + 4), 0);
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = (crc >> 8) ^ kTables[0][(crc ^ *p++) & 0xff];
  return ~crc;
}

}  // namespace dm::binlog
