#include "etcd/embedded.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/log.h"
#include "common/strings.h"
#include "etcd/client.h"

namespace dm::etcd {
namespace {

constexpr char kLogFile[] = "etcd.log";
constexpr size_t kLogTailBytes = 4096;
// How long Stop() waits for the reaper after SIGKILL; only a kernel in
// trouble takes longer.
constexpr auto kKillWait = std::chrono::seconds(10);
constexpr auto kServePollInterval = std::chrono::milliseconds(200);

std::string JoinComma(const std::vector<std::string>& items) { return fmt::format("{}", fmt::join(items, ",")); }

bool IsLoopbackUrl(std::string_view url, std::string_view scheme) {
  if (!url.starts_with(scheme)) return false;
  url.remove_prefix(scheme.size());
  for (std::string_view host : {"127.", "localhost:", "[::1]:"}) {
    if (url.starts_with(host)) return true;
  }
  return false;
}

Result<std::string> FindBinary(const std::string& configured) {
  if (!configured.empty()) {
    if (access(configured.c_str(), X_OK) != 0) {
      return Status::FailedPrecondition(
          fmt::format("etcd binary '{}' is not executable: {}", configured, std::strerror(errno)));
    }
    return configured;
  }
  const char* path = std::getenv("PATH");
  for (const std::string& dir : SplitString(path == nullptr ? "" : path, ':')) {
    std::string candidate = dir + "/etcd";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  if (access("/usr/bin/etcd", X_OK) == 0) return std::string("/usr/bin/etcd");
  return Status::FailedPrecondition("no etcd binary on PATH or at /usr/bin/etcd (install Debian's etcd-server)");
}

Status Validate(const EmbeddedOptions& options) {
  if (options.name.empty()) return Status::InvalidArgument("embedded etcd needs a member name");
  if (options.data_dir.empty()) return Status::InvalidArgument("embedded etcd needs a data dir");
  const bool tls = !options.tls.cert.empty();
  const std::string_view scheme = tls ? "https://" : "http://";
  if (!IsLoopbackUrl(options.client_url, scheme)) {
    return Status::InvalidArgument(
        fmt::format("embedded etcd client URL '{}' must be {} on a loopback address", options.client_url, scheme));
  }
  if (tls && options.tls.key.empty()) return Status::InvalidArgument("embedded etcd TLS needs a key with the cert");
  if (options.peer_urls.empty()) return Status::InvalidArgument("embedded etcd needs a peer URL");
  if (options.initial_cluster_state != "new" && options.initial_cluster_state != "existing") {
    return Status::InvalidArgument(
        fmt::format("initial-cluster-state '{}' is neither 'new' nor 'existing'", options.initial_cluster_state));
  }
  if (options.start_timeout <= std::chrono::milliseconds::zero()) {
    return Status::InvalidArgument("embedded etcd start timeout must be positive");
  }
  return Status::OK();
}

std::vector<std::string> EtcdArguments(const std::string& binary, const EmbeddedOptions& options) {
  const std::vector<std::string>& advertise =
      options.advertise_peer_urls.empty() ? options.peer_urls : options.advertise_peer_urls;
  std::string initial_cluster = options.initial_cluster;
  if (initial_cluster.empty()) {
    std::vector<std::string> entries;
    for (const std::string& url : advertise) entries.push_back(options.name + "=" + url);
    initial_cluster = JoinComma(entries);
  }
  std::vector<std::string> args = {binary,
                                   "--name=" + options.name,
                                   "--data-dir=" + options.data_dir,
                                   "--listen-client-urls=" + options.client_url,
                                   "--advertise-client-urls=" + options.client_url,
                                   "--listen-peer-urls=" + JoinComma(options.peer_urls),
                                   "--initial-advertise-peer-urls=" + JoinComma(advertise),
                                   "--initial-cluster=" + initial_cluster,
                                   "--initial-cluster-state=" + options.initial_cluster_state,
                                   "--auto-compaction-mode=" + options.auto_compaction_mode,
                                   "--auto-compaction-retention=" + options.auto_compaction_retention,
                                   fmt::format("--quota-backend-bytes={}", options.quota_backend_bytes),
                                   fmt::format("--max-txn-ops={}", options.max_txn_ops),
                                   fmt::format("--max-request-bytes={}", options.max_request_bytes),
                                   "--logger=zap",
                                   "--log-outputs=stderr"};
  if (!options.tls.cert.empty()) {
    const bool https_peers = std::any_of(options.peer_urls.begin(), options.peer_urls.end(),
                                         [](const std::string& url) { return url.starts_with("https://"); });
    for (std::string_view side : {"", "peer-"}) {
      if (!side.empty() && !https_peers) continue;
      args.push_back(fmt::format("--{}cert-file={}", side, options.tls.cert));
      args.push_back(fmt::format("--{}key-file={}", side, options.tls.key));
      if (!options.tls.ca.empty()) {
        args.push_back(fmt::format("--{}trusted-ca-file={}", side, options.tls.ca));
        args.push_back(fmt::format("--{}client-cert-auth", side));
      }
    }
  }
  return args;
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("was killed by signal {}", WTERMSIG(status));
  return fmt::format("ended with wait status {}", status);
}

}  // namespace

EmbeddedEtcd::~EmbeddedEtcd() {
  Status stopped = Stop();
  if (!stopped.ok()) log::Error("embedded etcd did not stop", {{"error", stopped}});
}

std::string EmbeddedEtcd::log_path() const { return options_.data_dir + "/" + kLogFile; }

Status EmbeddedEtcd::Start(EmbeddedOptions options) {
  DM_RETURN_IF_ERROR(Spawn(std::move(options)));
  return WaitUntilServing();
}

Status EmbeddedEtcd::Spawn(EmbeddedOptions options) {
  DM_RETURN_IF_ERROR(Validate(options));
  if (supervisor_.joinable()) {
    // A child that exited (crashed, or failed to start) leaves its reaped
    // supervisor behind; only a running one refuses a second start.
    if (Alive()) return Status::FailedPrecondition("embedded etcd is already running");
    supervisor_.join();
  }
  DM_ASSIGN_OR_RETURN(std::string binary, FindBinary(options.binary));
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) {
    return Status::FailedPrecondition(
        fmt::format("cannot create etcd data dir '{}': {}", options.data_dir, ec.message()));
  }
  options_ = std::move(options);
  const std::string log = log_path();
  int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return Status::FailedPrecondition(fmt::format("cannot open etcd log '{}': {}", log, std::strerror(errno)));
  }
  {
    std::lock_guard lock(mu_);
    pid_ = 0;
    forked_ = false;
    exited_ = false;
    fork_errno_ = 0;
  }
  supervisor_ = std::thread(&EmbeddedEtcd::Supervise, this, EtcdArguments(binary, options_), log_fd, getpid());
  std::unique_lock lock(mu_);
  changed_.wait(lock, [this] { return forked_; });
  close(log_fd);
  if (fork_errno_ != 0) {
    int error = fork_errno_;
    lock.unlock();
    supervisor_.join();
    return Status::Unavailable(fmt::format("cannot fork etcd: {}", std::strerror(error)));
  }
  log::Info(
      "embedded etcd started",
      {{"name", options_.name}, {"pid", pid_}, {"client-url", options_.client_url}, {"data-dir", options_.data_dir}});
  return Status::OK();
}

void EmbeddedEtcd::Supervise(std::vector<std::string> argv, int log_fd, pid_t parent) {
  // Everything the child needs is prepared before fork(): between fork and
  // exec only async-signal-safe calls are allowed in a threaded process.
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  sigset_t no_signals;
  sigemptyset(&no_signals);

  pid_t pid = fork();
  if (pid == 0) {
    // PDEATHSIG fires when this (the forking) thread ends, which it does
    // only after reaping the child, or when the whole parent dies.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before prctl
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull < 0 || dup2(devnull, STDIN_FILENO) < 0 || dup2(log_fd, STDOUT_FILENO) < 0 ||
        dup2(log_fd, STDERR_FILENO) < 0) {
      _exit(126);
    }
    close_range(3, ~0U, 0);
    // dm blocks SIGTERM/SIGINT to receive them with sigwait; etcd must see them.
    sigprocmask(SIG_SETMASK, &no_signals, nullptr);
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &default_action, nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  {
    std::lock_guard lock(mu_);
    forked_ = true;
    if (pid < 0) {
      fork_errno_ = errno;
    } else {
      pid_ = pid;
    }
  }
  changed_.notify_all();
  if (pid < 0) return;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  {
    std::lock_guard lock(mu_);
    exited_ = true;
    wait_status_ = status;
  }
  changed_.notify_all();
}

Status EmbeddedEtcd::WaitUntilServing() {
  ClientOptions client_options;
  client_options.endpoints = {options_.client_url};
  client_options.tls = options_.tls;
  client_options.request_timeout = std::chrono::seconds(1);
  DM_ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Client::Create(std::move(client_options)));
  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  Status last;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (pid_ == 0) return Status::FailedPrecondition("embedded etcd was not started");
      if (exited_) {
        return Status::Unavailable(fmt::format("etcd member '{}' {} while starting; end of {}:\n{}", options_.name,
                                               DescribeWaitStatus(wait_status_), log_path(), LogTail()));
      }
    }
    last = client->EndpointStatus().status();
    if (last.ok()) return Status::OK();
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::unique_lock lock(mu_);
    changed_.wait_for(lock, kServePollInterval, [this] { return exited_; });
  }
  return Status::Unavailable(fmt::format("etcd member '{}' does not serve on {} after {} ms ({}); end of {}:\n{}",
                                         options_.name, options_.client_url, options_.start_timeout.count(),
                                         last.message(), log_path(), LogTail()));
}

Status EmbeddedEtcd::Stop(std::chrono::milliseconds grace) {
  if (!supervisor_.joinable()) return Status::OK();
  std::unique_lock lock(mu_);
  if (!exited_) {
    kill(pid_, SIGTERM);
    if (!changed_.wait_for(lock, grace, [this] { return exited_; })) {
      log::Warn("embedded etcd ignored SIGTERM, killing it", {{"pid", pid_}, {"grace-ms", grace.count()}});
      kill(pid_, SIGKILL);
      if (!changed_.wait_for(lock, kKillWait, [this] { return exited_; })) {
        return Status::Internal(fmt::format("etcd pid {} survived SIGKILL for {} s", pid_, kKillWait.count()));
      }
    }
  }
  lock.unlock();
  supervisor_.join();
  log::Info("embedded etcd stopped", {{"name", options_.name}, {"status", DescribeWaitStatus(wait_status_)}});
  return Status::OK();
}

bool EmbeddedEtcd::Alive() const {
  std::lock_guard lock(mu_);
  return pid_ != 0 && !exited_;
}

pid_t EmbeddedEtcd::pid() const {
  std::lock_guard lock(mu_);
  return pid_;
}

std::string EmbeddedEtcd::LogTail() const {
  std::ifstream in(log_path(), std::ios::binary | std::ios::ate);
  if (!in) return "(no log)";
  std::streamoff size = in.tellg();
  std::streamoff from = size > static_cast<std::streamoff>(kLogTailBytes) ? size - kLogTailBytes : 0;
  in.seekg(from);
  std::string tail(static_cast<size_t>(size - from), '\0');
  in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
  return tail;
}

}  // namespace dm::etcd
