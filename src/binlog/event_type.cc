#include "binlog/event_type.h"

#include <array>

namespace dm::binlog {
namespace {

struct TypeEntry {
  EventType type;
  std::string_view name;
};

constexpr TypeEntry kTypes[] = {
#define DM_BINLOG_EVENT_TYPE_ENTRY(name, code, str) {EventType::name, str},
    DM_BINLOG_EVENT_TYPES(DM_BINLOG_EVENT_TYPE_ENTRY)
#undef DM_BINLOG_EVENT_TYPE_ENTRY
};

// Name by type code (empty: unknown code). EventTypeName runs once per
// printed event, so it indexes instead of searching kTypes.
constexpr std::array<std::string_view, 256> kNames = [] {
  std::array<std::string_view, 256> names{};
  for (const auto& e : kTypes) names[static_cast<uint8_t>(e.type)] = e.name;
  return names;
}();

}  // namespace

std::string_view EventTypeName(EventType type) {
  const std::string_view name = kNames[static_cast<uint8_t>(type)];
  return name.empty() ? std::string_view("UNKNOWN_EVENT_TYPE") : name;
}

std::optional<EventType> EventTypeFromName(std::string_view name) {
  for (const auto& e : kTypes) {
    if (e.name == name) return e.type;
  }
  return std::nullopt;
}

bool IsKnownEventType(EventType type) { return !kNames[static_cast<uint8_t>(type)].empty(); }

std::optional<RowsEventTraits> GetRowsEventTraits(EventType type) {
  switch (type) {
    case EventType::kWriteRowsV1: return RowsEventTraits{RowsKind::kWrite, 1, false, false};
    case EventType::kUpdateRowsV1: return RowsEventTraits{RowsKind::kUpdate, 1, false, false};
    case EventType::kDeleteRowsV1: return RowsEventTraits{RowsKind::kDelete, 1, false, false};
    case EventType::kWriteRowsV2: return RowsEventTraits{RowsKind::kWrite, 2, false, false};
    case EventType::kUpdateRowsV2: return RowsEventTraits{RowsKind::kUpdate, 2, false, false};
    case EventType::kDeleteRowsV2: return RowsEventTraits{RowsKind::kDelete, 2, false, false};
    case EventType::kPartialUpdateRows: return RowsEventTraits{RowsKind::kUpdate, 2, false, true};
    case EventType::kMariaWriteRowsCompressedV1: return RowsEventTraits{RowsKind::kWrite, 1, true, false};
    case EventType::kMariaUpdateRowsCompressedV1: return RowsEventTraits{RowsKind::kUpdate, 1, true, false};
    case EventType::kMariaDeleteRowsCompressedV1: return RowsEventTraits{RowsKind::kDelete, 1, true, false};
    case EventType::kMariaWriteRowsCompressed: return RowsEventTraits{RowsKind::kWrite, 2, true, false};
    case EventType::kMariaUpdateRowsCompressed: return RowsEventTraits{RowsKind::kUpdate, 2, true, false};
    case EventType::kMariaDeleteRowsCompressed: return RowsEventTraits{RowsKind::kDelete, 2, true, false};
    default: return std::nullopt;
  }
}

EventType UncompressedEventType(EventType type) {
  switch (type) {
    case EventType::kMariaQueryCompressed: return EventType::kQuery;
    case EventType::kMariaWriteRowsCompressedV1: return EventType::kWriteRowsV1;
    case EventType::kMariaUpdateRowsCompressedV1: return EventType::kUpdateRowsV1;
    case EventType::kMariaDeleteRowsCompressedV1: return EventType::kDeleteRowsV1;
    case EventType::kMariaWriteRowsCompressed: return EventType::kWriteRowsV2;
    case EventType::kMariaUpdateRowsCompressed: return EventType::kUpdateRowsV2;
    case EventType::kMariaDeleteRowsCompressed: return EventType::kDeleteRowsV2;
    default: return type;
  }
}

}  // namespace dm::binlog
