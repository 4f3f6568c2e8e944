// dm-binlog: prints the events of binlog or relay log files, or of a live
// upstream read as a replica, one line per event and (with --rows/-v) one
// line per row change. Line format: binlog/event_printer.h.
//
//   dm-binlog [-v] FILE...
//   dm-binlog [-v] --host H --port P --user U [--password PW | env MYSQL_PWD]
//             (--start-file F [--start-pos N] | --gtid 0-1-100,... | --gtid uuid:1-100,...)
//             [--stop-never] [--count N] [--server-id ID]
//
// Without --stop-never a live read stops at the end of the upstream's binlog
// (as mariadb-binlog --read-from-remote-server does). Exit status: 0 success;
// 1 an error (printed to stderr with the binlog position); 2 usage error.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "binlog/client/socket_binlog_source.h"
#include "binlog/event_printer.h"
#include "binlog/source/file_binlog_source.h"
#include "binlog/source/transaction_payload_source.h"
#include "common/cli.h"
#include "common/version.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;

struct Flags {
  std::vector<std::string> files;
  std::string host;
  uint16_t port = 3306;
  std::string user = "root";
  std::string password;
  std::string start_file;
  uint64_t start_pos = 4;
  std::string gtid;
  bool use_gtid = false;
  bool stop_never = false;
  uint64_t count = 0;
  uint32_t server_id = 0;
  uint32_t heartbeat_seconds = 30;
  std::string ssl_ca, ssl_cert, ssl_key;
  bool rows = false;
  bool no_verify = false;
  bool version = false;
};

void AddFlags(CLI::App& app, Flags& f) {
  app.add_option("files", f.files, "binlog or relay log files to print, in order");
  app.add_option("--host", f.host, "read the replication stream of this upstream instead of files");
  app.add_option("--port,-P", f.port, "upstream port")->capture_default_str();
  app.add_option("--user,-u", f.user, "upstream user (needs REPLICATION SLAVE)")->capture_default_str();
  app.add_option("--password,-p", f.password, "upstream password")->envname("MYSQL_PWD");
  app.add_option("--start-file", f.start_file, "binlog file to start at (default: the upstream's first)");
  app.add_option("--start-pos", f.start_pos, "offset to start at in --start-file")->capture_default_str();
  app.add_option("--gtid", f.gtid,
                 "start after this GTID position: MariaDB domain-server-seq,... or a MySQL GTID set uuid:1-5,...; "
                 "'' = all");
  app.add_flag("--stop-never", f.stop_never, "keep waiting for new events at the end of the binlog");
  app.add_option("--count", f.count, "stop after this many events (0: no limit)");
  app.add_option("--server-id", f.server_id, "replica server id (default: a free id above 429496729)");
  app.add_option("--heartbeat", f.heartbeat_seconds, "heartbeat period in seconds (0: none)")->capture_default_str();
  app.add_option("--ssl-ca", f.ssl_ca, "CA file: use TLS and verify the upstream's certificate");
  app.add_option("--ssl-cert", f.ssl_cert, "client certificate file (TLS)");
  app.add_option("--ssl-key", f.ssl_key, "client key file (TLS)");
  app.add_flag("--rows,-v", f.rows, "print every row change with its decoded values");
  app.add_flag("--no-verify-checksum", f.no_verify, "do not verify CRC32 checksums");
  app.add_flag("-V,--version", f.version, "print version information and exit");
}

// Writes printed lines to stdout in large blocks.
class Output {
 public:
  ~Output() { Flush(); }
  dm::binlog::TextBuffer* buffer() { return &buffer_; }
  void MaybeFlush() {
    if (buffer_.size() >= (size_t{1} << 20)) Flush();
  }
  void Flush() {
    if (buffer_.size() > 0) std::fwrite(buffer_.data(), 1, buffer_.size(), stdout);
    buffer_.clear();
    std::fflush(stdout);
  }

 private:
  dm::binlog::TextBuffer buffer_;
};

// Prints every event of `source`, the events inside compressed transactions
// included; stops after `limit` events when non-zero.
dm::Status PrintSource(dm::binlog::BinlogSource& source, dm::binlog::EventPrinter& printer, uint64_t limit,
                       bool flush_each, Output& out) {
  dm::binlog::TransactionPayloadSource events(source);
  dm::binlog::RawEvent event;
  uint64_t n = 0;
  while (limit == 0 || n < limit) {
    auto more = events.Next(&event);
    if (!more.ok()) return more.status();
    if (!*more) break;
    ++n;
    dm::Status s = printer.Print(event, out.buffer());
    if (!s.ok()) return s.WithContext(source.file_name());
    if (flush_each) {
      out.Flush();
    } else {
      out.MaybeFlush();
    }
  }
  return dm::Status::OK();
}

int Run(const Flags& f) {
  Output out;
  dm::binlog::EventPrinterOptions popt;
  popt.rows = f.rows;
  popt.verify_checksums = !f.no_verify;
  if (f.host.empty()) {
    if (f.files.empty()) {
      std::cerr << "dm-binlog: give binlog files or --host\n";
      return 2;
    }
    for (const std::string& path : f.files) {
      // Each file starts with its own FORMAT_DESCRIPTION and TABLE_MAPs.
      dm::binlog::EventPrinter printer(popt);
      auto source = dm::binlog::FileBinlogSource::Open(path);
      if (!source.ok()) {
        out.Flush();
        std::cerr << "dm-binlog: " << source.status().ToString() << "\n";
        return kExitError;
      }
      out.buffer()->append("# ");
      out.buffer()->append(path);
      out.buffer()->push_back('\n');
      if (dm::Status s = PrintSource(**source, printer, f.count, false, out); !s.ok()) {
        out.Flush();
        std::cerr << "dm-binlog: " << s.ToString() << "\n";
        return kExitError;
      }
    }
    return kExitOk;
  }

  dm::binlog::SocketBinlogSourceOptions sopt;
  sopt.connection.host = f.host;
  sopt.connection.port = f.port;
  sopt.connection.user = f.user;
  sopt.connection.password = dm::Secret(f.password);
  sopt.connection.tls.ssl_ca = f.ssl_ca;
  sopt.connection.tls.ssl_cert = f.ssl_cert;
  sopt.connection.tls.ssl_key = f.ssl_key;
  sopt.server_id = f.server_id;
  sopt.use_gtid = f.use_gtid;
  sopt.start_gtid = f.gtid;
  sopt.start = {f.start_file, f.start_pos};
  sopt.non_blocking = !f.stop_never;
  sopt.heartbeat_period = std::chrono::seconds(f.heartbeat_seconds);
  auto source = dm::binlog::SocketBinlogSource::Open(sopt);
  if (!source.ok()) {
    std::cerr << "dm-binlog: " << source.status().ToString() << "\n";
    return kExitError;
  }
  popt.initial_checksum = (*source)->checksum();
  dm::binlog::EventPrinter printer(popt);
  // A live stream is flushed per event so a follower sees events as they come.
  dm::Status s = PrintSource(**source, printer, f.count, f.stop_never, out);
  out.Flush();
  if (!s.ok()) {
    std::cerr << "dm-binlog: " << s.ToString() << "\n";
    return kExitError;
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dm-binlog: print the events of binlog files or of a live upstream"};
  Flags f;
  AddFlags(app, f);
  const int code = dm::ParseCommandLine(app, argc, argv, std::cout, std::cerr);
  if (code >= 0) return code;
  if (f.version) {
    std::cout << dm::VersionBlock();
    return kExitOk;
  }
  f.use_gtid = app.count("--gtid") > 0;
  if (f.use_gtid && app.count("--start-file") > 0) {
    std::cerr << "dm-binlog: --gtid and --start-file exclude each other\n";
    return 2;
  }
  if (!f.files.empty() && !f.host.empty()) {
    std::cerr << "dm-binlog: give either files or --host, not both\n";
    return 2;
  }
  return Run(f);
}
