#include "load/dump_metadata.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "common/strings.h"

namespace dm::load {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "Key: value" where Key is letters, underscores and spaces: the shape of
// every field line. GTID continuation lines ("3ccc...-...:1-14,") never match
// because a UUID holds digits and hyphens before its colon.
bool SplitKeyValue(std::string_view line, std::string_view* key, std::string_view* value) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  for (size_t i = 0; i < colon; ++i) {
    char c = line[i];
    bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ' ';
    if (!letter) return false;
  }
  *key = TrimSpace(line.substr(0, colon));
  *value = TrimSpace(line.substr(colon + 1));
  return true;
}

void FinishGtid(std::optional<BinlogPoint>* point) {
  if (!point->has_value()) return;
  std::string& gtid = (*point)->gtid;
  while (!gtid.empty() && (gtid.back() == ',' || gtid.back() == ' ')) gtid.pop_back();
}

}  // namespace

std::string BinlogPoint::ToString() const { return "(" + file + ", " + std::to_string(pos) + ")"; }

Result<DumpMetadata> ParseDumpMetadata(std::string_view text, std::string_view name) {
  DumpMetadata meta;
  std::optional<BinlogPoint>* block = nullptr;  // the block being read
  bool in_gtid = false;                          // GTID value may continue
  size_t line_no = 0;
  auto error = [&](const std::string& msg) {
    return Status::Corruption(std::string(name) + ":" + std::to_string(line_no) + ": " + msg)
        .WithErrorCode(ErrorCode::kLoadUnitParseMetadata);
  };
  auto close_block = [&] {
    if (block != nullptr) FinishGtid(block);
    block = nullptr;
    in_gtid = false;
  };

  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view raw = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    start = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    std::string_view line = TrimSpace(raw);
    if (line.empty()) {
      in_gtid = false;
      continue;
    }
    if (StartsWith(line, "Started dump at:")) {
      close_block();
      meta.started_at = std::string(TrimSpace(line.substr(16)));
      continue;
    }
    if (StartsWith(line, "Finished dump at:")) {
      close_block();
      meta.finished_at = std::string(TrimSpace(line.substr(17)));
      continue;
    }
    if (StartsWith(line, "SHOW MASTER STATUS:") || StartsWith(line, "SHOW SLAVE STATUS:")) {
      close_block();
      bool slave = StartsWith(line, "SHOW SLAVE STATUS:");
      bool after_pool = line.find("AFTER CONNECTION POOL ESTABLISHED") != std::string_view::npos;
      block = slave ? &meta.slave : after_pool ? &meta.after_connection_pool : &meta.master;
      if (block->has_value()) return error("duplicate '" + std::string(line) + "' block");
      block->emplace();
      continue;
    }
    std::string_view key;
    std::string_view value;
    if (!SplitKeyValue(line, &key, &value)) {
      if (block != nullptr && in_gtid) {
        (*block)->gtid.append(line);
        continue;
      }
      return error("unexpected line '" + std::string(line.substr(0, 80)) + "'");
    }
    in_gtid = false;
    if (block == nullptr) continue;  // a header field we do not use
    BinlogPoint& point = **block;
    if (key == "Log") {
      point.file = std::string(value);
    } else if (key == "Pos") {
      uint64_t pos = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), pos);
      if (ec != std::errc() || ptr != value.data() + value.size() || value.empty()) {
        return error("Pos: '" + std::string(value) + "' is not a binlog position");
      }
      point.pos = pos;
    } else if (key == "GTID") {
      point.gtid = std::string(value);
      in_gtid = true;
    } else if (key == "Host") {
      point.host = std::string(value);
    }
  }
  close_block();
  for (auto* b : {&meta.master, &meta.slave, &meta.after_connection_pool}) {
    if (b->has_value() && (*b)->file.empty() && (*b)->pos == 0 && (*b)->gtid.empty()) {
      // mydumper writes an empty SHOW SLAVE STATUS block when not a replica.
      b->reset();
    }
  }
  return meta;
}

Result<DumpMetadata> ReadDumpMetadata(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::NotFound(path + ": cannot open the dump metadata file")
        .WithErrorCode(ErrorCode::kLoadUnitReadSchemaFile);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseDumpMetadata(text.str(), path);
}

}  // namespace dm::load
