#include "binlog/append_text.h"

#include <algorithm>

namespace dm::binlog {

void TextBuffer::Grow(size_t n) {
  const size_t capacity = std::max(size_ + n, 2 * capacity_ + 256);
  auto data = std::make_unique_for_overwrite<char[]>(capacity);
  if (size_ > 0) std::memcpy(data.get(), data_.get(), size_);
  data_ = std::move(data);
  capacity_ = capacity;
}

}  // namespace dm::binlog
