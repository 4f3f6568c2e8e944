#include "load/dump_feed.h"

namespace dm::load {

void DumpFeed::SchemaReady() {
  std::lock_guard lock(mu_);
  schema_ready_ = true;
  changed_.notify_all();
}

void DumpFeed::Add(File file) {
  std::lock_guard lock(mu_);
  files_.push_back(std::move(file));
  changed_.notify_all();
}

void DumpFeed::Finish(Status status) {
  std::lock_guard lock(mu_);
  if (finished_) return;
  finished_ = true;
  status_ = std::move(status);
  changed_.notify_all();
}

Status DumpFeed::WaitSchemaReady(std::stop_token stop) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, stop, [this] { return schema_ready_ || finished_; });
  if (schema_ready_) return Status::OK();
  if (finished_) {
    if (!status_.ok()) return status_;
    return Status::Internal("the dump finished without reporting its schema files");
  }
  return Status::Cancelled("load stopped while waiting for the dump's schema files");
}

std::optional<DumpFeed::File> DumpFeed::Next(std::stop_token stop) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, stop, [this] { return !files_.empty() || finished_; });
  if (files_.empty()) return std::nullopt;
  File file = std::move(files_.front());
  files_.pop_front();
  return file;
}

bool DumpFeed::finished() const {
  std::lock_guard lock(mu_);
  return finished_;
}

Status DumpFeed::finish_status() const {
  std::lock_guard lock(mu_);
  return status_;
}

}  // namespace dm::load
