#include "common/signals.h"

#include <pthread.h>
#include <signal.h>

namespace dm {
namespace {

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void BlockTerminationSignals() {
  sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForTerminationSignal() {
  sigset_t set = TerminationSignals();
  int signal_number = 0;
  while (sigwait(&set, &signal_number) != 0) {
  }
  return signal_number;
}

int WaitForTerminationSignalFor(std::chrono::milliseconds timeout) {
  sigset_t set = TerminationSignals();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  timespec ts{static_cast<time_t>(seconds.count()),
              static_cast<long>(std::chrono::nanoseconds(timeout - seconds).count())};
  int signal_number = sigtimedwait(&set, nullptr, &ts);
  return signal_number > 0 ? signal_number : 0;
}

}  // namespace dm
