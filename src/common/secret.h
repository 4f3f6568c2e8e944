// Secret: a password held in memory. It has no formatter, no operator<< and no
// implicit conversion, so it cannot reach a log line, a status body or an
// error message by accident; code that needs the text calls reveal().
#pragma once

#include <string>
#include <utility>

namespace dm {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string text) : text_(std::move(text)) {}

  const std::string& reveal() const { return text_; }
  bool empty() const { return text_.empty(); }
  // What printers show in its place.
  static constexpr const char* kMask = "******";

  bool operator==(const Secret&) const = default;

 private:
  std::string text_;
};

}  // namespace dm
