#include "ctl/task_file.h"

#include "config/config_origin.h"
#include "config/source_config.h"
#include "config/task_config.h"

namespace dm::ctl {

Result<TaskFile> ReadTaskFile(const std::string& path, const crypto::SecretKey& key) {
  DM_ASSIGN_OR_RETURN(std::string text, config::ReadConfigFile(path));
  config::LoadReport report;
  DM_ASSIGN_OR_RETURN(config::TaskConfig task, config::DecodeTaskConfig(text, path, key, report));
  return TaskFile{std::move(text), std::move(task.name)};
}

Result<SourceFile> ReadSourceFile(const std::string& path, const crypto::SecretKey& key) {
  DM_ASSIGN_OR_RETURN(std::string text, config::ReadConfigFile(path));
  config::LoadReport report;
  DM_ASSIGN_OR_RETURN(config::SourceConfig source, config::DecodeSourceConfig(text, path, key, report));
  return SourceFile{std::move(text), std::move(source.source_id)};
}

bool IsYamlFileName(std::string_view arg) { return arg.ends_with(".yaml") || arg.ends_with(".yml"); }

Result<std::string> ResolveTaskName(const std::string& arg, const crypto::SecretKey& key) {
  if (!IsYamlFileName(arg)) return arg;
  DM_ASSIGN_OR_RETURN(TaskFile task, ReadTaskFile(arg, key));
  return std::move(task.name);
}

}  // namespace dm::ctl
