#include "dump/chunk_writer.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "dump/layout.h"
#include "mysql/quote.h"

namespace dm::dump {

namespace {

// Each data file starts with these, as dumpling's: values are raw bytes
// (SET NAMES binary) and rows may reference tables loaded later.
constexpr std::string_view kDataHeader = "/*!40101 SET NAMES binary*/;\n/*!40014 SET FOREIGN_KEY_CHECKS=0*/;\n";
constexpr size_t kStdioBuffer = 1 << 20;

Status IoError(std::string_view what, const std::string& path) {
  return Status(StatusCode::kInternal, fmt::format("{} {}: {}", what, path, std::strerror(errno)),
                ErrorCode::kDumpWriteFile);
}

}  // namespace

Status WriteWholeFile(const std::string& output_dir, const std::string& name, std::string_view content) {
  std::string path = output_dir + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return IoError("cannot create", path);
  bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) return IoError("cannot write", path);
  return Status::OK();
}

ChunkWriter::ChunkWriter(const ChunkWriterOptions& options, const TableInfo& table,
                         std::atomic<uint64_t>* next_file_index)
    : options_(options), table_(table), next_file_index_(next_file_index) {
  // As dumpling: the table name without its schema (the loader routes it);
  // the column list always, so generated columns can be left out.
  insert_prefix_ = "INSERT INTO " + mysql::QuoteIdentifier(table.name) + " (";
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (i > 0) insert_prefix_ += ',';
    insert_prefix_ += mysql::QuoteIdentifier(table.columns[i].name);
  }
  insert_prefix_ += ") VALUES\n";
}

ChunkWriter::~ChunkWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

Status ChunkWriter::Write(std::string_view bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) return IoError("cannot write", path_);
  current_.bytes += bytes.size();
  unreported_bytes_ += bytes.size();
  return Status::OK();
}

Status ChunkWriter::OpenFile() {
  uint64_t index = next_file_index_->fetch_add(1);
  current_ = DumpFile{DataFileName(table_.schema, table_.name, index), FileKind::kData, table_.schema,
                      table_.name, 0, 0};
  path_ = options_.output_dir + "/" + current_.name;
  file_ = std::fopen(path_.c_str(), "wb");
  if (file_ == nullptr) return IoError("cannot create", path_);
  std::setvbuf(file_, nullptr, _IOFBF, kStdioBuffer);
  return Write(kDataHeader);
}

Status ChunkWriter::EndStatement() {
  if (statement_rows_ == 0) return Status::OK();
  statement_rows_ = 0;
  statement_bytes_ = 0;
  return Write(";\n");
}

Status ChunkWriter::CloseFile() {
  DM_RETURN_IF_ERROR(EndStatement());
  std::FILE* f = file_;
  file_ = nullptr;
  if (std::fclose(f) != 0) return IoError("cannot close", path_);
  files_.push_back(current_);
  return Status::OK();
}

Status ChunkWriter::AddRow(const mysql::ResultSet& rs) {
  row_.clear();
  row_.push_back('(');
  for (size_t i = 0; i < table_.columns.size(); ++i) {
    if (i > 0) row_.push_back(',');
    AppendValue(table_.columns[i].encoding, rs.View(i), &row_);
  }
  row_.push_back(')');

  if (file_ == nullptr) DM_RETURN_IF_ERROR(OpenFile());
  if (statement_rows_ > 0 && statement_bytes_ + row_.size() + 2 > options_.statement_size) {
    DM_RETURN_IF_ERROR(EndStatement());
    if (options_.file_size_limit > 0 && current_.bytes >= options_.file_size_limit) {
      DM_RETURN_IF_ERROR(CloseFile());
      DM_RETURN_IF_ERROR(OpenFile());
    }
  }
  if (statement_rows_ == 0) {
    DM_RETURN_IF_ERROR(Write(insert_prefix_));
    statement_bytes_ = insert_prefix_.size();
  } else {
    DM_RETURN_IF_ERROR(Write(",\n"));
    statement_bytes_ += 2;
  }
  DM_RETURN_IF_ERROR(Write(row_));
  statement_bytes_ += row_.size();
  ++statement_rows_;
  ++current_.rows;
  ++unreported_rows_;
  return Status::OK();
}

Status ChunkWriter::Finish() {
  if (file_ == nullptr) return Status::OK();
  return CloseFile();
}

void ChunkWriter::TakeProgress(uint64_t* rows, uint64_t* bytes) {
  *rows = unreported_rows_;
  *bytes = unreported_bytes_;
  unreported_rows_ = 0;
  unreported_bytes_ = 0;
}

}  // namespace dm::dump
