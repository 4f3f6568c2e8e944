// libFuzzer target over dm's binlog decoder: the input is the body of a
// binlog file (the magic bytes are prepended here, so no effort is spent on
// them), read through FileBinlogSource and handed event by event to
// EventPrinter with row printing on, which runs every decoder of dm_binlog:
// FORMAT_DESCRIPTION, control events, QUERY (and compressed), MySQL's
// compressed transactions (header and zstd), GTID events of
// both flavors, TABLE_MAP with optional metadata, rows events and every row
// value type. Checksums are not verified, so mutated events reach the
// decoders. Any crash, sanitizer report, hang or huge allocation is a bug:
// malformed bytes must only ever produce a Status.
//
// Built and run by scripts/fuzz-binlog.sh (clang++ -fsanitize=fuzzer).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "binlog/event_header.h"
#include "binlog/event_printer.h"
#include "binlog/source/file_binlog_source.h"
#include "binlog/source/transaction_payload_source.h"

namespace {

// A schema for any table: three columns with members and charsets, so that
// ApplySchema runs and mismatching column counts are exercised too.
const dm::binlog::TableSchema* AnySchema(const std::string&, const std::string& table) {
  static const dm::binlog::TableSchema schema = [] {
    dm::binlog::TableSchema s;
    s.columns.resize(3);
    s.columns[0].is_unsigned = true;
    s.columns[1].charset = 63;
    s.columns[2].elements = {"a", "b", "c"};
    s.columns[2].charset = 45;
    return s;
  }();
  return table.size() % 2 == 0 ? &schema : nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // memfd: the production file reader runs unchanged over the input.
  const int fd = memfd_create("binlog", MFD_CLOEXEC);
  if (fd < 0) return 0;
  const auto& magic = dm::binlog::kBinlogMagic;
  if (write(fd, magic.data(), magic.size()) != static_cast<ssize_t>(magic.size()) ||
      (size > 0 && write(fd, data, size) != static_cast<ssize_t>(size))) {
    close(fd);
    return 0;
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  // Events up to 16 MiB keep each run fast; the limit itself is tested too.
  auto source = dm::binlog::FileBinlogSource::Open(path, {.max_event_size = 1 << 24});
  if (source.ok()) {
    dm::binlog::EventPrinterOptions options;
    options.rows = true;
    options.verify_checksums = false;
    dm::binlog::EventPrinter printer(options, AnySchema);
    std::string out;
    // Compressed transactions are opened the way dm-binlog and the syncer
    // open them; 16 MiB of uncompressed events at most, as for events.
    dm::binlog::TransactionPayloadSource events(**source, {.max_uncompressed_size = 1 << 24});
    dm::binlog::RawEvent event;
    while (true) {
      auto more = events.Next(&event);
      if (!more.ok() || !*more) break;
      // Decoding errors are expected for damaged events; the next one still
      // decodes under the state the printer had.
      (void)printer.Print(event, &out);
      if (out.size() > (1u << 20)) out.clear();
    }
  }
  close(fd);
  return 0;
}
