#include "ctl/config_transfer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <vector>

#include "config/config_origin.h"
#include "ctl/json_format.h"

namespace dm::ctl {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

constexpr std::string_view kSourcesDir = "sources";
constexpr std::string_view kTasksDir = "tasks";
constexpr std::string_view kYamlSuffix = ".yaml";

// Calls the master and turns an answer with result false into an error,
// after printing it as dmctl would have.
Result<ordered_json> CallExpectingSuccess(const MasterCall& call, const MasterRequest& request, std::ostream& out,
                                          std::string_view what) {
  DM_ASSIGN_OR_RETURN(ordered_json response, call(request));
  if (ResponseSucceeded(response)) return response;
  out << FormatJson(response, JsonStyle::kProtobuf) << "\n";
  return Status::FailedPrecondition(fmt::format("fail to {}", what));
}

// The string field `key` of every element of the array `response[list]`.
std::vector<std::string> Names(const ordered_json& response, std::string_view list, std::string_view key) {
  std::vector<std::string> names;
  auto items = response.find(list);
  if (items == response.end() || !items->is_array()) return names;
  for (const auto& item : *items) {
    auto name = item.find(key);
    if (name != item.end() && name->is_string() && !name->get_ref<const std::string&>().empty()) {
      names.push_back(name->get<std::string>());
    }
  }
  return names;
}

Status MakeDirectory(const fs::path& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return Status::Internal(fmt::format("can not create directory `{}`: {}", dir.string(), error.message()));
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, error);
  return Status::OK();
}

Status ExportEach(const MasterCall& call, const std::vector<std::string>& names, std::string_view type,
                  const fs::path& dir, std::ostream& out) {
  DM_RETURN_IF_ERROR(MakeDirectory(dir));
  for (const auto& name : names) {
    DM_ASSIGN_OR_RETURN(ordered_json response, CallExpectingSuccess(call, GetConfigRequest(std::string(type), name),
                                                                    out, fmt::format("get {} config of {}", type, name)));
    auto cfg = response.find("cfg");
    std::string text = cfg != response.end() && cfg->is_string() ? cfg->get<std::string>() : "";
    DM_RETURN_IF_ERROR(WriteConfigFile((dir / (name + std::string(kYamlSuffix))).string(), text));
  }
  return Status::OK();
}

// The texts of the regular files in `dir`, in file-name order; none when
// `dir` does not exist (an export without sources has no sources/).
Result<std::vector<std::string>> ReadConfigDirectory(const fs::path& dir) {
  std::vector<std::string> texts;
  std::error_code error;
  if (!fs::is_directory(dir, error)) return texts;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  if (error) return Status::Internal(fmt::format("can not list `{}`: {}", dir.string(), error.message()));
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    DM_ASSIGN_OR_RETURN(std::string text, config::ReadConfigFile(file.string()));
    texts.push_back(std::move(text));
  }
  return texts;
}

// As DM's import: "already exist" answers mean an earlier import created it.
bool AlreadyExists(const ordered_json& response) {
  auto mentions = [](const ordered_json& object) {
    auto msg = object.find("msg");
    return msg != object.end() && msg->is_string() &&
           msg->get_ref<const std::string&>().find("already exist") != std::string::npos;
  };
  if (mentions(response)) return true;
  auto sources = response.find("sources");
  if (sources == response.end() || !sources->is_array() || sources->empty()) return false;
  return std::all_of(sources->begin(), sources->end(),
                     [&](const ordered_json& source) { return source.value("result", false) || mentions(source); });
}

Status ImportEach(const MasterCall& call, const std::vector<std::string>& texts,
                  const std::function<MasterRequest(const std::string&)>& request, std::string_view what,
                  std::ostream& out) {
  if (texts.empty()) return Status::OK();
  out << "start creating " << what << "\n";
  for (const auto& text : texts) {
    DM_ASSIGN_OR_RETURN(ordered_json response, call(request(text)));
    if (!ResponseSucceeded(response) && !AlreadyExists(response)) {
      out << FormatJson(response, JsonStyle::kProtobuf) << "\n";
      return Status::FailedPrecondition(fmt::format("fail to create {}", what));
    }
  }
  return Status::OK();
}

}  // namespace

Status WriteConfigFile(const std::string& path, std::string_view text) {
  std::string temporary = path + ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Internal(fmt::format("can not write config to file {}: {}", path, std::strerror(errno)));
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int saved = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      return Status::Internal(fmt::format("can not write config to file {}: {}", path, std::strerror(saved)));
    }
    written += static_cast<size_t>(n);
  }
  if (::close(fd) != 0 || ::rename(temporary.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(temporary.c_str());
    return Status::Internal(fmt::format("can not write config to file {}: {}", path, std::strerror(saved)));
  }
  return Status::OK();
}

Status ExportConfigs(const MasterCall& call, const std::string& dir, std::ostream& out) {
  DM_ASSIGN_OR_RETURN(ordered_json sources, CallExpectingSuccess(call, OperateSourceRequest(SourceOp::kShow, {}, {}, ""),
                                                                 out, "get the source list"));
  DM_ASSIGN_OR_RETURN(ordered_json tasks, CallExpectingSuccess(call, QueryStatusRequest("", {}), out,
                                                               "get the task list"));
  DM_RETURN_IF_ERROR(MakeDirectory(dir));
  DM_RETURN_IF_ERROR(ExportEach(call, Names(sources, "sources", "source"), "source", fs::path(dir) / kSourcesDir, out));
  DM_RETURN_IF_ERROR(ExportEach(call, Names(tasks, "tasks", "taskName"), "task", fs::path(dir) / kTasksDir, out));
  out << "export configs to directory `" << dir << "` succeed\n";
  return Status::OK();
}

Status ImportConfigs(const MasterCall& call, const std::string& dir, std::ostream& out) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) return Status::NotFound(fmt::format("config directory `{}` not exists", dir));
  DM_ASSIGN_OR_RETURN(std::vector<std::string> sources, ReadConfigDirectory(fs::path(dir) / kSourcesDir));
  DM_ASSIGN_OR_RETURN(std::vector<std::string> tasks, ReadConfigDirectory(fs::path(dir) / kTasksDir));
  DM_RETURN_IF_ERROR(ImportEach(
      call, sources, [](const std::string& text) { return OperateSourceRequest(SourceOp::kStart, {text}, {}, ""); },
      "sources", out));
  DM_RETURN_IF_ERROR(ImportEach(
      call, tasks, [](const std::string& text) { return StartTaskRequest(text, {}, false, ""); }, "tasks", out));
  out << "import configs from directory `" << dir << "` succeed\n";
  return Status::OK();
}

}  // namespace dm::ctl
