#include "binlog/mysql_gtid_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "binlog/event_reader.h"

namespace dm::binlog {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ParseGno(std::string_view s, int64_t* out) {
  s = Trim(s);
  if (s.empty()) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && *out >= 1 && *out <= kMaxGno;
}

}  // namespace

Result<Uuid> ParseUuid(std::string_view text) {
  text = Trim(text);
  Uuid out{};
  size_t n = 0;  // hex digits read
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '-' && text.size() == 36 && (i == 8 || i == 13 || i == 18 || i == 23)) continue;
    const int v = HexValue(c);
    if (v < 0 || n >= 32) {
      return Status::InvalidArgument(fmt::format("'{}' is not a UUID", text));
    }
    out[n / 2] = static_cast<uint8_t>(out[n / 2] | (n % 2 == 0 ? v << 4 : v));
    ++n;
  }
  if (n != 32 || (text.size() != 32 && text.size() != 36)) {
    return Status::InvalidArgument(fmt::format("'{}' is not a UUID", text));
  }
  return out;
}

Result<MySqlGtidSet> MySqlGtidSet::Parse(std::string_view text) {
  MySqlGtidSet set;
  text = Trim(text);
  if (text.empty()) return set;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t comma = text.find(',', begin);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view item = Trim(text.substr(begin, comma - begin));
    auto bad = [&](std::string_view why) {
      return Status::InvalidArgument(fmt::format("GTID set item '{}': {}", item, why));
    };
    const size_t colon = item.find(':');
    if (colon == std::string_view::npos) return bad("expected uuid:interval[:interval...]");
    auto sid = ParseUuid(item.substr(0, colon));
    if (!sid.ok()) return bad(sid.status().message());
    std::string_view rest = item.substr(colon + 1);
    while (true) {
      const size_t next = rest.find(':');
      const std::string_view interval = Trim(rest.substr(0, next));
      const size_t dash = interval.find('-');
      int64_t start = 0;
      int64_t end = 0;
      if (!ParseGno(interval.substr(0, dash), &start)) {
        return bad(fmt::format("'{}' is not a transaction number from 1 to {} (tagged GTIDs are not supported)",
                               interval.substr(0, dash), kMaxGno));
      }
      end = start;
      if (dash != std::string_view::npos && !ParseGno(interval.substr(dash + 1), &end)) {
        return bad(fmt::format("'{}' is not a transaction number from 1 to {}", interval.substr(dash + 1), kMaxGno));
      }
      if (end < start) return bad(fmt::format("interval {} ends before it starts", interval));
      set.AddInterval(*sid, start, end + 1);
      if (next == std::string_view::npos) break;
      rest = rest.substr(next + 1);
    }
    begin = comma + 1;
  }
  return set;
}

MySqlGtidSet MySqlGtidSet::FromPreviousGtids(const PreviousGtidsEvent& event) {
  MySqlGtidSet set;
  for (const auto& source : event.sources) {
    for (const auto& interval : source.intervals) {
      if (interval.start >= 1 && interval.start < interval.end) {
        set.AddInterval(source.sid, interval.start, interval.end);
      }
    }
  }
  return set;
}

Result<MySqlGtidSet> MySqlGtidSet::Decode(std::span<const uint8_t> bytes) {
  EventReader r(bytes);
  MySqlGtidSet set;
  const uint64_t n_sids = r.ReadU64("n_sids");
  if (r.ok() && n_sids > r.remaining() / 24) r.Fail(fmt::format("{} sources cannot fit in {} bytes", n_sids, r.remaining()));
  for (uint64_t i = 0; r.ok() && i < n_sids; ++i) {
    Uuid sid{};
    const std::span<const uint8_t> raw = r.ReadSpan(16, "sid");
    if (!r.ok()) break;
    std::copy(raw.begin(), raw.end(), sid.begin());
    const uint64_t n_intervals = r.ReadU64("n_intervals");
    if (r.ok() && n_intervals > r.remaining() / 16) {
      r.Fail(fmt::format("{} intervals cannot fit in {} bytes", n_intervals, r.remaining()));
    }
    for (uint64_t j = 0; r.ok() && j < n_intervals; ++j) {
      const auto start = static_cast<int64_t>(r.ReadU64("interval start"));
      const auto end = static_cast<int64_t>(r.ReadU64("interval end"));
      if (!r.ok()) break;
      if (start < 1 || end <= start || end > kMaxGno + 1) {
        r.Fail(fmt::format("GTID interval [{}, {}) is empty or out of range", start, end));
        break;
      }
      set.AddInterval(sid, start, end);
    }
  }
  if (r.ok() && r.remaining() != 0) r.Fail(fmt::format("{} bytes after the GTID set", r.remaining()));
  if (!r.ok()) return r.status();
  return set;
}

void MySqlGtidSet::AddInterval(const Uuid& sid, int64_t start, int64_t end) {
  if (start >= end) return;
  std::vector<GtidInterval>& v = sets_[sid];
  // First interval that ends at or after `start` (adjacent ones merge too).
  auto it = std::lower_bound(v.begin(), v.end(), start,
                             [](const GtidInterval& i, int64_t s) { return i.end < s; });
  auto last = it;
  while (last != v.end() && last->start <= end) {
    start = std::min(start, last->start);
    end = std::max(end, last->end);
    ++last;
  }
  it = v.erase(it, last);
  v.insert(it, GtidInterval{start, end});
}

void MySqlGtidSet::Merge(const MySqlGtidSet& other) {
  for (const auto& [sid, intervals] : other.sets_) {
    for (const auto& i : intervals) AddInterval(sid, i.start, i.end);
  }
}

bool MySqlGtidSet::Contains(const Uuid& sid, int64_t gno) const {
  auto s = sets_.find(sid);
  if (s == sets_.end()) return false;
  auto it = std::upper_bound(s->second.begin(), s->second.end(), gno,
                             [](int64_t g, const GtidInterval& i) { return g < i.end; });
  return it != s->second.end() && it->start <= gno;
}

bool MySqlGtidSet::Contains(const MySqlGtidSet& other) const {
  for (const auto& [sid, intervals] : other.sets_) {
    auto s = sets_.find(sid);
    if (s == sets_.end()) {
      if (!intervals.empty()) return false;
      continue;
    }
    for (const auto& i : intervals) {
      // Intervals are non-adjacent, so `i` must lie inside one of ours.
      auto it = std::upper_bound(s->second.begin(), s->second.end(), i.start,
                                 [](int64_t g, const GtidInterval& x) { return g < x.end; });
      if (it == s->second.end() || it->start > i.start || it->end < i.end) return false;
    }
  }
  return true;
}

std::string MySqlGtidSet::ToString() const {
  std::string out;
  for (const auto& [sid, intervals] : sets_) {
    if (intervals.empty()) continue;
    if (!out.empty()) out += ',';
    out += UuidToString(sid);
    for (const auto& i : intervals) {
      if (i.end - 1 == i.start) {
        fmt::format_to(std::back_inserter(out), ":{}", i.start);
      } else {
        fmt::format_to(std::back_inserter(out), ":{}-{}", i.start, i.end - 1);
      }
    }
  }
  return out;
}

std::vector<uint8_t> MySqlGtidSet::Encode() const {
  std::vector<uint8_t> out;
  auto put = [&out](uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  size_t n = 0;
  for (const auto& [sid, intervals] : sets_) n += intervals.empty() ? 0 : 1;
  put(n);
  for (const auto& [sid, intervals] : sets_) {
    if (intervals.empty()) continue;
    out.insert(out.end(), sid.begin(), sid.end());
    put(intervals.size());
    for (const auto& i : intervals) {
      put(static_cast<uint64_t>(i.start));
      put(static_cast<uint64_t>(i.end));
    }
  }
  return out;
}

bool operator==(const MySqlGtidSet& a, const MySqlGtidSet& b) {
  return a.ToString() == b.ToString();
}

}  // namespace dm::binlog
