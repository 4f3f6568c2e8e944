#include "binlog/table_map.h"

#include <fmt/format.h>

namespace dm::binlog {
namespace {

// Indexes of the columns a per-kind optional field talks about.
template <typename Pred>
std::vector<uint32_t> ColumnsWhere(const TableMap& map, Pred&& pred) {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < map.columns.size(); ++i) {
    if (pred(map.columns[i].meta)) out.push_back(i);
  }
  return out;
}

uint32_t ReadIndex(EventReader& r, size_t bound, std::string_view field) {
  const uint64_t v = r.ReadPackedInt(field);
  if (r.ok() && v >= bound) r.Fail(fmt::format("{} {} out of range (< {})", field, v, bound));
  return static_cast<uint32_t>(v);
}

// DEFAULT_CHARSET and ENUM_AND_SET_DEFAULT_CHARSET: a default collation, then
// (index among `columns`, collation) pairs for the exceptions.
void ReadDefaultCharset(EventReader& r, const std::vector<uint32_t>& columns, TableMap* map) {
  const auto collation = static_cast<uint32_t>(r.ReadPackedInt("default collation"));
  for (uint32_t c : columns) map->columns[c].charset = collation;
  while (r.ok() && r.remaining() > 0) {
    const uint32_t index = ReadIndex(r, columns.size(), "charset column index");
    const auto exception = static_cast<uint32_t>(r.ReadPackedInt("column collation"));
    if (r.ok()) map->columns[columns[index]].charset = exception;
  }
}

// COLUMN_CHARSET and ENUM_AND_SET_COLUMN_CHARSET: one collation per column.
void ReadColumnCharsets(EventReader& r, const std::vector<uint32_t>& columns, TableMap* map) {
  for (uint32_t c : columns) map->columns[c].charset = static_cast<uint32_t>(r.ReadPackedInt("column collation"));
}

// SET_STR_VALUE and ENUM_STR_VALUE: per column, a member count and members.
void ReadElements(EventReader& r, const std::vector<uint32_t>& columns, TableMap* map) {
  for (uint32_t c : columns) {
    const uint64_t count = r.ReadPackedInt("member count");
    // Each member takes at least its length byte: bound before reserving.
    if (r.ok() && count > r.remaining()) r.Fail(fmt::format("member count {} exceeds the bytes left", count));
    if (!r.ok()) return;
    auto& elements = map->columns[c].elements;
    elements.clear();
    elements.reserve(count);
    for (uint64_t i = 0; i < count && r.ok(); ++i) elements.emplace_back(r.ReadPackedString("member"));
  }
}

void ReadBitmap(EventReader& r, const std::vector<uint32_t>& columns, bool* (*target)(ColumnInfo&), TableMap* map) {
  std::span<const uint8_t> bits = r.ReadSpan((columns.size() + 7) / 8, "bitmap");
  if (!r.ok()) return;
  for (size_t i = 0; i < columns.size(); ++i) {
    *target(map->columns[columns[i]]) = (bits[i / 8] & (0x80 >> (i % 8))) != 0;
  }
}

void ReadOptionalField(OptionalMetadataType type, EventReader& r, TableMap* map) {
  auto all = [](const ColumnMeta&) { return true; };
  switch (type) {
    case OptionalMetadataType::kSignedness: {
      const bool mariadb = map->mariadb;
      ReadBitmap(r, ColumnsWhere(*map, [&](const ColumnMeta& m) { return IsNumericColumn(m, mariadb); }),
                 [](ColumnInfo& c) { return &c.is_unsigned; }, map);
      break;
    }
    case OptionalMetadataType::kDefaultCharset:
    case OptionalMetadataType::kColumnCharset: {
      const bool mariadb = map->mariadb;
      const std::vector<uint32_t> columns =
          ColumnsWhere(*map, [&](const ColumnMeta& m) { return IsCharacterColumn(m, mariadb); });
      if (type == OptionalMetadataType::kDefaultCharset) {
        ReadDefaultCharset(r, columns, map);
      } else {
        ReadColumnCharsets(r, columns, map);
      }
      break;
    }
    case OptionalMetadataType::kColumnName:
      for (auto& column : map->columns) column.name = std::string(r.ReadPackedString("column name"));
      break;
    case OptionalMetadataType::kSetStrValue:
      ReadElements(r, ColumnsWhere(*map, [](const ColumnMeta& m) { return m.real_type == ColumnType::kSet; }), map);
      break;
    case OptionalMetadataType::kEnumStrValue:
      ReadElements(r, ColumnsWhere(*map, [](const ColumnMeta& m) { return m.real_type == ColumnType::kEnum; }), map);
      break;
    case OptionalMetadataType::kGeometryType:
      for (uint32_t c : ColumnsWhere(*map, [](const ColumnMeta& m) { return m.type == ColumnType::kGeometry; })) {
        map->columns[c].geometry_type = static_cast<uint32_t>(r.ReadPackedInt("geometry type"));
      }
      break;
    case OptionalMetadataType::kSimplePrimaryKey:
      map->primary_key.clear();
      while (r.ok() && r.remaining() > 0) {
        map->primary_key.push_back({ReadIndex(r, map->columns.size(), "primary key column"), 0});
      }
      break;
    case OptionalMetadataType::kPrimaryKeyWithPrefix:
      map->primary_key.clear();
      while (r.ok() && r.remaining() > 0) {
        PrimaryKeyPart part;
        part.column = ReadIndex(r, map->columns.size(), "primary key column");
        part.prefix_length = static_cast<uint32_t>(r.ReadPackedInt("primary key prefix"));
        map->primary_key.push_back(part);
      }
      break;
    case OptionalMetadataType::kEnumAndSetDefaultCharset:
      ReadDefaultCharset(r, ColumnsWhere(*map, IsEnumOrSetColumn), map);
      break;
    case OptionalMetadataType::kEnumAndSetColumnCharset:
      ReadColumnCharsets(r, ColumnsWhere(*map, IsEnumOrSetColumn), map);
      break;
    case OptionalMetadataType::kColumnVisibility:
      ReadBitmap(r, ColumnsWhere(*map, all), [](ColumnInfo& c) { return &c.visible; }, map);
      break;
  }
}

}  // namespace

Result<TableMap> DecodeTableMap(const RawEvent& event, const FormatDescription& format) {
  EventReader r = BodyReader(event, format);
  TableMap map;
  map.mariadb = format.flavor == ServerFlavor::kMariaDb;
  // Post-header: a 6-byte table id (4 bytes when the post-header is 6) and flags.
  const uint8_t post_header = format.PostHeaderLength(EventType::kTableMap, 8);
  map.table_id = r.ReadUInt(post_header == 6 ? 4 : 6, "table_id");
  map.flags = r.ReadU16("flags");
  if (post_header > 8) r.Skip(post_header - 8u, "post-header");
  const uint8_t schema_length = r.ReadU8("schema name length");
  map.schema = std::string(r.ReadBytes(schema_length, "schema name"));
  r.Skip(1, "schema name terminator");
  const uint8_t table_length = r.ReadU8("table name length");
  map.table = std::string(r.ReadBytes(table_length, "table name"));
  r.Skip(1, "table name terminator");
  const uint64_t column_count = r.ReadPackedInt("column count");
  // One type byte per column: bound the count before allocating.
  if (r.ok() && column_count > r.remaining()) {
    r.Fail(fmt::format("column count {} exceeds the {} bytes left", column_count, r.remaining()));
  }
  if (!r.ok()) return r.status();
  std::span<const uint8_t> types = r.ReadSpan(column_count, "column types");
  const uint64_t meta_length = r.ReadPackedInt("metadata length");
  if (r.ok() && meta_length > r.remaining()) {
    r.Fail(fmt::format("metadata length {} exceeds the {} bytes left", meta_length, r.remaining()));
  }
  if (!r.ok()) return r.status();
  map.columns.resize(column_count);
  {
    EventReader meta(event.bytes, event.position);
    meta.SetLimit(r.position() + meta_length);
    meta.Skip(r.position());
    for (size_t i = 0; i < column_count && meta.ok(); ++i) {
      const auto type = static_cast<ColumnType>(types[i]);
      if (!IsSupportedColumnType(type)) {
        return Status(StatusCode::kCorruption,
                      fmt::format("table `{}`.`{}` column {} at position {}: unsupported column type {} ({})",
                                  map.schema, map.table, i, event.position, static_cast<int>(type),
                                  ColumnTypeName(type)),
                      ErrorCode::kBinlogUnsupportedColumnType);
      }
      map.columns[i].meta = ReadColumnMeta(type, meta);
    }
    if (meta.ok() && meta.remaining() != 0) {
      meta.Fail(fmt::format("{} metadata bytes left after the last column", meta.remaining()));
    }
    if (!meta.ok()) return meta.status();
    r.Skip(meta_length);
  }
  std::span<const uint8_t> nullable = r.ReadSpan((column_count + 7) / 8, "null bitmap");
  if (!r.ok()) return r.status();
  for (size_t i = 0; i < column_count; ++i) map.columns[i].nullable = (nullable[i / 8] >> (i % 8)) & 1;

  while (r.ok() && r.remaining() > 0) {
    const uint8_t type = r.ReadU8("optional metadata type");
    const uint64_t length = r.ReadPackedInt("optional metadata length");
    if (r.ok() && length > r.remaining()) {
      r.Fail(fmt::format("optional metadata field {} of {} bytes exceeds the {} bytes left", type, length,
                         r.remaining()));
    }
    if (!r.ok()) break;
    if (type >= static_cast<uint8_t>(OptionalMetadataType::kSignedness) &&
        type <= static_cast<uint8_t>(OptionalMetadataType::kColumnVisibility)) {
      EventReader field(event.bytes, event.position);
      field.SetLimit(r.position() + length);
      field.Skip(r.position());
      ReadOptionalField(static_cast<OptionalMetadataType>(type), field, &map);
      if (!field.ok()) return field.status();
      map.optional_fields |= uint32_t{1} << type;
    }
    r.Skip(length);
  }
  if (!r.ok()) return r.status();
  return map;
}

Status ApplySchema(const TableSchema& schema, TableMap* map) {
  if (schema.columns.size() != map->columns.size()) {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("table `{}`.`{}`: the schema has {} columns, the binlog's TABLE_MAP {}", map->schema,
                              map->table, schema.columns.size(), map->columns.size()),
                  ErrorCode::kBinlogSchemaMismatch);
  }
  const bool has_signedness = map->Has(OptionalMetadataType::kSignedness);
  const bool has_charsets = map->Has(OptionalMetadataType::kDefaultCharset) || map->Has(OptionalMetadataType::kColumnCharset);
  const bool has_enum_charsets = map->Has(OptionalMetadataType::kEnumAndSetDefaultCharset) ||
                                 map->Has(OptionalMetadataType::kEnumAndSetColumnCharset);
  const bool has_names = map->Has(OptionalMetadataType::kColumnName);
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    const ColumnSchema& given = schema.columns[i];
    ColumnInfo& column = map->columns[i];
    if (!has_signedness) column.is_unsigned = given.is_unsigned;
    const bool enum_or_set = IsEnumOrSetColumn(column.meta);
    if (enum_or_set ? !has_enum_charsets : !has_charsets) column.charset = given.charset;
    if (!has_names) column.name = given.name;
    const bool members_known = column.meta.real_type == ColumnType::kEnum
                                   ? map->Has(OptionalMetadataType::kEnumStrValue)
                                   : map->Has(OptionalMetadataType::kSetStrValue);
    if (enum_or_set && !members_known) column.elements = given.elements;
  }
  return Status::OK();
}

Result<TableMap*> TableMapCache::Update(const RawEvent& event, const FormatDescription& format, bool* fresh) {
  EventReader r = BodyReader(event, format);
  const size_t begin = r.position();
  if (!r.ok()) return r.status();
  const std::span<const uint8_t> body = event.bytes.subspan(begin, r.limit() - begin);
  // The table id sits at the start of the body in every layout.
  const uint64_t table_id = r.ReadUInt(format.PostHeaderLength(EventType::kTableMap, 8) == 6 ? 4 : 6, "table_id");
  if (!r.ok()) return r.status();
  if (auto it = entries_.find(table_id); it != entries_.end() && std::equal(body.begin(), body.end(), it->second.body.begin(), it->second.body.end())) {
    *fresh = false;
    return &it->second.map;
  }
  DM_ASSIGN_OR_RETURN(TableMap map, DecodeTableMap(event, format));
  if (entries_.size() >= kMaxTables && entries_.find(table_id) == entries_.end()) entries_.clear();
  Entry& entry = entries_[table_id];
  entry.body.assign(body.begin(), body.end());
  entry.map = std::move(map);
  *fresh = true;
  return &entry.map;
}

const TableMap* TableMapCache::Find(uint64_t table_id) const {
  auto it = entries_.find(table_id);
  return it == entries_.end() ? nullptr : &it->second.map;
}

}  // namespace dm::binlog
