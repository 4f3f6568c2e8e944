// One client session with a MySQL/MariaDB server over libmariadb
// (Connector/C 3.3), and the result sets it returns.
//
// Values are bytes exactly as the server sent them in the text protocol: a
// column value is std::optional<std::string>, where nullopt is SQL NULL and
// "" is the empty string, and embedded 0x00 bytes are kept (lengths come from
// mysql_fetch_lengths, never strlen).
//
// Errors are classified by mysql/error.h: a lost connection is kUnavailable,
// a deadlock kAborted. Messages carry "host:port: Error N (SQLSTATE): text"
// and never the password.
//
// Thread-safety: a Connection and its ResultSets are used by one thread at a
// time (libmariadb's rule). Different Connections may be used concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/secret.h"
#include "common/status.h"
#include "mysql/quote.h"

struct st_mysql;  // MYSQL from <mysql.h>, kept out of this header

namespace dm::mysql {

// TLS settings, as DM's `security` section of a source or target config.
struct TlsOptions {
  std::string ssl_ca;    // CA file; when set, the server certificate is verified
                         // against it and against the host name
  std::string ssl_cert;  // client certificate file
  std::string ssl_key;   // client private key file
  // When not empty, the connection is refused unless the common name of the
  // server certificate or of a certificate in its verified chain is one of
  // these (DM's cert-allowed-cn).
  std::vector<std::string> cert_allowed_cn;

  // True when any TLS option is set; TLS is then required, never silently
  // skipped when the server does not offer it.
  bool enabled() const { return !ssl_ca.empty() || !ssl_cert.empty() || !ssl_key.empty(); }
};

struct ConnectionOptions {
  std::string host = "127.0.0.1";  // always TCP, also for "localhost"
  uint16_t port = 3306;
  std::string user = "root";
  Secret password;
  std::string database;             // default schema; empty for none
  std::string charset = "utf8mb4";  // connection character set (SET NAMES)
  std::chrono::seconds connect_timeout{10};
  // 0 means no limit. Not set by default because long DDL and server-side
  // sorts legitimately keep a read waiting for minutes.
  std::chrono::seconds read_timeout{0};
  std::chrono::seconds write_timeout{0};
  // Session variables set right after connecting, as DM's `session` map:
  // {"time_zone", "+00:00"}, {"sql_mode", "..."}, {"foreign_key_checks", "0"}.
  // A value that is a number, DEFAULT, or already single-quoted is sent as
  // it is; anything else is sent as a string literal. Names must be
  // [A-Za-z0-9_]+.
  std::map<std::string, std::string> session_variables;
  TlsOptions tls;
  // Largest packet the client accepts or sends; 0 keeps libmariadb's default
  // (1 GiB). The server's own max_allowed_packet still applies.
  uint64_t max_allowed_packet = 0;
  // Lets one Execute() carry several statements separated by ';' (one round
  // trip for a whole batch). Off by default: a statement built from
  // untrusted text could then smuggle in another.
  bool multi_statements = false;

  // "host:port" (IPv6 hosts in brackets), for messages.
  std::string Endpoint() const;
};

// Metadata of one result column (from MYSQL_FIELD).
struct ColumnInfo {
  std::string name;           // alias as selected
  std::string original_name;  // column name in the table, "" for expressions
  std::string table;          // table alias, "" for expressions
  std::string schema;
  uint32_t type = 0;       // enum_field_types (MYSQL_TYPE_*)
  uint32_t flags = 0;      // NOT_NULL_FLAG, PRI_KEY_FLAG, UNSIGNED_FLAG, BINARY_FLAG, ...
  uint32_t charsetnr = 0;  // collation id; 63 is binary
  uint64_t length = 0;     // display length in bytes
  uint32_t decimals = 0;

  bool IsBinary() const { return charsetnr == 63; }
};

using Value = std::optional<std::string>;  // nullopt is SQL NULL
using Row = std::vector<Value>;

// A result value that must be an unsigned decimal number (a checkpoint
// column, a counter); Corruption naming `what` when it is NULL or not one.
Result<uint64_t> ParseUnsigned(const Value& value, std::string_view what);

class Connection;

// The rows of one statement. Buffered results hold all rows on the client;
// streaming results (mysql_use_result) read one row at a time from the socket,
// so memory stays bounded whatever the table size.
//
// REQUIRES: the Connection that produced it outlives it and runs no other
// statement until it is destroyed (a streaming result occupies the session;
// destroying it early reads and discards the remaining rows).
class ResultSet {
 public:
  ResultSet(ResultSet&& other) noexcept;
  ResultSet& operator=(ResultSet&& other) noexcept;
  ResultSet(const ResultSet&) = delete;
  ResultSet& operator=(const ResultSet&) = delete;
  ~ResultSet();

  const std::vector<ColumnInfo>& columns() const { return columns_; }
  bool streaming() const { return streaming_; }

  // Advances to the next row. Returns false after the last row, or the error
  // that ended a streaming read (kUnavailable when the connection dropped).
  Result<bool> Next();

  // Accessors of the current row, valid until the next Next().
  // REQUIRES: the last Next() returned true and i < columns().size().
  bool IsNull(size_t i) const;
  std::optional<std::string_view> View(size_t i) const;  // nullopt for NULL
  Value Get(size_t i) const;
  // Copies the current row into *row, reusing its storage.
  void CopyRow(Row* row) const;

  // Rows read so far by Next(); for buffered results, total_rows() is known
  // up front.
  uint64_t rows_read() const { return rows_read_; }
  uint64_t total_rows() const;

  // Reads all remaining rows.
  Result<std::vector<Row>> FetchAll();

 private:
  friend class Connection;
  struct Native;
  ResultSet(std::unique_ptr<Native> native, bool streaming, std::vector<ColumnInfo> columns);

  std::unique_ptr<Native> native_;
  bool streaming_ = false;
  std::vector<ColumnInfo> columns_;
  uint64_t rows_read_ = 0;
};

enum class QueryMode { kBuffered, kStreaming };

// RAII session: the destructor closes it. Move-only.
class Connection {
 public:
  // Opens a session: sets libmariadb options (timeouts, charset, TLS,
  // local-infile on), connects over TCP, checks cert_allowed_cn, then sets
  // the session variables. Returns InvalidArgument for options that are
  // wrong before any network traffic (unreadable TLS file, bad variable
  // name), else the classified server/client error.
  static Result<Connection> Connect(const ConnectionOptions& options);

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs a statement and discards any result rows. affected_rows() and
  // last_insert_id() describe it afterwards.
  Status Execute(std::string_view sql);

  // Runs a `LOAD DATA LOCAL INFILE` statement whose file content is `data`,
  // whatever file name the statement gives. The server's requests for local
  // files are refused at any other time.
  Status LoadDataLocal(std::string_view sql, std::string_view data);

  // Runs a statement that returns rows. InvalidArgument when it returns none
  // (use Execute for those).
  Result<ResultSet> Query(std::string_view sql, QueryMode mode = QueryMode::kBuffered);
  // Buffered Query, all rows copied out.
  Result<std::vector<Row>> QueryRows(std::string_view sql);
  // First column of the first row; NotFound when there is no row.
  Result<Value> QueryValue(std::string_view sql);

  // Counters of the last Execute (or Query: rows of a buffered result).
  uint64_t affected_rows() const;
  uint64_t last_insert_id() const;
  uint32_t warning_count() const;

  Status Ping();
  Status Begin();  // START TRANSACTION
  Status Commit();
  Status Rollback();
  // True while the server reports an open transaction (SERVER_STATUS_IN_TRANS).
  bool in_transaction() const;

  uint64_t thread_id() const;              // CONNECTION_ID() of this session
  std::string server_version() const;      // "10.11.19-MariaDB-0+deb12u1-log"
  uint64_t server_version_number() const;  // 101119
  bool is_mariadb() const;
  // How string literals must be escaped in this session (follows sql_mode).
  StringEscaping escaping() const;

  // True once a statement failed with a connection-level error: the session
  // is gone and must not be reused.
  bool broken() const;
  // MySQL error number of the last failed call, 0 after a success.
  int last_error_number() const;
  const std::string& endpoint() const;

  // The libmariadb handle, for protocol-level users (binlog dump). The
  // Connection keeps ownership. REQUIRES: not used after the Connection dies.
  st_mysql* native_handle();

 private:
  friend class ResultSet;
  struct State;
  explicit Connection(std::unique_ptr<State> state);
  Status Fail(ErrorCode tag);

  std::unique_ptr<State> state_;
};

}  // namespace dm::mysql
