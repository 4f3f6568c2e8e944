#include "dump/layout.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>

#include "common/strings.h"

namespace dm::dump {

std::string EscapeFileName(std::string_view name) {
  static constexpr std::string_view kSpecial = "%\"*./:<>?\\|";
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    bool escape = c < 0x20 || kSpecial.find(static_cast<char>(c)) != std::string_view::npos;
    if (c == '-' && i + 7 <= name.size() && EqualsIgnoreCase(name.substr(i + 1, 6), "schema")) escape = true;
    if (escape) {
      out += fmt::format("%{:02X}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string SchemaCreateFileName(std::string_view db) { return EscapeFileName(db) + "-schema-create.sql"; }

std::string TableSchemaFileName(std::string_view db, std::string_view t) {
  return EscapeFileName(db) + "." + EscapeFileName(t) + "-schema.sql";
}

std::string ViewSchemaFileName(std::string_view db, std::string_view v) {
  return EscapeFileName(db) + "." + EscapeFileName(v) + "-schema-view.sql";
}

std::string DataFileName(std::string_view db, std::string_view t, uint64_t index) {
  return fmt::format("{}.{}.{:09d}.sql", EscapeFileName(db), EscapeFileName(t), index);
}

namespace {

std::string LocalTime(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", tm);
}

void AppendMasterStatus(const BinlogPosition& p, bool after_connect, std::string* out) {
  *out += "SHOW MASTER STATUS:";
  if (after_connect) *out += " /* AFTER CONNECTION POOL ESTABLISHED */";
  *out += "\n";
  // dumpling prints an empty Pos when there is no binlog.
  std::string pos = p.file.empty() ? std::string() : std::to_string(p.pos);
  *out += fmt::format("\tLog: {}\n\tPos: {}\n\tGTID:{}\n\n", p.file, pos, p.gtid_set);
}

}  // namespace

std::string FormatMetadata(std::chrono::system_clock::time_point started, const BinlogPosition& snapshot,
                           const BinlogPosition& after_connect, std::chrono::system_clock::time_point finished) {
  std::string out = "Started dump at: " + LocalTime(started) + "\n";
  AppendMasterStatus(snapshot, false, &out);
  AppendMasterStatus(after_connect, true, &out);
  out += "Finished dump at: " + LocalTime(finished) + "\n";
  return out;
}

}  // namespace dm::dump
