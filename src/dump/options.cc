// Consistency names and the mapping of a task's mydumper config (including
// the dumpling-style extra-args) onto DumpOptions.
#include <fmt/format.h>

#include <charconv>

#include "common/strings.h"
#include "dump/dump.h"

namespace dm::dump {

namespace {

// Splits extra-args like a shell: whitespace separates, single and double
// quotes group (dumpling receives them through a shell-like parser too).
Result<std::vector<std::string>> SplitArgs(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  bool in_token = false;
  char quote = 0;
  for (char c : s) {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        cur += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_token = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_token) out.push_back(std::move(cur));
      cur.clear();
      in_token = false;
    } else {
      cur += c;
      in_token = true;
    }
  }
  if (quote != 0) return Status::InvalidArgument(fmt::format("extra-args '{}': unterminated quote", s));
  if (in_token) out.push_back(std::move(cur));
  return out;
}

Result<uint64_t> ParseCount(std::string_view key, std::string_view v) {
  uint64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size()) {
    return Status::InvalidArgument(fmt::format("{}: '{}' is not a non-negative integer", key, v));
  }
  return out;
}

// dumpling's sizes: a number with an optional unit (B, K/KB/KiB, M/MB/MiB,
// G/GB/GiB; binary multiples, as DM uses them); a bare number is bytes.
Result<uint64_t> ParseSize(std::string_view key, std::string_view v) {
  size_t digits = 0;
  while (digits < v.size() && v[digits] >= '0' && v[digits] <= '9') ++digits;
  DM_ASSIGN_OR_RETURN(uint64_t n, ParseCount(key, v.substr(0, digits)));
  std::string_view unit = v.substr(digits);
  uint64_t mult = 1;
  if (unit.empty() || EqualsIgnoreCase(unit, "b")) {
    mult = 1;
  } else if (EqualsIgnoreCase(unit, "k") || EqualsIgnoreCase(unit, "kb") || EqualsIgnoreCase(unit, "kib")) {
    mult = 1ULL << 10;
  } else if (EqualsIgnoreCase(unit, "m") || EqualsIgnoreCase(unit, "mb") || EqualsIgnoreCase(unit, "mib")) {
    mult = 1ULL << 20;
  } else if (EqualsIgnoreCase(unit, "g") || EqualsIgnoreCase(unit, "gb") || EqualsIgnoreCase(unit, "gib")) {
    mult = 1ULL << 30;
  } else {
    return Status::InvalidArgument(fmt::format("{}: unknown size unit in '{}'", key, v));
  }
  return n * mult;
}

}  // namespace

std::string_view ConsistencyName(Consistency c) {
  switch (c) {
    case Consistency::kAuto: return "auto";
    case Consistency::kFlush: return "flush";
    case Consistency::kLock: return "lock";
    case Consistency::kNone: return "none";
  }
  return "auto";
}

Result<Consistency> ParseConsistency(std::string_view name) {
  for (Consistency c : {Consistency::kAuto, Consistency::kFlush, Consistency::kLock, Consistency::kNone}) {
    if (EqualsIgnoreCase(name, ConsistencyName(c))) return c;
  }
  return Status::InvalidArgument(
      fmt::format("consistency '{}' is not supported (auto, flush, lock, none; snapshot is TiDB only)", name));
}

Status ApplyMydumperConfig(const config::MydumperConfig& cfg, DumpOptions* options) {
  if (cfg.threads > 0) options->threads = cfg.threads;
  if (cfg.rows > 0) options->rows = cfg.rows;
  if (!cfg.chunk_filesize.empty()) {
    DM_ASSIGN_OR_RETURN(uint64_t mb, ParseCount("chunk-filesize", cfg.chunk_filesize));
    options->chunk_filesize = mb << 20;
  }
  if (cfg.statement_size > 0) options->statement_size = cfg.statement_size;
  options->where = cfg.where;

  DM_ASSIGN_OR_RETURN(std::vector<std::string> args, SplitArgs(cfg.extra_args));
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    bool has_value = false;
    if (size_t eq = flag.find('='); flag.starts_with("--") && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_value = true;
    }
    auto take = [&]() -> Result<std::string> {
      if (has_value) return value;
      if (i + 1 >= args.size()) return Status::InvalidArgument(fmt::format("extra-args: {} needs a value", flag));
      return args[++i];
    };
    if (flag == "--consistency") {
      DM_ASSIGN_OR_RETURN(std::string v, take());
      DM_ASSIGN_OR_RETURN(options->consistency, ParseConsistency(v));
    } else if (flag == "-r" || flag == "--rows") {
      DM_ASSIGN_OR_RETURN(std::string v, take());
      DM_ASSIGN_OR_RETURN(options->rows, ParseCount(flag, v));
    } else if (flag == "-F" || flag == "--filesize") {
      DM_ASSIGN_OR_RETURN(std::string v, take());
      DM_ASSIGN_OR_RETURN(options->chunk_filesize, ParseSize(flag, v));
    } else if (flag == "-s" || flag == "--statement-size") {
      DM_ASSIGN_OR_RETURN(std::string v, take());
      DM_ASSIGN_OR_RETURN(options->statement_size, ParseCount(flag, v));
    } else if (flag == "-t" || flag == "--threads") {
      DM_ASSIGN_OR_RETURN(std::string v, take());
      DM_ASSIGN_OR_RETURN(uint64_t n, ParseCount(flag, v));
      options->threads = static_cast<int>(n);
    } else if (flag == "--where" || flag == "-w") {
      DM_ASSIGN_OR_RETURN(options->where, take());
    } else if (flag == "--filetype") {
      DM_ASSIGN_OR_RETURN(std::string v, take());
      if (v != "sql") return Status::InvalidArgument("extra-args: only --filetype sql is supported");
    } else {
      return Status::InvalidArgument(fmt::format(
          "extra-args: '{}' is not supported (supported: --consistency, -r/--rows, -F/--filesize, "
          "-s/--statement-size, -t/--threads, --where, --filetype sql)",
          args[i]));
    }
  }
  if (options->threads <= 0) return Status::InvalidArgument("mydumper threads must be at least 1");
  if (options->statement_size == 0) options->statement_size = 1000000;
  return Status::OK();
}

}  // namespace dm::dump
