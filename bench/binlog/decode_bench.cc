// dm-binlog-decode-bench: in-memory decode throughput of the binlog decoder
// (ISSUE 4, item 8: "in-memory decode of every row at least 300 MB/s on one
// core; zero allocations per row in the steady state").
//
//   dm-binlog-decode-bench [--passes N] [--no-verify-checksum] [--markdown] FILE...
//
// Reads the files fully into memory, then decodes them N+1 times on this
// thread: pass 0 warms up (table-map cache, value arrays, page faults), passes
// 1..N are timed. Each pass frames every event from the header, verifies its
// CRC32 when the format says so, decodes every event with its decoder and
// every column value of every row image (DecodeValue through RowsReader), the
// same calls a replication consumer makes; no text is produced. Heap
// allocations are counted by replacing the global allocation functions in
// this binary only: the figure printed is the count during the timed passes,
// in total and inside the row path (DecodeRowsEvent and RowsReader::Next).
//
// Exit status: 0 success, 1 a decoding or file error, 2 usage error.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <new>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "binlog/control_events.h"
#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "binlog/gtid_events.h"
#include "binlog/query_event.h"
#include "binlog/rows_event.h"
#include "binlog/table_map.h"
#include "common/cli.h"
#include "common/status.h"

// Counting replacements of the global allocation functions. They are the one
// place dm defines operator new: replacing them is the only way to see every
// heap allocation (std containers, fmt, Status) without a profiler. malloc is
// the allocator underneath, so the matching deletes call free.
namespace {
std::atomic<uint64_t> g_allocations{0};

void* CountedAlloc(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* CountedAlignedAlloc(std::size_t size, std::align_val_t align) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  const auto a = static_cast<std::size_t>(align);
  // aligned_alloc needs a size that is a multiple of the alignment.
  const std::size_t rounded = (std::max<std::size_t>(size, 1) + a - 1) / a * a;
  if (void* p = std::aligned_alloc(a, rounded)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t size) { return CountedAlloc(size); }
void* operator new[](std::size_t size) { return CountedAlloc(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new(std::size_t size, std::align_val_t align) { return CountedAlignedAlloc(size, align); }
void* operator new[](std::size_t size, std::align_val_t align) { return CountedAlignedAlloc(size, align); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace {

using namespace dm::binlog;

constexpr int kExitOk = 0;
constexpr int kExitError = 1;

struct Flags {
  std::vector<std::string> files;
  int passes = 5;
  bool no_verify = false;
  bool markdown = false;
};

struct PassResult {
  double seconds = 0;
  uint64_t events = 0;
  uint64_t rows = 0;    // row changes (an UPDATE's before+after is one)
  uint64_t values = 0;  // column values decoded, both images
  uint64_t allocations = 0;
  uint64_t row_path_allocations = 0;
  uint64_t digest = 0;  // folds every decoded value, so no decode is dead code
};

// Folds a decoded value into the pass digest: the consumer's side of the
// decode, kept trivial so the figure is the decoder's.
uint64_t Fold(uint64_t digest, const Value& v) {
  uint64_t x = static_cast<uint64_t>(v.kind);
  switch (v.kind) {
    case ValueKind::kInt: x ^= static_cast<uint64_t>(v.int_value); break;
    case ValueKind::kUInt:
    case ValueKind::kBit:
    case ValueKind::kYear:
    case ValueKind::kEnum:
    case ValueKind::kSet:
    case ValueKind::kTimestamp: x ^= v.uint_value + v.temporal.micros; break;
    case ValueKind::kFloat: x ^= static_cast<uint64_t>(v.float_value); break;
    case ValueKind::kDouble: x ^= static_cast<uint64_t>(v.double_value); break;
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kDateTime:
      x ^= (uint64_t{v.temporal.year} << 40) ^ (uint64_t{v.temporal.day} << 32) ^ v.temporal.hour ^
           v.temporal.micros;
      break;
    case ValueKind::kDecimal:
    case ValueKind::kString:
    case ValueKind::kJson:
    case ValueKind::kGeometry:
    case ValueKind::kJsonDiff: x ^= v.bytes.size() ^ (v.bytes.empty() ? 0 : static_cast<uint8_t>(v.bytes[0])); break;
    case ValueKind::kAbsent:
    case ValueKind::kNull: break;
  }
  return digest * 31 + x;
}

// The decoder state a consumer keeps across events of one stream.
class StreamDecoder {
 public:
  explicit StreamDecoder(bool verify_checksums) : verify_checksums_(verify_checksums) {}

  // Decodes one event, updating *result.
  dm::Status Decode(const RawEvent& event, PassResult* result) {
    const EventType type = event.header.type;
    if (type == EventType::kFormatDescription) {
      DM_ASSIGN_OR_RETURN(format_, DecodeFormatDescription(event));
    }
    if (verify_checksums_) DM_RETURN_IF_ERROR(VerifyChecksum(event, format_));
    uint64_t& d = result->digest;
    switch (type) {
      case EventType::kFormatDescription: break;
      case EventType::kRotate: {
        DM_ASSIGN_OR_RETURN(RotateEvent r, DecodeRotate(event, format_));
        d = d * 31 + r.position + r.next_file.size();
        break;
      }
      case EventType::kQuery:
      case EventType::kMariaQueryCompressed: {
        DM_ASSIGN_OR_RETURN(QueryEvent q, DecodeQuery(event, format_, &scratch_));
        d = d * 31 + q.query.size();
        break;
      }
      case EventType::kXid: {
        DM_ASSIGN_OR_RETURN(XidEvent x, DecodeXid(event, format_));
        d = d * 31 + x.xid;
        break;
      }
      case EventType::kIntvar: {
        DM_ASSIGN_OR_RETURN(IntvarEvent v, DecodeIntvar(event, format_));
        d = d * 31 + v.value;
        break;
      }
      case EventType::kRand: {
        DM_ASSIGN_OR_RETURN(RandEvent r, DecodeRand(event, format_));
        d = d * 31 + r.seed1;
        break;
      }
      case EventType::kUserVar: {
        DM_ASSIGN_OR_RETURN(UserVarEvent u, DecodeUserVar(event, format_));
        d = d * 31 + u.value.size();
        break;
      }
      case EventType::kMariaBinlogCheckpoint: {
        DM_ASSIGN_OR_RETURN(BinlogCheckpointEvent c, DecodeBinlogCheckpoint(event, format_));
        d = d * 31 + c.file.size();
        break;
      }
      case EventType::kMariaAnnotateRows:
      case EventType::kRowsQuery: {
        DM_ASSIGN_OR_RETURN(RowsQueryEvent q, DecodeRowsQuery(event, format_));
        d = d * 31 + q.query.size();
        break;
      }
      case EventType::kMariaGtid: {
        DM_ASSIGN_OR_RETURN(MariaDbGtidEvent g, DecodeMariaDbGtid(event, format_));
        d = d * 31 + g.gtid.seq_no;
        break;
      }
      case EventType::kMariaGtidList: {
        DM_ASSIGN_OR_RETURN(MariaDbGtidListEvent l, DecodeMariaDbGtidList(event, format_));
        d = d * 31 + l.gtids.size();
        break;
      }
      case EventType::kGtid:
      case EventType::kAnonymousGtid: {
        DM_ASSIGN_OR_RETURN(MySqlGtidEvent g, DecodeMySqlGtid(event, format_));
        d = d * 31 + static_cast<uint64_t>(g.gno);
        break;
      }
      case EventType::kPreviousGtids: {
        DM_ASSIGN_OR_RETURN(PreviousGtidsEvent p, DecodePreviousGtids(event, format_));
        d = d * 31 + p.sources.size();
        break;
      }
      case EventType::kHeartbeat: {
        DM_ASSIGN_OR_RETURN(HeartbeatEvent h, DecodeHeartbeat(event, format_));
        d = d * 31 + h.position;
        break;
      }
      case EventType::kTableMap: {
        bool fresh = false;
        DM_ASSIGN_OR_RETURN(TableMap * map, tables_.Update(event, format_, &fresh));
        d = d * 31 + map->table_id;
        break;
      }
      default:
        if (GetRowsEventTraits(type)) {
          const uint64_t before_allocations = g_allocations.load(std::memory_order_relaxed);
          dm::Status s = DecodeRows(event, result);
          result->row_path_allocations += g_allocations.load(std::memory_order_relaxed) - before_allocations;
          DM_RETURN_IF_ERROR(s);
        }
        // Other types (STOP, unknown ones) are skipped by length, as consumers do.
        break;
    }
    return dm::Status::OK();
  }

 private:
  dm::Status DecodeRows(const RawEvent& event, PassResult* result) {
    DM_ASSIGN_OR_RETURN(RowsEvent rows, DecodeRowsEvent(event, format_, &scratch_));
    const TableMap* map = tables_.Find(rows.table_id);
    if (map == nullptr) {
      return dm::Status::FailedPrecondition(
          fmt::format("rows event at {} without a TABLE_MAP for table id {}", event.position, rows.table_id));
    }
    const size_t n = map->columns.size();
    if (before_.size() < n) before_.resize(n);
    if (after_.size() < n) after_.resize(n);
    const std::span<Value> before(before_.data(), n), after(after_.data(), n);
    const RowsKind kind = rows.traits.kind;
    RowsReader reader(rows, *map);
    uint64_t& d = result->digest;
    while (reader.HasNext()) {
      DM_RETURN_IF_ERROR(reader.Next(before, after));
      ++result->rows;
      if (kind != RowsKind::kWrite) {
        for (const Value& v : before) d = Fold(d, v);
        result->values += n;
      }
      if (kind != RowsKind::kDelete) {
        for (const Value& v : after) d = Fold(d, v);
        result->values += n;
      }
    }
    return reader.status();
  }

  const bool verify_checksums_;
  FormatDescription format_;
  TableMapCache tables_;
  std::string scratch_;
  std::vector<Value> before_;
  std::vector<Value> after_;
};

struct InputFile {
  std::string path;
  std::vector<uint8_t> bytes;
};

dm::Result<InputFile> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return dm::Status::NotFound(fmt::format("cannot open {}", path));
  InputFile file{path, std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {})};
  if (file.bytes.size() < kBinlogMagic.size() ||
      !std::equal(kBinlogMagic.begin(), kBinlogMagic.end(), file.bytes.begin())) {
    return dm::Status::InvalidArgument(fmt::format("{} is not a binlog file", path));
  }
  return file;
}

// One decode of every file, each framed from its event headers exactly as
// FileBinlogSource frames it, without the read() calls.
dm::Status DecodePass(const std::vector<InputFile>& files, StreamDecoder& decoder, PassResult* result) {
  const uint64_t allocations_at_start = g_allocations.load(std::memory_order_relaxed);
  const auto start = std::chrono::steady_clock::now();
  for (const InputFile& file : files) {
    const std::span<const uint8_t> all(file.bytes);
    uint64_t position = kBinlogMagic.size();
    while (position < all.size()) {
      DM_ASSIGN_OR_RETURN(EventHeader header, DecodeEventHeader(all.subspan(position), position));
      if (header.event_size > all.size() - position) {
        return dm::Status::Corruption(fmt::format("{}: event at {} runs past the end", file.path, position));
      }
      const RawEvent event{header, all.subspan(position, header.event_size), position};
      DM_RETURN_IF_ERROR(decoder.Decode(event, result).WithContext(file.path));
      ++result->events;
      position += header.event_size;
    }
  }
  result->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result->allocations = g_allocations.load(std::memory_order_relaxed) - allocations_at_start;
  return dm::Status::OK();
}

int Run(const Flags& f) {
  std::vector<InputFile> files;
  uint64_t bytes = 0;
  for (const std::string& path : f.files) {
    auto file = ReadFile(path);
    if (!file.ok()) {
      std::cerr << "dm-binlog-decode-bench: " << file.status().ToString() << "\n";
      return kExitError;
    }
    bytes += file->bytes.size();
    files.push_back(std::move(*file));
  }
  StreamDecoder decoder(!f.no_verify);
  std::vector<PassResult> passes(static_cast<size_t>(f.passes) + 1);
  for (PassResult& pass : passes) {
    if (dm::Status s = DecodePass(files, decoder, &pass); !s.ok()) {
      std::cerr << "dm-binlog-decode-bench: " << s.ToString() << "\n";
      return kExitError;
    }
  }
  const PassResult& warmup = passes.front();
  std::vector<PassResult> timed(passes.begin() + 1, passes.end());
  uint64_t allocations = 0, row_path_allocations = 0, rows = 0;
  for (const PassResult& p : timed) {
    allocations += p.allocations;
    row_path_allocations += p.row_path_allocations;
    rows += p.rows;
    if (p.digest != warmup.digest || p.rows != warmup.rows) {
      std::cerr << "dm-binlog-decode-bench: passes decoded different values\n";
      return kExitError;
    }
  }
  std::sort(timed.begin(), timed.end(), [](const PassResult& a, const PassResult& b) { return a.seconds < b.seconds; });
  const double best = timed.front().seconds;
  const double median = timed[(timed.size() - 1) / 2].seconds;
  const double mb = static_cast<double>(bytes) / 1e6;
  const double per_row = rows == 0 ? 0 : static_cast<double>(allocations) / static_cast<double>(rows);
  const double row_path_per_row = rows == 0 ? 0 : static_cast<double>(row_path_allocations) / static_cast<double>(rows);
  const std::string verify = f.no_verify ? "not verified" : "verified";
  if (f.markdown) {
    fmt::print("| in-memory decode, every column value (checksums {}) | {:.3f} | {:.3f} | {:.1f} | {:.0f} | {:.0f} | "
               "{} ({:.6f}/row; row path {}) |\n",
               verify, best, median, mb / median, static_cast<double>(warmup.events) / median,
               static_cast<double>(warmup.rows) / median, allocations, per_row, row_path_allocations);
    return kExitOk;
  }
  fmt::print("input: {} files, {:.1f} MB, {} events, {} row changes, {} column values per pass\n", files.size(), mb,
             warmup.events, warmup.rows, warmup.values);
  fmt::print("passes: 1 warm-up ({:.3f} s, {} allocations) + {} timed, single thread, checksums {}\n",
             warmup.seconds, warmup.allocations, timed.size(), verify);
  fmt::print("best {:.3f} s, median {:.3f} s\n", best, median);
  fmt::print("median: {:.1f} MB/s, {:.0f} events/s, {:.0f} rows/s\n", mb / median,
             static_cast<double>(warmup.events) / median, static_cast<double>(warmup.rows) / median);
  fmt::print("allocations in timed passes: {} ({:.6f} per row); in the row path: {} ({:.6f} per row)\n", allocations,
             per_row, row_path_allocations, row_path_per_row);
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dm-binlog-decode-bench: in-memory decode throughput and allocations of the binlog decoder"};
  Flags f;
  app.add_option("files", f.files, "binlog files, decoded in order as one stream")->required();
  app.add_option("--passes", f.passes, "timed passes after the warm-up pass")->capture_default_str()->check(
      CLI::Range(1, 1000));
  app.add_flag("--no-verify-checksum", f.no_verify, "do not verify CRC32 checksums");
  app.add_flag("--markdown", f.markdown, "print one markdown table row (bench/binlog/run.sh)");
  const int code = dm::ParseCommandLine(app, argc, argv, std::cout, std::cerr);
  if (code >= 0) return code;
  return Run(f);
}
