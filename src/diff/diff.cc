#include "diff/diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "diff/table_meta.h"
#include "mysql/quote.h"

namespace dm::diff {

namespace {

using mysql::Connection;

struct GroupSource {
  size_t index;  // into DiffOptions::sources
  TableName name;
  std::vector<filter::ExtraColumn> extra;  // target-only columns and their values for this table
};

struct Group {
  TableName target;
  std::vector<GroupSource> sources;
};

bool SelectsAll(const DiffOptions& o) { return o.tables.empty() && o.schemas.empty(); }

bool Selected(const DiffOptions& o, const TableName& t) {
  if (SelectsAll(o)) return true;
  for (const auto& p : o.tables) {
    if (p.Matches(t)) return true;
  }
  for (const auto& s : o.schemas) {
    if (WildcardMatch(s, t.schema)) return true;
  }
  return false;
}

std::string SourceLabel(const DiffOptions& o, size_t index, const TableName& name) {
  return fmt::format("{} {}", o.sources[index].conn.Endpoint(), name.Quoted());
}

const filter::ExtraColumn* FindExtra(const std::vector<filter::ExtraColumn>& extra, std::string_view column) {
  for (const auto& e : extra) {
    if (e.column == column) return &e;
  }
  return nullptr;
}

// The target's columns as source table `s` reads them (see SourceTable), and
// the target's metadata without those columns, to check the structure with.
// Sentences for extract columns the target lacks go to `problems`.
std::vector<ColumnMeta> SourceColumns(const TableMeta& target, const GroupSource& s, TableMeta* target_without_extra,
                                      std::vector<std::string>* problems) {
  *target_without_extra = target;
  if (s.extra.empty()) return {};
  std::vector<ColumnMeta> columns;
  target_without_extra->columns.clear();
  for (const ColumnMeta& c : target.columns) {
    if (const filter::ExtraColumn* e = FindExtra(s.extra, c.name)) {
      columns.push_back(ConstantColumn(c, e->value));
    } else {
      columns.push_back(c);
      target_without_extra->columns.push_back(c);
    }
  }
  for (const auto& e : s.extra) {
    bool found = std::any_of(target.columns.begin(), target.columns.end(),
                             [&](const ColumnMeta& c) { return c.name == e.column; });
    if (!found) {
      problems->push_back(fmt::format("the route of source table {} extracts into column {}, which the target lacks",
                                      s.name.Quoted(), mysql::QuoteIdentifier(e.column)));
    }
  }
  return columns;
}

// The connections of one worker thread, opened on first use and reused for
// every table the worker compares; a broken one is reopened.
class Worker {
 public:
  explicit Worker(const DiffOptions& o) : o_(o), sources_(o.sources.size()) {}

  TableReport Run(const Group& g) {
    TableReport report = NewReport(g);
    Status s = Compare(g, &report);
    // A dropped connection is retried once with fresh sessions, unless the
    // first attempt already proved a difference.
    if (!s.ok() && s.IsRetryable() && report.differences.empty()) {
      DropBroken();
      report = NewReport(g);
      s = Compare(g, &report);
    }
    report.error = std::move(s);
    DropBroken();
    return report;
  }

 private:
  TableReport NewReport(const Group& g) const {
    TableReport r;
    r.target = g.target;
    for (const auto& s : g.sources) r.sources.push_back(SourceLabel(o_, s.index, s.name));
    return r;
  }

  static Result<Connection*> Open(std::optional<Connection>* slot, const mysql::ConnectionOptions& options) {
    if (!*slot) {
      DM_ASSIGN_OR_RETURN(Connection conn, Connection::Connect(options));
      slot->emplace(std::move(conn));
    }
    return &**slot;
  }

  void DropBroken() {
    if (target_ && target_->broken()) target_.reset();
    for (auto& s : sources_) {
      if (s && s->broken()) s.reset();
    }
  }

  Status Compare(const Group& g, TableReport* report) {
    DM_ASSIGN_OR_RETURN(Connection * target, Open(&target_, o_.target));
    DM_ASSIGN_OR_RETURN(auto target_meta, LoadTableMeta(*target, g.target));
    if (!target_meta) {
      report->differences.push_back(
          {DiffKind::kMissingTable, "",
           fmt::format("table does not exist in target {}; sources have it", o_.target.Endpoint())});
      return Status::OK();
    }
    if (g.sources.empty()) {
      report->differences.push_back({DiffKind::kExtraTable, "", "table is in target, but no source table maps to it"});
      return Status::OK();
    }
    // Keyless tables stream every source at once, so a second table on the
    // same source server needs a connection of its own.
    std::deque<Connection> extra;
    std::vector<bool> in_use(o_.sources.size(), false);
    std::vector<SourceTable> sources;
    for (const GroupSource& s : g.sources) {
      const size_t index = s.index;
      DM_ASSIGN_OR_RETURN(Connection * conn, Open(&sources_[index], o_.sources[index].conn));
      std::string label = SourceLabel(o_, index, s.name);
      DM_ASSIGN_OR_RETURN(auto meta, LoadTableMeta(*conn, s.name));
      if (!meta) return Status::NotFound(fmt::format("source table {} disappeared", label));
      TableMeta target_shape;
      std::vector<std::string> problems;
      std::vector<ColumnMeta> columns = SourceColumns(*target_meta, s, &target_shape, &problems);
      for (auto& sentence : CompareStructure(*meta, target_shape, "source " + label)) problems.push_back(sentence);
      for (auto& sentence : problems) report->differences.push_back({DiffKind::kStructure, "", std::move(sentence)});
      if (target_meta->key.empty() && in_use[index]) {
        DM_ASSIGN_OR_RETURN(Connection own, Connection::Connect(o_.sources[index].conn));
        extra.push_back(std::move(own));
        conn = &extra.back();
      }
      in_use[index] = true;
      sources.push_back(SourceTable{std::move(label), s.name, conn, std::move(columns)});
    }
    if (!report->differences.empty()) return Status::OK();  // rows of different shapes do not compare
    return CompareTableRows(*target_meta, *target, sources, o_.compare, report);
  }

  const DiffOptions& o_;
  std::optional<Connection> target_;
  std::vector<std::optional<Connection>> sources_;
};

}  // namespace

void PrepareSessionOptions(mysql::ConnectionOptions* options) {
  options->session_variables["time_zone"] = "+00:00";
  options->session_variables["character_set_results"] = "binary";
  options->session_variables["net_write_timeout"] = "86400";
  options->session_variables["net_read_timeout"] = "86400";
}

Result<DiffSummary> RunDiff(const DiffOptions& options, const std::function<void(const TableReport&)>& on_table) {
  if (options.sources.empty()) return Status::InvalidArgument("at least one source is required");
  DiffOptions o = options;
  for (auto& s : o.sources) PrepareSessionOptions(&s.conn);
  PrepareSessionOptions(&o.target);

  std::map<TableName, Group> groups;
  for (size_t i = 0; i < o.sources.size(); ++i) {
    const SourceOptions& source = o.sources[i];
    const std::string context =
        source.source_id.empty() ? fmt::format("source #{}", i + 1) : fmt::format("source {}", source.source_id);
    auto conn = Connection::Connect(source.conn);
    if (!conn.ok()) return std::move(conn).status().WithContext(context);
    DM_ASSIGN_OR_RETURN(auto tables, ListTables(*conn));
    for (const TableName& t : tables) {
      if (!source.block_allow_list.Match(t.schema, t.table)) continue;
      auto routed = source.router.Route(t.schema, t.table);
      if (!routed.ok()) return std::move(routed).status().WithContext(context);
      TableName to{std::move(routed->schema), std::move(routed->table)};
      if (!Selected(o, to)) continue;
      Group& g = groups[to];
      g.target = to;
      g.sources.push_back({i, t, source.router.ExtraColumns(t.schema, t.table, source.source_id)});
    }
  }
  {
    auto conn = Connection::Connect(o.target);
    if (!conn.ok()) return std::move(conn).status().WithContext("target");
    DM_ASSIGN_OR_RETURN(auto tables, ListTables(*conn));
    for (const TableName& t : tables) {
      // Selecting "whatever the upstreams map to" leaves target-only tables
      // (DM's checkpoint schema, say) alone.
      if (!SelectsAll(o) && Selected(o, t)) groups[t].target = t;
    }
  }
  if (groups.empty()) return Status::NotFound("no table in the sources or the target matches the selection");

  std::vector<Group> jobs;
  jobs.reserve(groups.size());
  for (auto& [name, g] : groups) jobs.push_back(std::move(g));

  DiffSummary summary;
  summary.tables.resize(jobs.size());
  std::atomic<size_t> next{0};
  std::mutex callback_mu;
  auto work = [&] {
    Worker worker(o);
    for (size_t i = next++; i < jobs.size(); i = next++) {
      summary.tables[i] = worker.Run(jobs[i]);
      if (on_table) {
        std::lock_guard<std::mutex> lock(callback_mu);
        on_table(summary.tables[i]);
      }
    }
  };
  size_t threads = std::clamp<size_t>(o.threads, 1, jobs.size());
  {
    std::vector<std::jthread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
  }

  for (const TableReport& r : summary.tables) {
    summary.rows_compared += r.rows_compared;
    if (r.equal()) {
      ++summary.equal;
    } else if (!r.differences.empty()) {
      ++summary.different;
    } else {
      ++summary.failed;
    }
  }
  return summary;
}

std::string FormatSummary(const DiffSummary& s) {
  return fmt::format("Summary: {} tables ({} equal, {} different, {} failed), {} rows compared\n", s.tables.size(),
                     s.equal, s.different, s.failed, s.rows_compared);
}

}  // namespace dm::diff
