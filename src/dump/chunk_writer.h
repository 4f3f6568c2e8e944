// Writes the rows of one chunk query into data files: multi-row INSERT
// statements of about `statement_size` bytes, a new file once a file has
// reached `file_size_limit` bytes (at a statement boundary). Memory holds
// one row and a stdio buffer, whatever the chunk's size.
//
// Not thread-safe: one writer per worker; several writers of the same table
// share only the FileIndex allocator, which is atomic.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "dump/catalog.h"
#include "dump/dump.h"
#include "mysql/connection.h"

namespace dm::dump {

struct ChunkWriterOptions {
  std::string output_dir;
  uint64_t statement_size = 1000000;
  uint64_t file_size_limit = 0;  // 0: unlimited
};

class ChunkWriter {
 public:
  // REQUIRES: `table` and `next_file_index` outlive the writer.
  ChunkWriter(const ChunkWriterOptions& options, const TableInfo& table, std::atomic<uint64_t>* next_file_index);
  ChunkWriter(const ChunkWriter&) = delete;
  ChunkWriter& operator=(const ChunkWriter&) = delete;
  // Closes an open file without checking (use Finish() for errors).
  ~ChunkWriter();

  // Appends the current row of `rs`, whose columns are table.columns in
  // order. Opens a file on the first row (an empty chunk writes no file).
  Status AddRow(const mysql::ResultSet& rs);
  // Ends the statement and closes the file.
  Status Finish();

  // Files completed so far, with their row and byte counts.
  const std::vector<DumpFile>& files() const { return files_; }
  // Rows and bytes not yet reported by TakeProgress().
  void TakeProgress(uint64_t* rows, uint64_t* bytes);

 private:
  Status OpenFile();
  Status EndStatement();
  Status CloseFile();
  Status Write(std::string_view bytes);

  const ChunkWriterOptions& options_;
  const TableInfo& table_;
  std::atomic<uint64_t>* next_file_index_;
  std::string insert_prefix_;  // "INSERT INTO `t` (`a`,`b`) VALUES\n"

  std::FILE* file_ = nullptr;
  std::string path_;
  DumpFile current_;
  uint64_t statement_bytes_ = 0;
  uint64_t statement_rows_ = 0;
  std::string row_;  // reused per row
  uint64_t unreported_rows_ = 0;
  uint64_t unreported_bytes_ = 0;
  std::vector<DumpFile> files_;
};

// Writes `content` to output_dir/name, failing with DumpWriteFile.
Status WriteWholeFile(const std::string& output_dir, const std::string& name, std::string_view content);

}  // namespace dm::dump
