#include "deploy/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <cstring>

#include "util/strings.h"

extern "C" char** environ;

namespace bp {

namespace {

void CloseBoth(int p[2]) {
  if (p[0] >= 0) close(p[0]);
  if (p[1] >= 0) close(p[1]);
  p[0] = p[1] = -1;
}

// What the interrupt handler needs, in storage a signal handler may touch.
std::atomic<int> g_child_group{0};
constexpr int kMaxInterruptPaths = 8;
constexpr size_t kMaxInterruptPath = 4096;
char g_interrupt_paths[kMaxInterruptPaths][kMaxInterruptPath];
std::atomic<bool> g_interrupt_used[kMaxInterruptPaths];

std::atomic<int> g_defer_depth{0};     // DeferInterrupts in scope
std::atomic<int> g_pending_signal{0};  // the interrupt remembered meanwhile

// Removes the registered files, then ends the process with `sig`'s default action.
// Async-signal-safe.
void EndWithSignal(int sig) {
  for (int i = 0; i < kMaxInterruptPaths; ++i)
    if (g_interrupt_used[i].load() && unlink(g_interrupt_paths[i]) != 0) rmdir(g_interrupt_paths[i]);
  signal(sig, SIG_DFL);
  raise(sig);
}

void OnInterrupt(int sig) {
  int saved_errno = errno;  // the code it interrupted goes on when the interrupt is deferred
  int group = g_child_group.load();
  if (group > 0) kill(-group, SIGTERM);
  int none = 0;
  if (g_defer_depth.load() > 0 && g_pending_signal.compare_exchange_strong(none, sig)) {
    errno = saved_errno;
    return;
  }
  EndWithSignal(sig);
}

// The child's environment: ours, minus `unset`, plus `set`.
std::vector<std::string> ChildEnvironment(const ProcessOptions& o) {
  std::vector<std::string> env;
  auto named = [](const std::string& entry, const std::string& name) {
    return entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 && entry[name.size()] == '=';
  };
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    bool drop = false;
    for (const auto& n : o.unset_env) drop = drop || named(entry, n);
    for (const auto& [n, v] : o.set_env) drop = drop || named(entry, n);
    if (!drop) env.push_back(std::move(entry));
  }
  for (const auto& [n, v] : o.set_env) env.push_back(n + "=" + v);
  return env;
}

}  // namespace

bool FindExecutable(const std::string& name, std::string* path) {
  auto ok = [](const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(p.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos) {
    if (path) *path = name;
    return ok(name);
  }
  const char* env = std::getenv("PATH");
  for (const auto& dir : SplitString(env ? env : "/usr/bin:/bin", ':')) {
    std::string p = (dir.empty() ? "." : dir) + "/" + name;
    if (ok(p)) {
      if (path) *path = p;
      return true;
    }
  }
  return false;
}

ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options) {
  ProcessResult r;
  if (argv.empty()) {
    r.error = "no program given";
    return r;
  }
  int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, exec_pipe[2] = {-1, -1}, in_pipe[2] = {-1, -1};
  auto close_all = [&] {
    CloseBoth(out_pipe);
    CloseBoth(err_pipe);
    CloseBoth(exec_pipe);
    CloseBoth(in_pipe);
  };
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0 || pipe2(exec_pipe, O_CLOEXEC) != 0 ||
      (options.has_input && pipe2(in_pipe, O_CLOEXEC) != 0)) {
    r.error = std::string("pipe: ") + std::strerror(errno);
    close_all();
    return r;
  }
  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls.
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_storage = ChildEnvironment(options);
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string program = argv[0];
  if (program.find('/') == std::string::npos) FindExecutable(argv[0], &program);

  // An interrupt between fork and g_child_group.store would miss the child: the
  // interrupt signals wait (blocked) until the parent knows the child's group.
  sigset_t interrupts, previous_mask;
  sigemptyset(&interrupts);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&interrupts, sig);
  sigprocmask(SIG_BLOCK, &interrupts, &previous_mask);
  pid_t pid = fork();
  if (pid < 0) {
    sigprocmask(SIG_SETMASK, &previous_mask, nullptr);
    r.error = std::string("fork: ") + std::strerror(errno);
    close_all();
    return r;
  }
  if (pid == 0) {
    // Its own session and process group: a timeout or an interrupt stops it and its
    // children together, and it has no controlling terminal to prompt on. Our
    // interrupt handler is not its (exec would reset it, but a signal may come first):
    // the default action where the handler is ours, then the mask it had.
    setsid();
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction current {};
      if (sigaction(sig, nullptr, &current) == 0 && current.sa_handler == OnInterrupt) signal(sig, SIG_DFL);
    }
    sigprocmask(SIG_SETMASK, &previous_mask, nullptr);
    signal(SIGPIPE, SIG_DFL);
    if (options.has_input) {
      dup2(in_pipe[0], 0);
    } else {
      int devnull = open("/dev/null", O_RDONLY);
      if (devnull >= 0) dup2(devnull, 0);
    }
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    for (int fd : options.pass_fds) fcntl(fd, F_SETFD, 0);  // inherited across exec
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) {
      int e = errno;
      (void)!write(exec_pipe[1], &e, sizeof e);
      _exit(127);
    }
    execve(program.c_str(), args.data(), envp.data());
    int e = errno;  // tell the parent why exec failed through the close-on-exec pipe
    (void)!write(exec_pipe[1], &e, sizeof e);
    _exit(127);
  }
  g_child_group.store(pid);
  sigprocmask(SIG_SETMASK, &previous_mask, nullptr);
  close(out_pipe[1]);
  close(err_pipe[1]);
  close(exec_pipe[1]);
  out_pipe[1] = err_pipe[1] = exec_pipe[1] = -1;
  if (options.has_input) {
    close(in_pipe[0]);
    in_pipe[0] = -1;
    fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
  }
  // A child that stops reading its input must not kill us with SIGPIPE.
  auto old_pipe_handler = options.has_input ? signal(SIGPIPE, SIG_IGN) : SIG_ERR;
  int exec_errno = 0;
  ssize_t n = read(exec_pipe[0], &exec_errno, sizeof exec_errno);
  CloseBoth(exec_pipe);

  // Read both streams (and feed stdin) until they close or the deadline passes, so
  // neither pipe can fill up and block the child, and nothing waits forever.
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + std::chrono::milliseconds(options.timeout_ms);
  pollfd fds[3] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}, {in_pipe[1], POLLOUT, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  const size_t bounds[2] = {options.max_out_bytes, options.max_err_bytes};
  size_t fed = 0;
  if (options.has_input && options.input.empty()) {
    close(in_pipe[1]);
    in_pipe[1] = fds[2].fd = -1;
  }
  int open_fds = 2;
  char buf[65536];
  bool reaped = false;
  int status = 0;
  // Once the program itself has exited, a grandchild may still hold the pipes open
  // (a credential helper, a pager): read what is left for a moment, then stop.
  constexpr auto kDrainAfterExit = std::chrono::milliseconds(500);
  auto drain_until = Clock::time_point::max();
  while (open_fds > 0 && !r.too_large) {
    auto now = Clock::now();
    if (!reaped && waitpid(pid, &status, WNOHANG) == pid) {
      reaped = true;
      drain_until = now + kDrainAfterExit;
    }
    if (options.timeout_ms > 0 && now >= deadline) {
      r.timed_out = !reaped;
      break;
    }
    if (now >= drain_until) break;
    auto limit = std::min(drain_until, options.timeout_ms > 0 ? deadline : Clock::time_point::max());
    long long wait_ms = 100;  // wake up now and then to notice the program's exit
    if (limit != Clock::time_point::max())
      wait_ms = std::clamp<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(limit - now).count(), 0,
                                      wait_ms);
    int ready = poll(fds, 3, static_cast<int>(wait_ms));
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        size_t keep = static_cast<size_t>(got);
        if (bounds[i] > 0 && sinks[i]->size() + keep > bounds[i]) {
          keep = bounds[i] - sinks[i]->size();
          r.too_large = true;
        }
        sinks[i]->append(buf, keep);
      } else if (got == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
    if (fds[2].fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t put = write(fds[2].fd, options.input.data() + fed, options.input.size() - fed);
      if (put > 0) fed += static_cast<size_t>(put);
      if ((put < 0 && errno != EAGAIN && errno != EINTR) || fed == options.input.size()) {
        close(fds[2].fd);
        fds[2].fd = in_pipe[1] = -1;
      }
    }
  }
  // Whatever is left of the group: the program at a timeout or past its output bound, or its strays.
  if (r.timed_out || r.too_large || reaped) kill(-pid, SIGKILL);
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  while (!reaped && waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (old_pipe_handler != SIG_ERR) signal(SIGPIPE, old_pipe_handler);
  g_child_group.store(0);
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    r.error = argv[0] + ": cannot run: " + std::strerror(exec_errno);
    return r;
  }
  r.started = true;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) r.exit_code = 128 + WTERMSIG(status);
  return r;
}

int StartBackground(const std::vector<std::string>& argv, const std::string& log_path) {
  if (argv.empty()) return -1;
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int in = open("/dev/null", O_RDONLY);
    if (in >= 0) dup2(in, 0);
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execvp(args[0], args.data());
    _exit(127);
  }
  if (pid > 0) setpgid(pid, pid);
  return pid;
}

void StopBackground(int pid) {
  if (pid <= 0) return;
  kill(-pid, SIGTERM);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

void InstallInterruptHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
}

void RemoveOnInterrupt(const std::string& path) {
  if (path.size() >= kMaxInterruptPath) return;
  for (int i = 0; i < kMaxInterruptPaths; ++i) {
    if (g_interrupt_used[i].load()) continue;
    std::memcpy(g_interrupt_paths[i], path.c_str(), path.size() + 1);
    g_interrupt_used[i].store(true);
    return;
  }
}

void ForgetOnInterrupt(const std::string& path) {
  for (int i = 0; i < kMaxInterruptPaths; ++i)
    if (g_interrupt_used[i].load() && path == g_interrupt_paths[i]) g_interrupt_used[i].store(false);
}

DeferInterrupts::DeferInterrupts() { g_defer_depth.fetch_add(1); }
DeferInterrupts::~DeferInterrupts() { g_defer_depth.fetch_sub(1); }

int InterruptSignal() { return g_pending_signal.load(); }

void EndIfInterrupted() {
  int sig = g_pending_signal.load();
  if (sig == 0) return;
  std::fflush(nullptr);
  EndWithSignal(sig);
  _exit(128 + sig);  // the default action of these signals ends the process; never reached
}

void ClearInterruptForTesting() { g_pending_signal.store(0); }

int MemoryFile(const std::string& name, const std::string& contents) {
  int fd = memfd_create(name.c_str(), MFD_CLOEXEC);
  if (fd < 0) return -1;
  fchmod(fd, 0600);
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t w = write(fd, contents.data() + done, contents.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      close(fd);
      return -1;
    }
    done += static_cast<size_t>(w);
  }
  lseek(fd, 0, SEEK_SET);
  return fd;
}

}  // namespace bp
