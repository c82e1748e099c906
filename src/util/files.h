// File helpers that keep the "nothing half-written" rule: output goes to a
// temporary sibling and is renamed into place only when complete.
#pragma once
#include <signal.h>

#include <cstddef>
#include <string>

#include "util/diag.h"

namespace bp {

// Reads files larger than this only when the caller asks for more.
inline constexpr size_t kDefaultReadLimit = 16u << 20;  // 16 MiB

// Reads a regular file (symlinks followed) of at most `max_bytes`. A directory, a
// device, a FIFO or a socket is refused without opening it for long (no hang on
// /dev/zero or a FIFO), as is a larger file. Failures go to `diags` (no location; the
// message starts with the path), as for the other functions here.
bool ReadFile(const std::string& path, std::string* contents, Diagnostics* diags,
              size_t max_bytes = kDefaultReadLimit);

// What WriteFileAtomic does with a symlink at `path`.
enum class AtLink {
  kFollow,   // replace the file it points to; the link stays (a user's stack.yaml)
  kReplace,  // replace the link itself with a regular file; what it points to is untouched
             // (the tool's own records, which must never write where a link sends them)
};

// Replaces `path` in one step: writes a temporary sibling, then renames it over.
// A symlink at `path` is followed or replaced, as `at_link` says. An existing file
// keeps its mode and, where allowed, its owner; a read-only file (no owner write bit,
// or not writable by this user) is refused and left alone. SIGINT, SIGTERM, SIGHUP and
// SIGQUIT wait while the temporary file exists (SignalsHeld), so an interrupt never
// leaves one behind: the write completes or is undone, then the signal acts.
bool WriteFileAtomic(const std::string& path, const std::string& contents, Diagnostics* diags,
                     AtLink at_link = AtLink::kFollow);

// While one exists, SIGINT, SIGTERM, SIGHUP and SIGQUIT are held (blocked) in this
// thread and act when it ends: for the short stretch in which a temporary file or
// folder exists beside the user's files. Nests.
class SignalsHeld {
 public:
  SignalsHeld();
  ~SignalsHeld();
  SignalsHeld(const SignalsHeld&) = delete;
  SignalsHeld& operator=(const SignalsHeld&) = delete;

 private:
  sigset_t previous_;
};

// Tests only: called with the temporary file's path once WriteFileAtomic created it,
// before it is written; how a test interrupts a write halfway. nullptr: none.
void SetWriteHookForTesting(void (*hook)(const std::string& temporary_path));

// An exclusive advisory lock (flock) on `<dir>/.<name>.lock` beside `path`, for
// read-modify-write of `path`. Waits up to `wait_ms` for another holder.
class FileLock {
 public:
  FileLock() = default;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();
  bool Acquire(const std::string& path, int wait_ms, Diagnostics* diags);

 private:
  int fd_ = -1;
};

}  // namespace bp
