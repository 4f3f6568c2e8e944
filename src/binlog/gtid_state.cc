#include "binlog/gtid_state.h"

#include <fmt/format.h>

#include <charconv>

namespace dm::binlog {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// Parses all of `s` as an unsigned decimal no larger than `max`.
bool ParseNumber(std::string_view s, uint64_t max, uint64_t* out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && *out <= max;
}

}  // namespace

Result<MariaDbGtidState> MariaDbGtidState::Parse(std::string_view text) {
  MariaDbGtidState state;
  text = Trim(text);
  const std::string_view full = text;
  if (text.empty()) return state;
  while (true) {
    const size_t comma = text.find(',');
    const std::string_view item = Trim(text.substr(0, comma));
    const size_t d1 = item.find('-');
    const size_t d2 = d1 == std::string_view::npos ? d1 : item.find('-', d1 + 1);
    uint64_t domain = 0, server = 0, seq = 0;
    if (d2 == std::string_view::npos || !ParseNumber(item.substr(0, d1), UINT32_MAX, &domain) ||
        !ParseNumber(item.substr(d1 + 1, d2 - d1 - 1), UINT32_MAX, &server) ||
        !ParseNumber(item.substr(d2 + 1), UINT64_MAX, &seq)) {
      return Status::InvalidArgument(
          fmt::format("'{}' is not a MariaDB GTID (domain-server-sequence) in GTID position '{}'", item, full));
    }
    const MariaDbGtid gtid{static_cast<uint32_t>(domain), static_cast<uint32_t>(server), seq};
    if (!state.gtids_.emplace(gtid.domain_id, gtid).second) {
      return Status::InvalidArgument(
          fmt::format("GTID position '{}' names domain {} twice; give one GTID per domain", full, domain));
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return state;
}

void MariaDbGtidState::UpdateFromList(const MariaDbGtidListEvent& list) {
  for (const MariaDbGtid& gtid : list.gtids) {
    auto [it, inserted] = gtids_.emplace(gtid.domain_id, gtid);
    if (!inserted && it->second.seq_no < gtid.seq_no) it->second = gtid;
  }
}

std::string MariaDbGtidState::ToString() const {
  std::string out;
  for (const auto& [domain, gtid] : gtids_) {
    if (!out.empty()) out += ',';
    out += gtid.ToString();
  }
  return out;
}

std::optional<MariaDbGtid> MariaDbGtidState::Find(uint32_t domain_id) const {
  auto it = gtids_.find(domain_id);
  if (it == gtids_.end()) return std::nullopt;
  return it->second;
}

}  // namespace dm::binlog
