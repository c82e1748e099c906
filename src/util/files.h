// File helpers that keep the "nothing half-written" rule: output goes to a
// temporary sibling and is renamed into place only when complete.
#pragma once
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

// Replaces `path` in one step: writes a temporary sibling, then renames it over.
// When `path` is a symlink, the file it points to is replaced (the link stays). An
// existing file keeps its mode and, where allowed, its owner; a read-only file (no
// owner write bit, or not writable by this user) is refused and left alone.
bool WriteFileAtomic(const std::string& path, const std::string& contents, Diagnostics* diags);

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
