// Hands the files of a dump that is still running to a load that runs at the
// same time (the subtask's overlapped full mode, docs/design/overlapped_full.md).
//
//   dump threads:  SchemaReady() once, Add() per closed data file, Finish() once
//   load threads:  WaitSchemaReady(), then Next() until it returns nothing
//
// Only names and sizes pass through, so memory stays bounded by the number of
// files, not their size. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include "common/status.h"

namespace dm::load {

class DumpFeed {
 public:
  struct File {
    std::string name;    // base name in the dump directory
    std::string schema;  // upstream names, as the dump reports them
    std::string table;
    uint64_t size = 0;   // final size: the file is closed and never written again
  };

  // The dump directory holds every schema file.
  void SchemaReady();
  // A data file is complete.
  void Add(File file);
  // The dump ended: OK once its `metadata` exists, else why it failed.
  // Later calls are ignored.
  void Finish(Status status);

  // Blocks until SchemaReady or Finish. Returns the dump's error when it
  // failed before writing its schema files, Cancelled when `stop` fires.
  Status WaitSchemaReady(std::stop_token stop);

  // The next complete file; blocks while the dump runs. Nothing when the
  // dump finished and every file was taken (see finish_status()) or `stop`
  // fired.
  std::optional<File> Next(std::stop_token stop);

  // Whether Finish was called, and its status.
  bool finished() const;
  Status finish_status() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable_any changed_;
  bool schema_ready_ = false;  // guarded by mu_
  bool finished_ = false;      // guarded by mu_
  Status status_;              // guarded by mu_
  std::deque<File> files_;     // guarded by mu_
};

}  // namespace dm::load
