#include "ctl/dmctl.h"

#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <ostream>

#include "common/cli.h"
#include "common/encrypt.h"
#include "common/version.h"
#include "config/config_origin.h"
#include "config/duration.h"
#include "ctl/config_transfer.h"
#include "ctl/json_format.h"
#include "ctl/sample_source.h"
#include "ctl/start_time.h"
#include "ctl/task_file.h"

namespace dm::ctl {
namespace {

using nlohmann::ordered_json;

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
// As DM's check-task defaults.
constexpr int64_t kDefaultErrorCount = 10;
constexpr int64_t kDefaultWarnCount = 10;
constexpr const char* kDefaultConfigDir = "configs";

struct GlobalOptions {
  std::string master_addr;
  std::string rpc_timeout = "10m";
  std::string ssl_ca;
  std::string ssl_cert;
  std::string ssl_key;
  std::string secret_key_path;
  std::string legacy_encrypt;  // v1.0's `dmctl -encrypt TEXT`
  std::vector<std::string> sources;
};

// Every command's own flags and arguments. Only one command runs per
// invocation, so commands share the fields they have in common.
struct CommandOptions {
  std::vector<std::string> args;
  std::string worker;
  bool print_sample_config = false;
  bool remove_meta = false;
  std::string start_time;
  bool more = false;
  int64_t error_count = kDefaultErrorCount;
  int64_t warn_count = kDefaultWarnCount;
  bool leader = false;
  bool master = false;
  bool worker_kind = false;
  std::vector<std::string> names;
  std::string file;
  std::string path;
  std::string dir;
  // binlog-schema update: DM's defaults.
  bool flush = true;
  bool sync = true;
  bool from_source = false;
  bool from_target = false;
};

// What one invocation runs with: streams, global flags and, once Connect()
// succeeded, the transport to the master.
class Session {
 public:
  Session(const GlobalOptions& options, std::ostream& out, std::ostream& err, const TransportFactory& connect)
      : options_(options), out_(out), err_(err), connect_(connect) {}

  std::ostream& out() { return out_; }
  const std::vector<std::string>& sources() const { return options_.sources; }

  // Prints `message` and `command`'s help; returns the usage exit code.
  int Usage(const CLI::App& command, std::string_view message) {
    std::string path = command.get_name();
    for (const CLI::App* parent = command.get_parent(); parent != nullptr; parent = parent->get_parent()) {
      path = parent->get_name() + " " + path;
    }
    err_ << path << ": " << message << "\n\n" << command.help();
    return kExitUsage;
  }

  int Fail(const Status& status) {
    err_ << "dmctl: ";
    if (status.error_code() != ErrorCode::kNone) err_ << FormatErrorTag(status.error_code()) << " ";
    err_ << status.message() << "\n";
    return kExitFailed;
  }

  Result<crypto::SecretKey> Key() const { return crypto::ResolveSecretKey(options_.secret_key_path); }

  // Checks the connection flags and builds the transport. Returns nullopt to
  // continue, else the exit code after the problem was printed.
  std::optional<int> Connect(const CLI::App& root) {
    std::string addr = options_.master_addr;
    if (addr.empty()) {
      // As DM: the environment stands in for the flag.
      if (const char* env = std::getenv("DM_MASTER_ADDR")) addr = env;
    }
    if (addr.empty()) {
      return Usage(root,
                   "--master-addr not provided, this parameter is required when interacting with the dm-master, "
                   "you can also use environment variable 'DM_MASTER_ADDR' to specify the value");
    }
    MasterConnection connection;
    auto addresses = ParseMasterAddresses(addr);
    if (!addresses.ok()) return Usage(root, addresses.status().message());
    connection.addresses = std::move(*addresses);
    auto timeout = config::ParseGoDuration(options_.rpc_timeout);
    if (!timeout.ok() || timeout->count() <= 0) {
      return Usage(root, fmt::format("--rpc-timeout '{}': invalid time duration", options_.rpc_timeout));
    }
    connection.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*timeout);
    if (options_.ssl_cert.empty() != options_.ssl_key.empty()) {
      return Usage(root, "--ssl-cert and --ssl-key must be given together");
    }
    connection.tls = {options_.ssl_ca, options_.ssl_cert, options_.ssl_key, {}};
    transport_ = connect_(connection);
    return std::nullopt;
  }

  Result<ordered_json> Call(const MasterRequest& request) {
    DM_ASSIGN_OR_RETURN(http::Response response, transport_(request));
    return ParseMasterResponse(response);
  }

  // Prints a formatted answer; the exit code follows its `result`.
  int Print(const ordered_json& response, const std::string& text) {
    out_ << text << "\n";
    return ResponseSucceeded(response) ? 0 : kExitFailed;
  }

  // Sends `request` and prints the answer as DM prints protobuf responses.
  int Run(const MasterRequest& request) {
    auto response = Call(request);
    if (!response.ok()) return Fail(response.status());
    return Print(*response, FormatJson(*response, JsonStyle::kProtobuf));
  }

 private:
  const GlobalOptions& options_;
  std::ostream& out_;
  std::ostream& err_;
  const TransportFactory& connect_;
  MasterTransport transport_;
};

struct Command {
  CLI::App* app;
  std::function<int(Session&)> run;
  std::function<bool()> needs_master = [] { return true; };
};

// As DM's dmctl, which prints the encrypted text itself (before v8); the key
// comes from --secret-key-path (DM v8's master key file) or is DM's built-in
// key, so the output is accepted by both DM and dm.
int Encrypt(Session& session, const std::string& plaintext) {
  auto key = session.Key();
  if (!key.ok()) return session.Fail(key.status());
  auto cipher = crypto::Encrypt(plaintext, *key);
  if (!cipher.ok()) return session.Fail(Status::Internal("encrypt failed: " + cipher.status().message()));
  session.out() << *cipher << "\n";
  return 0;
}

int OperateSource(Session& session, const CLI::App& cmd, const CommandOptions& o) {
  if (o.print_sample_config) {
    session.out() << SampleSourceConfig() << "\n";
    return 0;
  }
  if (o.args.empty()) return session.Usage(cmd, "give an operation: create, update, stop or show");
  static const std::map<std::string, SourceOp> kOps = {
      {"create", SourceOp::kStart}, {"update", SourceOp::kUpdate}, {"stop", SourceOp::kStop}, {"show", SourceOp::kShow}};
  auto op = kOps.find(o.args[0]);
  if (op == kOps.end()) return session.Usage(cmd, fmt::format("invalid operate '{}' on worker", o.args[0]));
  std::vector<std::string> files(o.args.begin() + 1, o.args.end());
  if (op->second != SourceOp::kShow && files.empty()) {
    return session.Usage(cmd, "operate-source create/update/stop should specify config-file(s)");
  }
  if (!o.worker.empty() && (op->second != SourceOp::kStart || files.size() > 1)) {
    return session.Usage(cmd, "-w/--worker binds one source: use it with `create` and a single config file");
  }
  auto key = session.Key();
  if (!key.ok()) return session.Fail(key.status());
  std::vector<std::string> configs;
  std::vector<std::string> source_ids = session.sources();
  for (const auto& file : files) {
    // stop and show take source ids or source files; create and update send the files.
    bool ids_allowed = op->second == SourceOp::kStop || op->second == SourceOp::kShow;
    if (ids_allowed && !IsYamlFileName(file)) {
      source_ids.push_back(file);
      continue;
    }
    auto source = ReadSourceFile(file, *key);
    if (!source.ok()) return session.Fail(source.status());
    if (ids_allowed) {
      source_ids.push_back(source->source_id);
    } else {
      configs.push_back(std::move(source->text));
    }
  }
  return session.Run(OperateSourceRequest(op->second, configs, source_ids, o.worker));
}

// start-task and check-task take one file and an optional --start-time.
std::optional<int> CheckTaskFileUsage(Session& session, const CLI::App& cmd, const CommandOptions& o) {
  if (o.args.size() != 1) return session.Usage(cmd, "give exactly one task config file");
  if (o.start_time.empty()) return std::nullopt;
  Status valid = ValidateStartTime(o.start_time);
  if (!valid.ok()) return session.Usage(cmd, valid.message());
  return std::nullopt;
}

int StartTask(Session& session, const CLI::App& cmd, const CommandOptions& o) {
  if (auto code = CheckTaskFileUsage(session, cmd, o)) return *code;
  auto key = session.Key();
  if (!key.ok()) return session.Fail(key.status());
  auto task = ReadTaskFile(o.args[0], *key);
  if (!task.ok()) return session.Fail(task.status());
  auto response = session.Call(StartTaskRequest(task->text, session.sources(), o.remove_meta, o.start_time));
  if (!response.ok()) return session.Fail(response.status());
  return session.Print(*response, FormatCheckResponse(*response, "checkResult"));
}

int CheckTask(Session& session, const CLI::App& cmd, const CommandOptions& o) {
  if (auto code = CheckTaskFileUsage(session, cmd, o)) return *code;
  // As DM: the file goes to the master unparsed, whose checker reports
  // problems in the config itself.
  auto text = config::ReadConfigFile(o.args[0]);
  if (!text.ok()) return session.Fail(text.status());
  auto response = session.Call(CheckTaskRequest(*text, o.error_count, o.warn_count, o.start_time));
  if (!response.ok()) return session.Fail(response.status());
  return session.Print(*response, FormatCheckResponse(*response, "msg"));
}

// The task named by the optional "task-name | task-file" argument ("" when
// absent).
Result<std::string> OptionalTaskName(Session& session, const CommandOptions& o) {
  if (o.args.empty()) return std::string();
  auto key = session.Key();
  if (!key.ok()) return key.status();
  return ResolveTaskName(o.args[0], *key);
}

int OperateTask(Session& session, const CLI::App& cmd, const CommandOptions& o, TaskOp op) {
  if (o.args.size() > 1) return session.Usage(cmd, "give at most one task name or task file");
  if (o.args.empty() && session.sources().empty()) {
    return session.Usage(cmd, "give a task name, a task file, or -s sources to operate all tasks on those sources");
  }
  auto name = OptionalTaskName(session, o);
  if (!name.ok()) return session.Fail(name.status());
  return session.Run(OperateTaskRequest(op, *name, session.sources()));
}

int QueryStatus(Session& session, const CLI::App& cmd, const CommandOptions& o) {
  if (o.args.size() > 1) return session.Usage(cmd, "give at most one task name or task file");
  auto name = OptionalTaskName(session, o);
  if (!name.ok()) return session.Fail(name.status());
  auto response = session.Call(QueryStatusRequest(*name, session.sources()));
  if (!response.ok()) return session.Fail(response.status());
  // As DM: the task list is composed by dmctl and printed with encoding/json,
  // whose empty lists look different from jsonpb's.
  JsonStyle style = response->contains("tasks") ? JsonStyle::kGoJson : JsonStyle::kProtobuf;
  return session.Print(*response, FormatJson(*response, style));
}

// binlog-schema list|update|delete <task> <database> <table> [schema-file].
// As DM, the answer lists one entry per -s source (list: the CREATE TABLE in
// its msg); dmctl exits 1 when any of them failed.
int BinlogSchema(Session& session, const CLI::App& cmd, const CommandOptions& o, SchemaOp op) {
  const bool from_server = o.from_source || o.from_target;
  if (op == SchemaOp::kSet && o.from_source && o.from_target) {
    return session.Usage(cmd, "from-source and from-target can not be used together");
  }
  if (op == SchemaOp::kSet && from_server && o.args.size() == 4) {
    return session.Usage(cmd, "can not set schema-file when use from-source or from-target");
  }
  const bool with_file = op == SchemaOp::kSet && !from_server;
  if (o.args.size() != (with_file ? 4u : 3u)) {
    return session.Usage(cmd, with_file ? "give a task name or task file, a database, a table and a schema file "
                                          "(or --from-source / --from-target instead of the file)"
                                        : "give a task name or task file, a database and a table");
  }
  auto name = OptionalTaskName(session, o);
  if (!name.ok()) return session.Fail(name.status());
  SchemaOperation operation;
  operation.op = op;
  operation.task = *name;
  operation.sources = session.sources();
  operation.database = o.args[1];
  operation.table = o.args[2];
  if (with_file) {
    auto text = config::ReadConfigFile(o.args[3]);
    if (!text.ok()) return session.Fail(text.status());
    operation.schema = std::move(*text);
  }
  if (op == SchemaOp::kSet) {
    operation.flush = o.flush;
    operation.sync = o.sync;
    operation.from_source = o.from_source;
    operation.from_target = o.from_target;
  }
  auto response = session.Call(OperateSchemaRequest(operation));
  if (!response.ok()) return session.Fail(response.status());
  session.out() << FormatJson(*response, JsonStyle::kProtobuf) << "\n";
  return ResponseAndSourcesSucceeded(*response) ? 0 : kExitFailed;
}

int ListMember(Session& session, const CLI::App& cmd, const CommandOptions& o) {
  if (!o.args.empty()) return session.Usage(cmd, "takes no arguments");
  return session.Run(ListMemberRequest(o.leader, o.master, o.worker_kind, o.names));
}

int OfflineMember(Session& session, const CLI::App& cmd, const CommandOptions& o) {
  if (!o.args.empty()) return session.Usage(cmd, "takes no arguments");
  if (o.master == o.worker_kind) return session.Usage(cmd, "should specify either --master or --worker");
  if (o.names.size() != 1 || o.names[0].empty()) return session.Usage(cmd, "a member name must be specified");
  auto response = session.Call(OfflineMemberRequest(o.master ? "master" : "worker", o.names[0]));
  if (!response.ok()) return session.Fail(response.status());
  if (!ResponseSucceeded(*response)) {
    // As DM: the failure is printed as text, not as the response.
    session.out() << "offline member failed:\n" << response->value("msg", "") << "\n";
    return kExitFailed;
  }
  return session.Print(*response, FormatJson(*response, JsonStyle::kProtobuf));
}

int OperateLeader(Session& session, const CLI::App& cmd, const CommandOptions& o) {
  if (o.args.size() != 1) return session.Usage(cmd, "give one operation: evict or cancel-evict");
  if (o.args[0] != "evict" && o.args[0] != "cancel-evict") {
    return session.Usage(cmd, fmt::format("invalid operate '{}' on leader", o.args[0]));
  }
  return session.Run(OperateLeaderRequest(o.args[0]));
}

int TransferSource(Session& session, const CLI::App& cmd, const CommandOptions& o) {
  if (o.args.size() != 2) return session.Usage(cmd, "give a source id and a worker name");
  return session.Run(TransferSourceRequest(o.args[0], o.args[1]));
}

// get-config and `config <type> <name>`: prints the config, or with
// `output` writes it there and says so, as DM.
int GetConfig(Session& session, const std::string& type, const std::string& name_arg, const std::string& output) {
  std::string name = name_arg;
  if (type == "task") {
    auto key = session.Key();
    if (!key.ok()) return session.Fail(key.status());
    auto resolved = ResolveTaskName(name_arg, *key);
    if (!resolved.ok()) return session.Fail(resolved.status());
    name = std::move(*resolved);
  }
  auto response = session.Call(GetConfigRequest(type, name));
  if (!response.ok()) return session.Fail(response.status());
  if (ResponseSucceeded(*response) && !output.empty()) {
    Status written = WriteConfigFile(output, response->value("cfg", ""));
    if (!written.ok()) return session.Fail(written);
    (*response)["msg"] = fmt::format("write config to file {} succeed", output);
    (*response)["cfg"] = "";
  }
  return session.Print(*response, FormatJson(*response, JsonStyle::kProtobuf));
}

bool IsConfigType(const std::string& type) {
  return type == "task" || type == "master" || type == "worker" || type == "source";
}

int GetConfigCommand(Session& session, const CLI::App& cmd, const CommandOptions& o) {
  if (o.args.size() != 2) return session.Usage(cmd, "give a config type and a name");
  if (!IsConfigType(o.args[0])) return session.Usage(cmd, fmt::format("invalid config type '{}'", o.args[0]));
  return GetConfig(session, o.args[0], o.args[1], o.file);
}

MasterCall CallThrough(Session& session) {
  return [&session](const MasterRequest& request) { return session.Call(request); };
}

// `config export|import`: -p/--path, or DM's hidden -d/--dir, else ./configs.
std::string ConfigDirectory(const CommandOptions& o) {
  if (!o.path.empty()) return o.path;
  return o.dir.empty() ? kDefaultConfigDir : o.dir;
}

CLI::App* AddCommand(CLI::App& parent, const std::string& name, const std::string& description,
                     CommandOptions& o, const std::string& args_name, const std::string& args_description) {
  CLI::App* cmd = parent.add_subcommand(name, description);
  // Global flags may follow the command, as with DM's persistent flags.
  cmd->fallthrough();
  if (!args_name.empty()) cmd->add_option(args_name, o.args, args_description);
  return cmd;
}

void AddStartTimeFlag(CLI::App* cmd, CommandOptions& o) {
  cmd->add_option("--start-time", o.start_time,
                  "start time of binlog replication, e.g. '2021-10-21 00:01:00', '2021-10-21T00:01:00' or "
                  "'2021-10-21T00:01:00+08:00'");
}

std::vector<Command> AddCommands(CLI::App& app, CommandOptions& o) {
  std::vector<Command> commands;
  auto add = [&](CLI::App* cmd, auto run) {
    commands.push_back({cmd, [cmd, run, &o](Session& s) { return run(s, *cmd, o); }});
    return cmd;
  };

  CLI::App* source = add(AddCommand(app, "operate-source", "create/update/stop/show upstream MySQL/MariaDB sources", o,
                                    "operation-and-files", "create|update|stop|show, then config files (or ids for stop/show)"),
                         OperateSource);
  source->add_flag("-p,--print-sample-config", o.print_sample_config, "print a sample source config file");
  source->add_option("-w,--worker", o.worker, "bind the created source to this worker");
  commands.back().needs_master = [&o] { return !o.print_sample_config; };

  CLI::App* start = add(AddCommand(app, "start-task", "start a task as defined in the config file", o, "config-file",
                                   "task config file"),
                        StartTask);
  start->add_flag("--remove-meta", o.remove_meta, "remove the task's checkpoints and meta data first");
  AddStartTimeFlag(start, o);

  struct TaskOpCommand {
    const char* name;
    const char* description;
    TaskOp op;
  };
  for (const TaskOpCommand& c : {TaskOpCommand{"pause-task", "pause a task, or all tasks on the -s sources", TaskOp::kPause},
                                 TaskOpCommand{"resume-task", "resume a task, or all tasks on the -s sources", TaskOp::kResume},
                                 TaskOpCommand{"stop-task", "stop a task, or all tasks on the -s sources", TaskOp::kStop}}) {
    TaskOp op = c.op;
    add(AddCommand(app, c.name, c.description, o, "task-name-or-file", "task name or task config file"),
        [op](Session& s, const CLI::App& cmd, const CommandOptions& opts) { return OperateTask(s, cmd, opts, op); });
  }

  CLI::App* check = add(AddCommand(app, "check-task", "check a task config file (precheck)", o, "config-file",
                                   "task config file"),
                        CheckTask);
  check->add_option("-e,--error", o.error_count, "max count of errors to display")->capture_default_str();
  check->add_option("-w,--warn", o.warn_count, "max count of warnings to display")->capture_default_str();
  AddStartTimeFlag(check, o);

  CLI::App* query = add(AddCommand(app, "query-status", "query the task list, or one task's detailed status", o,
                                   "task-name-or-file", "task name or task config file"),
                        QueryStatus);
  query->add_flag("--more", o.more, "print the detailed status (accepted for DM compatibility)");

  CLI::App* list = add(AddCommand(app, "list-member", "list masters, workers and the leader", o, "", ""), ListMember);
  list->add_option("args", o.args)->group("");
  list->add_flag("-l,--leader", o.leader, "list the leader");
  list->add_flag("-m,--master", o.master, "list masters");
  list->add_flag("-w,--worker", o.worker_kind, "list workers");
  list->add_option("-n,--name", o.names, "only these members (repeatable, comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false);

  CLI::App* offline = add(AddCommand(app, "offline-member", "remove a stopped master or worker from the cluster", o,
                                     "", ""),
                          OfflineMember);
  offline->add_option("args", o.args)->group("");
  offline->add_flag("-m,--master", o.master, "the member is a master");
  offline->add_flag("-w,--worker", o.worker_kind, "the member is a worker");
  offline->add_option("-n,--name", o.names, "the member's name")->allow_extra_args(false);

  add(AddCommand(app, "operate-leader", "evict/cancel-evict the leader", o, "operation", "evict or cancel-evict"),
      OperateLeader);
  add(AddCommand(app, "transfer-source", "transfer a source to a free worker", o, "source-and-worker",
                 "source id, then worker name"),
      TransferSource);

  CLI::App* get = add(AddCommand(app, "get-config", "print a task, master, worker or source config", o, "type-and-name",
                                 "task|master|worker|source, then the name"),
                      GetConfigCommand);
  get->add_option("-f,--file", o.file, "write the config to this file instead");

  CLI::App* schema = app.add_subcommand("binlog-schema", "manage or show table schema in schema tracker");
  schema->fallthrough();
  schema->require_subcommand(1);
  struct SchemaCommand {
    const char* name;
    const char* description;
    const char* args_name;
    SchemaOp op;
  };
  for (const SchemaCommand& c :
       {SchemaCommand{"list", "show table schema structure", "task-database-table", SchemaOp::kGet},
        SchemaCommand{"update", "update tables schema structure", "task-database-table-file", SchemaOp::kSet},
        SchemaCommand{"delete", "delete table schema structure", "task-database-table", SchemaOp::kRemove}}) {
    SchemaOp op = c.op;
    CLI::App* cmd = add(AddCommand(*schema, c.name, c.description, o, c.args_name,
                                   op == SchemaOp::kSet
                                       ? "task name or task file, database, table, then the schema file"
                                       : "task name or task file, database, table"),
                        [op](Session& s, const CLI::App& command, const CommandOptions& opts) {
                          return BinlogSchema(s, command, opts, op);
                        });
    if (op != SchemaOp::kSet) continue;
    cmd->add_flag("--flush", o.flush, "flush the table info and checkpoint immediately (dm always does)")
        ->capture_default_str();
    cmd->add_flag("--sync", o.sync,
                  "sync the table info to master to resolve shard ddl lock, only for optimistic mode now")
        ->capture_default_str();
    cmd->add_flag("--from-source", o.from_source,
                  "use the schema from upstream database as the schema of the specified tables");
    cmd->add_flag("--from-target", o.from_target,
                  "use the schema from downstream database as the schema of the specified tables");
  }

  CLI::App* config = app.add_subcommand("config", "show, export or import configs");
  config->fallthrough();
  config->require_subcommand(1);
  for (const char* type : {"task", "source", "master", "worker"}) {
    std::string config_type = type;
    CLI::App* show = AddCommand(*config, type, fmt::format("print a {} config", type), o, "name",
                                config_type == "task" ? "task name or task config file" : "name");
    show->add_option("-p,--path", o.path, "write the config to this file instead");
    commands.push_back({show, [show, config_type, &o](Session& s) {
                          if (o.args.size() != 1) return s.Usage(*show, "give one name");
                          return GetConfig(s, config_type, o.args[0], o.path);
                        }});
  }
  struct TransferCommand {
    const char* name;
    const char* description;
    Status (*transfer)(const MasterCall&, const std::string&, std::ostream&);
  };
  for (const TransferCommand& c :
       {TransferCommand{"export", "export all source and task configs to a directory", ExportConfigs},
        TransferCommand{"import", "create the sources and tasks of an exported directory", ImportConfigs}}) {
    CLI::App* cmd = AddCommand(*config, c.name, c.description, o, "", "");
    cmd->add_option("-p,--path", o.path, "configs directory (default ./configs)");
    cmd->add_option("-d,--dir", o.dir, "configs directory (DM's hidden spelling)")->group("");
    auto transfer = c.transfer;
    commands.push_back({cmd, [transfer, &o](Session& s) {
                          Status done = transfer(CallThrough(s), ConfigDirectory(o), s.out());
                          return done.ok() ? 0 : s.Fail(done);
                        }});
  }
  return commands;
}

}  // namespace

int RunDmctl(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
             const TransportFactory& connect) {
  CLI::App app{"dmctl: the command-line client of dm-master", "dmctl"};
  app.require_subcommand(0, 1);
  GlobalOptions options;
  bool version = false;
  app.add_flag("-V,--version", version, "print version information and exit");
  app.add_option("--master-addr", options.master_addr,
                 "dm-master addresses, host:port[,host:port...] (default: $DM_MASTER_ADDR)");
  app.add_option("--rpc-timeout", options.rpc_timeout, "timeout of each request to dm-master")->capture_default_str();
  app.add_option("--ssl-ca", options.ssl_ca, "CA certificate file that verifies dm-master");
  app.add_option("--ssl-cert", options.ssl_cert, "client certificate file (PEM)");
  app.add_option("--ssl-key", options.ssl_key, "client key file (PEM)");
  app.add_option("--secret-key-path", options.secret_key_path,
                 "file with the 64-hex-character AES key for passwords (default: DM's built-in key)");
  app.add_option("-s,--source", options.sources, "MySQL source ids (repeatable, comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_option("--encrypt", options.legacy_encrypt, "encrypt TEXT (DM v1.0 form of the encrypt command)")
      ->group("");

  CommandOptions command_options;
  std::vector<Command> commands = AddCommands(app, command_options);
  std::string plaintext;
  CLI::App* encrypt = app.add_subcommand("encrypt", "encrypt a plaintext password for source/task files");
  encrypt->add_option("plaintext", plaintext, "the password to encrypt")->required();

  if (int code = ParseCommandLine(app, argc, argv, out, err); code >= 0) {
    if (code == kExitUsage) {
      // Add the help of the command that was being parsed.
      const CLI::App* current = &app;
      while (!current->get_subcommands().empty()) current = current->get_subcommands().front();
      err << "\n" << current->help();
    }
    return code;
  }
  if (version) {
    out << VersionBlock();
    return 0;
  }
  Session session(options, out, err, connect);
  if (encrypt->parsed()) return Encrypt(session, plaintext);
  if (!options.legacy_encrypt.empty()) return Encrypt(session, options.legacy_encrypt);
  for (const Command& command : commands) {
    if (!command.app->parsed()) continue;
    if (command.needs_master()) {
      if (auto code = session.Connect(app)) return *code;
    }
    return command.run(session);
  }
  // `config` alone, or no command: DM would open its interactive shell,
  // which dm does not have.
  const CLI::App* current = &app;
  while (!current->get_subcommands().empty()) current = current->get_subcommands().front();
  err << current->help();
  return kExitUsage;
}

int RunDmctl(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  return RunDmctl(argc, argv, out, err, HttpMasterTransport);
}

}  // namespace dm::ctl
