#include "common/status.h"

#include <fmt/format.h>

namespace dm {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "InvalidArgument";
    case StatusCode::kNotFound: return "NotFound";
    case StatusCode::kAlreadyExists: return "AlreadyExists";
    case StatusCode::kUnavailable: return "Unavailable";
    case StatusCode::kAborted: return "Aborted";
    case StatusCode::kFailedPrecondition: return "FailedPrecondition";
    case StatusCode::kCorruption: return "Corruption";
    case StatusCode::kCancelled: return "Cancelled";
    case StatusCode::kInternal: return "Internal";
  }
  return "Unknown";
}

Status::Status(StatusCode code, std::string message, ErrorCode error) {
  if (code != StatusCode::kOk) rep_ = std::make_unique<Rep>(Rep{code, error, std::move(message)});
}

Status::Status(const Status& other)
    : rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
  return *this;
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return rep_ ? rep_->message : kEmpty;
}

Status Status::WithContext(std::string_view context) const& { return Status(*this).WithContext(context); }

Status Status::WithContext(std::string_view context) && {
  if (rep_) rep_->message = fmt::format("{}: {}", context, rep_->message);
  return std::move(*this);
}

Status Status::WithErrorCode(ErrorCode error) && {
  if (rep_) rep_->error = error;
  return std::move(*this);
}

std::string Status::ToString() const {
  if (!rep_) return "OK";
  if (rep_->error == ErrorCode::kNone) return fmt::format("{}: {}", StatusCodeName(rep_->code), rep_->message);
  return fmt::format("{}: {} {}", StatusCodeName(rep_->code), FormatErrorTag(rep_->error), rep_->message);
}

}  // namespace dm
