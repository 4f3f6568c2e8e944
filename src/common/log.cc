#include "common/log.h"

#include <nlohmann/json.hpp>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>

namespace dm::log {
namespace {

struct State {
  std::mutex mu;
  std::shared_ptr<spdlog::logger> logger;
  bool json = false;
};

State& GetState() {
  static State state;
  return state;
}

spdlog::level::level_enum ToSpd(Level level) {
  switch (level) {
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarn: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
    case Level::kFatal: return spdlog::level::critical;
  }
  return spdlog::level::info;
}

std::shared_ptr<spdlog::logger> Logger() {
  State& state = GetState();
  std::lock_guard lock(state.mu);
  if (!state.logger) {
    state.logger = std::make_shared<spdlog::logger>("dm", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    state.logger->set_pattern("[%Y/%m/%d %H:%M:%S.%e %z] [%^%l%$] %v");
    state.logger->set_level(spdlog::level::info);
  }
  return state.logger;
}

}  // namespace

Result<Level> ParseLevel(std::string_view name) {
  if (name == "debug") return Level::kDebug;
  if (name == "info") return Level::kInfo;
  if (name == "warn" || name == "warning") return Level::kWarn;
  if (name == "error") return Level::kError;
  if (name == "fatal") return Level::kFatal;
  return Status::InvalidArgument(fmt::format("invalid log level '{}' (debug, info, warn, error, fatal)", name));
}

Status Init(const Options& options) {
  if (options.format != "text" && options.format != "json") {
    return Status::InvalidArgument(fmt::format("invalid log format '{}' (text, json)", options.format));
  }
  std::shared_ptr<spdlog::logger> logger;
  try {
    if (options.file.empty()) {
      logger = std::make_shared<spdlog::logger>("dm", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    } else {
      logger = std::make_shared<spdlog::logger>(
          "dm", std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file, /*truncate=*/false));
    }
  } catch (const spdlog::spdlog_ex& e) {
    return Status::InvalidArgument(fmt::format("cannot open log file '{}': {}", options.file, e.what()));
  }
  bool json = options.format == "json";
  // In JSON mode Write() renders the fields as the object's tail; spdlog adds
  // time and level so both formats share one clock and level name.
  logger->set_pattern(json ? R"({"time":"%Y/%m/%d %H:%M:%S.%e %z","level":"%l",%v})"
                           : "[%Y/%m/%d %H:%M:%S.%e %z] [%^%l%$] %v");
  logger->set_level(ToSpd(options.level));
  // Info lines are rare (never per event) and say what a process did last
  // before a crash or kill -9, so they reach the file at once.
  logger->flush_on(spdlog::level::info);
  State& state = GetState();
  std::lock_guard lock(state.mu);
  state.logger = std::move(logger);
  state.json = json;
  return Status::OK();
}

bool Enabled(Level level) { return Logger()->should_log(ToSpd(level)); }

void Write(Level level, std::string_view message, Fields fields) {
  auto logger = Logger();
  auto spd_level = ToSpd(level);
  if (!logger->should_log(spd_level)) return;
  bool json;
  {
    State& state = GetState();
    std::lock_guard lock(state.mu);
    json = state.json;
  }
  std::string line;
  if (json) {
    nlohmann::ordered_json obj;
    obj["message"] = message;
    for (const Field& f : fields) obj[std::string(f.key)] = f.value;
    line = obj.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    line = line.substr(1, line.size() - 2);  // the pattern supplies the braces
  } else {
    line.reserve(message.size() + 2 + fields.size() * 24);
    fmt::format_to(std::back_inserter(line), "[{}]", message);
    for (const Field& f : fields) {
      bool quote = f.value.find_first_of(" \"]=") != std::string::npos || f.value.empty();
      if (quote) {
        fmt::format_to(std::back_inserter(line), " [{}={}]", f.key,
                       nlohmann::json(f.value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      } else {
        fmt::format_to(std::back_inserter(line), " [{}={}]", f.key, f.value);
      }
    }
  }
  logger->log(spd_level, line);
}

}  // namespace dm::log
