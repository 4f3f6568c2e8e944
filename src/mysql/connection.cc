#include "mysql/connection.h"

#include <fmt/format.h>
#include <mysql.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "mysql/error.h"
#include "mysql/tls_check.h"

namespace dm::mysql {

namespace {

// mysql_library_init is not thread-safe and mysql_init calls it implicitly
// on first use, so the first initialisation is serialised here.
void InitLibraryOnce() {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

bool IsSessionVariableName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool IsNumber(std::string_view v) {
  size_t i = (!v.empty() && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
  bool digits = false;
  bool dot = false;
  for (; i < v.size(); ++i) {
    if (v[i] >= '0' && v[i] <= '9') {
      digits = true;
    } else if (v[i] == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digits;
}

// See ConnectionOptions::session_variables for the rule.
std::string SessionValueLiteral(std::string_view v) {
  if (IsNumber(v)) return std::string(v);
  if (v.size() == 7 && (v == "DEFAULT" || v == "default")) return std::string(v);
  if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') return std::string(v);
  return QuoteString(v);
}

Status CheckReadable(std::string_view option, const std::string& path) {
  if (path.empty() || access(path.c_str(), R_OK) == 0) return Status::OK();
  return Status(StatusCode::kInvalidArgument,
                fmt::format("{} '{}' cannot be read: {}", option, path, std::strerror(errno)),
                ErrorCode::kDBDriverError);
}

std::string Str(const char* s, size_t n) { return s == nullptr ? std::string() : std::string(s, n); }

// The bytes served to the server's request for a LOCAL INFILE. Only
// LoadDataLocal arms it, so a server can never read a client file.
struct LocalInfile {
  std::string_view data;
  size_t sent = 0;
  bool armed = false;
};

// libmariadb's LOCAL INFILE callbacks, reading from LocalInfile::data.
int InfileInit(void** handle, const char* /*filename*/, void* userdata) {
  auto* infile = static_cast<LocalInfile*>(userdata);
  *handle = infile;
  if (!infile->armed) return 1;  // a request dm did not make
  infile->armed = false;
  infile->sent = 0;
  return 0;
}

int InfileRead(void* handle, char* buf, unsigned int size) {
  auto* infile = static_cast<LocalInfile*>(handle);
  size_t n = std::min<size_t>(size, infile->data.size() - infile->sent);
  if (n > 0) std::memcpy(buf, infile->data.data() + infile->sent, n);
  infile->sent += n;
  return static_cast<int>(n);
}

void InfileEnd(void* handle) {
  auto* infile = static_cast<LocalInfile*>(handle);
  if (infile != nullptr) infile->data = {};
}

int InfileError(void* /*handle*/, char* message, unsigned int size) {
  std::snprintf(message, size, "%s", "LOCAL INFILE refused: dm answers only its own LOAD DATA statements");
  return 2000;  // CR_UNKNOWN_ERROR
}

}  // namespace

Result<uint64_t> ParseUnsigned(const Value& value, std::string_view what) {
  if (!value) return Status::Corruption(std::string(what) + " is NULL");
  uint64_t out = 0;
  auto [ptr, ec] = std::from_chars(value->data(), value->data() + value->size(), out);
  if (ec != std::errc() || ptr != value->data() + value->size() || value->empty()) {
    return Status::Corruption(std::string(what) + " '" + *value + "' is not a number");
  }
  return out;
}

std::string ConnectionOptions::Endpoint() const {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

// ---------------------------------------------------------------------------
// Connection state lives behind a pointer so that a ResultSet can refer to it
// while the Connection object itself is moved.

struct Connection::State {
  MYSQL* mysql = nullptr;
  std::string endpoint;
  bool broken = false;
  int last_error = 0;
  uint64_t affected_rows = 0;
  uint64_t last_insert_id = 0;
  uint32_t warning_count = 0;
  LocalInfile infile;

  ~State() {
    if (mysql != nullptr) mysql_close(mysql);
  }

  // Records the current libmariadb error and returns it as a Status.
  Status Error(ErrorCode tag) {
    int number = static_cast<int>(mysql_errno(mysql));
    if (number == 0) number = 2000;  // CR_UNKNOWN_ERROR: an API call failed without a code
    last_error = number;
    if (IsConnectionLost(number)) broken = true;
    return MysqlError(number, mysql_sqlstate(mysql), mysql_error(mysql), endpoint, tag);
  }
};

struct ResultSet::Native {
  MYSQL_RES* res = nullptr;
  Connection::State* conn = nullptr;
  MYSQL_ROW row = nullptr;
  unsigned long* lengths = nullptr;

  ~Native() {
    // For a streaming result this reads and drops the unread rows, which
    // leaves the session usable for the next statement.
    if (res != nullptr) mysql_free_result(res);
  }
};

Connection::Connection(std::unique_ptr<State> state) : state_(std::move(state)) {
  mysql_set_local_infile_handler(state_->mysql, InfileInit, InfileRead, InfileEnd, InfileError, &state_->infile);
}
Connection::Connection(Connection&& other) noexcept = default;
Connection& Connection::operator=(Connection&& other) noexcept = default;
Connection::~Connection() = default;

Result<Connection> Connection::Connect(const ConnectionOptions& options) {
  // Option errors are reported before any network traffic, naming the
  // option, so a typo in a certificate path is not mistaken for a network
  // problem and retried.
  DM_RETURN_IF_ERROR(CheckReadable("ssl-ca", options.tls.ssl_ca));
  DM_RETURN_IF_ERROR(CheckReadable("ssl-cert", options.tls.ssl_cert));
  DM_RETURN_IF_ERROR(CheckReadable("ssl-key", options.tls.ssl_key));
  if (!options.tls.cert_allowed_cn.empty() && !options.tls.enabled()) {
    return Status(StatusCode::kInvalidArgument, "cert-allowed-cn needs ssl-ca, ssl-cert or ssl-key to be set",
                  ErrorCode::kDBDriverError);
  }
  std::string set_sql;
  for (const auto& [name, value] : options.session_variables) {
    if (!IsSessionVariableName(name)) {
      return Status(StatusCode::kInvalidArgument, fmt::format("invalid session variable name '{}'", name),
                    ErrorCode::kDBDriverError);
    }
    set_sql += set_sql.empty() ? "SET SESSION " : ", ";
    set_sql += fmt::format("{} = {}", name, SessionValueLiteral(value));
  }

  InitLibraryOnce();
  auto state = std::make_unique<State>();
  state->endpoint = options.Endpoint();
  state->mysql = mysql_init(nullptr);
  if (state->mysql == nullptr) return Status::Internal("mysql_init failed: out of memory");
  MYSQL* m = state->mysql;

  unsigned int protocol = MYSQL_PROTOCOL_TCP;
  mysql_optionsv(m, MYSQL_OPT_PROTOCOL, &protocol);
  auto seconds = [](std::chrono::seconds s) { return static_cast<unsigned int>(s.count()); };
  unsigned int connect_timeout = seconds(options.connect_timeout);
  unsigned int read_timeout = seconds(options.read_timeout);
  unsigned int write_timeout = seconds(options.write_timeout);
  if (connect_timeout > 0) mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  if (read_timeout > 0) mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  if (write_timeout > 0) mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout);
  mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, options.charset.c_str());
  // The loader uses LOAD DATA LOCAL INFILE (the server must allow it too);
  // requests are answered from memory only (see LoadDataLocal).
  unsigned int local_infile = 1;
  mysql_optionsv(m, MYSQL_OPT_LOCAL_INFILE, &local_infile);
  // Reconnecting behind our back would lose session variables and open
  // transactions; callers see kUnavailable and reconnect explicitly.
  my_bool reconnect = 0;
  mysql_optionsv(m, MYSQL_OPT_RECONNECT, &reconnect);
  if (options.max_allowed_packet > 0) {
    unsigned long packet = static_cast<unsigned long>(options.max_allowed_packet);
    mysql_optionsv(m, MYSQL_OPT_MAX_ALLOWED_PACKET, &packet);
  }
  if (options.tls.enabled()) {
    if (!options.tls.ssl_ca.empty()) mysql_optionsv(m, MYSQL_OPT_SSL_CA, options.tls.ssl_ca.c_str());
    if (!options.tls.ssl_cert.empty()) mysql_optionsv(m, MYSQL_OPT_SSL_CERT, options.tls.ssl_cert.c_str());
    if (!options.tls.ssl_key.empty()) mysql_optionsv(m, MYSQL_OPT_SSL_KEY, options.tls.ssl_key.c_str());
    my_bool enforce = 1;
    mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &enforce);
    // As DM (Go's tls.Config with RootCAs): a CA means the server's chain and
    // host name are checked; without one the link is encrypted only.
    my_bool verify = options.tls.ssl_ca.empty() ? 0 : 1;
    mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
  }

  const char* db = options.database.empty() ? nullptr : options.database.c_str();
  if (mysql_real_connect(m, options.host.c_str(), options.user.c_str(), options.password.reveal().c_str(), db,
                         options.port, nullptr, options.multi_statements ? CLIENT_MULTI_STATEMENTS : 0) == nullptr) {
    return state->Error(ErrorCode::kDBDriverError).WithContext("connect");
  }
  if (!options.tls.cert_allowed_cn.empty()) {
    DM_RETURN_IF_ERROR(CheckServerCertificateCn(m, options.tls.cert_allowed_cn).WithContext(state->endpoint));
  }
  Connection conn(std::move(state));
  if (!set_sql.empty()) DM_RETURN_IF_ERROR(conn.Execute(set_sql).WithContext("set session variables"));
  return conn;
}

Status Connection::Fail(ErrorCode tag) { return state_->Error(tag); }

Status Connection::Execute(std::string_view sql) {
  MYSQL* m = state_->mysql;
  if (mysql_real_query(m, sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
    return Fail(ErrorCode::kDBExecuteFailed);
  }
  // Counters describe the first result; later ones (CALL) would reset them.
  bool first = true;
  for (;;) {
    if (mysql_field_count(m) > 0) {
      // Drain a result set (SELECT via Execute) so the session is ready for
      // the next statement.
      MYSQL_RES* res = mysql_store_result(m);
      if (res == nullptr) return Fail(ErrorCode::kDBExecuteFailed);
      mysql_free_result(res);
    }
    if (first) {
      state_->affected_rows = mysql_affected_rows(m);
      state_->last_insert_id = mysql_insert_id(m);
      state_->warning_count = mysql_warning_count(m);
      first = false;
    }
    if (!mysql_more_results(m)) break;
    if (mysql_next_result(m) > 0) return Fail(ErrorCode::kDBExecuteFailed);
  }
  state_->last_error = 0;
  return Status::OK();
}

Status Connection::LoadDataLocal(std::string_view sql, std::string_view data) {
  state_->infile.data = data;
  state_->infile.armed = true;
  Status s = Execute(sql);
  state_->infile.armed = false;
  state_->infile.data = {};
  return s;
}

Result<ResultSet> Connection::Query(std::string_view sql, QueryMode mode) {
  MYSQL* m = state_->mysql;
  if (mysql_real_query(m, sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
    return Fail(ErrorCode::kDBQueryFailed);
  }
  if (mysql_field_count(m) == 0) {
    return Status::InvalidArgument("statement returned no result set; use Execute");
  }
  bool streaming = mode == QueryMode::kStreaming;
  MYSQL_RES* res = streaming ? mysql_use_result(m) : mysql_store_result(m);
  if (res == nullptr) return Fail(ErrorCode::kDBQueryFailed);
  state_->affected_rows = streaming ? 0 : mysql_affected_rows(m);
  state_->last_insert_id = 0;
  state_->warning_count = mysql_warning_count(m);
  auto native = std::make_unique<ResultSet::Native>();
  native->res = res;
  native->conn = state_.get();

  unsigned int n = mysql_num_fields(res);
  MYSQL_FIELD* fields = mysql_fetch_fields(res);
  std::vector<ColumnInfo> columns(n);
  for (unsigned int i = 0; i < n; ++i) {
    const MYSQL_FIELD& f = fields[i];
    ColumnInfo& c = columns[i];
    c.name = Str(f.name, f.name_length);
    c.original_name = Str(f.org_name, f.org_name_length);
    c.table = Str(f.table, f.table_length);
    c.schema = Str(f.db, f.db_length);
    c.type = static_cast<uint32_t>(f.type);
    c.flags = f.flags;
    c.charsetnr = f.charsetnr;
    c.length = f.length;
    c.decimals = f.decimals;
  }
  state_->last_error = 0;
  return ResultSet(std::move(native), streaming, std::move(columns));
}

Result<std::vector<Row>> Connection::QueryRows(std::string_view sql) {
  DM_ASSIGN_OR_RETURN(ResultSet rs, Query(sql, QueryMode::kBuffered));
  return rs.FetchAll();
}

Result<Value> Connection::QueryValue(std::string_view sql) {
  DM_ASSIGN_OR_RETURN(ResultSet rs, Query(sql, QueryMode::kBuffered));
  if (rs.columns().empty()) return Status::InvalidArgument("query returned no columns");
  DM_ASSIGN_OR_RETURN(bool has_row, rs.Next());
  if (!has_row) return Status::NotFound("query returned no rows");
  return rs.Get(0);
}

uint64_t Connection::affected_rows() const { return state_->affected_rows; }
uint64_t Connection::last_insert_id() const { return state_->last_insert_id; }
uint32_t Connection::warning_count() const { return state_->warning_count; }

Status Connection::Ping() {
  if (mysql_ping(state_->mysql) != 0) return Fail(ErrorCode::kDBBadConn);
  state_->last_error = 0;
  return Status::OK();
}

Status Connection::Begin() { return Execute("START TRANSACTION"); }
Status Connection::Commit() { return Execute("COMMIT"); }
Status Connection::Rollback() { return Execute("ROLLBACK"); }

namespace {
unsigned int ServerStatus(MYSQL* m) {
  unsigned int status = 0;
  mariadb_get_infov(m, MARIADB_CONNECTION_SERVER_STATUS, &status);
  return status;
}
}  // namespace

bool Connection::in_transaction() const { return (ServerStatus(state_->mysql) & SERVER_STATUS_IN_TRANS) != 0; }

StringEscaping Connection::escaping() const {
  return (ServerStatus(state_->mysql) & SERVER_STATUS_NO_BACKSLASH_ESCAPES) != 0 ? StringEscaping::kNoBackslashEscapes
                                                                                 : StringEscaping::kBackslash;
}

uint64_t Connection::thread_id() const { return mysql_thread_id(state_->mysql); }
std::string Connection::server_version() const {
  const char* v = mysql_get_server_info(state_->mysql);
  return v == nullptr ? std::string() : std::string(v);
}
uint64_t Connection::server_version_number() const { return mysql_get_server_version(state_->mysql); }
bool Connection::is_mariadb() const { return mariadb_connection(state_->mysql) != 0; }
bool Connection::broken() const { return state_->broken; }
int Connection::last_error_number() const { return state_->last_error; }
const std::string& Connection::endpoint() const { return state_->endpoint; }
st_mysql* Connection::native_handle() { return state_->mysql; }

// ---------------------------------------------------------------------------

ResultSet::ResultSet(std::unique_ptr<Native> native, bool streaming, std::vector<ColumnInfo> columns)
    : native_(std::move(native)), streaming_(streaming), columns_(std::move(columns)) {}
ResultSet::ResultSet(ResultSet&& other) noexcept = default;
ResultSet& ResultSet::operator=(ResultSet&& other) noexcept = default;
ResultSet::~ResultSet() = default;

Result<bool> ResultSet::Next() {
  Native& n = *native_;
  n.row = mysql_fetch_row(n.res);
  if (n.row == nullptr) {
    n.lengths = nullptr;
    // For a streaming result, NULL is either the end or a read error.
    if (streaming_ && mysql_errno(n.conn->mysql) != 0) return n.conn->Error(ErrorCode::kDBQueryFailed);
    return false;
  }
  n.lengths = mysql_fetch_lengths(n.res);
  ++rows_read_;
  return true;
}

bool ResultSet::IsNull(size_t i) const { return native_->row[i] == nullptr; }

std::optional<std::string_view> ResultSet::View(size_t i) const {
  const char* p = native_->row[i];
  if (p == nullptr) return std::nullopt;
  return std::string_view(p, native_->lengths[i]);
}

Value ResultSet::Get(size_t i) const {
  auto v = View(i);
  if (!v) return std::nullopt;
  return std::string(*v);
}

void ResultSet::CopyRow(Row* row) const {
  row->resize(columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) {
    auto v = View(i);
    if (!v) {
      (*row)[i].reset();
    } else if ((*row)[i]) {
      (*row)[i]->assign(v->data(), v->size());
    } else {
      (*row)[i].emplace(*v);
    }
  }
}

uint64_t ResultSet::total_rows() const { return streaming_ ? rows_read_ : mysql_num_rows(native_->res); }

Result<std::vector<Row>> ResultSet::FetchAll() {
  std::vector<Row> rows;
  if (!streaming_) rows.reserve(static_cast<size_t>(total_rows() - rows_read_));
  for (;;) {
    DM_ASSIGN_OR_RETURN(bool more, Next());
    if (!more) break;
    rows.emplace_back();
    CopyRow(&rows.back());
  }
  return rows;
}

}  // namespace dm::mysql
