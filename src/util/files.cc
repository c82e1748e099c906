#include "util/files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace bp {

namespace {

std::string Reason(int e) {
  if (e == ELOOP) return std::string(std::strerror(e)) + " (a symlink loop?)";
  return std::strerror(e);
}

std::string KindOf(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO (named pipe)";
  if (S_ISCHR(m) || S_ISBLK(m)) return "a device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

std::string Size(size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

// `path` with every symlink resolved, so the file they point to is what is replaced.
// A path that does not exist yet is returned as is.
bool ResolveTarget(const std::string& path, std::string* target, Diagnostics* diags) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      *target = path;
      return true;
    }
    diags->Error({}, "", path + ": cannot write: " + Reason(errno));
    return false;
  }
  if (!S_ISLNK(st.st_mode)) {
    *target = path;
    return true;
  }
  char buf[PATH_MAX];
  if (!realpath(path.c_str(), buf)) {
    diags->Error({}, "", path + ": cannot follow the symlink: " + Reason(errno));
    return false;
  }
  *target = buf;
  return true;
}

}  // namespace

bool ReadFile(const std::string& path, std::string* contents, Diagnostics* diags, size_t max_bytes) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    diags->Error({}, "", path + ": cannot read: " + Reason(errno));
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    diags->Error({}, "", path + ": is " + KindOf(st.st_mode) + ", not a file; expected a regular file");
    return false;
  }
  // O_NONBLOCK: should the path become a FIFO after stat, open must not wait for a writer.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    diags->Error({}, "", path + ": cannot read: " + Reason(errno));
    return false;
  }
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    diags->Error({}, "", path + ": is " + KindOf(st.st_mode) + ", not a file; expected a regular file");
    close(fd);
    return false;
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      diags->Error({}, "", path + ": cannot read: " + Reason(errno));
      close(fd);
      return false;
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      diags->Error({}, "", path + ": larger than " + Size(max_bytes) + ", the most this file may hold; is it the right file?");
      close(fd);
      return false;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  *contents = std::move(out);
  return true;
}

SignalsHeld::SignalsHeld() {
  sigset_t held;
  sigemptyset(&held);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&held, sig);
  pthread_sigmask(SIG_BLOCK, &held, &previous_);
}

SignalsHeld::~SignalsHeld() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

namespace {
void (*g_write_hook)(const std::string&) = nullptr;
}  // namespace

void SetWriteHookForTesting(void (*hook)(const std::string& temporary_path)) { g_write_hook = hook; }

bool WriteFileAtomic(const std::string& path, const std::string& contents, Diagnostics* diags, AtLink at_link) {
  std::string target = path;
  if (at_link == AtLink::kFollow && !ResolveTarget(path, &target, diags)) return false;
  // A link left at `target` (AtLink::kReplace) counts as absent: the rename replaces it.
  struct stat st;
  bool existed = lstat(target.c_str(), &st) == 0 && !S_ISLNK(st.st_mode);
  if (existed) {
    if (!S_ISREG(st.st_mode)) {
      diags->Error({}, "", target + ": is " + KindOf(st.st_mode) + ", not a file; nothing was written");
      return false;
    }
    if (!(st.st_mode & S_IWUSR) || access(target.c_str(), W_OK) != 0) {
      diags->Error({}, "", target + ": is read-only; nothing was written (make it writable, e.g. chmod u+w, to allow the change)");
      return false;
    }
  }
  SignalsHeld held;  // from here until the temporary file is renamed or removed
  std::string tmpl = target + ".tmp-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0) {
    diags->Error({}, "", target + ": cannot create a temporary file beside it: " + Reason(errno));
    return false;
  }
  std::string tmp = name.data();
  if (g_write_hook) g_write_hook(tmp);
  auto fail = [&](const std::string& what) {
    diags->Error({}, "", what + ": " + Reason(errno));
    close(fd);
    unlink(tmp.c_str());
    return false;
  };
  // The new file gets the old one's mode and owner; a new file the usual 0666 & ~umask.
  mode_t mode;
  if (existed) {
    mode = st.st_mode & 07777;
    if (fchown(fd, st.st_uid, st.st_gid) != 0 && errno != EPERM) return fail(tmp + ": cannot set the owner");
  } else {
    mode_t mask = umask(0);
    umask(mask);
    mode = 0666 & ~mask;
  }
  if (fchmod(fd, mode) != 0) return fail(tmp + ": cannot set the mode");
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(tmp + ": write failed");
    done += static_cast<size_t>(n);
  }
  if (close(fd) != 0) {
    diags->Error({}, "", tmp + ": write failed: " + Reason(errno));
    unlink(tmp.c_str());
    return false;
  }
  if (std::rename(tmp.c_str(), target.c_str()) != 0) {
    diags->Error({}, "", target + ": cannot rename into place: " + Reason(errno));
    unlink(tmp.c_str());
    return false;
  }
  return true;
}

FileLock::~FileLock() {
  if (fd_ >= 0) close(fd_);  // closing releases the flock
}

bool FileLock::Acquire(const std::string& path, int wait_ms, Diagnostics* diags) {
  std::string target;
  if (!ResolveTarget(path, &target, diags)) return false;
  size_t slash = target.rfind('/');
  std::string dir = slash == std::string::npos ? "." : target.substr(0, slash);
  std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
  std::string lock = dir + "/." + base + ".lock";
  fd_ = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd_ < 0) {
    diags->Error({}, "", lock + ": cannot create the lock file: " + Reason(errno));
    return false;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      diags->Error({}, "", lock + ": cannot lock: " + Reason(errno));
      return false;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      diags->Error({}, "", path + ": another blueprint command has been editing it for " + std::to_string(wait_ms / 1000) +
                         " s (lock " + lock + "); try again when it is done");
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace bp
