// Binlog event type codes of MySQL (0-42) and MariaDB (160-171), with their
// names. See docs/formats/binlog_events.md for the events dm decodes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace dm::binlog {

// X(enumerator, code, name as the servers' sources spell it)
#define DM_BINLOG_EVENT_TYPES(X)                                          \
  X(kUnknown, 0, "UNKNOWN_EVENT")                                         \
  X(kStartV3, 1, "START_EVENT_V3")                                        \
  X(kQuery, 2, "QUERY_EVENT")                                             \
  X(kStop, 3, "STOP_EVENT")                                               \
  X(kRotate, 4, "ROTATE_EVENT")                                           \
  X(kIntvar, 5, "INTVAR_EVENT")                                           \
  X(kLoad, 6, "LOAD_EVENT")                                               \
  X(kSlave, 7, "SLAVE_EVENT")                                             \
  X(kCreateFile, 8, "CREATE_FILE_EVENT")                                  \
  X(kAppendBlock, 9, "APPEND_BLOCK_EVENT")                                \
  X(kExecLoad, 10, "EXEC_LOAD_EVENT")                                     \
  X(kDeleteFile, 11, "DELETE_FILE_EVENT")                                 \
  X(kNewLoad, 12, "NEW_LOAD_EVENT")                                       \
  X(kRand, 13, "RAND_EVENT")                                              \
  X(kUserVar, 14, "USER_VAR_EVENT")                                       \
  X(kFormatDescription, 15, "FORMAT_DESCRIPTION_EVENT")                   \
  X(kXid, 16, "XID_EVENT")                                                \
  X(kBeginLoadQuery, 17, "BEGIN_LOAD_QUERY_EVENT")                        \
  X(kExecuteLoadQuery, 18, "EXECUTE_LOAD_QUERY_EVENT")                    \
  X(kTableMap, 19, "TABLE_MAP_EVENT")                                     \
  X(kPreGaWriteRows, 20, "PRE_GA_WRITE_ROWS_EVENT")                       \
  X(kPreGaUpdateRows, 21, "PRE_GA_UPDATE_ROWS_EVENT")                     \
  X(kPreGaDeleteRows, 22, "PRE_GA_DELETE_ROWS_EVENT")                     \
  X(kWriteRowsV1, 23, "WRITE_ROWS_EVENT_V1")                              \
  X(kUpdateRowsV1, 24, "UPDATE_ROWS_EVENT_V1")                            \
  X(kDeleteRowsV1, 25, "DELETE_ROWS_EVENT_V1")                            \
  X(kIncident, 26, "INCIDENT_EVENT")                                      \
  X(kHeartbeat, 27, "HEARTBEAT_LOG_EVENT")                                \
  X(kIgnorable, 28, "IGNORABLE_LOG_EVENT")                                \
  X(kRowsQuery, 29, "ROWS_QUERY_LOG_EVENT")                               \
  X(kWriteRowsV2, 30, "WRITE_ROWS_EVENT")                                 \
  X(kUpdateRowsV2, 31, "UPDATE_ROWS_EVENT")                               \
  X(kDeleteRowsV2, 32, "DELETE_ROWS_EVENT")                               \
  X(kGtid, 33, "GTID_LOG_EVENT")                                          \
  X(kAnonymousGtid, 34, "ANONYMOUS_GTID_LOG_EVENT")                       \
  X(kPreviousGtids, 35, "PREVIOUS_GTIDS_LOG_EVENT")                       \
  X(kTransactionContext, 36, "TRANSACTION_CONTEXT_EVENT")                 \
  X(kViewChange, 37, "VIEW_CHANGE_EVENT")                                 \
  X(kXaPrepare, 38, "XA_PREPARE_LOG_EVENT")                               \
  X(kPartialUpdateRows, 39, "PARTIAL_UPDATE_ROWS_EVENT")                  \
  X(kTransactionPayload, 40, "TRANSACTION_PAYLOAD_EVENT")                 \
  X(kHeartbeatV2, 41, "HEARTBEAT_LOG_EVENT_V2")                           \
  X(kGtidTagged, 42, "GTID_TAGGED_LOG_EVENT")                             \
  X(kMariaAnnotateRows, 160, "ANNOTATE_ROWS_EVENT")                       \
  X(kMariaBinlogCheckpoint, 161, "BINLOG_CHECKPOINT_EVENT")               \
  X(kMariaGtid, 162, "GTID_EVENT")                                        \
  X(kMariaGtidList, 163, "GTID_LIST_EVENT")                               \
  X(kMariaStartEncryption, 164, "START_ENCRYPTION_EVENT")                 \
  X(kMariaQueryCompressed, 165, "QUERY_COMPRESSED_EVENT")                 \
  X(kMariaWriteRowsCompressedV1, 166, "WRITE_ROWS_COMPRESSED_EVENT_V1")   \
  X(kMariaUpdateRowsCompressedV1, 167, "UPDATE_ROWS_COMPRESSED_EVENT_V1") \
  X(kMariaDeleteRowsCompressedV1, 168, "DELETE_ROWS_COMPRESSED_EVENT_V1") \
  X(kMariaWriteRowsCompressed, 169, "WRITE_ROWS_COMPRESSED_EVENT")        \
  X(kMariaUpdateRowsCompressed, 170, "UPDATE_ROWS_COMPRESSED_EVENT")      \
  X(kMariaDeleteRowsCompressed, 171, "DELETE_ROWS_COMPRESSED_EVENT")

// The type code in byte 4 of every event header. Codes not listed are still
// representable (static_cast) and are skipped by length, never an error.
enum class EventType : uint8_t {
#define DM_BINLOG_EVENT_TYPE_ENUM(name, code, str) name = code,
  DM_BINLOG_EVENT_TYPES(DM_BINLOG_EVENT_TYPE_ENUM)
#undef DM_BINLOG_EVENT_TYPE_ENUM
};

// "QUERY_EVENT"; "UNKNOWN_EVENT_TYPE" for a code not in the list.
std::string_view EventTypeName(EventType type);
// The inverse of EventTypeName; nullopt for an unknown name.
std::optional<EventType> EventTypeFromName(std::string_view name);
// True for codes in the list above.
bool IsKnownEventType(EventType type);

// What a rows event does to its rows.
enum class RowsKind : uint8_t { kWrite, kUpdate, kDelete };

// Properties of the rows event family (v1, v2, MariaDB compressed, MySQL
// partial update); nullopt when `type` is not a rows event dm decodes.
struct RowsEventTraits {
  RowsKind kind;
  uint8_t version;   // 1: no extra-data field; 2: extra-data after the post-header
  bool compressed;   // MariaDB: the row images are zlib-compressed
  bool partial;      // MySQL PARTIAL_UPDATE_ROWS_EVENT (JSON diffs)
};
std::optional<RowsEventTraits> GetRowsEventTraits(EventType type);

// The uncompressed counterpart of a MariaDB compressed type (mariadb-binlog
// and replicas show compressed events under this type); `type` otherwise.
EventType UncompressedEventType(EventType type);

}  // namespace dm::binlog
