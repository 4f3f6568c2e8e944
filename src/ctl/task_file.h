// Reading the task and source files named on dmctl's command line.
#pragma once

#include <string>
#include <string_view>

#include "common/encrypt.h"
#include "common/status.h"

namespace dm::ctl {

// A task.yaml as read from disk: the text sent to the master and its `name`.
struct TaskFile {
  std::string text;
  std::string name;
};

// A source.yaml as read from disk: the text sent to the master and its
// `source-id`.
struct SourceFile {
  std::string text;
  std::string source_id;
};

// Reads and decodes `path` (no Adjust/Validate: the master does those) so
// that a bad file is reported here with its file, line and key. `key`
// decrypts passwords during decoding; the text is returned unchanged.
Result<TaskFile> ReadTaskFile(const std::string& path, const crypto::SecretKey& key);
Result<SourceFile> ReadSourceFile(const std::string& path, const crypto::SecretKey& key);

// As DM, an argument ending in ".yaml" or ".yml" is a task file rather than a
// task name.
bool IsYamlFileName(std::string_view arg);

// Returns the task name given where DM accepts "task-name | task-file": the
// `name` of the file when `arg` is a YAML file name, else `arg` itself.
// Unlike DM, which falls back to the argument when the file cannot be read,
// a missing or bad file is an error naming it.
Result<std::string> ResolveTaskName(const std::string& arg, const crypto::SecretKey& key);

}  // namespace dm::ctl
