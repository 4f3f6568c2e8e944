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

namespace dm::diff {

namespace {

using mysql::Connection;

struct Group {
  TableName target;
  std::vector<std::pair<size_t, TableName>> sources;  // (index into DiffOptions::sources, table)
};

bool Selected(const DiffOptions& o, const TableName& t) {
  for (const auto& p : o.tables) {
    if (p.Matches(t)) return true;
  }
  for (const auto& s : o.schemas) {
    if (WildcardMatch(s, t.schema)) return true;
  }
  return false;
}

std::string SourceLabel(const DiffOptions& o, size_t index, const TableName& name) {
  return fmt::format("{} {}", o.sources[index].Endpoint(), name.Quoted());
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
    for (const auto& [index, name] : g.sources) r.sources.push_back(SourceLabel(o_, index, name));
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
    for (const auto& [index, name] : g.sources) {
      DM_ASSIGN_OR_RETURN(Connection * conn, Open(&sources_[index], o_.sources[index]));
      std::string label = SourceLabel(o_, index, name);
      DM_ASSIGN_OR_RETURN(auto meta, LoadTableMeta(*conn, name));
      if (!meta) return Status::NotFound(fmt::format("source table {} disappeared", label));
      for (auto& sentence : CompareStructure(*meta, *target_meta, "source " + label)) {
        report->differences.push_back({DiffKind::kStructure, "", std::move(sentence)});
      }
      if (target_meta->key.empty() && in_use[index]) {
        DM_ASSIGN_OR_RETURN(Connection own, Connection::Connect(o_.sources[index]));
        extra.push_back(std::move(own));
        conn = &extra.back();
      }
      in_use[index] = true;
      sources.push_back(SourceTable{std::move(label), name, conn});
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
  if (options.tables.empty() && options.schemas.empty()) {
    return Status::InvalidArgument("select the tables to compare (tables or schemas)");
  }
  DiffOptions o = options;
  for (auto& s : o.sources) PrepareSessionOptions(&s);
  PrepareSessionOptions(&o.target);

  std::map<TableName, Group> groups;
  for (size_t i = 0; i < o.sources.size(); ++i) {
    auto conn = Connection::Connect(o.sources[i]);
    if (!conn.ok()) return std::move(conn).status().WithContext(fmt::format("source #{}", i + 1));
    DM_ASSIGN_OR_RETURN(auto tables, ListTables(*conn));
    for (const TableName& t : tables) {
      TableName to = ApplyRoutes(o.routes, t);
      if (!Selected(o, to)) continue;
      Group& g = groups[to];
      g.target = to;
      g.sources.emplace_back(i, t);
    }
  }
  {
    auto conn = Connection::Connect(o.target);
    if (!conn.ok()) return std::move(conn).status().WithContext("target");
    DM_ASSIGN_OR_RETURN(auto tables, ListTables(*conn));
    for (const TableName& t : tables) {
      if (Selected(o, t)) groups[t].target = t;
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
