// Helpers for the integration tests of dm_etcd (test-only): reserved ports,
// member options on loopback, and a started one-member etcd.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "etcd/client.h"
#include "etcd/embedded.h"
#include "testutil/test_env.h"

namespace dm::etcd::testing {

// `count` ports reserved with scripts/alloc-port.sh, released on destruction.
class Ports {
 public:
  explicit Ports(int count) {
    std::string script = dm::testutil::SourceDir() + "/scripts/alloc-port.sh";
    FILE* pipe = popen((script + " " + std::to_string(count)).c_str(), "r");
    if (pipe == nullptr) {
      ADD_FAILURE() << "cannot run " << script;
      return;
    }
    unsigned port = 0;
    while (fscanf(pipe, "%u", &port) == 1) ports_.push_back(static_cast<uint16_t>(port));
    pclose(pipe);
    if (ports_.size() != static_cast<size_t>(count))
      ADD_FAILURE() << "alloc-port.sh gave " << ports_.size() << " ports";
    ports_.resize(static_cast<size_t>(count), 1);
  }
  ~Ports() {
    std::string command = dm::testutil::SourceDir() + "/scripts/alloc-port.sh --release";
    for (uint16_t port : ports_) command += " " + std::to_string(port);
    if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) std::fprintf(stderr, "port release failed\n");
  }
  Ports(const Ports&) = delete;
  Ports& operator=(const Ports&) = delete;

  uint16_t operator[](size_t i) const { return ports_.at(i); }

 private:
  std::vector<uint16_t> ports_;
};

inline std::string LocalUrl(uint16_t port) { return "http://127.0.0.1:" + std::to_string(port); }

// Options of member `name` with its data under `dir`/name, alone in its
// cluster unless the caller sets initial_cluster.
inline EmbeddedOptions MemberOptions(const std::string& dir, const std::string& name, uint16_t client_port,
                                     uint16_t peer_port) {
  EmbeddedOptions options;
  options.name = name;
  options.data_dir = dir + "/" + name;
  options.client_url = LocalUrl(client_port);
  options.peer_urls = {LocalUrl(peer_port)};
  options.start_timeout = std::chrono::seconds(30);
  return options;
}

// Polls `condition` every 100 ms until it holds or `timeout` passes;
// returns whether it held.
inline bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

// Starts `etcd` as the lone member "m0" with its data under `dir`, on two
// ports it reserves into `ports`. alloc-port.sh hands out ports that lie in
// the kernel's ephemeral range, so an outgoing connection can take one
// between the reservation and etcd's bind: then it retries on new ports.
inline Status StartLoneMember(EmbeddedEtcd& etcd, const std::string& dir, std::unique_ptr<Ports>& ports) {
  Status started;
  for (int attempt = 0; attempt < 3; ++attempt) {
    ports = std::make_unique<Ports>(2);
    started = etcd.Start(MemberOptions(dir, "m0", (*ports)[0], (*ports)[1]));
    if (started.ok() || started.message().find("address already in use") == std::string::npos) return started;
  }
  return started;
}

// Collects the events of a Watch running on its own thread.
class WatchRecorder {
 public:
  WatchRecorder(Client& client, std::string prefix, int64_t from_revision)
      : thread_([this, &client, prefix, from_revision](std::stop_token stop) {
          result_ = client.Watch(
              prefix, from_revision,
              [this](const WatchEvent& event) {
                std::lock_guard lock(mu_);
                events_.push_back(event);
              },
              stop);
        }) {}

  std::vector<WatchEvent> events() {
    std::lock_guard lock(mu_);
    return events_;
  }

  // Stops the watch and returns what it returned, with how long it took.
  std::pair<Status, std::chrono::milliseconds> Stop() {
    const auto start = std::chrono::steady_clock::now();
    thread_.request_stop();
    thread_.join();
    return {result_, std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)};
  }

 private:
  std::mutex mu_;
  std::vector<WatchEvent> events_;
  Status result_;
  std::jthread thread_;  // last: it uses the members above
};

// A started one-member etcd in a temp dir and a client connected to it.
class EtcdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status started = StartLoneMember(etcd_, dir_.path(), ports_);
    ASSERT_TRUE(started.ok()) << started.ToString();
    ClientOptions options;
    options.endpoints = {etcd_.client_url()};
    auto client = Client::Connect(options);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = std::move(client).value();
  }

  dm::testutil::TempDir dir_;
  std::unique_ptr<Ports> ports_;
  EmbeddedEtcd etcd_;
  std::unique_ptr<Client> client_;
};

}  // namespace dm::etcd::testing
