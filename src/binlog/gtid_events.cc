#include "binlog/gtid_events.h"

#include <fmt/format.h>

namespace dm::binlog {

std::string MariaDbGtid::ToString() const { return fmt::format("{}-{}-{}", domain_id, server_id, seq_no); }

Result<MariaDbGtidEvent> DecodeMariaDbGtid(const RawEvent& event, const FormatDescription& format) {
  EventReader r = BodyReader(event, format);
  MariaDbGtidEvent out;
  out.gtid.server_id = event.header.server_id;
  out.gtid.seq_no = r.ReadU64("seq_no");
  out.gtid.domain_id = r.ReadU32("domain_id");
  out.flags2 = r.ReadU8("flags2");
  if ((out.flags2 & kMariaGtidGroupCommitId) != 0) {
    out.commit_id = r.ReadU64("commit_id");
  } else {
    r.Skip(6, "padding");
  }
  if ((out.flags2 & (kMariaGtidPreparedXa | kMariaGtidCompletedXa)) != 0) {
    out.xa_format_id = static_cast<int32_t>(r.ReadU32("xa format_id"));
    const uint8_t gtrid_length = r.ReadU8("xa gtrid_length");
    const uint8_t bqual_length = r.ReadU8("xa bqual_length");
    // XID parts are at most 64 bytes each.
    if (r.ok() && (gtrid_length > 64 || bqual_length > 64)) {
      r.Fail(fmt::format("XA id lengths {}+{} exceed 64", gtrid_length, bqual_length));
    }
    out.xa_gtrid = r.ReadBytes(gtrid_length, "xa gtrid");
    out.xa_bqual = r.ReadBytes(bqual_length, "xa bqual");
  }
  // flags_extra and its fields (multi-engine count, ALTER sequence) follow in
  // 10.5+; dm needs none of them beyond the flags.
  if (r.remaining() > 0) out.flags_extra = r.ReadU8("flags_extra");
  if (!r.ok()) return r.status();
  return out;
}

Result<MariaDbGtidListEvent> DecodeMariaDbGtidList(const RawEvent& event, const FormatDescription& format) {
  EventReader r = BodyReader(event, format);
  MariaDbGtidListEvent out;
  const uint32_t count_and_flags = r.ReadU32("count");
  const uint32_t count = count_and_flags & 0x0fffffff;
  out.flags = static_cast<uint8_t>(count_and_flags >> 28);
  constexpr size_t kEntrySize = 4 + 4 + 8;
  if (r.ok() && uint64_t{count} * kEntrySize > r.remaining()) {
    r.Fail(fmt::format("GTID_LIST count {} needs {} bytes, {} left", count, uint64_t{count} * kEntrySize,
                       r.remaining()));
  }
  if (!r.ok()) return r.status();
  out.gtids.resize(count);
  for (auto& g : out.gtids) {
    g.domain_id = r.ReadU32("domain_id");
    g.server_id = r.ReadU32("server_id");
    g.seq_no = r.ReadU64("seq_no");
  }
  if (!r.ok()) return r.status();
  return out;
}

std::string UuidToString(const Uuid& u) {
  return fmt::format("{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
                     u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
                     u[14], u[15]);
}

namespace {

Uuid ReadUuid(EventReader& r, std::string_view field) {
  Uuid u{};
  std::span<const uint8_t> bytes = r.ReadSpan(u.size(), field);
  if (!bytes.empty()) std::copy(bytes.begin(), bytes.end(), u.begin());
  return u;
}

}  // namespace

std::string MySqlGtidEvent::GtidText() const {
  if (anonymous) return "ANONYMOUS";
  return fmt::format("{}:{}", UuidToString(sid), gno);
}

Result<MySqlGtidEvent> DecodeMySqlGtid(const RawEvent& event, const FormatDescription& format) {
  EventReader r = BodyReader(event, format);
  MySqlGtidEvent out;
  out.anonymous = event.header.type == EventType::kAnonymousGtid;
  out.flags = r.ReadU8("flags");
  out.sid = ReadUuid(r, "sid");
  out.gno = static_cast<int64_t>(r.ReadU64("gno"));
  if (r.remaining() > 0) {
    constexpr uint8_t kLogicalTimestampTypecode = 2;
    const uint8_t typecode = r.ReadU8("logical clock typecode");
    if (r.ok() && typecode != kLogicalTimestampTypecode) {
      r.Fail(fmt::format("unknown logical clock typecode {}", typecode));
    }
    out.last_committed = static_cast<int64_t>(r.ReadU64("last_committed"));
    out.sequence_number = static_cast<int64_t>(r.ReadU64("sequence_number"));
  }
  constexpr uint64_t kTimestampHighBit = uint64_t{1} << 55;
  if (r.remaining() >= 7) {
    uint64_t ts = r.ReadUInt(7, "immediate_commit_timestamp");
    if ((ts & kTimestampHighBit) != 0) {
      ts &= ~kTimestampHighBit;
      out.original_commit_timestamp = r.ReadUInt(7, "original_commit_timestamp");
    } else {
      out.original_commit_timestamp = ts;
    }
    out.immediate_commit_timestamp = ts;
  }
  if (r.remaining() > 0) out.transaction_length = r.ReadPackedInt("transaction_length");
  constexpr uint32_t kVersionHighBit = uint32_t{1} << 31;
  if (r.remaining() >= 4) {
    uint32_t v = r.ReadU32("immediate_server_version");
    if ((v & kVersionHighBit) != 0) {
      v &= ~kVersionHighBit;
      out.original_server_version = r.ReadU32("original_server_version");
    } else {
      out.original_server_version = v;
    }
    out.immediate_server_version = v;
  }
  // Later additions (commit group ticket, tags) are left unread.
  if (!r.ok()) return r.status();
  return out;
}

Result<PreviousGtidsEvent> DecodePreviousGtids(const RawEvent& event, const FormatDescription& format) {
  EventReader r = BodyReader(event, format);
  PreviousGtidsEvent out;
  const uint64_t n_sids = r.ReadU64("n_sids");
  constexpr size_t kMinSourceSize = 16 + 8;
  if (r.ok() && n_sids > r.remaining() / kMinSourceSize) {
    r.Fail(fmt::format("PREVIOUS_GTIDS n_sids {} cannot fit in {} bytes", n_sids, r.remaining()));
  }
  if (!r.ok()) return r.status();
  out.sources.resize(n_sids);
  for (auto& source : out.sources) {
    source.sid = ReadUuid(r, "sid");
    const uint64_t n_intervals = r.ReadU64("n_intervals");
    if (r.ok() && n_intervals > r.remaining() / 16) {
      r.Fail(fmt::format("PREVIOUS_GTIDS n_intervals {} cannot fit in {} bytes", n_intervals, r.remaining()));
    }
    if (!r.ok()) return r.status();
    source.intervals.resize(n_intervals);
    for (auto& interval : source.intervals) {
      interval.start = static_cast<int64_t>(r.ReadU64("interval start"));
      interval.end = static_cast<int64_t>(r.ReadU64("interval end"));
      if (r.ok() && interval.end <= interval.start) {
        r.Fail(fmt::format("empty GTID interval [{}, {})", interval.start, interval.end));
      }
    }
  }
  if (!r.ok()) return r.status();
  return out;
}

std::string PreviousGtidsEvent::ToString() const {
  std::string out;
  for (const auto& source : sources) {
    if (!out.empty()) out += ',';
    out += UuidToString(source.sid);
    for (const auto& i : source.intervals) {
      if (i.end - 1 == i.start) {
        out += fmt::format(":{}", i.start);
      } else {
        out += fmt::format(":{}-{}", i.start, i.end - 1);
      }
    }
  }
  return out;
}

}  // namespace dm::binlog
