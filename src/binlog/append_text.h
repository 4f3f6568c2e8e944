// Text output for the printing hot path (EventPrinter, AppendValueText):
// number formatting without fmt's format-string parsing or iterator
// adapters, and TextBuffer, a growable char buffer whose appends inline (the
// out-of-line std::string::append/push_back calls and their small memcpys
// profiled at a fifth of dm-binlog -v's time). TextBuffer is also an output type
// of EventPrinter::Print (the dm-binlog tool prints into one).
#pragma once

#include <fmt/format.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace dm::binlog {

// A growable byte buffer with std::string's append interface, so the same
// formatting templates write to either. Never shrinks; clear() keeps the
// memory, so a reused buffer allocates nothing in the steady state.
class TextBuffer {
 public:
  using value_type = char;  // for std::back_inserter (fmt::format_to)

  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  std::string_view view() const { return {data_.get(), size_}; }
  void clear() { size_ = 0; }

  void push_back(char c) {
    if (size_ == capacity_) Grow(1);
    data_[size_++] = c;
  }
  void append(const char* p, size_t n) {
    if (capacity_ - size_ < n) Grow(n);
    std::memcpy(data_.get() + size_, p, n);
    size_ += n;
  }
  void append(std::string_view s) { append(s.data(), s.size()); }
  void append(size_t n, char c) {
    if (capacity_ - size_ < n) Grow(n);
    std::memset(data_.get() + size_, c, n);
    size_ += n;
  }
  // Room for n more chars at the returned pointer; commit them with
  // advance(). REQUIRES: advance(k) with k <= n before the next append.
  char* reserve_tail(size_t n) {
    if (capacity_ - size_ < n) Grow(n);
    return data_.get() + size_;
  }
  void advance(size_t n) { size_ += n; }

 private:
  // Makes room for n more chars, at least doubling the capacity. Out of line
  // so that the appends above stay small enough to inline.
  void Grow(size_t n);

  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// Writes the decimal digits of `v` at p and returns their end (at most 20).
inline char* WriteUInt(uint64_t v, char* p) {
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  static constexpr uint64_t kPowers[] = {1,
                                         10,
                                         100,
                                         1000,
                                         10000,
                                         100000,
                                         1000000,
                                         10000000,
                                         100000000,
                                         1000000000,
                                         10000000000,
                                         100000000000,
                                         1000000000000,
                                         10000000000000,
                                         100000000000000,
                                         1000000000000000,
                                         10000000000000000,
                                         100000000000000000,
                                         1000000000000000000,
                                         10000000000000000000u};
  // Digits from the bit length (log10(2) ~ 1233/4096), corrected by one
  // comparison, instead of a division per digit.
  const auto t = static_cast<size_t>((64 - std::countl_zero(v)) * 1233 >> 12);
  size_t n = t + 1 - (v < kPowers[t] ? 1 : 0);
  if (n == 0) n = 1;  // v == 0
  char* end = p + n;
  char* q = end;
  while (v >= 100) {
    const size_t pair = static_cast<size_t>(v % 100) * 2;
    v /= 100;
    *--q = kPairs[pair + 1];
    *--q = kPairs[pair];
  }
  if (v >= 10) {
    *--q = kPairs[v * 2 + 1];
    *--q = kPairs[v * 2];
  } else {
    *--q = static_cast<char>('0' + v);
  }
  return end;
}

// Appends the decimal digits of `v` (with '-' when negative).
inline void AppendUInt(uint64_t v, std::string* out) {
  const fmt::format_int text(v);
  out->append(text.data(), text.size());
}
inline void AppendInt(int64_t v, std::string* out) {
  const fmt::format_int text(v);
  out->append(text.data(), text.size());
}
inline void AppendUInt(uint64_t v, TextBuffer* out) {
  char* p = out->reserve_tail(20);
  out->advance(static_cast<size_t>(WriteUInt(v, p) - p));
}
inline void AppendInt(int64_t v, TextBuffer* out) {
  char* p = out->reserve_tail(21);
  char* q = p;
  // Negate in unsigned arithmetic: -INT64_MIN overflows int64_t.
  uint64_t magnitude = static_cast<uint64_t>(v);
  if (v < 0) {
    *q++ = '-';
    magnitude = ~magnitude + 1;
  }
  out->advance(static_cast<size_t>(WriteUInt(magnitude, q) - p));
}

// Writes `v` as exactly `width` decimal digits (leading zeros; higher digits
// dropped) at p. REQUIRES: p has room for `width` chars.
inline void WriteZeroPadded(uint32_t v, int width, char* p) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

// Appends `v` with at least `width` digits, zero-padded on the left (as
// fmt's "{:0<width>}" for a non-negative number).
template <class Out>
void AppendZeroPadded(uint64_t v, int width, Out* out) {
  const fmt::format_int text(v);
  for (int i = static_cast<int>(text.size()); i < width; ++i) out->push_back('0');
  out->append(text.data(), text.size());
}

}  // namespace dm::binlog
