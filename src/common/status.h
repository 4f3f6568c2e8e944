// dm::Status and dm::Result<T>: the error path of all dm code (no exceptions).
//
// A Status is OK or carries a semantic code (what the caller should do), an
// optional DM catalogue code (what DM users look up), and a message that grows
// context as the error travels up ("task.yaml:12: key 'from.port': ...").
// OK costs one null pointer. Status is cheap to move and safe to copy.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "common/errors.h"

namespace dm {

// Semantic codes, chosen with abseil's rules so callers know how to react.
enum class StatusCode : uint8_t {
  kOk = 0,
  kInvalidArgument,     // bad input from the user: fix the input
  kNotFound,            // a named thing does not exist
  kAlreadyExists,       // a named thing exists already
  kUnavailable,         // transient: retry the call (connection lost, ...)
  kAborted,             // restart the batch/transaction (deadlock, ...)
  kFailedPrecondition,  // state is wrong: pause and tell the user
  kCorruption,          // bytes that cannot be what they claim to be
  kCancelled,           // stopped on request
  kInternal,            // a bug in dm
};

// Returns the upper-camel name of `code` ("InvalidArgument").
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, ErrorCode error = ErrorCode::kNone);
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;
  ~Status() = default;

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status Aborted(std::string msg) { return {StatusCode::kAborted, std::move(msg)}; }
  static Status FailedPrecondition(std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(msg)};
  }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status Cancelled(std::string msg) { return {StatusCode::kCancelled, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  ErrorCode error_code() const { return rep_ ? rep_->error : ErrorCode::kNone; }
  // Empty for OK.
  const std::string& message() const;

  // True when retrying the same call may succeed.
  bool IsRetryable() const { return code() == StatusCode::kUnavailable || code() == StatusCode::kAborted; }

  // Returns a copy whose message is "context: message". OK stays OK.
  Status WithContext(std::string_view context) const&;
  Status WithContext(std::string_view context) &&;
  // Returns a copy tagged with a DM catalogue code.
  Status WithErrorCode(ErrorCode error) &&;

  // "InvalidArgument: msg", with "[code=20001:class=config:...]" when tagged.
  std::string ToString() const;

 private:
  struct Rep {
    StatusCode code;
    ErrorCode error;
    std::string message;
  };
  std::unique_ptr<Rep> rep_;  // null means OK
};

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(data_).ok()) data_ = Status::Internal("Result constructed from OK status");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const& {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  Status status() && { return ok() ? Status() : std::move(std::get<Status>(data_)); }

  // REQUIRES: ok()
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace dm

#define DM_STATUS_CONCAT_INNER(a, b) a##b
#define DM_STATUS_CONCAT(a, b) DM_STATUS_CONCAT_INNER(a, b)

// Returns the Status of `expr` from the enclosing function when it is not OK.
#define DM_RETURN_IF_ERROR(expr)                   \
  do {                                             \
    ::dm::Status dm_status_tmp_ = (expr);          \
    if (!dm_status_tmp_.ok()) return dm_status_tmp_; \
  } while (0)

// Evaluates `rexpr` (a Result<T>); on error returns its Status, else moves the
// value into `lhs` (which may be a declaration: DM_ASSIGN_OR_RETURN(auto x, F())).
#define DM_ASSIGN_OR_RETURN(lhs, rexpr) \
  DM_ASSIGN_OR_RETURN_IMPL(DM_STATUS_CONCAT(dm_result_, __LINE__), lhs, rexpr)
#define DM_ASSIGN_OR_RETURN_IMPL(result, lhs, rexpr) \
  auto result = (rexpr);                             \
  if (!result.ok()) return std::move(result).status(); \
  lhs = std::move(result).value()
