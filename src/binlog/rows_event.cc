#include "binlog/rows_event.h"

#include <fmt/format.h>

#include <bit>

#include "binlog/compression.h"
#include "binlog/json_diff.h"

namespace dm::binlog {
namespace {

// MySQL v2 extra-data type of the partition info.
constexpr uint8_t kExtraDataPartitionInfo = 1;
// PARTIAL_UPDATE_ROWS value_options bit: JSON columns may hold diffs.
constexpr uint64_t kPartialJsonUpdates = 1;

size_t CountPresent(std::span<const uint8_t> bitmap, size_t columns) {
  size_t n = 0;
  for (size_t i = 0; i < bitmap.size(); ++i) {
    uint8_t b = bitmap[i];
    if (i == bitmap.size() - 1 && columns % 8 != 0) b &= static_cast<uint8_t>((1u << (columns % 8)) - 1);
    n += static_cast<size_t>(std::popcount(b));
  }
  return n;
}

}  // namespace

Result<RowsEvent> DecodeRowsEvent(const RawEvent& event, const FormatDescription& format, std::string* scratch) {
  EventReader r = BodyReader(event, format);
  RowsEvent out;
  out.type = event.header.type;
  out.position = event.position;
  const auto traits = GetRowsEventTraits(event.header.type);
  if (!traits) {
    r.Fail(fmt::format("{} is not a rows event", EventTypeName(event.header.type)));
    return r.status();
  }
  out.traits = *traits;
  const size_t body_start = r.position();
  const uint8_t default_post_header = out.traits.version == 2 ? 10 : 8;
  const uint8_t post_header = format.PostHeaderLength(UncompressedEventType(event.header.type), default_post_header);
  out.table_id = r.ReadUInt(post_header == 6 ? 4 : 6, "table_id");
  out.flags = r.ReadU16("flags");
  if (out.traits.version == 2) {
    // The length counts its own two bytes.
    const uint16_t extra_length = r.ReadU16("extra_data_length");
    if (r.ok() && extra_length < 2) r.Fail(fmt::format("extra_data_length {} is below 2", extra_length));
    out.extra_data = r.ReadSpan(extra_length - 2u, "extra_data");
    if (r.ok() && !out.extra_data.empty() && out.extra_data[0] == kExtraDataPartitionInfo) {
      EventReader x(out.extra_data, event.position);
      x.Skip(1);
      out.partition_id = x.ReadU16("partition_id");
      if (out.traits.kind == RowsKind::kUpdate && x.remaining() >= 2) {
        out.source_partition_id = x.ReadU16("source_partition_id");
      }
      if (!x.ok()) return x.status();
    }
  }
  if (r.ok() && r.position() < body_start + post_header) r.Skip(body_start + post_header - r.position(), "post-header");
  const uint64_t column_count = r.ReadPackedInt("column count");
  const size_t bitmap_bytes = static_cast<size_t>((column_count + 7) / 8);
  if (r.ok() && bitmap_bytes > r.remaining()) {
    r.Fail(fmt::format("column count {} exceeds the bytes left", column_count));
  }
  if (!r.ok()) return r.status();
  out.column_count = static_cast<uint32_t>(column_count);
  out.columns_before = r.ReadSpan(bitmap_bytes, "columns bitmap");
  out.columns_after = out.columns_before;
  if (out.traits.kind == RowsKind::kUpdate) out.columns_after = r.ReadSpan(bitmap_bytes, "after-image columns bitmap");
  if (!r.ok()) return r.status();
  std::span<const uint8_t> rest = r.ReadSpan(r.remaining());
  if (out.traits.compressed) {
    DM_RETURN_IF_ERROR(InflateMariaDbPayload(rest, event.position, scratch));
    out.rows = std::span(reinterpret_cast<const uint8_t*>(scratch->data()), scratch->size());
    out.rows_offset = 0;
  } else {
    out.rows = rest;
    out.rows_offset = static_cast<uint64_t>(rest.data() - event.bytes.data());
  }
  return out;
}

RowsReader::RowsReader(const RowsEvent& event, const TableMap& map)
    : event_(event), map_(map), reader_(event.rows, event.position + event.rows_offset) {
  if (event.table_id != map.table_id) {
    status_ = Status(StatusCode::kCorruption,
                     fmt::format("rows event at position {} is for table id {}, the TABLE_MAP given is for {}",
                                 event.position, event.table_id, map.table_id),
                     ErrorCode::kBinlogTableMapMissing);
  } else if (event.column_count != map.columns.size()) {
    status_ = Status(StatusCode::kCorruption,
                     fmt::format("rows event at position {} has {} columns, its TABLE_MAP for `{}`.`{}` {}",
                                 event.position, event.column_count, map.schema, map.table, map.columns.size()),
                     ErrorCode::kBinlogSchemaMismatch);
  }
  present_before_ = CountPresent(event.columns_before, event.column_count);
  present_after_ = CountPresent(event.columns_after, event.column_count);
  if (event.traits.partial) {
    for (const ColumnInfo& column : map.columns) json_columns_ += column.meta.type == ColumnType::kJson ? 1 : 0;
  }
}

void RowsReader::ReadImage(std::span<const uint8_t> present, size_t present_count, std::span<Value> out,
                           std::span<const uint8_t> partial_json) {
  std::span<const uint8_t> nulls = reader_.ReadSpan((present_count + 7) / 8, "null bitmap");
  if (!reader_.ok()) return;
  size_t j = 0;       // index among present columns
  size_t json = 0;    // index among JSON columns, present or not
  for (size_t i = 0; i < out.size(); ++i) {
    Value& v = out[i];
    // The partial bit is counted before the presence check: the bitmap has a
    // bit for every JSON column of the table.
    bool diff = false;
    if (!partial_json.empty() && map_.columns[i].meta.type == ColumnType::kJson) {
      diff = ((partial_json[json / 8] >> (json % 8)) & 1) != 0;
      ++json;
    }
    if (((present[i / 8] >> (i % 8)) & 1) == 0) {
      v.kind = ValueKind::kAbsent;
      continue;
    }
    if ((nulls[j / 8] >> (j % 8)) & 1) {
      v.kind = ValueKind::kNull;
    } else {
      if (diff) [[unlikely]] {
        DecodeJsonDiffValue(map_.columns[i], reader_, &v);
      } else {
        DecodeValue(map_.columns[i], reader_, &v);
      }
      if (!reader_.ok()) return;
    }
    ++j;
  }
}

Status RowsReader::Next(std::span<Value> before, std::span<Value> after) {
  if (!status_.ok()) return status_;
  if (!reader_.ok()) return reader_.status();
  const size_t n = map_.columns.size();
  const RowsKind kind = event_.traits.kind;
  const bool wants_before = kind != RowsKind::kWrite;
  const bool wants_after = kind != RowsKind::kDelete;
  if ((wants_before && before.size() != n) || (wants_after && after.size() != n)) {
    return Status::Internal(fmt::format("RowsReader::Next needs {} values per image", n));
  }
  const size_t start = reader_.position();
  if (wants_before) ReadImage(event_.columns_before, present_before_, before);
  std::span<const uint8_t> partial_json;
  if (event_.traits.partial && reader_.ok()) {
    // PARTIAL_UPDATE_ROWS: value_options between the images; bit 0
    // (PARTIAL_JSON_UPDATES) adds a bitmap of the JSON columns logged as diffs.
    const uint64_t options = reader_.ReadPackedInt("value_options");
    if (reader_.ok() && (options & kPartialJsonUpdates) != 0 && json_columns_ > 0) {
      partial_json = reader_.ReadSpan((json_columns_ + 7) / 8, "partial JSON bitmap");
    }
  }
  if (wants_after) ReadImage(event_.columns_after, present_after_, after, partial_json);
  if (reader_.ok() && reader_.position() == start) {
    // An image of zero columns consumes nothing: refuse rather than loop.
    reader_.Fail("row image of no columns");
  }
  if (!reader_.ok()) {
    status_ = reader_.status().WithContext(fmt::format("table `{}`.`{}`", map_.schema, map_.table));
    return status_;
  }
  return Status::OK();
}

}  // namespace dm::binlog
